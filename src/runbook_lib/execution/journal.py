"""The write-ahead journal of one batch: each step is durable on disk before it runs."""

from __future__ import annotations

import json
import os
import signal
from pathlib import Path
from typing import Any

from runbook_lib.core.auditlog import now_utc, stamp
from runbook_lib.core.errors import RunbookError
from runbook_lib.core.workspace import batch_dir
from runbook_lib.execution.lock import fsync_dir, stop_requested

# Test-only fault hook: the process SIGKILLs itself right after this step's start is durable.
FAULT_ENV = "RUNBOOK_FAULT_AT"


class StopRequested(RunbookError):
    """The emergency stop was pulled: the orchestrator rolls back and ends."""


def promoted_again(folder: Path) -> None:
    """A batch promoted again after a rollback: its rollback.json becomes history."""
    undone = folder / "rollback.json"
    if undone.exists():
        undone.rename(folder / f"rollback-{stamp()}.json")


def journal_path(ws: Path, batch: int) -> Path:
    return batch_dir(ws, batch) / "journal.jsonl"


class Journal:
    """Append-only JSON lines; `step` before the work, `done` (or `failed`) after it."""

    def __init__(self, path: Path, workspace: Path | None = None) -> None:
        self.path = path
        self.workspace = workspace
        self.stopped = False

    def step(self, name: str, /, *, stoppable: bool = True, **data: Any) -> dict[str, Any]:
        """Record that `name` starts; raises StopRequested first if the stop was pulled.

        The stop is raised once: the steps after it (rollback, cleanup) are the way back and
        must not be interrupted. Such steps may also say so with stoppable=False.
        """
        if stoppable and not self.stopped and self.workspace is not None:
            reason = stop_requested(self.workspace)
            if reason is not None:
                self.stopped = True
                raise StopRequested(f"emergency stop before step {name}: {reason}")
        record = self._append(name, "start", data)
        if os.environ.get(FAULT_ENV) == name:
            os.kill(os.getpid(), signal.SIGKILL)
        return record

    def done(self, name: str, /, **data: Any) -> dict[str, Any]:
        return self._append(name, "done", data)

    def failed(self, name: str, error: str, /, **data: Any) -> dict[str, Any]:
        return self._append(name, "failed", {"error": error, **data})

    def records(self) -> list[dict[str, Any]]:
        return read_journal(self.path)

    def last(self) -> dict[str, Any] | None:
        records = self.records()
        return records[-1] if records else None

    def phases(self) -> dict[str, str]:
        """Step name -> the phase of its latest record (start, done or failed)."""
        return {r["step"]: r["phase"] for r in self.records()}

    def _append(self, name: str, phase: str, data: dict[str, Any]) -> dict[str, Any]:
        record = {"step": name, "phase": phase, "time": now_utc(), "data": data}
        line = json.dumps(record, sort_keys=True, default=str)
        append_line(self.path, line)
        return record


def append_line(path: Path, line: str) -> None:
    """Append one line and fsync it; a torn line left by a crash is sealed off first."""
    path.parent.mkdir(parents=True, exist_ok=True)
    new = not path.exists()
    with open(path, "ab+") as fh:
        fh.seek(0, os.SEEK_END)
        if fh.tell() > 0:
            fh.seek(-1, os.SEEK_END)
            if fh.read(1) != b"\n":
                fh.write(b"\n")
        fh.write(line.encode("utf-8") + b"\n")
        fh.flush()
        os.fsync(fh.fileno())
    if new:
        fsync_dir(path.parent)


def read_journal(path: Path) -> list[dict[str, Any]]:
    """Every complete record; a line torn by a crash mid-write is skipped.

    A torn line can only be a record whose write never finished, so its step never ran.
    """
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return []
    records: list[dict[str, Any]] = []
    for line in raw.split(b"\n"):
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if isinstance(record, dict) and "step" in record and "phase" in record:
            records.append(record)
    return records
