"""runbook similarity: clone clusters, shared fragments, families, opportunities (notebook 02)."""

from __future__ import annotations

import argparse
from typing import Any

from runbook_lib.cli.common import gather, run_or_direct, step_options


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = sub.add_parser(
        "similarity", help="find duplicate clusters, shared fragments and same-job families "
        "(notebook 02)",
        description="Write clusters.csv, pairs.csv, fragments.csv, families.csv and "
        "opportunities.csv into the workspace (after `runbook discover`).",
    )
    parser.add_argument("--threshold", type=float, help="near-miss similarity threshold (0.7)")
    parser.add_argument("--min-fragment-lines", type=int, help="shortest shared block (6)")
    parser.add_argument("--no-cache", dest="cache", action="store_const", const=False,
                        help="normalise every script and compute every table again (default: "
                        "reuse the last run's work on unchanged input, kept in WORKSPACE/cache)")
    step_options(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from runbook_lib.archive import params
    from runbook_lib.similarity import SimilarityParams

    values = gather(args, {"threshold": args.threshold,
                           "min_fragment_lines": args.min_fragment_lines,
                           "cache": args.cache})
    checked = params.build(SimilarityParams, values)
    return run_or_direct("similarity", args, checked, _direct)


def _direct(checked: Any, progress: Any) -> str:
    from runbook_lib.similarity import run_similarity

    result = run_similarity(checked.workspace, checked, progress)
    counts = result.counts  # not the frames: a rerun that reused them never reads them
    return (f"{counts['clusters']} clusters, {counts['fragment_copies']} fragment copies, "
            f"{counts['opportunities']} opportunities -> {checked.workspace}")
