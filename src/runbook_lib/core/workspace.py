"""The workspace folder of one campaign: where it is, what it holds, how tables are written."""

from __future__ import annotations

import csv
import hashlib
import json
import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from runbook_lib.core.errors import BadInput

if TYPE_CHECKING:
    import pandas as pd


def sha256_file(path: Path) -> str:
    """sha256 of a file's bytes, read in blocks (archives and snapshots can be large)."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def sha256_or_empty(path: Path) -> str:
    """sha256_file, or "" for a file that is gone or unreadable (never equal to a hash)."""
    try:
        return sha256_file(path)
    except OSError:
        return ""


def check_repo(repo: Path) -> Path:
    """The repo folder, resolved; a clear one-line refusal when it cannot be discovered."""
    if not repo.exists():
        raise BadInput(f"--repo {repo}: no such folder")
    if not repo.is_dir():
        raise BadInput(f"--repo {repo}: is a file, not a folder")
    if not os.access(repo, os.R_OK | os.X_OK):
        raise BadInput(f"--repo {repo}: folder is not readable")
    return repo.resolve()


def prepare(workspace: Path, repo: Path | None = None) -> Path:
    """Create the workspace; refuse one inside the target repo, where git would see it."""
    ws = workspace.resolve()
    if repo is not None and (ws == repo or repo in ws.parents):
        raise BadInput(f"--workspace {workspace} is inside the repo; put it outside {repo}")
    if ws.exists() and not ws.is_dir():
        raise BadInput(f"--workspace {workspace} is a file, not a folder")
    try:
        ws.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BadInput(f"cannot create workspace {workspace}: {exc.strerror}") from exc
    return ws


def write_csv(path: Path, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """Write atomically: a half-written table is never left behind."""
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh, lineterminator="\n")
        out.writerow(columns)
        for row in rows:
            out.writerow(["true" if v is True else "false" if v is False else v for v in row])
    os.replace(tmp, path)


def write_frame(path: Path, frame: pd.DataFrame) -> None:
    """write_csv of a frame, read column by column: pandas' row and element iteration (of
    string columns above all) costs more than writing the file."""
    write_csv(path, [str(c) for c in frame.columns], zip(*lists(frame), strict=True))


def lists(frame: pd.DataFrame, *names: str) -> list[list[Any]]:
    """The frame's columns `names` (all when none) as Python lists, to zip over: far cheaper
    than iterating pandas' rows or a column's elements."""
    return [frame[c].tolist() for c in (names or frame.columns)]


def write_json(path: Path, data: Any) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data, indent=2, sort_keys=True, default=str) + "\n", "utf-8")
    os.replace(tmp, path)


def read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise BadInput(f"{path} is missing: run the step that writes it first") from exc
    except (OSError, ValueError) as exc:
        raise BadInput(f"cannot read {path}: {exc}") from exc


def batch_dir(ws: Path, batch: int) -> Path:
    """The folder of batch `batch` in workspace `ws`: journal, validation, references."""
    return ws / "batches" / f"{batch:03d}"
