"""runbook sample: write the bundled sample sprawl repository."""

from __future__ import annotations

import argparse
from pathlib import Path


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = sub.add_parser(
        "sample", help="generate the sample sprawl repository (a git repo) and its ground truth",
        description="Generate a deterministic git repository that looks like an ops monorepo "
        "grown for years, with its ground truth in <out>.truth.json.",
    )
    parser.add_argument("--out", type=Path, required=True, help="folder to create (must be empty)")
    parser.add_argument("--scripts", type=int, default=300, help="about how many scripts (300)")
    parser.add_argument("--seed", type=int, default=7, help="random seed (7)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from runbook_lib.core.errors import BadInput
    from runbook_lib.sample import generate

    if args.scripts < 1:
        raise BadInput("--scripts must be at least 1")
    result = generate(args.out, scripts=args.scripts, seed=args.seed)
    print(f"sample repo: {result.repo} ({result.scripts} scripts, {result.references} references)")
    print(f"ground truth: {result.truth}")
    return 0
