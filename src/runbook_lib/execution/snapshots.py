"""Service-state snapshots at checkpoint time, and putting one back.

A snapshot is the standard output of a command run inside a named running container (for
example `db=pg_dumpall -U postgres`), stored as backups/NNN/snapshots/<name>.out with its
sha256 in backups/NNN/snapshots.json. Restoring streams that file, verified first, into the
standard input of a restore command run in the container (for example `psql -U postgres`).
Both commands run as `sh -c COMMAND` inside the container; nothing runs through a host shell.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from runbook_lib.containers import sdk
from runbook_lib.core.auditlog import now_utc
from runbook_lib.core.errors import BadInput, RunbookError
from runbook_lib.core.workspace import read_json, sha256_file, write_json

FOLDER = "snapshots"
MANIFEST = "snapshots.json"
CHUNK = 1 << 20


def parse_spec(spec: str) -> tuple[str, str]:
    """"container=command" -> (container, command); BadInput when either part is missing."""
    container, sep, command = spec.partition("=")
    if not sep or not container.strip() or not command.strip():
        raise BadInput(f"snapshot {spec!r} is not of the form container=command")
    return container.strip(), command.strip()


def snapshot_services(specs: list[str], backup_dir: Path) -> list[dict[str, Any]]:
    """Run each snapshot command and store its output; the manifest lists them all."""
    if not specs:
        return []
    parsed = [parse_spec(s) for s in specs]  # every spec is checked before anything runs
    engine = sdk.connect()
    folder = backup_dir / FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    entries: list[dict[str, Any]] = []
    for name, (container, command) in zip(_names(parsed), parsed, strict=True):
        entries.append(_snapshot(engine, name, container, command, folder))
    write_json(backup_dir / MANIFEST, {"created": now_utc(), "snapshots": entries})
    return entries


def _names(parsed: list[tuple[str, str]]) -> list[str]:
    """One file name per snapshot: the container's, numbered when it has several."""
    out: list[str] = []
    for container, _ in parsed:
        base = re.sub(r"[^A-Za-z0-9_.-]", "_", container).lstrip(".") or "container"
        name, n = base, 1
        while name in out:
            n += 1
            name = f"{base}-{n}"
        out.append(name)
    return out


def _snapshot(engine: sdk.Engine, name: str, container: str, command: str,
              folder: Path) -> dict[str, Any]:
    path = folder / f"{name}.out"
    partial = path.with_name(path.name + ".partial")
    try:
        with partial.open("wb") as out:
            code, err = engine.exec_to(container, ["sh", "-c", command], out)
            out.flush()
            os.fsync(out.fileno())
        if code != 0:
            raise RunbookError(f"snapshot of container {container} failed: `{command}` exited "
                               f"{code}: {_last_line(err)}")
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    partial.replace(path)
    return {"name": name, "container": container, "command": command,
            "file": f"{FOLDER}/{path.name}", "sha256": sha256_file(path),
            "bytes": path.stat().st_size, "exit_code": code, "stderr": err[-2000:],
            "created": now_utc()}


def read_snapshots(backup_dir: Path) -> list[dict[str, Any]]:
    path = backup_dir / MANIFEST
    if not path.exists():
        return []
    entries = read_json(path).get("snapshots")
    if not isinstance(entries, list):
        raise BadInput(f"{path} has no list of snapshots: it is damaged")
    return entries


def verify_snapshot(backup_dir: Path, entry: dict[str, Any]) -> str:
    """A problem with a stored snapshot, or "" when its file matches the manifest."""
    path = backup_dir / str(entry.get("file", ""))
    if not path.is_file():
        return f"{path} is missing"
    if sha256_file(path) != entry.get("sha256"):
        return f"{path} does not match the sha256 in {MANIFEST} (damaged)"
    return ""


def restore_snapshot(backup_dir: Path, name: str, container: str | None,
                     restore_command: str) -> dict[str, Any]:
    """Feed snapshot `name` (verified) to `restore_command` in `container` (default: the
    container it was taken from). RunbookError when the command fails."""
    entry = _entry(backup_dir, name)
    problem = verify_snapshot(backup_dir, entry)
    if problem:
        raise BadInput(f"cannot restore snapshot {name}: {problem}; nothing restored")
    target = container or str(entry["container"])
    engine = sdk.connect()
    with (backup_dir / str(entry["file"])).open("rb") as data:
        result = engine.exec_with_input(target, ["sh", "-c", restore_command], data)
    if result.exit_code != 0:
        raise RunbookError(f"restore of snapshot {name} into {target} failed: "
                           f"`{restore_command}` exited {result.exit_code}: "
                           f"{_last_line(result.stderr or result.stdout)}")
    return {"name": name, "container": target, "command": restore_command,
            "bytes": entry["bytes"], "sha256": entry["sha256"], "exit_code": 0,
            "stdout": result.stdout[-2000:], "stderr": result.stderr[-2000:]}


def _entry(backup_dir: Path, name: str) -> dict[str, Any]:
    entries = read_snapshots(backup_dir)
    for entry in entries:
        if entry.get("name") == name:
            return entry
    known = ", ".join(str(e.get("name")) for e in entries) or "none"
    raise BadInput(f"no snapshot named {name} in {backup_dir} (snapshots there: {known})")




def _last_line(text: str) -> str:
    lines = text.strip().splitlines()
    return lines[-1][:300] if lines else "no output"
