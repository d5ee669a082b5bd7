"""The edge that runs external programs: `run` here (argument lists only, failures become
errors), and one module per tool that needs more (shellcheck).

May use: core.
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from runbook_lib.core.errors import RunbookError

# Called with the child's pid once it runs (the program has been exec'd), before its output
# is read: the hook the test-only crash switch of gitops.runner needs.
Started = Callable[[int], None]


@dataclass(frozen=True)
class Completed:
    args: tuple[str, ...]
    returncode: int
    stdout: str
    stderr: str


def run(
    args: Sequence[str],
    cwd: Path | None = None,
    check: bool = True,
    env: dict[str, str] | None = None,
    input_text: str | None = None,
    timeout: float | None = None,
    started: Started | None = None,
    what: str = "",
) -> Completed:
    """Run a program; `what` names it in the error (default: its first three words)."""
    code, out, err = _communicate(args, cwd, env, input_text, timeout, started, text=True)
    done = Completed(tuple(args), code, out, err)
    if check and code != 0:
        detail = (err or out).strip().splitlines()
        last = detail[-1] if detail else "no output"
        raise RunbookError(f"{what or ' '.join(args[:3])} failed (exit {code}): {last}")
    return done


def run_bytes(args: Sequence[str], cwd: Path | None = None, env: dict[str, str] | None = None,
              input_bytes: bytes | None = None, started: Started | None = None,
              what: str = "") -> bytes:
    """Like run(check=True), for output that must stay bytes (patches of any encoding)."""
    code, out, err = _communicate(args, cwd, env, input_bytes, None, started, text=False)
    if code != 0:
        last = err.decode("utf-8", "replace").strip().splitlines() or ["no output"]
        raise RunbookError(f"{what or ' '.join(args[:3])} failed (exit {code}): {last[-1]}")
    return bytes(out)


def _communicate(args: Sequence[str], cwd: Path | None, env: dict[str, str] | None,
                 data: Any, timeout: float | None, started: Started | None,
                 text: bool) -> tuple[int, Any, Any]:
    text_args: dict[str, Any] = {"text": True, "errors": "replace"} if text else {}
    try:
        proc = subprocess.Popen(
            list(args), cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            stdin=subprocess.PIPE if data is not None else None, **text_args)
    except FileNotFoundError as exc:
        raise RunbookError(f"{args[0]} is not installed or not on PATH") from exc
    with proc:
        if started is not None:
            started(proc.pid)
        try:
            out, err = proc.communicate(data, timeout=timeout)
        except subprocess.TimeoutExpired as exc:
            proc.kill()
            proc.communicate()
            raise RunbookError(f"{' '.join(args)} did not finish in {timeout} s") from exc
    return proc.returncode, out, err
