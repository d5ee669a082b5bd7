"""The last similarity run's tables, kept in the workspace with the digest of everything they
were computed from, so a rerun on unchanged input (the same inventory and references, the same
parameters, the same similarity code) reads them back instead of computing them again.

Everything similarity reads is named by discovery's tables: a script's text by the sha256 in
inventory.csv (the form cache trusts the same), its callers by references.csv. A table that was
edited or deleted since (its sha256 differs from the one recorded) makes the run compute again.
Two pickle files, replaced by every run that computes: `WS/cache/similarity-tables.pickle`
(the key, the CSVs' digests, the counts: all a rerun reads to know it may reuse them) and
`similarity-frames.pickle` (the frames, read only when something asks for a table).
"""

from __future__ import annotations

import csv
import hashlib
import json
from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from runbook_lib.core import picklecache, workspace
from runbook_lib.core.codedigest import package_digest
from runbook_lib.core.errors import RunbookError
from runbook_lib.similarity.settings import TABLES, SimilarityParams

if TYPE_CHECKING:
    import pandas as pd

VERSION = 2
# parameters that change no table: where they go, how fast, what the notebook shows
_NOT_INPUTS = frozenset({"workspace", "workers", "focus_cluster", "cache"})


@dataclass(frozen=True)
class Kept:
    key: str
    digests: dict[str, str]  # table name -> sha256 of its CSV as written
    counts: dict[str, int]
    frames: Mapping[str, pd.DataFrame]


class _Frames(Mapping[str, "pd.DataFrame"]):
    """The kept frames, read from their pickle on first use."""

    def __init__(self, path: Path, run_key: str) -> None:
        self._path, self._key = path, run_key
        self._frames: dict[str, pd.DataFrame] | None = None

    def _load(self) -> dict[str, pd.DataFrame]:
        if self._frames is None:
            stored = picklecache.load(self._path, VERSION)
            if not (isinstance(stored, tuple) and len(stored) == 2 and stored[0] == self._key):
                raise RunbookError(f"{self._path} no longer holds this run's tables: run "
                                   "`runbook similarity --no-cache`")
            self._frames = stored[1]
        return self._frames

    def __getitem__(self, name: str) -> pd.DataFrame:
        return self._load()[name]

    def __iter__(self) -> Iterator[str]:
        return iter(TABLES)

    def __len__(self) -> int:
        return len(TABLES)


def path_of(ws: Path) -> Path:
    return ws / "cache" / "similarity-tables.pickle"


def frames_path(ws: Path) -> Path:
    return ws / "cache" / "similarity-frames.pickle"


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


def load(ws: Path, run_key: str) -> Kept | None:
    """The kept tables when their key is `run_key` and every CSV is as they were written."""
    kept = picklecache.load(path_of(ws), VERSION)
    if not (isinstance(kept, tuple) and len(kept) == 3 and kept[0] == run_key):
        return None
    _, digests, counts = kept
    if set(digests) != set(TABLES) or not frames_path(ws).is_file() or any(
            _digest(ws / f"{name}.csv") != digests[name] for name in TABLES):
        return None
    return Kept(run_key, digests, counts, _Frames(frames_path(ws), run_key))


def save(ws: Path, run_key: str, frames: Mapping[str, pd.DataFrame], counts: dict[str, int]
         ) -> None:
    """The frames first: a key is never saved without the frames it names."""
    picklecache.save(frames_path(ws), VERSION, (run_key, dict(frames)))
    digests = {name: _digest(ws / f"{name}.csv") for name in TABLES}
    picklecache.save(path_of(ws), VERSION, (run_key, digests, counts))


def drop(ws: Path) -> None:
    path_of(ws).unlink(missing_ok=True)
    frames_path(ws).unlink(missing_ok=True)


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
