"""Verification of the hash-chained audit log (`audit.jsonl`) and the archive it points at.

Each line is one JSON record whose `prev` is the sha256 of the line before it (the first
holds GENESIS). A `run-end` record carries the sha256 of its archive folder's manifest.json,
and the manifest carries the sha256 of every file in the folder; `verify` walks all three.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from pathlib import Path

from runbook_lib.core.auditlog import GENESIS, LOG_NAME, MANIFEST, Line, read_lines, record_hash
from runbook_lib.core.workspace import sha256_file


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


