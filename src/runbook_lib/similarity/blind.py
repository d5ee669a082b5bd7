"""The identifier- and literal-blind (T2) spelling of one shell word.

Variables become $V (or ${V}, ${V:S} when the expansion carries a default), every literal
(quoted or bare argument text, numbers, paths) becomes S or N, while options, operators and
`$( )`/`${ }` structure stay, so `ssh "$HOST" "docker restart web"` and `ssh "$REMOTE" "docker
restart api"` are spelled the same.
"""

from __future__ import annotations

import functools
import re

BARE = re.compile(r"[A-Za-z_][\w-]*")
_OPTION = re.compile(r"(--?[A-Za-z][\w-]*)(=?)(.*)", re.S)
_NUMBER = re.compile(r"\d+")
_PART = re.compile(
    r"\$\{[#!]?([A-Za-z_]\w*)?(\[[^\]]*\])?([^}]*)\}|\$[A-Za-z_]\w*|\$[^A-Za-z_{(]|'[^']*'|"
    r"[^$\"'`(){}]+"
)
_KEEP_ARGS = frozenset({"in", "]", "]]", "=", "==", "!=", "!", "&&", "||"})


@functools.lru_cache(maxsize=1 << 16)
def blind_arg(tok: str) -> str:
    """An argument: options stay, every other word is a literal (shell has no other kind)."""
    if tok in _KEEP_ARGS:
        return tok
    m = _OPTION.fullmatch(tok)
    if m:
        return m.group(1) + m.group(2) + (blind_word(m.group(3)) if m.group(3) else "")
    return blind_word(tok)


@functools.lru_cache(maxsize=1 << 16)
def blind_word(tok: str) -> str:
    """Variables become $V, literal text S, keeping quotes, `$( )` and `${ }` as structure."""
    if not tok:
        return ""
    if _NUMBER.fullmatch(tok):
        return "N"
    return _PART.sub(_part, tok)


def _part(m: re.Match[str]) -> str:
    part = m.group(0)
    if part.startswith("${"):
        return ("${V:S}" if m.group(3) else "${V}") if m.group(1) else part
    if part.startswith("$"):
        return "$V" if len(part) > 2 or part[1:].isalpha() or part[1:] == "_" else part
    return "S"
