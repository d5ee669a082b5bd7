"""Which repo scripts a shell glob matches, as the shell that runs it would expand it.

A relative glob starts at the working folder; an absolute one goes through the container's
maps or a deploy root (`for f in /usr/local/bin/setup.d/*.sh` in a script an image copies to
/usr/local/bin, after `COPY scripts/setup.d /usr/local/bin/setup.d`). A `**` folder matches
any depth below it, as it does under `shopt -s globstar` (without it, one level: the rows are
`likely` either way). A container folder also holds the scripts an image copies into it one by
one.
"""

from __future__ import annotations

import fnmatch
import posixpath
from collections.abc import Callable
from typing import TYPE_CHECKING

from .resolve import GONE, OUTSIDE, absolute, through_maps
from .values import ANCHOR, evaluate, norm

if TYPE_CHECKING:
    from .argv import Word
    from .shwalk import Shell

GLOB_MAX = 40  # a glob or a partly known path matching more than this is not followed
_MAGIC = "*?["


def glob(pattern: str, sh: Shell, strict: bool = False,
         accept: Callable[[str], object] | None = None) -> list[str]:
    """Scripts a glob value matches (relative ones against the working folder); with `accept`,
    only those whose name where they run passes it (run-parts' naming rule)."""
    anchored = pattern.startswith(ANCHOR)
    path = pattern[1:] if anchored else pattern
    folder, _, name = path.rpartition("/")
    deep = folder == "**" or folder.endswith("/**")
    if deep:
        folder = folder[:-2].rstrip("/") or ("/" if path.startswith("/") else "")
    if any(c in folder for c in _MAGIC) and not deep and name:
        return _in_matching_folders(folder, name, anchored, sh)
    if any(c in folder for c in _MAGIC) or not name or (strict and name == "*" and not folder):
        return []
    out: list[str] = []
    for repo in _repo_folders(folder, anchored, sh):
        out += [p for p in _scripts_in(repo, deep, sh)
                if fnmatch.fnmatchcase(posixpath.basename(p), name)
                and (accept is None or accept(posixpath.basename(p)))]
        if out:
            break
    if folder.startswith("/") and not anchored and not deep:
        out += _copied_into(posixpath.normpath(folder), name, sh, accept)
    found = sorted(set(out))
    return found if len(found) <= GLOB_MAX else []


def tree(w: Word, sh: Shell) -> list[str]:
    """The scripts below a folder a test runner walks (`urchin test/fast`), at any depth; a
    folder named by a value known only at run time (`test/$suite`) stands for each folder
    below the known part (not the files beside them: `test/common.sh` is no suite)."""
    value = w.value if w.value is not None else evaluate(
        w.text, sh.where.variables, sh.where.file, unknown="*")
    if value is None:
        return []
    anchored = value.startswith(ANCHOR)
    path = (value[1:] if anchored else value).rstrip("/")
    head, star, _ = path.partition("*")
    head = head.rstrip("/") if star else path
    if (star and not head) or any(c in head for c in _MAGIC):
        return []
    for repo in _repo_folders(head, anchored, sh):
        if repo not in sh.lk.index.dirs:
            continue
        found = _scripts_in(repo, True, sh)
        below = len(repo) + 1 if repo else 0  # urchin skips hidden files and folders
        return [p for p in found if (not star or posixpath.dirname(p) != repo)
                and "/." not in "/" + p[below:]]
    return []


def _in_matching_folders(folder: str, name: str, anchored: bool, sh: Shell) -> list[str]:
    """`tests/compose/*/*.py` (a folder named by a value known only at run time): the scripts
    of each repo folder the last part matches, below a known folder tried from the working
    folder and then each folder above it (a program run from the repo root names paths from
    there); a pattern with more than its last folder unknown matches nothing."""
    head, _, last = folder.rpartition("/")
    if not head or any(c in head for c in _MAGIC) or head.startswith("/"):
        return []
    bases = ("",) if anchored else (() if sh.cd == OUTSIDE else (sh.cd or sh.where.bases))
    for base in bases:
        top = norm(base + "/" + head)
        if top is None or top not in sh.lk.index.dirs:
            continue
        folders = [d for d in sh.lk.index.dirs if posixpath.dirname(d) == top
                   and fnmatch.fnmatchcase(posixpath.basename(d), last)]
        found = sorted({p for d in folders for p in sh.lk.in_folder(d)
                        if fnmatch.fnmatchcase(posixpath.basename(p), name)})
        if found:
            return found if len(found) <= GLOB_MAX else []
    return []


def _copied_into(folder: str, name: str, sh: Shell,
                 accept: Callable[[str], object] | None) -> list[str]:
    """Scripts an image copies one by one into a container folder (`ADD ensure-database
    /etc/runit/1.d/ensure-database`, perhaps in an image built FROM the one whose folder copy
    the glob also reaches), matched by the name they have there, and only where no later copy
    or RUN replaced them."""
    out = []
    for prefix, repo in sh.where.maps:
        there = posixpath.basename(prefix)
        if repo is None or posixpath.dirname(prefix) != folder \
                or not fnmatch.fnmatchcase(there, name) or (accept and not accept(there)):
            continue
        target = sh.lk.find(repo)
        if target is not None and through_maps(prefix, sh.where.maps, sh.lk) == repo:
            out.append(target)
    return out


def _repo_folders(folder: str, anchored: bool, sh: Shell) -> list[str]:
    if anchored:
        bases: tuple[str, ...] = ("",)
    elif folder.startswith("/"):
        mapped = absolute(folder, sh.where, sh.lk)
        ok = mapped is not None and mapped != GONE and (mapped == "" or mapped in sh.lk.index.dirs)
        return [mapped] if ok and mapped is not None else []
    elif sh.cd == OUTSIDE:
        return []
    else:
        bases = sh.cd or sh.where.bases[:1]
    out = [norm(base + "/" + folder) if folder else norm(base) for base in bases]
    return [f for f in out if f is not None]


def _scripts_in(repo: str, deep: bool, sh: Shell) -> list[str]:
    if not deep:
        return sh.lk.in_folder(repo)
    sh.lk.in_folder(repo)  # builds the table of folders
    prefix = repo + "/" if repo else ""
    return [s for f in (sh.lk.by_folder or {}) if f == repo or f.startswith(prefix)
            for s in sh.lk.in_folder(f)]


def services(folder: str, each: bool, sh: Shell) -> list[str]:
    """The scripts runit runs for the service folder `folder` (`runsv DIR`: its `run` and
    `finish`, and those of its `log/` folder), or for each folder directly in it (`runsvdir
    DIR`)."""
    anchored = folder.startswith(ANCHOR)
    path = (folder[1:] if anchored else folder).rstrip("/")
    if not path or any(c in path for c in _MAGIC):
        return []
    for repo in _repo_folders(path, anchored, sh):
        prefix = repo + "/" if repo else ""
        found = sorted(p for p in _scripts_in(repo, True, sh)
                       if _service_file(p[len(prefix):].split("/")[1 if each else 0:]))
        if found:
            return found if len(found) <= GLOB_MAX else []
    return []


def _service_file(parts: list[str]) -> bool:
    return parts in (["run"], ["finish"], ["log", "run"], ["log", "finish"])
