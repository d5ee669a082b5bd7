"""The resolution rules of docs/discovery.md: from a word as written to a script path."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field

from .lookup import Lookup
from .model import AMBIGUOUS, MISSING, RESOLVED
from .values import ANCHOR, evaluate, norm
from .words import has_extension

Result = tuple[str, str]  # (status, target)
Maps = list[tuple[str, "str | None"]]  # container path -> repo path (None: overwritten)
GONE = "\x01"  # a container path whose file was overwritten in the image


@dataclass(slots=True)
class Where:
    """How the caller sees paths: its file, its working folders, its variables, its mounts."""

    file: str
    bases: tuple[str, ...]  # repo folders relative words are tried against, in order
    variables: dict[str, str | None] = field(default_factory=dict)
    maps: Maps = field(default_factory=list)  # newest first
    workdir: str | None = None  # container folder relative words start from


def resolve_word(
    word: str, where: Where, lk: Lookup, cd: tuple[str, ...] = (), written: str | None = None,
) -> Result | None:
    """`written` is the word as the line shows it when `word` is its value."""
    value = evaluate(word, where.variables, where.file) if "$" in word else word
    word = written or word
    if value is None:
        return (MISSING, word) if has_extension(word) else None
    if "://" in value:
        return None
    if value.startswith(ANCHOR):
        return _exact(norm(value[1:]), word, lk)
    if value.startswith("/"):
        mapped = absolute(value, where, lk)
        return None if mapped is None or mapped == GONE else _exact(mapped, word, lk)
    return _relative(value, word, where, lk, cd)


def absolute(path: str, where: Where, lk: Lookup) -> str | None:
    """The repo path an absolute path stands for, GONE, or None when it is not the repo's."""
    path = posixpath.normpath(path)
    for prefix, repo in where.maps:
        if path == prefix or path.startswith(prefix + "/") or prefix == "/":
            if repo is None:
                return GONE
            rest = path[len(prefix):] if prefix != "/" else path
            return norm(repo + "/" + rest.lstrip("/")) if rest.strip("/") else norm(repo)
    for root in lk.index.deploy_roots:
        if path == root or path.startswith(root + "/"):
            return norm(path[len(root):])
    return None


def _exact(path: str | None, word: str, lk: Lookup) -> Result | None:
    found = lk.find(path)
    if found is not None:
        return RESOLVED, found
    return (MISSING, word) if has_extension(word) else None


def _relative(
    value: str, word: str, where: Where, lk: Lookup, cd: tuple[str, ...],
) -> Result | None:
    found = _in_folders(value, where, lk, cd)
    if found is not None:
        return RESOLVED, found
    rel = _tail(value)
    matches = lk.ending_with(rel) if rel else []
    if len(matches) == 1:
        return RESOLVED, matches[0]
    if matches:
        return AMBIGUOUS, word
    return (MISSING, word) if has_extension(word) else None


def _in_folders(value: str, where: Where, lk: Lookup, cd: tuple[str, ...]) -> str | None:
    for base in cd:
        found = lk.find(norm(base + "/" + value))
        if found is not None:
            return found
    if where.workdir is not None:
        mapped = absolute(posixpath.join(where.workdir, value), where, lk)
        if mapped is not None and mapped != GONE:
            found = lk.find(mapped)
            if found is not None:
                return found
    for base in where.bases:
        found = lk.find(norm(base + "/" + value))
        if found is not None:
            return found
    return None


def _tail(value: str) -> str:
    """The path without leading `./` and `../`, for matching against path endings."""
    parts = [p for p in value.split("/") if p not in ("", ".")]
    while parts and parts[0] == "..":
        parts.pop(0)
    return "/".join(parts) if ".." not in parts else ""


def resolve_module(
    dotted: str, where: Where, lk: Lookup, cd: tuple[str, ...] = (), main: bool = False,
) -> Result | None:
    """A module of the repo named by `python -m`, runpy or an import; never `missing`."""
    rel = dotted.replace(".", "/")
    names = (rel + ".py", rel + ("/__main__.py" if main else "/__init__.py"))
    for base in (*cd, *where.bases):
        for name in names:
            found = lk.find(norm(base + "/" + name))
            if found is not None:
                return RESOLVED, found
    for name in names:
        matches = lk.ending_with(name)
        if len(matches) == 1:
            return RESOLVED, matches[0]
        if matches:
            return AMBIGUOUS, dotted
    return None


def cd_folders(word: str, where: Where, lk: Lookup, current: tuple[str, ...]) -> tuple[str, ...]:
    """The repo folders a `cd WORD` may lead to; () when unknown or outside the repo."""
    value = evaluate(word, where.variables, where.file) if "$" in word else word.strip("\"'")
    if value is None or value in ("-", "~", ""):
        return ()
    if value.startswith(ANCHOR):
        path = norm(value[1:])
        return () if path is None else (path,)
    if value.startswith("/"):
        mapped = absolute(value, where, lk)
        return () if mapped is None or mapped == GONE else (mapped,)
    starts = current or (*where.bases[:1], "")
    out: list[str] = []
    for start in starts:
        path = norm(start + "/" + value)
        if path is not None and path in lk.index.dirs and path not in out:
            out.append(path)
    return tuple(out)
