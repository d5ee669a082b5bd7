"""systemd units: Exec*= commands (systemd splits them itself; a `/bin/sh -c` inside is shell),
relative paths against WorkingDirectory=."""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator

from .argv import Word, interpret
from .lines import Hit
from .resolve import GONE, absolute
from .shwalk import act
from .source import Source
from .values import norm

_WORKDIR = re.compile(r"\s*WorkingDirectory\s*=\s*-?(\S+)")
_EXEC = re.compile(r"\s*Exec\w*\s*=\s*[-@+!:]*(.*)$")


def exec_lines(lines: list[str]) -> list[tuple[int, str]]:
    """(0-based row, command) of every Exec*= line that is not a comment."""
    out = []
    for row, line in enumerate(lines):
        if line.lstrip()[:1] in ("#", ";"):
            continue
        match = _EXEC.match(line)
        if match and match.group(1).strip():
            out.append((row, match.group(1)))
    return out


def extract_systemd(src: Source) -> Iterator[Hit]:
    folder = _working_folder(src)
    where = src.where(*(() if folder is None else (folder,)))
    shell = src.shell(where)
    for row, command in exec_lines(src.lines):
        try:
            parts = shlex.split(command)
        except ValueError:
            parts = command.split()
        words = [Word(p, p, row + 1) for p in parts]
        for action in interpret(words):
            act(action, shell)
    yield from shell.hits


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
