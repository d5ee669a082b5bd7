"""runbook usage: gather the usage records of quarantined scripts and shims into usage.csv."""

from __future__ import annotations

import argparse
from pathlib import Path


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = sub.add_parser(
        "usage", help="gather the uses that quarantined scripts and shims recorded",
        description="Read the usage records (runbook-usage lines) from each SOURCE and merge "
        "them into WS/usage.csv, one row per use; the next `runbook plan` retires a "
        "quarantined script or a shim only when none was recorded for observe_days.")
    parser.add_argument("--workspace", type=Path, required=True,
                        help="campaign workspace folder")
    parser.add_argument("--from", dest="sources", action="append", required=True,
                        metavar="SOURCE", help="a log file or a glob of them (.gz too), "
                        "`journal` (or journal:DIR), or docker:CONTAINER[:PATH]; repeatable")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from runbook_lib.core.errors import BadInput
    from runbook_lib.execution import lock
    from runbook_lib.planning.usage import UsageParams, gather

    ws = args.workspace.resolve()
    if not ws.is_dir():  # before the lock, which would create its file there
        raise BadInput(f"--workspace {args.workspace}: no such folder")
    with lock.workspace_lock(ws, "usage"):
        done = gather(UsageParams(ws, list(args.sources)))
    per = ", ".join(f"{n} from {s}" for s, n in done["sources"].items())
    print(f"{done['records']} use(s) of {done['scripts']} script(s) in {ws}/usage.csv "
          f"({done['new']} new; {per})")
    return 0
