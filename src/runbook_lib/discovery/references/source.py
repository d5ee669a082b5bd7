"""What an extractor gets (one file to scan) and what it must be (the plug-in Protocol)."""

from __future__ import annotations

import posixpath
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from .lines import Hit
from .lookup import Lookup
from .resolve import Where

if TYPE_CHECKING:
    from .shwalk import Shell


@dataclass(slots=True)
class Source:
    path: str  # repo-relative POSIX path
    kind: str
    lines: list[str]  # without line ends; line N is lines[N - 1]
    lookup: Lookup
    root: Path  # the repo folder on disk, for files a caller depends on (a built Dockerfile)

    @property
    def folder(self) -> str:
        return posixpath.dirname(self.path)

    def where(self, *bases: str) -> Where:
        return Where(file=self.path, bases=bases)

    def script_where(self) -> Where:
        """A script's working folder is unknown: its own folder, then each ancestor (guesses)."""
        return Where(file=self.path, bases=ancestors(self.folder))

    def shell(self, where: Where, **kw: Any) -> Shell:
        from .hooks import hook, path_dirs
        from .shwalk import Shell

        return Shell(where, self.lookup, hook=hook, path_dirs=path_dirs(self.lookup), **kw)

    def read(self, path: str) -> str | None:
        """Another file of the repo, or None when it is missing or unreadable."""
        try:
            return (self.root / path).read_text(encoding="utf-8", errors="replace")
        except (OSError, ValueError):
            return None


def ancestors(folder: str) -> tuple[str, ...]:
    """`folder`, its parent, ... up to the repo root ("")."""
    out = [folder]
    while folder:
        folder = posixpath.dirname(folder)
        out.append(folder)
    return tuple(out)


class Extractor(Protocol):
    """Finds the references in one file of one kind; adding a kind is adding one function."""

    def __call__(self, src: Source) -> Iterable[Hit]: ...
