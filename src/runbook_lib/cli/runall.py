"""runbook run-all: every step of one or more parameter sets, in order, from YAML files."""

from __future__ import annotations

import argparse
from pathlib import Path


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = sub.add_parser(
        "run-all", help="run discovery, similarity, plan, batches and report from a folder "
        "of YAML files (parameter sets in parallel processes)",
        description="Run the steps whose files are in DIR, in order: discovery.yaml, "
        "similarity.yaml, plan.yaml, batch*.yaml (in name order), report.yaml. Each "
        "subfolder holding such files is another parameter set (its own workspace), run in "
        "its own process. A set stops at its first failed step and prints its archive path. "
        "Exit 0 when every step passed, else the first failure's exit code.",
    )
    parser.add_argument("--params-dir", type=Path, required=True, metavar="DIR",
                        help="folder of step YAML files (params/)")
    parser.add_argument("--jobs", type=int, default=0,
                        help="parameter sets run at once (0 = one per core)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from runbook_lib.archive.runall import run_all

    results = run_all(args.params_dir, args.jobs, print)
    return max((r.exit_code for r in results), default=0)
