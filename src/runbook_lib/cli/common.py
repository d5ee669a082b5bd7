"""What the step commands share: papermill-style options, then the notebook or the library."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from runbook_lib.archive import params as params_mod
from runbook_lib.core.errors import BadInput
from runbook_lib.core.parallel import Progress

Direct = Callable[[Any, Progress | None], str]


def run_or_direct(step: str, args: argparse.Namespace, checked: Any, direct: Direct,
                  label: str = "") -> int:
    from runbook_lib.archive import runner
    from runbook_lib.core import workspace
    from runbook_lib.views import progress

    runner.check_inputs(step, checked.workspace.resolve())
    if args.direct:
        print(direct(checked, progress.bars(not args.no_progress)))
        return 0
    repo = getattr(checked, "repo", None)
    ws = workspace.prepare(checked.workspace, workspace.check_repo(repo) if repo else None)
    record = runner.run_step(step, params_mod.as_plain(checked), ws, label=label)
    if record.status != "ok":
        print(f"runbook: {step} failed: {record.error}; archived: {record.folder}",
              file=sys.stderr)
        return 1
    print(f"{step} done; executed notebook: {record.notebook}")
    return 0


def step_options(parser: argparse.ArgumentParser) -> None:
    """Options every notebook step shares: papermill-style parameters and --direct."""
    parser.add_argument("--workspace", type=Path,
                        help="campaign workspace folder (outside the repo)")
    parser.add_argument("-f", "--parameters-file", type=Path, action="append", default=[],
                        metavar="FILE", help="YAML parameters file (as papermill -f)")
    parser.add_argument("-p", "--parameter", nargs=2, action="append", default=[],
                        metavar=("KEY", "VALUE"), help="one parameter (as papermill -p)")
    parser.add_argument("--direct", action="store_true",
                        help="call the library in process; no notebook, nothing archived")
    parser.add_argument("--no-progress", action="store_true", help="no progress bars")


def gather(args: argparse.Namespace, flags: dict[str, Any]) -> dict[str, Any]:
    """Parameters: files first, then -p pairs, then explicit flags (later wins)."""
    from runbook_lib.archive import params

    values: dict[str, Any] = {}
    for path in args.parameters_file:
        values.update(params.load_yaml(path))
    for key, raw in args.parameter:
        values[key] = params.parse_value(raw)
    values.update({k: v for k, v in flags.items() if v not in (None, [], ())})
    if args.workspace is not None:
        values["workspace"] = str(args.workspace)
    if "workspace" not in values:
        raise BadInput("--workspace is required (or `workspace` in a parameters file)")
    return values
