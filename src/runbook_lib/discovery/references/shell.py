"""Shell scripts: variables that mean "my folder", and the `cd` an earlier line made."""

from __future__ import annotations

import re
from collections.abc import Iterator

from .lines import Hit, leading_cd, scan_line
from .resolve import Where
from .source import Source
from .values import evaluate
from .words import hash_comment

_NEST = r"\$\((?:[^()]|\((?:[^()]|\([^()]*\))*\))*\)"
_ASSIGN = re.compile(
    r"\s*(?:(?:export|local|readonly|declare|typeset)\s+(?:-\w+\s+)*)?([A-Za-z_]\w*)="
    r"((?:\"(?:[^\"\\$]|\\.|" + _NEST + r"|\$(?!\())*\"|'[^']*'|" + _NEST
    + r"|\$\{[^}]{0,256}\}|[^\s;&|()'\"])*)"
)


def extract_shell(src: Source) -> Iterator[Hit]:
    where = src.where(src.folder, "")
    cd: tuple[str, ...] = ()
    for no, line in enumerate(src.lines, 1):
        yield from scan_line(no, line, where, src.lookup, hash_comment, cd)
        if "=" in line:
            assign(line, where)
        moved = leading_cd(line, where, src.lookup, cd)
        if moved is not None:
            cd = moved


def assign(line: str, where: Where) -> None:
    """Record `NAME=value` so later words using $NAME resolve the way the shell would."""
    match = _ASSIGN.match(line)
    if match is None or line.lstrip().startswith("#"):
        return
    name, value = match.groups()
    where.variables[name] = evaluate(value, where.variables, where.file) if value else None
