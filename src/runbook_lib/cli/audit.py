"""runbook audit verify: recompute the audit chain, every manifest and every archived file."""

from __future__ import annotations

import argparse
from pathlib import Path


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = sub.add_parser(
        "audit", help="check the audit trail: hash chain, manifests, archived files",
        description="Tamper evidence for a workspace's audit.jsonl and archive/.",
    )
    actions = parser.add_subparsers(title="actions", metavar="ACTION")
    verify = actions.add_parser(
        "verify", help="recompute the chain and every hash; name what does not match",
        description="Recompute the sha256 chain of audit.jsonl, each run-end record's manifest "
        "hash and the sha256 of every archived file. Exit 0 when everything matches, 1 with "
        "one line per mismatch (record, manifest or file).",
    )
    verify.add_argument("--workspace", type=Path, required=True, help="campaign workspace")
    verify.set_defaults(handler=run_verify)
    parser.set_defaults(handler=lambda _args: _usage(parser))


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return 2


def run_verify(args: argparse.Namespace) -> int:
    from runbook_lib.archive import audit
    from runbook_lib.core import auditlog
    from runbook_lib.core.errors import BadInput

    ws = args.workspace.resolve()
    if not ws.is_dir():
        raise BadInput(f"--workspace {args.workspace}: no such folder")
    problems = audit.verify(ws)
    for line in problems:
        print(f"MISMATCH {line}")
    runs = len(list((ws / "archive").glob("*/")))
    if problems:
        print(f"audit verify: {len(problems)} problem(s) in {ws}")
        return 1
    print(f"audit verify: ok: {runs} archived runs, chain head {auditlog.head(ws)}")
    return 0
