"""One writer per workspace: an exclusive lock file, and the emergency stop switch."""

from __future__ import annotations

import contextlib
import json
import os
import socket
import uuid
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from runbook_lib.core.auditlog import now_utc
from runbook_lib.core.errors import BadInput
from runbook_lib.proc import procfs

LOCK_NAME = "lock"
STOP_NAME = "STOP"


@dataclass(frozen=True)
class LockInfo:
    id: str
    pid: int
    host: str
    operation: str
    time: str
    # The holder's start time in clock ticks (Linux): tells a live holder from a reused pid.
    started: str | None = None


def lock_path(ws: Path) -> Path:
    return ws / LOCK_NAME


@contextlib.contextmanager
def workspace_lock(ws: Path, operation: str) -> Iterator[LockInfo]:
    """Hold the workspace lock for the block; a second holder is refused with BadInput."""
    info = LockInfo(uuid.uuid4().hex[:12], os.getpid(), socket.gethostname(), operation,
                    now_utc(), _started(os.getpid()))
    _create(ws, info)
    try:
        yield info
    finally:
        _release(ws, info.id)


def read_lock(ws: Path) -> LockInfo | None:
    """The current lock, None when the workspace is free."""
    try:
        raw: Any = json.loads(lock_path(ws).read_text(encoding="utf-8"))
        return LockInfo(str(raw["id"]), int(raw["pid"]), str(raw["host"]),
                        str(raw["operation"]), str(raw["time"]), raw.get("started"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise BadInput(f"lock file {lock_path(ws)} is unreadable ({exc}): make sure no runbook "
                       "command is running, then delete it") from exc


def holder_alive(info: LockInfo) -> bool | None:
    """True/False for a holder on this host, None when it runs elsewhere (cannot tell)."""
    if info.host != socket.gethostname():
        return None
    try:
        os.kill(info.pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # exists, owned by someone else
    if not procfs.alive(info.pid):
        return False  # a zombie, or being killed: it will not write again
    return info.started is None or _started(info.pid) in (None, info.started)


def unlock(ws: Path, lock_id: str) -> LockInfo:
    """Clear a stale lock by its id; refuses a wrong id or a holder that is still running."""
    info = read_lock(ws)
    if info is None:
        raise BadInput(f"workspace {ws} is not locked")
    if info.id != lock_id:
        raise BadInput(f"lock id {lock_id} does not match the current lock {info.id} "
                       f"({info.operation} by pid {info.pid} on host {info.host}); nothing changed")
    if holder_alive(info):
        raise BadInput(f"lock {info.id} is held by running pid {info.pid} ({info.operation}): "
                       f"use `runbook stop --workspace {ws}` to stop it; nothing changed")
    lock_path(ws).unlink()
    fsync_dir(ws)
    return info


def request_stop(ws: Path, reason: str) -> None:
    """Emergency stop: a running batch aborts at its next step; nothing starts until resume."""
    if not ws.is_dir():
        raise BadInput(f"--workspace {ws}: no such folder")
    record = {"reason": reason, "time": now_utc(), "pid": os.getpid(),
              "host": socket.gethostname()}
    tmp = ws / f"{STOP_NAME}.{uuid.uuid4().hex[:8]}.tmp"
    _write_durable(tmp, json.dumps(record, sort_keys=True) + "\n")
    os.replace(tmp, ws / STOP_NAME)
    fsync_dir(ws)


def stop_requested(ws: Path) -> str | None:
    """The reason of a pending emergency stop, None when there is none."""
    try:
        raw: Any = json.loads((ws / STOP_NAME).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError):
        return "emergency stop requested (the STOP file is unreadable)"
    if not isinstance(raw, dict):
        return "emergency stop requested"
    return f"{raw.get('reason') or 'emergency stop'} (requested {raw.get('time', '?')})"


def check_not_stopped(ws: Path) -> None:
    """Refuse to start work while an emergency stop is in effect."""
    reason = stop_requested(ws)
    if reason is not None:
        raise BadInput(f"emergency stop in effect: {reason}; run `runbook resume --workspace "
                       f"{ws}` first")


def resume(ws: Path) -> str | None:
    """Lift the emergency stop; returns the reason it had, None when there was none."""
    reason = stop_requested(ws)
    with contextlib.suppress(FileNotFoundError):
        (ws / STOP_NAME).unlink()
        fsync_dir(ws)
    return reason


def _create(ws: Path, info: LockInfo) -> None:
    # git's discipline: write a private file with O_EXCL, fsync, then make it visible under
    # the lock name in one step. link() fails when the name exists, so exactly one wins and
    # nobody ever reads a half-written lock.
    ws.mkdir(parents=True, exist_ok=True)
    tmp = ws / f"{LOCK_NAME}.{info.id}.tmp"
    _write_durable(tmp, json.dumps(asdict(info), sort_keys=True) + "\n")
    try:
        os.link(tmp, lock_path(ws))
    except FileExistsError:
        raise _busy(ws) from None
    except OSError:  # no hard links on this filesystem: O_EXCL on the lock name itself
        _create_in_place(ws, tmp.read_text(encoding="utf-8"))
    finally:
        tmp.unlink()
    fsync_dir(ws)


def _create_in_place(ws: Path, text: str) -> None:
    try:
        _write_durable(lock_path(ws), text)
    except FileExistsError:
        raise _busy(ws) from None


def _busy(ws: Path) -> BadInput:
    other = read_lock(ws)
    if other is None:  # released between our attempt and the read
        return BadInput(f"workspace {ws} was busy a moment ago: try again")
    if holder_alive(other) is False:
        return BadInput(
            f"stale lock {other.id} from pid {other.pid} (no longer running): check with "
            f"`runbook recover --workspace {ws}`, then clear it with "
            f"`runbook unlock --workspace {ws} --id {other.id}`")
    return BadInput(f"workspace is busy: {other.operation} by pid {other.pid} on host "
                    f"{other.host} since {other.time} (lock id {other.id})")


def _release(ws: Path, lock_id: str) -> None:
    try:
        current = read_lock(ws)
    except BadInput:
        return  # not ours to judge: leave it for `runbook unlock`
    if current is not None and current.id == lock_id:
        lock_path(ws).unlink()
        fsync_dir(ws)


def _write_durable(path: Path, text: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    try:
        os.write(fd, text.encode("utf-8"))
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_dir(folder: Path) -> None:
    """Make a new or renamed entry of `folder` durable."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _started(pid: int) -> str | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
    except OSError:
        return None
    # The command name (field 2) may hold spaces and parentheses: count from the last ')'.
    fields = stat.rpartition(")")[2].split()
    return fields[19] if len(fields) > 19 else None
