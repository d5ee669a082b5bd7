"""Killing runbook commands on purpose, and saved copies of a campaign to start each kill from
(shared by tests/test_crash.py and bench/crash.py)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

from runbook_lib.execution.journal import FAULT_ENV
from runbook_lib.gitops.runner import KILL_ENV, TRACE_ENV

# Fixed identity and clock: a batch commit or a revert made again from the same state gets
# the same id, so states reached by different runs compare equal.
GIT_ENV = {
    "GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "test@example.invalid",
    "GIT_COMMITTER_NAME": "Test", "GIT_COMMITTER_EMAIL": "test@example.invalid",
    "GIT_AUTHOR_DATE": "2026-01-01T00:00:00Z", "GIT_COMMITTER_DATE": "2026-01-01T00:00:00Z",
}


class Stages:
    """One campaign folder (repo/ and ws/) always used at the same path, because plan.json
    names the repo by its absolute path; named copies of it are saved and loaded back."""

    def __init__(self, root: Path) -> None:
        self.work = root / "work"
        self.saved = root / "stages"

    @property
    def repo(self) -> Path:
        return self.work / "repo"

    @property
    def ws(self) -> Path:
        return self.work / "ws"

    def save(self, name: str) -> None:
        shutil.rmtree(self.saved / name, ignore_errors=True)
        shutil.copytree(self.work, self.saved / name, symlinks=True)

    def load(self, name: str) -> None:
        shutil.rmtree(self.work, ignore_errors=True)
        shutil.copytree(self.saved / name, self.work, symlinks=True)

    def has(self, name: str) -> bool:
        return (self.saved / name).is_dir()


def runbook(*args: str, kill: str | None = None, fault: str | None = None,
            trace: Path | None = None, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    """Run the CLI in a process group of its own, so that a kill switch that kills the whole
    group ends it and its children only."""
    env = {**os.environ, **GIT_ENV}
    for name, value in ((KILL_ENV, kill), (FAULT_ENV, fault),
                        (TRACE_ENV, str(trace) if trace else None)):
        env.pop(name, None)
        if value:
            env[name] = value
    return subprocess.run([sys.executable, "-m", "runbook_lib.cli", *args], env=env,
                          capture_output=True, text=True, check=False, timeout=timeout,
                          start_new_session=True)


def kill_points(trace: Path) -> list[str]:
    """The kill point of each git command in a trace: NAME#N (its N-th run)."""
    seen: Counter[str] = Counter()
    points = []
    for line in trace.read_text(encoding="utf-8").splitlines():
        _, _, phase, name = line.split(" ", 3)
        if phase == "start":
            seen[name] += 1
            points.append(f"{name}#{seen[name]}")
    return points
