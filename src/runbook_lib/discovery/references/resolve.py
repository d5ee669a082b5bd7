"""The resolution rules of docs/discovery.md: from a path as written to a repo script.

Every answer carries a confidence: `certain` when the caller's view of the path is known (its own
folder through `$0`/`__file__`, the working folder of a CI step, a `cd` to a repo folder, a
container's WORKDIR and COPY maps, a deploy root the user gave), `likely` when it is a guess (an
ancestor folder as the working folder, a unique path ending, the repo's own name inside an
absolute path).
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field

from .lookup import Lookup
from .model import AMBIGUOUS, CERTAIN, LIKELY, MISSING, RESOLVED
from .values import ANCHOR, evaluate, norm
from .words import has_extension

Result = tuple[str, str]  # (status, target)
Maps = list[tuple[str, "str | None"]]  # container path -> repo path (None: overwritten)
GONE = "\x01"  # a container path whose file was overwritten in the image
OUTSIDE: tuple[str, ...] = ("\x02",)  # a `cd` out of the repo or to an unknown folder


@dataclass(frozen=True, slots=True)
class Found:
    status: str
    target: str
    confidence: str


@dataclass(slots=True)
class Where:
    """How the caller sees paths: its file, its working folders, its variables, its mounts.

    The first of `bases` is the working folder as far as it is known; the later ones (ancestors
    of a script's folder, the repo root) are guesses and give `likely` rows."""

    file: str
    bases: tuple[str, ...]  # repo folders relative words are tried against, in order
    variables: dict[str, str | None] = field(default_factory=dict)
    maps: Maps = field(default_factory=list)  # newest first
    workdir: str | None = None  # container folder relative words start from
    strict: bool = False  # a container: relative words only through its WORKDIR and maps
    loose: bool = False  # docs and data: a bare name may match any script of that name
    # runs in containers whose WORKDIR is the image's own (an upstream checkout): a relative
    # path found nowhere in the repo may be there, so it is no dangling row
    foreign_cwd: bool = False
    clones: tuple[str, ...] = ()  # absolute folders the file cloned this repo into (selfclone.py)
    foreign: tuple[str, ...] = ()  # relative folders it cloned other repositories into


def resolve_word(
    word: str, where: Where, lk: Lookup, cd: tuple[str, ...] = (), written: str | None = None,
) -> Result | None:
    """`written` is the word as the line shows it when `word` is its value."""
    value = evaluate(word, where.variables, where.file) if "$" in word else word
    found = locate(value, written or word, where, lk, cd)
    return None if found is None else (found.status, found.target)


def locate(
    value: str | None, word: str, where: Where, lk: Lookup, cd: tuple[str, ...] = (),
) -> Found | None:
    """The script a path value names; `word` is the path as written (for missing rows).

    A value that is unknown (None), a URL, or relative to an unknown folder is no reference."""
    if value is None or "://" in value or not value:
        return None
    if value.startswith(ANCHOR):
        return _exact(norm(value[1:]), word, lk, CERTAIN)
    if value.startswith("/"):
        mapped, confidence = absolute_with(value, where, lk)
        if mapped is None or mapped == GONE:
            return None
        return _exact(mapped, word, lk, confidence, dangling=confidence == CERTAIN)
    if cd == OUTSIDE:
        return None
    if where.foreign and _in_foreign(value, where, cd):
        return None  # a file of another repository the caller cloned there
    if where.strict and not cd:
        if where.workdir is None:
            return None
        mapped, _ = absolute_with(posixpath.join(where.workdir, value), where, lk)
        return None if mapped is None or mapped == GONE else _exact(mapped, word, lk, CERTAIN)
    return _relative(value, word, where, lk, cd)


def _in_foreign(value: str, where: Where, cd: tuple[str, ...]) -> bool:
    path = posixpath.normpath(posixpath.join(cd[0], value) if cd and cd[0] else value)
    return any(path == f or path.startswith(f + "/") for f in where.foreign)


def absolute(path: str, where: Where, lk: Lookup) -> str | None:
    """The repo path an absolute path stands for, GONE, or None when it is not the repo's."""
    return absolute_with(path, where, lk)[0]


def absolute_with(path: str, where: Where, lk: Lookup) -> tuple[str | None, str]:
    path = posixpath.normpath(path)
    mapped = through_maps(path, where.maps, lk)
    if mapped is not None:
        return mapped, CERTAIN
    for root in lk.index.deploy_roots:
        if path == root or path.startswith(root + "/"):
            return norm(path[len(root):]), CERTAIN
    for root in where.clones:
        if path == root or path.startswith(root + "/"):
            return norm(path[len(root):]), LIKELY
    inferred = _inferred(path, where.maps)
    if inferred is not None:
        return inferred, CERTAIN
    return _by_repo_name(path, lk), LIKELY


def through_maps(path: str, maps: Maps, lk: Lookup) -> str | None:
    """An image's file system is layered: a folder copied over another one adds its files and
    keeps the rest, so a path the newest folder copy does not hold is looked up in older ones.
    A path none of them holds is missing only where its folder came from the repo; elsewhere
    (`/u01/` <- `install/`, then `/u01/domains/x/bin/stop.sh`) the image made it, not the repo."""
    dangling: str | None = None
    for prefix, repo in maps:
        if not (path == prefix or path.startswith(prefix + "/") or prefix == "/"):
            continue
        if repo is None:
            return GONE
        rest = path[len(prefix):] if prefix != "/" else path
        if not rest.strip("/"):
            return norm(repo)
        got = norm(repo + "/" + rest.lstrip("/"))
        if got is None or lk.find(got) is not None or got in lk.index.dirs:
            return got
        if dangling is None and posixpath.dirname(got) in lk.index.dirs:
            dangling = got
    return dangling


def _inferred(path: str, maps: Maps) -> str | None:
    """A container folder nothing was copied to as a whole, but whose contents were copied from
    one repo folder (`COPY backend/app /app/backend/app` makes /app/backend stand for backend)."""
    for prefix, repo in maps:
        if repo is None or not prefix.startswith(path.rstrip("/") + "/"):
            continue
        rel = prefix[len(path.rstrip("/")) + 1:]
        if repo == rel:
            return ""
        if repo.endswith("/" + rel):
            return repo[: -len(rel) - 1]
    return None


def own_checkout(value: str, lk: Lookup) -> str | None:
    """A relative path that starts with the repo's own folder name (a fresh clone of it)."""
    parts = [p for p in value.split("/") if p not in ("", ".")]
    if len(parts) > 1 and parts[0] in lk.repo_names:
        return norm("/".join(parts[1:]))
    return None


def _by_repo_name(path: str, lk: Lookup) -> str | None:
    """`/opt/<repo>/tools/x.sh`: the repo checked out under its own name somewhere."""
    parts = path.split("/")
    for i, part in enumerate(parts):
        if part in lk.repo_names:
            rest = "/".join(parts[i + 1:])
            if lk.find(rest) is not None or rest in lk.index.dirs:
                return rest
    return None


def _exact(path: str | None, word: str, lk: Lookup, confidence: str,
           dangling: bool = True) -> Found | None:
    found = lk.find(path)
    if found is not None:
        return Found(RESOLVED, found, confidence)
    return Found(MISSING, word, confidence) if dangling and has_extension(word) else None


def _relative(value: str, word: str, where: Where, lk: Lookup, cd: tuple[str, ...]) -> Found | None:
    found = _in_folders(value, where, lk, cd)
    if found is not None:
        return found
    rel = _tail(value)
    matches = lk.ending_with(rel) if rel and ("/" in rel or where.loose) else []
    if len(matches) == 1:
        return Found(RESOLVED, matches[0], LIKELY)
    if matches:
        return Found(AMBIGUOUS, word, LIKELY)
    return Found(MISSING, word, CERTAIN) if has_extension(word) and not where.foreign_cwd \
        else None


def _in_folders(value: str, where: Where, lk: Lookup, cd: tuple[str, ...]) -> Found | None:
    for base in cd:
        found = lk.find(norm(base + "/" + value))
        if found is not None:
            return Found(RESOLVED, found, CERTAIN)
    if where.workdir is not None:
        mapped = absolute(posixpath.join(where.workdir, value), where, lk)
        if mapped is not None and mapped != GONE:
            found = lk.find(mapped)
            if found is not None:
                return Found(RESOLVED, found, CERTAIN)
    for i, base in enumerate(where.bases):
        found = lk.find(norm(base + "/" + value))
        if found is not None:
            return Found(RESOLVED, found, CERTAIN if i == 0 and not cd else LIKELY)
    return None


def _tail(value: str) -> str:
    """The path without leading `./` and `../`, for matching against path endings."""
    parts = [p for p in value.split("/") if p not in ("", ".")]
    while parts and parts[0] == "..":
        parts.pop(0)
    return "/".join(parts) if ".." not in parts else ""


def cd_folders(word: str, where: Where, lk: Lookup, current: tuple[str, ...]) -> tuple[str, ...]:
    """The repo folders a `cd WORD` leads to; OUTSIDE when unknown or outside the repo."""
    value = evaluate(word, where.variables, where.file) if "$" in word else word.strip("\"'")
    return cd_value(value, where, lk, current)


def cd_value(value: str | None, where: Where, lk: Lookup,
             current: tuple[str, ...]) -> tuple[str, ...]:
    if value is None or value in ("-", "~", "") or value.startswith("~"):
        return OUTSIDE
    if value.startswith(ANCHOR):
        path = norm(value[1:])
        return OUTSIDE if path is None or path not in lk.index.dirs else (path,)
    if value.startswith("/"):
        mapped = absolute(value, where, lk)
        return OUTSIDE if mapped is None or mapped == GONE else (mapped,)
    inside = own_checkout(value, lk)
    if inside is not None:  # `git clone .../<repo>.git && cd <repo>/tools`: this repo's files
        return (inside,) if inside in lk.index.dirs else OUTSIDE
    if current == OUTSIDE:
        return OUTSIDE
    starts = current or (*where.bases[:1], "")
    out: list[str] = []
    for start in starts:
        path = norm(start + "/" + value)
        if path is not None and path in lk.index.dirs and path not in out:
            out.append(path)
    return tuple(out) or OUTSIDE
