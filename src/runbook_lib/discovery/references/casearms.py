"""What a `case` arm tells about its variable: in the arms after `-v|--version) ...;;` the
variable is neither `-v` nor `--version`, so the dispatcher's `*) exec "tool-$command"` never
runs `tool---version` (that file is run by its own arm, by name).

Only literal patterns rule a value out (a glob pattern such as `-*` says nothing sure), and
only when the `case` tests one plain variable (`case "$1"`, `case $command`)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from . import shparse

if TYPE_CHECKING:
    from .argv import Word
    from .shwalk import Shell

Node = shparse.Node

_PLAIN = re.compile(r'^"?\$\{?([A-Za-z_]\w*|[0-9])\}?"?$')
_VARIABLE = re.compile(r"\$\{?([A-Za-z_]\w*|[0-9])\}?")
_GLOB = frozenset("*?[]|@+!()")


def tested(case: Node) -> str | None:
    """The variable a `case` statement tests, or None when it tests anything else."""
    value = case.child_by_field_name("value")
    if value is None:
        return None
    m = _PLAIN.match(shparse.text(value))
    return m.group(1) if m else None


def earlier_literals(item: Node) -> frozenset[str]:
    """The literal patterns of the arms before `item` (the values its arm never sees)."""
    out: set[str] = set()
    sibling = item.prev_named_sibling
    while sibling is not None and sibling.type == "case_item":
        if _falls_through(sibling):
            return frozenset()  # `;&`/`;;&`: an earlier arm's value may reach this one
        for pattern in sibling.children_by_field_name("value"):
            text = shparse.text(pattern)
            if len(text) > 1 and text[0] == text[-1] and text[0] in "\"'":
                out.add(text[1:-1])
            elif not _GLOB & set(text) and "$" not in text and "\\" not in text:
                out.add(text)
        sibling = sibling.prev_named_sibling
    return frozenset(out)


def _falls_through(item: Node) -> bool:
    term = item.child_by_field_name("termination") or item.child_by_field_name("fallthrough")
    return term is not None and shparse.text(term) in (";&", ";;&")


def enter(item: Node, sh: Shell) -> tuple[str, frozenset[str] | None] | None:
    """Rule out the earlier arms' values while `item`'s body is walked; what to restore after."""
    case = item.parent
    var = tested(case) if case is not None and case.type == "case_statement" else None
    if var is None:
        return None
    literals = earlier_literals(item)
    before = sh.excluded.get(var)
    sh.excluded[var] = literals
    return var, before


def leave(saved: tuple[str, frozenset[str] | None], sh: Shell) -> None:
    var, before = saved
    if before is None:
        sh.excluded.pop(var, None)
    else:
        sh.excluded[var] = before


def ruled_out(pattern: str, w: Word, sh: Shell) -> frozenset[str]:
    """The names `pattern` (the word with its unknown part as `*`) cannot take here: its one
    unknown variable is a `case`'s, in an arm after the arms of those values."""
    if pattern.count("*") != 1 or not sh.excluded:
        return frozenset()
    unknown = {v for v in _VARIABLE.findall(w.text) if sh.where.variables.get(v) is None}
    if len(unknown) != 1:
        return frozenset()
    values = sh.excluded.get(unknown.pop(), frozenset())
    return frozenset(pattern.replace("*", v) for v in values if v and "/" not in v)
