"""Makefiles: `$(VAR)` expanded from the file's assignments; recipes run in its folder."""

from __future__ import annotations

import re
from collections.abc import Iterator

from .lines import Hit, last_cd, scan_line
from .source import Source
from .values import ANCHOR
from .words import hash_comment

_ASSIGN = re.compile(
    r"(?:(?:export|override)\s+)?([A-Za-z_][\w.-]*)\s*(::?=|:::=|\?=|\+=|!=|=)\s*(.*?)\s*$"
)
_REF = re.compile(r"\$[({]([A-Za-z_][\w.-]*)[)}]")
_HERE = re.compile(r"\$[({](?:CURDIR|dir\s+\$[({](?:lastword|firstword)\s+\$[({]MAKEFILE_LIST"
                   r"[)}][)}]|shell\s+pwd)[)}]/?")


def extract_make(src: Source) -> Iterator[Hit]:
    where = src.where(src.folder)
    where.variables["CURDIR"] = ANCHOR + src.folder
    known: dict[str, str] = {}
    cd: tuple[str, ...] = ()
    for no, raw in enumerate(src.lines, 1):
        line = expand(raw, known) if "$" in raw else raw
        yield from scan_line(no, line, where, src.lookup, hash_comment, cd)
        if not raw.startswith("\t"):
            _assign(raw, known)
        # a recipe line is its own shell, unless continued with a backslash
        moved = last_cd(line, where, src.lookup, cd) if raw.rstrip().endswith("\\") else None
        cd = moved or ()


def expand(line: str, known: dict[str, str]) -> str:
    line = _HERE.sub("${CURDIR}/", line)
    for _ in range(8):
        replaced = _REF.sub(lambda m: known.get(m.group(1), m.group(0)), line)
        if replaced == line:
            break
        line = replaced
    return line.replace("$$", "$")


def _assign(line: str, known: dict[str, str]) -> None:
    match = _ASSIGN.match(line)
    if match is None or line.lstrip().startswith("#"):
        return
    name, op, value = match.groups()
    value = value.split(" #", 1)[0].strip()
    if op == "+=":
        known[name] = (known.get(name, "") + " " + value).strip()
    elif op == "?=":
        known.setdefault(name, value)
    elif op != "!=":
        known[name] = value
