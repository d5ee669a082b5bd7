"""The last similarity run's tables, kept in the workspace with the digest of everything they
were computed from, so a rerun on unchanged input (the same inventory and references, the same
parameters, the same similarity code) reads them back instead of computing them again.

Everything similarity reads is named by discovery's tables: a script's text by the sha256 in
inventory.csv (the form cache trusts the same), its callers by references.csv. A table that was
edited or deleted since (its sha256 differs from the one recorded) makes the run compute again.
One pickle file, `WS/cache/similarity-tables.pickle`, replaced by every run that computes.
"""

from __future__ import annotations

import csv
import hashlib
import json
from dataclasses import asdict, dataclass
from pathlib import Path

import pandas as pd

from runbook_lib.core import picklecache, workspace
from runbook_lib.core.codedigest import package_digest
from runbook_lib.similarity.settings import SimilarityParams

VERSION = 1
# parameters that change no table: where they go, how fast, what the notebook shows
_NOT_INPUTS = frozenset({"workspace", "workers", "focus_cluster", "cache"})


@dataclass(frozen=True)
class Kept:
    key: str
    digests: dict[str, str]  # table name -> sha256 of its CSV as written
    frames: dict[str, pd.DataFrame]
    counts: dict[str, int]


def path_of(ws: Path) -> Path:
    return ws / "cache" / "similarity-tables.pickle"


def key(ws: Path, params: SimilarityParams) -> str:
    """The digest of every input of the similarity tables (module docstring), or "" when the
    inventory does not name every script's text by its sha256 (then nothing is reused)."""
    if not _every_sha(ws / "inventory.csv"):
        return ""
    h = hashlib.sha256(package_digest(str(Path(__file__).parent)).encode())
    for name in ("inventory.csv", "references.csv"):  # not discovery.json: it holds times
        h.update(name.encode() + b"\0" + _digest(ws / name).encode() + b"\0")
    summary = workspace.read_json(ws / "discovery.json")
    repo = str(summary.get("repo", "")) if isinstance(summary, dict) else ""
    h.update(str(Path(repo).resolve()).encode() + b"\0" if repo else b"\0")
    chosen = {k: v for k, v in asdict(params).items() if k not in _NOT_INPUTS}
    h.update(json.dumps(chosen, sort_keys=True, default=str).encode())
    return h.hexdigest()


def load(ws: Path, run_key: str, tables: tuple[str, ...]) -> Kept | None:
    """The kept tables when their key is `run_key` and every CSV is as they were written."""
    kept = picklecache.load(path_of(ws), VERSION)
    if not isinstance(kept, Kept) or kept.key != run_key or set(kept.frames) != set(tables):
        return None
    if any(_digest(ws / f"{name}.csv") != kept.digests.get(name) for name in tables):
        return None
    return kept


def save(ws: Path, run_key: str, frames: dict[str, pd.DataFrame], counts: dict[str, int]
         ) -> None:
    digests = {name: _digest(ws / f"{name}.csv") for name in frames}
    picklecache.save(path_of(ws), VERSION, Kept(run_key, digests, frames, counts))


def drop(ws: Path) -> None:
    path_of(ws).unlink(missing_ok=True)


def _every_sha(path: Path) -> bool:
    try:
        with open(path, encoding="utf-8", newline="") as fh:
            rows = csv.reader(fh)
            header = next(rows, [])
            if "sha256" not in header:
                return False
            at = header.index("sha256")
            return all(len(row) > at and row[at] for row in rows)
    except (OSError, UnicodeDecodeError, csv.Error):
        return False


def _digest(path: Path) -> str:
    """sha256 of the file, or "" when it is not there."""
    h = hashlib.sha256()
    try:
        with open(path, "rb") as fh:
            while chunk := fh.read(1 << 20):
                h.update(chunk)
    except OSError:
        return ""
    return h.hexdigest()
