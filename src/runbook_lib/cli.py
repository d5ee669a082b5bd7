"""`runbook`: a thin command line over the library; the one place that maps errors to exits."""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from runbook_lib import __version__
from runbook_lib.errors import BadInput, RunbookError

Handler = Callable[[argparse.Namespace], int]


def main(argv: Sequence[str] | None = None) -> int:
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
    from runbook_lib import audit

    result = {0: "ok", 1: "failed", 2: "refused"}.get(code, f"exit {code}")
    # a read-only workspace: the command itself has already said what happened
    with contextlib.suppress(OSError):
        audit.append(Path(folder).resolve(), "command", argv=argv, exit_code=code,
                     result=result, message=message)


def build_parser() -> argparse.ArgumentParser:
    from runbook_lib.commands import register_all

    parser = argparse.ArgumentParser(
        prog="runbook",
        description="Safe consolidation of sprawling script collections, run as notebooks.",
    )
    parser.add_argument("--version", action="version", version=f"runbook {__version__}")
    sub = parser.add_subparsers(title="commands", metavar="COMMAND")
    register_all(sub)
    return parser


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
    from runbook_lib import params

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


if __name__ == "__main__":
    sys.exit(main())
