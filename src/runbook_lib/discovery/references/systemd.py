"""systemd units: Exec*= lines, relative paths against WorkingDirectory=."""

from __future__ import annotations

import re
from collections.abc import Iterator

from .lines import Hit, scan_line
from .resolve import GONE, absolute
from .source import Source
from .values import norm
from .words import line_comment

_WORKDIR = re.compile(r"\s*WorkingDirectory\s*=\s*-?(\S+)")
_EXEC_PREFIX = re.compile(r"^(\s*Exec\w*\s*=\s*)[-@+!:]+")


def extract_systemd(src: Source) -> Iterator[Hit]:
    where = src.where()
    folder = _working_folder(src)
    if folder is not None:
        where.bases = (folder,)
    for no, line in enumerate(src.lines, 1):
        if "Exec" in line:
            line = _EXEC_PREFIX.sub(r"\1", line)
        yield from scan_line(no, line, where, src.lookup, line_comment)


def _working_folder(src: Source) -> str | None:
    for line in src.lines:
        match = _WORKDIR.match(line)
        if match:
            path = match.group(1)
            if path.startswith("/"):
                mapped = absolute(path, src.where(), src.lookup)
                return None if mapped == GONE else mapped
            return norm(path)
    return None
