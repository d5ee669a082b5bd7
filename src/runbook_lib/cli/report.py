"""runbook report: the campaign's success criteria, batches and archived runs (notebook 05)."""

from __future__ import annotations

import argparse
from typing import Any

from runbook_lib.cli.common import gather, step_options


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = sub.add_parser(
        "report", help="success criteria measured, batch timeline, links to every run "
        "(notebook 05)",
        description="Read plan.json, batches/, rollbacks/, archive/ and audit.jsonl and report "
        "each success criterion with its measured value and pass, fail or n/a. Prints the "
        "path of the report's HTML file. Exit 0 when no criterion fails, 1 otherwise.",
    )
    parser.add_argument("--target-scripts", type=int, help="scripts goal (0 = the plan's)")
    step_options(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from runbook_lib.archive import params, report, runner
    from runbook_lib.core import workspace

    checked = params.build(report.ReportParams,
                           gather(args, {"target_scripts": args.target_scripts}))
    runner.check_inputs("report", checked.workspace.resolve())
    if args.direct:
        return _print(report.criteria(report.load(checked.workspace), checked))
    ws = workspace.prepare(checked.workspace)
    record = runner.run_step("report", params.as_plain(checked), ws)
    if record.status != "ok":
        print(f"runbook: report failed: {record.error}\narchived: {record.folder}")
        return record.exit_code
    print(f"report: {record.html or record.notebook}")
    return _print(report.criteria(report.load(ws, running=()), checked))


def _print(frame: Any) -> int:
    for row in frame.itertuples():
        print(f"  {row.result:<4} {row.criterion}: {row.measured} (target {row.target})")
    return 1 if (frame["result"] == "fail").any() else 0
