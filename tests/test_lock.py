from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from runbook_lib.core.errors import BadInput
from runbook_lib.execution import lock


def dead_pid() -> int:
    """The pid of a process that has finished and been reaped."""
    done = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    return int(done.stdout)


def write_lock(ws: Path, pid: int, host: str | None = None, lock_id: str = "abc123def456") -> None:
    ws.mkdir(parents=True, exist_ok=True)
    (ws / "lock").write_text(json.dumps({
        "id": lock_id, "pid": pid, "host": host or socket.gethostname(),
        "operation": "batch 3", "time": "2024-01-01T00:00:00Z"}), encoding="utf-8")


def test_lock_is_exclusive_and_released(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    with lock.workspace_lock(ws, "batch 1") as held:
        assert lock.read_lock(ws) == held
        assert held.pid == os.getpid() and len(held.id) == 12
        with pytest.raises(BadInput) as refused, lock.workspace_lock(ws, "batch 2"):
            pytest.fail("a second holder got the lock")
        message = str(refused.value)
        assert message.startswith("workspace is busy: batch 1 by pid")
        assert f"lock id {held.id}" in message
        # The refused attempt left the holder's lock in place and no temp files behind.
        assert lock.read_lock(ws) == held
        assert sorted(p.name for p in ws.iterdir()) == ["lock"]
    assert lock.read_lock(ws) is None
    with lock.workspace_lock(ws, "batch 2"):  # free again: running twice is fine
        pass
    assert not (ws / "lock").exists()


def test_lock_released_when_the_block_raises(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    with pytest.raises(RuntimeError), lock.workspace_lock(ws, "batch 1"):
        raise RuntimeError("boom")
    assert lock.read_lock(ws) is None


def test_exit_leaves_a_lock_that_is_no_longer_ours(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    with lock.workspace_lock(ws, "batch 1"):
        (ws / "lock").unlink()
        write_lock(ws, os.getpid(), lock_id="someoneelse1")
    remaining = lock.read_lock(ws)
    assert remaining is not None and remaining.id == "someoneelse1"


def test_stale_lock_is_reported_with_the_command_to_clear_it(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    pid = dead_pid()
    write_lock(ws, pid)
    with pytest.raises(BadInput) as refused, lock.workspace_lock(ws, "batch 4"):
        pass
    message = str(refused.value)
    assert f"stale lock abc123def456 from pid {pid} (no longer running)" in message
    assert f"runbook recover --workspace {ws}" in message
    assert f"runbook unlock --workspace {ws} --id abc123def456" in message
    assert (ws / "lock").exists()  # refusing changed nothing

    with pytest.raises(BadInput, match="does not match"):
        lock.unlock(ws, "wrongid00000")
    assert (ws / "lock").exists()
    cleared = lock.unlock(ws, "abc123def456")
    assert cleared.pid == pid
    assert not (ws / "lock").exists()
    with pytest.raises(BadInput, match="not locked"):  # twice: refused, nothing to do
        lock.unlock(ws, "abc123def456")
    with lock.workspace_lock(ws, "batch 4"):
        pass


def test_unlock_refuses_a_live_holder(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    with lock.workspace_lock(ws, "batch 1") as held:
        with pytest.raises(BadInput, match="held by running pid"):
            lock.unlock(ws, held.id)
        assert lock.read_lock(ws) == held


def test_reused_pid_counts_as_dead(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    ws.mkdir()
    # Our own pid is alive, but a different start time means the holder was another process.
    record = {"id": "feedfeedfeed", "pid": os.getpid(), "host": socket.gethostname(),
              "operation": "batch 1", "time": "t", "started": "1"}
    (ws / "lock").write_text(json.dumps(record), encoding="utf-8")
    with pytest.raises(BadInput, match="stale lock feedfeedfeed"), \
            lock.workspace_lock(ws, "batch 2"):
        pass


def test_lock_on_another_host_is_busy_not_stale(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    write_lock(ws, dead_pid(), host="elsewhere.invalid")
    with pytest.raises(BadInput, match=r"workspace is busy: batch 3 .* on host elsewhere"), \
            lock.workspace_lock(ws, "batch 4"):
        pass


def test_unreadable_lock_is_a_clear_refusal(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    ws.mkdir()
    (ws / "lock").write_text("{not json", encoding="utf-8")
    with pytest.raises(BadInput, match="unreadable"), lock.workspace_lock(ws, "batch 1"):
        pass
    assert (ws / "lock").read_text(encoding="utf-8") == "{not json"


def test_two_processes_exactly_one_wins(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    ws.mkdir()
    code = ("import sys, time; from pathlib import Path; from runbook_lib.execution import lock\n"
            "from runbook_lib.core.errors import BadInput\n"
            "try:\n"
            "    with lock.workspace_lock(Path(sys.argv[1]), 'batch'):\n"
            "        time.sleep(1.5); print('won')\n"
            "except BadInput: print('refused')\n")
    procs = [subprocess.Popen([sys.executable, "-c", code, str(ws)], stdout=subprocess.PIPE,
                              text=True) for _ in range(4)]
    results = sorted(p.communicate(timeout=30)[0].strip() for p in procs)
    assert results == ["refused", "refused", "refused", "won"]
    assert not (ws / "lock").exists()


def test_stop_and_resume(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    ws.mkdir()
    assert lock.stop_requested(ws) is None
    lock.check_not_stopped(ws)
    lock.request_stop(ws, "operator saw errors")
    reason = lock.stop_requested(ws)
    assert reason is not None and reason.startswith("operator saw errors (requested ")
    with pytest.raises(BadInput, match="runbook resume"):
        lock.check_not_stopped(ws)
    lock.request_stop(ws, "again")  # twice is fine: the newest reason wins
    assert (lock.stop_requested(ws) or "").startswith("again")
    assert (lock.resume(ws) or "").startswith("again")
    assert lock.stop_requested(ws) is None
    assert lock.resume(ws) is None  # resuming twice is harmless
    assert sorted(p.name for p in ws.iterdir()) == []


def test_filesystem_without_hard_links_still_locks_exclusively(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_links(src: object, dst: object) -> None:
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(lock.os, "link", no_links)
    ws = tmp_path / "ws"
    with lock.workspace_lock(ws, "batch 1") as held:
        assert lock.read_lock(ws) == held
        with pytest.raises(BadInput, match="workspace is busy"), \
                lock.workspace_lock(ws, "batch 2"):
            pass
        assert sorted(p.name for p in ws.iterdir()) == ["lock"]
    assert lock.read_lock(ws) is None
