"""What an extractor gets (one file to scan) and what it must be (the plug-in Protocol)."""

from __future__ import annotations

import posixpath
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from .lines import Hit
from .lookup import Lookup
from .resolve import Where


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

    def read(self, path: str) -> str | None:
        """Another file of the repo, or None when it is missing or unreadable."""
        try:
            return (self.root / path).read_text(encoding="utf-8", errors="replace")
        except (OSError, ValueError):
            return None


class Extractor(Protocol):
    """Finds the references in one file of one kind; adding a kind is adding one function."""

    def __call__(self, src: Source) -> Iterable[Hit]: ...
