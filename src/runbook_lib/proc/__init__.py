"""The edge that runs external programs: `run` here (argument lists only, failures become
errors), and one module per tool that needs more (shellcheck).

May use: core.
"""

from __future__ import annotations

import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from runbook_lib.core.errors import RunbookError


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
) -> Completed:
    try:
        proc = subprocess.run(
            list(args), cwd=cwd, env=env, input=input_text, capture_output=True,
            text=True, errors="replace", timeout=timeout, check=False,
        )
    except FileNotFoundError as exc:
        raise RunbookError(f"{args[0]} is not installed or not on PATH") from exc
    except subprocess.TimeoutExpired as exc:
        raise RunbookError(f"{' '.join(args)} did not finish in {timeout} s") from exc
    done = Completed(tuple(args), proc.returncode, proc.stdout, proc.stderr)
    if check and proc.returncode != 0:
        detail = (proc.stderr or proc.stdout).strip().splitlines()
        last = detail[-1] if detail else "no output"
        raise RunbookError(f"{' '.join(args[:3])} failed (exit {proc.returncode}): {last}")
    return done


def run_bytes(args: Sequence[str], cwd: Path | None = None, env: dict[str, str] | None = None,
              input_bytes: bytes | None = None) -> bytes:
    """Like run(check=True), for output that must stay bytes (patches of any encoding)."""
    try:
        proc = subprocess.run(list(args), cwd=cwd, env=env, input=input_bytes,
                              capture_output=True, check=False)
    except FileNotFoundError as exc:
        raise RunbookError(f"{args[0]} is not installed or not on PATH") from exc
    if proc.returncode != 0:
        last = proc.stderr.decode("utf-8", "replace").strip().splitlines() or ["no output"]
        raise RunbookError(f"{' '.join(args[:3])} failed (exit {proc.returncode}): {last[-1]}")
    return proc.stdout
