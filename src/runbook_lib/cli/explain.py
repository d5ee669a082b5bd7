"""runbook explain: everything the workspace knows about one script."""

from __future__ import annotations

import argparse
from pathlib import Path


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = sub.add_parser(
        "explain", help="everything known about one script: callers, copies, plan action",
        description="Print a script's inventory row, each reference to it with the rule that "
        "resolved it, what it calls, its cluster or family, and the plan's action on it with "
        "the reason (or why no action touches it). Reads the workspace; changes nothing.",
    )
    parser.add_argument("--workspace", type=Path, required=True, help="campaign workspace")
    parser.add_argument("path", help="the script: repo-relative, or a path inside the repo")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from runbook_lib.views import explain

    print(explain.as_text(explain.explain(args.workspace.resolve(), args.path)))
    return 0
