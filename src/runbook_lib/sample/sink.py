"""Writes the sample repo's files and records, line by line, the references they hold."""

from __future__ import annotations

import os
from pathlib import Path, PurePosixPath

from runbook_lib.discovery.references.model import LIVE_KINDS, RESOLVED
from runbook_lib.sample.model import Line, Meta
from runbook_lib.sample.truth import Truth

ARCHIVE_DIRS = frozenset(
    {"archive", "archived", "backup", "backups", "old", "deprecated", "attic", "obsolete"}
)


def is_archived(path: str) -> bool:
    return any(part in ARCHIVE_DIRS for part in PurePosixPath(path).parts[:-1])


class Sink:
    """Every file of the sample goes through here, so the truth can never miss one."""

    def __init__(self, root: Path, truth: Truth) -> None:
        self.root = root
        self.truth = truth
        self.commits: list[list[str]] = [[], [], [], []]
        self.script_count = 0

    def exists(self, path: str) -> bool:
        return os.path.lexists(self.root / path)

    def write_bytes(self, path: str, data: bytes, commit: int, mode: int = 0o644) -> None:
        if self.exists(path):
            raise ValueError(f"sample generator wrote {path} twice")
        full = self.root / path
        full.parent.mkdir(parents=True, exist_ok=True)
        full.write_bytes(data)
        full.chmod(mode)
        if commit >= 0:
            self.commits[commit].append(path)

    def write_doc(self, path: str, kind: str, lines: list[Line], commit: int,
                  mode: int = 0o644, archived: bool = False) -> None:
        """A caller file (or a script's text): `kind` decides which references are live."""
        text = "".join(line.text + "\n" for line in lines)
        self.write_bytes(path, text.encode("utf-8"), commit, mode)
        runs = kind in LIVE_KINDS and not archived
        comment = "//" if PurePosixPath(path).name == "Jenkinsfile" else "#"
        for number, line in enumerate(lines, start=1):
            # a comment in a file that runs things is no reference at all (docs/discovery.md)
            if kind in LIVE_KINDS and line.text.lstrip().startswith(comment):
                self.truth.traps.append((path, number))
                continue
            if line.trap:
                self.truth.traps.append((path, number))
            if line.folder:
                self.truth.folder_copies.append((path, number, line.folder, kind, runs))
            self._record(path, number, line, kind, runs)

    def _record(self, path: str, number: int, line: Line, kind: str, live: bool) -> None:
        seen: set[str] = set()
        for ref in line.refs:
            if ref.target in seen or (ref.status == RESOLVED and ref.target == path):
                continue
            seen.add(ref.target)
            here = live if ref.live is None else live and ref.live
            self.truth.add_ref((path, number, ref.target, ref.kind or kind, ref.status, here))

    def write_script(self, meta: Meta, lines: list[Line], commit: int) -> None:
        kind = "python" if meta.language == "python" else "script"
        self.write_doc(meta.path, kind, lines, commit, 0o755, meta.archived)
        self.add_meta(meta)

    def add_meta(self, meta: Meta) -> None:
        self.truth.scripts.append(meta)
        self.script_count += 1

    def symlink(self, path: str, target: str, commit: int) -> None:
        """A link in the repo: a live reference from the link to the script it points at."""
        full = self.root / path
        full.parent.mkdir(parents=True, exist_ok=True)
        os.symlink(target, full)
        self.commits[commit].append(path)
        self.truth.add_ref((path, 1, target, "symlink", RESOLVED, not is_archived(path)))
