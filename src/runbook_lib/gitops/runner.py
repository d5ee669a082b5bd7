"""The one module that runs git: every git command of the product starts here.

Two test switches live here because every git command passes through (both read from the
environment at each command, so a test sets them on the process it starts):
- RUNBOOK_KILL_GIT="NAME[#N][@end]" SIGKILLs the whole process group right after the N-th
  (default first) git command called NAME has started (with @end: right after it exited,
  before its caller saw the result). NAME is the subcommand, plus the verb for `worktree`
  ("worktree add"), as `command_name` gives it. Crash tests use it to stop a run inside a
  named git command without depending on timing.
- RUNBOOK_GIT_TRACE=FILE appends a line when a git command starts and one when it ends:
  time, pid, `start` or `end`, NAME.
"""

from __future__ import annotations

import os
import signal
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from runbook_lib.proc import Completed, Started, run, run_bytes

KILL_ENV = "RUNBOOK_KILL_GIT"
TRACE_ENV = "RUNBOOK_GIT_TRACE"

# The user's hooks are scripts of theirs: never run them outside the sandbox. Signing could
# prompt for a passphrase and hang a headless run; auto gc must not race our ref updates.
SAFE_CONFIG = ("-c", "core.hooksPath=/dev/null", "-c", "commit.gpgSign=false",
               "-c", "gc.auto=0", "--literal-pathspecs")
# Subcommands whose first word after them names what they do.
VERBS = {"worktree"}

_seen: Counter[str] = Counter()


def git(cwd: Path, *args: str, check: bool = True, input_text: str | None = None,
        env: dict[str, str] | None = None) -> Completed:
    """`git -C cwd ARGS` with SAFE_CONFIG; RunbookError when it fails and check is set."""
    name, hook = _prepare(args)
    try:
        return run(["git", *SAFE_CONFIG, "-C", str(cwd), *args], check=check, env=env,
                   input_text=input_text, started=hook, what=f"git {name}")
    finally:
        _ended(name)


def git_bytes(cwd: Path, *args: str, env: dict[str, str] | None = None,
              input_bytes: bytes | None = None) -> bytes:
    """Like git(check=True) for output that must stay bytes (patches of any encoding)."""
    name, hook = _prepare(args)
    try:
        return run_bytes(["git", *SAFE_CONFIG, "-C", str(cwd), *args], env=env,
                         input_bytes=input_bytes, started=hook, what=f"git {name}")
    finally:
        _ended(name)


def command_name(args: Sequence[str]) -> str:
    """The name a kill point uses: the subcommand, with its verb for `worktree`."""
    rest = list(args)
    while rest and rest[0].startswith("-"):
        rest = rest[2:] if rest[0] in ("-c", "-C") else rest[1:]
    if not rest:
        return "git"
    if rest[0] in VERBS and len(rest) > 1:
        return f"{rest[0]} {rest[1]}"
    return rest[0]


def _prepare(args: Sequence[str]) -> tuple[str, Started | None]:
    """Count and trace the command; the kill hook when the switch names this occurrence."""
    name = command_name(args)
    _seen[name] += 1
    _trace("start", name)
    return name, (_kill_all if _wanted(name, "start") else None)


def _ended(name: str) -> None:
    """Failed or not, the command has ended: a kill "@end" lands before the caller sees it."""
    _trace("end", name)
    if _wanted(name, "end"):
        _kill_all(None)


def _trace(phase: str, name: str) -> None:
    path = os.environ.get(TRACE_ENV)
    if path:
        with open(path, "a", encoding="utf-8") as fh:
            fh.write(f"{time.time():.6f} {os.getpid()} {phase} {name}\n")


def _wanted(name: str, phase: str) -> bool:
    switch = os.environ.get(KILL_ENV)
    if not switch:
        return False
    point, _, when = switch.partition("@")
    target, _, nth = point.partition("#")
    return (target == name and (when or "start") == phase
            and _seen[name] == (int(nth) if nth.isdigit() else 1))


def _kill_all(child: int | None) -> None:
    """SIGKILL the process group we lead (git, papermill's kernel, the sandbox: everything),
    as a crash or `kill -9 -PGID` would; a process that leads no group kills git and itself
    only, so a test runner that started it without a new session survives."""
    if os.getpgrp() == os.getpid():
        os.killpg(os.getpgrp(), signal.SIGKILL)
    if child is not None:
        os.kill(child, signal.SIGKILL)
    os.kill(os.getpid(), signal.SIGKILL)
