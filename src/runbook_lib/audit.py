"""The append-only, hash-chained audit log of a workspace (`audit.jsonl`)."""

from __future__ import annotations

import getpass
import hashlib
import json
import os
import socket
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

GENESIS = "0" * 64


def now_utc() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


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
    log = workspace / "audit.jsonl"
    record = {"time": now_utc(), "event": event, "host": socket.gethostname(),
              "user": _user(), "pid": os.getpid(), **fields, "prev": last_hash(log)}
    line = json.dumps(record, sort_keys=True, default=str)
    with open(log, "a", encoding="utf-8") as fh:
        fh.write(line + "\n")
        fh.flush()
        os.fsync(fh.fileno())
    return record


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return str(os.getuid())
