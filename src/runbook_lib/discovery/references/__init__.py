"""Finding every reference to a script: extractors per kind of caller, and the resolver."""

from __future__ import annotations

from .kinds import source_kind
from .model import Reference, RepoIndex
from .scan import EXTRACTORS, prepare, scan_file
from .source import Extractor, Source

__all__ = [
    "EXTRACTORS", "Extractor", "Reference", "RepoIndex", "Source", "prepare", "scan_file",
    "source_kind",
]
