"""package.json: npm runs its scripts in the package's folder."""

from __future__ import annotations

from collections.abc import Iterator

from .lines import Hit, scan_line
from .source import Source
from .words import no_comment


def extract_package_json(src: Source) -> Iterator[Hit]:
    where = src.where(src.folder)
    for no, line in enumerate(src.lines, 1):
        yield from scan_line(no, line, where, src.lookup, no_comment)
