"""runbook discover: inventory, references and risk flags (notebook 01)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from runbook_lib.cli.common import gather, run_or_direct, step_options


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = sub.add_parser(
        "discover", help="inventory every script, its callers and its risk flags (notebook 01)",
        description="Write inventory.csv, references.csv and skipped.csv into the workspace.",
    )
    parser.add_argument("--repo", type=Path, help="the repository (or any folder) to discover")
    parser.add_argument("--deploy-root", action="append", default=[], dest="deploy_roots",
                        metavar="PATH", help="absolute path the repo is deployed at (repeatable)")
    parser.add_argument("--max-bytes", type=int, help="skip files larger than this (1000000)")
    parser.add_argument("--include", action="append", default=[], metavar="GLOB")
    parser.add_argument("--exclude", action="append", default=[], metavar="GLOB")
    parser.add_argument("--workers", type=int, help="processes (0 = one per core)")
    parser.add_argument("--no-cache", dest="cache", action="store_const", const=False,
                        help="scan every file again (default: reuse the last run's scans of "
                        "unchanged files, kept in WORKSPACE/cache)")
    step_options(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from runbook_lib.archive import params
    from runbook_lib.discovery import discover

    values = gather(args, {
        "repo": str(args.repo) if args.repo else None, "deploy_roots": args.deploy_roots,
        "max_bytes": args.max_bytes, "include": args.include, "exclude": args.exclude,
        "workers": args.workers, "cache": args.cache,
    })
    checked = params.build(discover.DiscoveryParams, values)
    code = run_or_direct("discovery", args, checked, _direct)
    for warning in _warnings(checked.workspace):
        print(f"runbook: warning: {warning}", file=sys.stderr)
    return code


def _warnings(ws: Path) -> list[str]:
    """What discovery wants the user to know (a listing that was not git's, no script)."""
    try:
        data = json.loads((ws / "discovery.json").read_text("utf-8"))
    except (OSError, ValueError):
        return []
    return [str(w) for w in data.get("warnings", [])]


def _direct(checked: object, progress: object) -> str:
    from runbook_lib.discovery import discover

    assert isinstance(checked, discover.DiscoveryParams)
    result = discover.run_discovery(checked, progress)  # type: ignore[arg-type]
    notes = "".join(f"\nnote: {n}" for n in result.notes)
    return (f"{len(result.inventory_rows)} scripts, {len(result.reference_rows)} references "
            f"({result.dangling()} dangling), {result.orphans()} orphans, "
            f"{len(result.skipped_rows)} skipped "
            f"in {result.seconds:.1f} s -> {result.workspace}{notes}")
