"""What Linux's /proc says about the running processes: which are alive, where they work,
what they are called and which files they hold open. Processes this user may not inspect
read as having no folder and no open files."""

from __future__ import annotations

import os
from pathlib import Path

SIGKILL_BIT = 1 << 8  # signal 9 in the pending-signal masks of /proc/PID/status


def available() -> bool:
    """Whether /proc can tell us anything (Linux); without it nothing is known."""
    return Path("/proc/self/status").exists()


def others() -> list[int]:
    """Every process but this one."""
    try:
        names = os.listdir("/proc")
    except OSError:
        return []
    own = os.getpid()
    return [int(n) for n in names if n.isdigit() and int(n) != own]


def alive(pid: int) -> bool:
    """Running, and not about to stop: a zombie, or a process a SIGKILL is already on its
    way to (it may still be tearing down), counts as dead."""
    try:
        status = Path(f"/proc/{pid}/status").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return not available()  # gone; or no /proc, and then it may well be running
    fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
    if fields.get("State", "").strip()[:1] in ("Z", "X"):
        return False
    pending = (int(fields.get(key, "0").strip() or "0", 16) for key in ("SigPnd", "ShdPnd"))
    return not any(mask & SIGKILL_BIT for mask in pending)


def working_folder(pid: int) -> Path | None:
    try:
        return Path(os.readlink(f"/proc/{pid}/cwd"))
    except OSError:
        return None


def name(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/comm").read_text(encoding="utf-8", errors="replace").strip()
    except OSError:
        return ""


def open_files(pid: int) -> list[str]:
    try:
        fds = os.listdir(f"/proc/{pid}/fd")
    except OSError:
        return []
    found = []
    for fd in fds:
        try:
            found.append(os.readlink(f"/proc/{pid}/fd/{fd}"))
        except OSError:
            continue
    return found
