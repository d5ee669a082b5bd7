"""Cron tables: absolute paths (deploy roots) and `cd DIR &&`; no working folder of their own."""

from __future__ import annotations

import re
from collections.abc import Iterator

from .lines import Hit, scan_line
from .source import Source
from .values import evaluate
from .words import hash_comment

_ENV = re.compile(r"\s*([A-Za-z_]\w*)\s*=\s*(.*?)\s*$")


def extract_cron(src: Source) -> Iterator[Hit]:
    # cron runs commands in the user's home: relative words resolve only by rule 4
    where = src.where()
    for no, line in enumerate(src.lines, 1):
        yield from scan_line(no, line, where, src.lookup, hash_comment)
        match = _ENV.match(line)
        if match and not line.lstrip().startswith("#"):
            name, value = match.groups()
            where.variables[name] = evaluate(value, where.variables, where.file)
