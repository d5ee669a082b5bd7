"""Scanning one line of shell-like text: its words, inline `cd DIR &&`, `python -m`."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass

from .lookup import Lookup
from .model import CERTAIN
from .resolve import Result, Where, cd_folders, resolve_word
from .words import has_extension, split_words

_INLINE_CD = re.compile(
    r"(?:^|[;&|(`\s])(?:builtin\s+)?(?:cd|pushd)\s+"
    r"(\"[^\"]*\"|'[^']*'|[^\s;&|)]+)\s*(?:>\s*/dev/null\s*)?(?:&&|;|\|\|)"
)
_LEADING_CD = re.compile(
    r"\s*(?:builtin\s+)?(?:cd|pushd)(?:\s+(\"[^\"]*\"|'[^']*'|[^\s;&|#]+))?\s*(?:$|&&|;|\|\||#|>)"
)


@dataclass(frozen=True, slots=True)
class Hit:
    line: int
    status: str
    target: str
    comment: bool
    rule: str = "word"
    confidence: str = CERTAIN
    kind: str = ""  # the row's kind when it is not the source file's (`import`)
    live: bool = True  # False: evidence only, even from a file that runs (ssh to a remote)
    via: str = ""  # a repo script that runs these words only if it runs its arguments


Comment = Callable[[str], int]
MAX = "\U0010ffff"  # sorts after any folder name


def scan_line(
    no: int, line: str, where: Where, lk: Lookup, comment: Comment, cd: tuple[str, ...] = (),
    values: Mapping[str, str] | None = None,
) -> Iterator[Hit]:
    """References on one line; `cd` holds the folders an earlier `cd` line led to, `values`
    what some words stand for (a Python path expression they end)."""
    if lk.may_hold(line):
        yield from scan_words(no, line, where, lk, comment, cd, values)


def scan_words(
    no: int, line: str, where: Where, lk: Lookup, comment: Comment, cd: tuple[str, ...] = (),
    values: Mapping[str, str] | None = None,
) -> Iterator[Hit]:
    """scan_line for a line already known to possibly hold a reference."""
    words = split_words(line)
    cds = _inline_cds(line, where, lk, cd) if "cd " in line or "pushd " in line else []
    cut = -1
    for start, word in words:
        here = _cd_at(cds, start, cd)
        if values and word in values:
            result = resolve_word(values[word], where, lk, here, written=word)
        else:
            result = _word(word, where, lk, here)
        if result is not None:
            if cut < 0:
                cut = comment(line)
            yield Hit(no, result[0], result[1], start >= cut, "mention")


def _word(word: str, where: Where, lk: Lookup, cd: tuple[str, ...]) -> Result | None:
    folder, _, last = word.rpartition("/")
    if not folder and last.isdigit():  # `exit 1`, `UNICORN_WORKERS: 1`: a number, never the
        return None  # script named `1` (runit's stages `/etc/runit/1` are named by their path)
    if lk.is_name(last) or has_extension(word):
        return resolve_word(word, where, lk, cd)
    return None


def _inline_cds(
    line: str, where: Where, lk: Lookup, cd: tuple[str, ...],
) -> list[tuple[int, tuple[str, ...]]]:
    out: list[tuple[int, tuple[str, ...]]] = []
    for match in _INLINE_CD.finditer(line):
        out.append((match.end(), cd_folders(match.group(1), where, lk, cd)))
    return out


def _cd_at(
    cds: list[tuple[int, tuple[str, ...]]], start: int, cd: tuple[str, ...],
) -> tuple[str, ...]:
    """The folders of the last `cd` before offset `start` (cds are in line order)."""
    if not cds or cds[0][0] > start:
        return cd
    return cds[bisect_right(cds, (start, (MAX,))) - 1][1]


def leading_cd(line: str, where: Where, lk: Lookup, cd: tuple[str, ...]) -> tuple[str, ...] | None:
    """The folders after a line that starts with `cd DIR`; None when it does not."""
    if "cd" not in line:
        return None
    match = _LEADING_CD.match(line)
    if match is None:
        return None
    return cd_folders(match.group(1) or "~", where, lk, cd)


def last_cd(line: str, where: Where, lk: Lookup, cd: tuple[str, ...]) -> tuple[str, ...] | None:
    """The folders the last `cd` of a line leads to, for a line continued on the next one."""
    if "cd" not in line:
        return None
    cds = _inline_cds(line, where, lk, cd)
    if cds:
        return cds[-1][1]
    return leading_cd(line.rstrip().rstrip("\\"), where, lk, cd)
