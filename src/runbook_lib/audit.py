"""The append-only, hash-chained audit log of a workspace (`audit.jsonl`) and its verification.

Each line is one JSON record whose `prev` is the sha256 of the line before it (the first
holds GENESIS). A `run-end` record carries the sha256 of its archive folder's manifest.json,
and the manifest carries the sha256 of every file in the folder; `verify` walks all three.
"""

from __future__ import annotations

import fcntl
import getpass
import hashlib
import json
import os
import socket
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from runbook_lib.workspace import sha256_file

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


def verify(ws: Path, running: Collection[str] = ()) -> list[str]:
    """Every mismatch in the chain, the manifests and the archived files, one line each.

    `running` names archive folders of runs still executing (the report checks the trail
    while its own run is not finished); they may lack a manifest and a run-end record.
    """
    log = ws / LOG_NAME
    if not log.exists():
        return [f"{log} is missing: no audit trail"]
    lines = list(read_lines(log))
    problems = chain_problems(lines)
    ended = _run_ends(lines)
    problems += _record_problems(ws, ended)
    problems += _folder_problems(ws, set(ended), set(running))
    return problems


def chain_problems(lines: list[Line]) -> list[str]:
    problems: list[str] = []
    expected = GENESIS
    for line in lines:
        where = f"{LOG_NAME} line {line.number} (byte {line.offset})"
        if line.record is None:
            problems.append(f"{where}: not a JSON record")
        elif line.record.get("prev") != expected:
            problems.append(f"{where}: prev does not match the sha256 of the line before it "
                            "(a record before it was changed, removed or inserted)")
        expected = record_hash(line.text)
    return problems


def _run_ends(lines: list[Line]) -> dict[str, Line]:
    ended: dict[str, Line] = {}
    for line in lines:
        if line.record and line.record.get("event") == "run-end" and line.record.get("archive"):
            ended[str(line.record["archive"])] = line
    return ended


def _record_problems(ws: Path, ended: dict[str, Line]) -> list[str]:
    problems: list[str] = []
    for name, line in sorted(ended.items()):
        manifest = ws / "archive" / name / MANIFEST
        where = f"{LOG_NAME} line {line.number}"
        if not manifest.is_file():
            problems.append(f"{where}: archive/{name}/{MANIFEST} is missing")
            continue
        recorded = line.record.get("manifest_sha256") if line.record else None
        if sha256_file(manifest) != recorded:
            problems.append(f"archive/{name}/{MANIFEST}: sha256 differs from the one {where} "
                            "recorded (the manifest was changed)")
        problems += manifest_problems(manifest.parent)
    return problems


def manifest_problems(folder: Path) -> list[str]:
    """Files of one archive folder against the sha256 values its manifest lists."""
    rel = f"archive/{folder.name}"
    try:
        listed = json.loads((folder / MANIFEST).read_text("utf-8"))["files"]
    except (OSError, ValueError, KeyError, TypeError):
        return [f"{rel}/{MANIFEST}: unreadable or has no file list"]
    problems: list[str] = []
    present = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}
    for name in sorted(set(listed) | present - {MANIFEST}):
        if name not in present:
            problems.append(f"{rel}/{name}: listed in the manifest but missing")
        elif name not in listed:
            problems.append(f"{rel}/{name}: not listed in the manifest (added afterwards)")
        elif sha256_file(folder / name) != listed[name]:
            problems.append(f"{rel}/{name}: sha256 differs from the manifest (changed after "
                            "archiving)")
    return problems


def _folder_problems(ws: Path, ended: set[str], running: set[str]) -> list[str]:
    root = ws / "archive"
    folders = sorted(p.name for p in root.iterdir() if p.is_dir()) if root.is_dir() else []
    return [f"archive/{name}: no run-end record in {LOG_NAME} (record removed, or the run "
            "never finished)" for name in folders if name not in ended | running]


