from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from runbook_lib.execution import lock
from runbook_lib.execution.journal import (
    FAULT_ENV,
    Journal,
    StopRequested,
    journal_path,
    read_journal,
)


def test_records_are_json_lines_written_before_the_step(tmp_path: Path) -> None:
    path = journal_path(tmp_path / "ws", 7)
    assert path == tmp_path / "ws" / "batches" / "007" / "journal.jsonl"
    journal = Journal(path)
    journal.step("checkpoint", batch=7)
    # The start record is on disk before the caller does the step's work.
    lines = path.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 1
    first = json.loads(lines[0])
    assert first["step"] == "checkpoint" and first["phase"] == "start"
    assert first["data"] == {"batch": 7} and first["time"].endswith("Z")
    journal.done("checkpoint", tag="runbook/checkpoint-007")
    journal.failed("apply", "disk full")
    records = journal.records()
    assert [(r["step"], r["phase"]) for r in records] == [
        ("checkpoint", "start"), ("checkpoint", "done"), ("apply", "failed")]
    assert records[2]["data"] == {"error": "disk full"}
    assert journal.last() == records[-1]
    assert journal.phases() == {"checkpoint": "done", "apply": "failed"}
    assert path.read_bytes().endswith(b"\n")


def test_torn_last_line_is_tolerated_and_sealed(tmp_path: Path) -> None:
    path = tmp_path / "journal.jsonl"
    journal = Journal(path)
    journal.step("apply")
    with open(path, "ab") as fh:  # a crash in the middle of writing the next record
        fh.write(b'{"step": "commit", "pha')
    assert [r["step"] for r in read_journal(path)] == ["apply"]
    journal.step("rollback")  # the next record is not glued onto the torn one
    assert [r["step"] for r in read_journal(path)] == ["apply", "rollback"]
    assert path.read_bytes().count(b"\n") == 3


def test_missing_journal_reads_empty(tmp_path: Path) -> None:
    assert read_journal(tmp_path / "nothing.jsonl") == []
    assert Journal(tmp_path / "nothing.jsonl").last() is None


def test_fault_hook_kills_the_process_after_the_start_is_durable(tmp_path: Path) -> None:
    path = tmp_path / "journal.jsonl"
    code = ("import sys; from pathlib import Path\n"
            "from runbook_lib.execution.journal import Journal\n"
            "j = Journal(Path(sys.argv[1]))\n"
            "j.step('checkpoint'); j.done('checkpoint')\n"
            "j.step('promote', new='abc')\n"
            "print('survived')\n")
    env = {**os.environ, FAULT_ENV: "promote"}
    done = subprocess.run([sys.executable, "-c", code, str(path)], env=env,
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == -signal.SIGKILL
    assert "survived" not in done.stdout
    records = read_journal(path)
    assert [(r["step"], r["phase"]) for r in records] == [
        ("checkpoint", "start"), ("checkpoint", "done"), ("promote", "start")]
    assert records[-1]["data"] == {"new": "abc"}


def test_fault_hook_is_inert_for_other_steps(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                             ) -> None:
    monkeypatch.setenv(FAULT_ENV, "promote")
    journal = Journal(tmp_path / "journal.jsonl")
    journal.step("checkpoint")  # still alive
    assert journal.last() is not None


def test_emergency_stop_raises_at_the_next_step_once(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    ws.mkdir()
    journal = Journal(journal_path(ws, 1), ws)
    journal.step("checkpoint")
    lock.request_stop(ws, "operator")
    with pytest.raises(StopRequested, match="before step apply: operator"):
        journal.step("apply")
    # The stopped step never started; the way back is journalled without a second stop.
    assert [r["step"] for r in journal.records()] == ["checkpoint"]
    journal.step("rollback")
    journal.step("cleanup")
    assert [r["step"] for r in journal.records()] == ["checkpoint", "rollback", "cleanup"]
    fresh = Journal(journal_path(ws, 2), ws)
    assert fresh.step("rollback", stoppable=False)["phase"] == "start"
    with pytest.raises(StopRequested):
        fresh.step("apply")
    lock.resume(ws)
    Journal(journal_path(ws, 3), ws).step("apply")
