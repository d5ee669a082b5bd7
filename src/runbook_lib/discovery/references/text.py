"""Docs and data: words only, against the file's folder then the repo root."""

from __future__ import annotations

from collections.abc import Iterator

from .lines import Hit, scan_line
from .source import Source
from .words import hash_comment, no_comment


def extract_text(src: Source) -> Iterator[Hit]:
    where = src.where(src.folder, "")
    for no, line in enumerate(src.lines, 1):
        yield from scan_line(no, line, where, src.lookup, no_comment)


def extract_lines(src: Source) -> Iterator[Hit]:
    """The fallback for any kind whose own extractor failed on odd input."""
    where = src.where(src.folder, "")
    for no, line in enumerate(src.lines, 1):
        yield from scan_line(no, line, where, src.lookup, hash_comment)
