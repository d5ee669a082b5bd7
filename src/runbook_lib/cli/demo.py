"""runbook demo: every step on the bundled sample repository, through the notebooks."""

from __future__ import annotations

import argparse
from pathlib import Path


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = sub.add_parser(
        "demo", help="run every step on the sample repository, through papermill",
        description="Generate the sample repo in DIR/repo, use DIR/workspace, run the steps "
        "through their notebooks and print where the executed notebooks are.",
    )
    parser.add_argument("--dir", type=Path, default=Path("demo"), help="demo folder (demo/)")
    parser.add_argument("--scripts", type=int, default=300, help="sample size (300)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from runbook_lib import demo

    for line in demo.run_demo(args.dir, args.scripts, print):
        print(line)
    return 0
