"""`runbook usage`: the records that quarantined scripts and shims wrote, gathered into
usage.csv (one row per use), which the next plan reads.

Sources: a file or a glob of files (rotated `.gz` files too), `journal` (the systemd
journal, through journalctl; `journal:DIR` for a copied journal folder), and
`docker:CONTAINER[:PATH]` (the usage log inside a container, running or stopped). Rows are
merged with what usage.csv already holds, so gathering twice counts each use once.
"""

from __future__ import annotations

import csv
import glob
import gzip
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from runbook_lib.containers import sdk
from runbook_lib.core import auditlog, workspace
from runbook_lib.core.errors import BadInput, RunbookError
from runbook_lib.planning import usagelog
from runbook_lib.planning.observe import USAGE_COLUMNS
from runbook_lib.proc import run

Row = tuple[str, ...]


@dataclass(frozen=True)
class UsageParams:
    workspace: Path
    sources: list[str] = field(default_factory=list)


def gather(params: UsageParams) -> dict[str, Any]:
    ws = params.workspace.resolve()
    if not ws.is_dir():
        raise BadInput(f"--workspace {params.workspace}: no such folder")
    if not params.sources:
        raise BadInput("name at least one --from SOURCE (a file or glob, journal, "
                       "docker:CONTAINER)")
    rows = set(_existing(ws / "usage.csv"))
    before = len(rows)
    counts: dict[str, int] = {}
    for source in params.sources:
        found = [(*_fields(r), label) for label, lines in _read(source) for line in lines
                 if (r := usagelog.parse(line)) is not None]
        counts[source] = len(found)
        rows.update(found)
    ordered = sorted(rows)
    workspace.write_csv(ws / "usage.csv", USAGE_COLUMNS, ordered)
    summary = {"sources": counts, "records": len(ordered), "new": len(ordered) - before,
               "scripts": len({r[3] for r in ordered})}
    auditlog.append(ws, "usage", result="ok", **summary)
    return summary


def _fields(record: usagelog.Record) -> Row:
    return (record.time, record.host, record.user, record.script, record.path, record.cwd,
            record.parent)


def _existing(path: Path) -> list[Row]:
    if not path.exists():
        return []
    with open(path, encoding="utf-8", newline="") as fh:
        return [tuple(row.get(c, "") for c in USAGE_COLUMNS) for row in csv.DictReader(fh)]


def _read(source: str) -> list[tuple[str, list[str]]]:
    """(label, lines) per place the source names."""
    if source == "journal" or source.startswith("journal:"):
        return [(source, _journal(source.partition(":")[2]))]
    if source.startswith("docker:"):
        return [(source, _docker(source.removeprefix("docker:")))]
    paths = sorted(glob.glob(source)) if glob.has_magic(source) else [source]
    if not paths:
        raise BadInput(f"--from {source}: no file matches")
    return [(f"file:{p}", _file(Path(p))) for p in paths]


def _file(path: Path) -> list[str]:
    try:
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise BadInput(f"--from {path}: no such file") from exc
    except OSError as exc:
        raise BadInput(f"--from {path}: cannot read it ({exc.strerror})") from exc
    if data[:2] == b"\x1f\x8b":  # a rotated log: runbook-usage.log.1.gz
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError) as exc:
            raise BadInput(f"--from {path}: not a readable gzip file") from exc
    return data.decode("utf-8", "replace").splitlines()


def _journal(folder: str) -> list[str]:
    where = ["-D", folder] if folder else []
    try:
        done = run(["journalctl", "--no-pager", "-o", "cat", "-t", usagelog.MARK, *where],
                   check=False)
    except RunbookError as exc:
        raise BadInput(f"--from journal: {exc}") from exc
    if done.returncode != 0:
        detail = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise BadInput(f"--from journal: journalctl failed (exit {done.returncode}): {detail}")
    return done.stdout.splitlines()


def _docker(spec: str) -> list[str]:
    name, _, path = spec.partition(":")
    if not name:
        raise BadInput("--from docker:CONTAINER needs the container's name")
    engine, reason = sdk.try_connect()
    if engine is None:
        raise BadInput(f"--from docker:{name}: {reason}")
    try:
        data = engine.read_file(name, path or usagelog.DEFAULT_LOG)
    except RunbookError as exc:
        raise BadInput(f"--from docker:{spec}: {exc}") from exc
    return [] if data is None else data.decode("utf-8", "replace").splitlines()
