"""Collects the ground truth while files are written, then streams it as JSON."""

from __future__ import annotations

import bisect
import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TextIO

from runbook_lib.discovery.references.model import RESOLVED
from runbook_lib.sample.model import DEPLOY_ROOT, Meta

# (source, line, target, kind, status, live): compact, sorted once at the end
RefRow = tuple[str, int, str, str, str, bool]


class Truth:
    def __init__(self) -> None:
        self.scripts: list[Meta] = []
        self.refs: list[RefRow] = []
        self.skipped: list[dict[str, str]] = []  # path, reason (and target for links)
        self.vendored: list[str] = []
        self.same_job: list[list[str]] = []
        self.traps: list[tuple[str, int]] = []  # (path, line) that names a script, no caller
        # (source, line, folder, kind, live): a COPY of a folder, resolved when all is written
        self.folder_copies: list[tuple[str, int, str, str, bool]] = []

    def add_ref(self, row: RefRow) -> None:
        self.refs.append(row)

    def live_targets(self) -> set[str]:
        return {r[2] for r in self.refs if r[5] and r[4] == RESOLVED}

    def fragments(self) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        for meta in self.scripts:
            for name in meta.fragments:
                found.setdefault(name, []).append(meta.path)
        return {name: sorted(paths) for name, paths in sorted(found.items())}

    def resolve_folders(self) -> None:
        """A COPY of a folder references every script below it (docs/discovery.md)."""
        paths = sorted(meta.path for meta in self.scripts)
        for source, line, folder, kind, live in self.folder_copies:
            # "0" is the character after "/": the paths between the two start with `folder/`
            start, end = (bisect.bisect_left(paths, folder + end) for end in "/0")
            for target in paths[start:end]:
                self.add_ref((source, line, target, kind, RESOLVED, live))
        self.folder_copies = []

    def write(self, path: Path, seed: int, requested: int) -> None:
        self.resolve_folders()
        head = {"seed": seed, "scripts_requested": requested, "deploy_root": DEPLOY_ROOT}
        skipped: list[dict[str, str]] = sorted(self.skipped, key=_by_path)
        with path.open("w", encoding="utf-8", newline="\n") as out:
            out.write(json.dumps(head)[:-1])
            self._section(out, "scripts", self._script_rows())
            self._section(out, "references", (_ref_row(r) for r in sorted(set(self.refs))))
            self._section(out, "skipped", skipped)
            out.write(f',\n"vendored": {json.dumps(sorted(self.vendored))}')
            out.write(f',\n"same_job": {json.dumps(sorted(self.same_job))}')
            out.write(f',\n"traps": {json.dumps(sorted(set(self.traps)))}')
            out.write(f',\n"fragments": {json.dumps(self.fragments())}\n}}\n')

    def _script_rows(self) -> Iterator[dict[str, object]]:
        live = self.live_targets()
        for meta in sorted(self.scripts, key=lambda m: m.path):
            yield _script_row(meta, meta.path not in live)

    @staticmethod
    def _section(out: TextIO, name: str, rows: Iterable[object]) -> None:
        out.write(f',\n"{name}": [')
        sep = "\n"
        for row in rows:
            out.write(sep + json.dumps(row))
            sep = ",\n"
        out.write("\n]")


def _script_row(meta: Meta, orphan: bool) -> dict[str, object]:
    return {
        "path": meta.path, "language": meta.language, "family": meta.family, "job": meta.job,
        "origin": meta.origin, "clone_kind": meta.clone_kind, "archived": meta.archived,
        "backup_of": meta.backup_of, "sourced": meta.sourced,
        "location_sensitive": meta.location_sensitive, "orphan": orphan,
        "fragments": list(meta.fragments),
    }


def _ref_row(row: RefRow) -> dict[str, object]:
    source, line, target, kind, status, live = row
    return {"source": source, "line": line, "target": target, "kind": kind, "status": status,
            "live": live}


def _by_path(row: dict[str, str]) -> str:
    return row["path"]
