"""runbook batch: execute one approved batch (notebook 04)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from runbook_lib.cli.common import gather, step_options


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = sub.add_parser(
        "batch", help="checkpoint, apply in a worktree, validate, then promote or roll back "
        "(notebook 04)",
        description="Execute batch N of the approved plan. Exit 0 when promoted (or already "
        "promoted), 1 when validation rolled it back, 2 when refused (nothing changed).",
    )
    parser.add_argument("--batch", type=int, help="batch number")
    step_options(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from runbook_lib.archive import params, runner
    from runbook_lib.core import workspace
    from runbook_lib.core.workspace import batch_dir
    from runbook_lib.execution.batch import BatchParams, preflight, run_batch
    from runbook_lib.views import progress

    checked = params.build(BatchParams, gather(args, {"batch": args.batch}))
    runner.check_inputs("batch", checked.workspace.resolve())
    if args.direct:
        progress.bars(False)
        return _report(run_batch(checked).__dict__)
    ws = workspace.prepare(checked.workspace)
    already = preflight(checked)
    if already is not None:
        return _report(already.__dict__)
    record = runner.run_step("batch", params.as_plain(checked), ws,
                             label=f"batch-{checked.batch:03d}")
    result = batch_dir(ws, checked.batch) / "validation.json"
    if record.status != "ok" and not result.exists():
        print(f"runbook: batch failed: {record.error}; archived: {record.folder}",
              file=sys.stderr)
        return 2 if "BadInput" in record.error else 1
    code = _report(workspace.read_json(result))
    print(f"executed notebook: {record.notebook}")
    return code


def _report(outcome: dict[str, Any]) -> int:
    print(f"batch {outcome['batch']}: {outcome['message']}")
    for check in outcome.get("checks", []):
        print(f"  {check['status']:<4} {check['name']}")
    return 1 if outcome["status"] == "rolled_back" else 0
