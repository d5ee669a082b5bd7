"""The append-only, hash-chained audit log of a workspace (`audit.jsonl`): writing it.

Each line is one JSON record whose `prev` is the sha256 of the line before it (the first
holds GENESIS). Every floor appends to it; `archive.audit` verifies it.
"""

from __future__ import annotations

import fcntl
import getpass
import hashlib
import json
import os
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

GENESIS = "0" * 64
LOG_NAME = "audit.jsonl"
MANIFEST = "manifest.json"


def now_utc() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def stamp() -> str:
    """The UTC time as it can stand in a file or ref name (no `:` or `.`)."""
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%S-%fZ")


def record_hash(line: str) -> str:
    return hashlib.sha256(line.encode("utf-8")).hexdigest()


def last_hash(log: Path) -> str:
    if not log.exists():
        return GENESIS
    last = ""
    with open(log, encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                last = line.rstrip("\n")
    return record_hash(last) if last else GENESIS


def append(workspace: Path, event: str, **fields: Any) -> dict[str, Any]:
    """Append one record carrying the sha256 of the previous line; fsync before returning."""
    log = workspace / LOG_NAME
    with open(log, "a", encoding="utf-8") as fh:
        # Two processes on one workspace (run-all, a cron job) must not both chain onto the
        # same previous line: read the tail and write under one exclusive lock.
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        record = {"time": now_utc(), "event": event, "host": socket.gethostname(),
                  "user": _user(), "pid": os.getpid(), **fields, "prev": last_hash(log)}
        line = json.dumps(record, sort_keys=True, default=str)
        fh.write(line + "\n")
        fh.flush()
        os.fsync(fh.fileno())
    return record


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return str(os.getuid())


@dataclass(frozen=True)
class Line:
    number: int  # 1-based
    offset: int  # byte offset of the line in audit.jsonl
    text: str
    record: dict[str, Any] | None  # None when the line is not a JSON object


def read_lines(log: Path) -> Iterator[Line]:
    offset = 0
    with open(log, "rb") as fh:
        for number, raw in enumerate(fh, 1):
            text = raw.decode("utf-8", errors="replace").rstrip("\n")
            yield Line(number, offset, text, _parse(text))
            offset += len(raw)


def _parse(text: str) -> dict[str, Any] | None:
    try:
        value = json.loads(text)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def head(ws: Path) -> str:
    """The sha256 of the last record: write it down elsewhere to also pin the log's end."""
    return last_hash(ws / LOG_NAME)
