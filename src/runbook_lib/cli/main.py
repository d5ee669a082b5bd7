"""`runbook`: a thin command line over the library; the one place that maps errors to exits."""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from runbook_lib import __version__
from runbook_lib.core.errors import RunbookError

Handler = Callable[[argparse.Namespace], int]
PIPE_CLOSED = 141  # 128 + SIGPIPE, what a shell reports for a command killed by one


def main(argv: Sequence[str] | None = None) -> int:
    try:
        return _main(argv)
    except BrokenPipeError:
        # the reader went away (`runbook ... | head`): what the command did stands, and only
        # its output is cut short; stdout goes to /dev/null so the exit flush cannot fail too
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, sys.stdout.fileno())
        os.close(null)
        print("runbook: output cut short: the reading end of the pipe was closed",
              file=sys.stderr)
        return PIPE_CLOSED


def _main(argv: Sequence[str] | None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help()
        return 2
    message = ""
    try:
        code: int = args.handler(args)
    except RunbookError as exc:
        message = str(exc)
        print(f"runbook: {message}", file=sys.stderr)
        code = exc.exit_code
    except KeyboardInterrupt:
        message = "interrupted"
        print("runbook: interrupted", file=sys.stderr)
        code = 130
    _record(args, list(argv if argv is not None else sys.argv[1:]), code, message)
    return code


def _record(args: argparse.Namespace, argv: list[str], code: int, message: str) -> None:
    """Every command on a workspace leaves its command line and result in audit.jsonl."""
    folder = getattr(args, "workspace", None)
    if folder is None or not Path(folder).is_dir():
        return
    from runbook_lib.core import auditlog

    result = {0: "ok", 1: "failed", 2: "refused"}.get(code, f"exit {code}")
    # a read-only workspace: the command itself has already said what happened
    with contextlib.suppress(OSError):
        auditlog.append(Path(folder).resolve(), "command", argv=argv, exit_code=code,
                     result=result, message=message)


def build_parser() -> argparse.ArgumentParser:
    from runbook_lib.cli import (
        audit,
        batch,
        demo,
        discover,
        explain,
        plan,
        report,
        runall,
        safety,
        sample,
        similarity,
        snapshots,
        usage,
    )

    parser = argparse.ArgumentParser(
        prog="runbook",
        description="Safe consolidation of sprawling script collections, run as notebooks.",
    )
    parser.add_argument("--version", action="version", version=f"runbook {__version__}")
    sub = parser.add_subparsers(title="commands", metavar="COMMAND")
    for module in (sample, discover, similarity, plan, usage, batch, safety, demo, snapshots,
                   report, audit, runall, explain):
        module.register(sub)
    return parser

