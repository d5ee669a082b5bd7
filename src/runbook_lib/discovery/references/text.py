"""Docs and data: words only, against the file's folder then the repo root; any script of that
name (evidence of manual use, never live)."""

from __future__ import annotations

from collections.abc import Iterator

from .lines import Hit, scan_line
from .source import Source
from .words import no_comment


def extract_text(src: Source) -> Iterator[Hit]:
    if not src.lookup.may_hold_text("\n".join(src.lines)):
        return
    where = src.where(src.folder, "")
    where.loose = True
    for no, line in enumerate(src.lines, 1):
        yield from scan_line(no, line, where, src.lookup, no_comment)
