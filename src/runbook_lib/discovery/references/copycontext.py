"""The build context a Dockerfile's own COPY and ADD sources give it, where nothing else does.

A Dockerfile built from the repository root by a pipeline outside the repository (nextcloud's
all-in-one: `COPY Containers/nextcloud/*.sh /` in `Containers/nextcloud/Dockerfile`) names its
sources from that root; read from its own folder they name nothing, and the build would fail.
So where no compose file or command line gives a Dockerfile its context (buildcontext.py), and
none of its sources is found in its own folder, the nearest folder above it in which one of
them is found is its context. That is a guess: every row it gives is `likely`, the
Dockerfile's own (dockerfile.py) and those of the code its image holds (baseimage.lower_named).
A `COPY . /app`, a source found in its own folder, a stage copy (`--from`) or a URL keep the
Dockerfile's own folder; so does a Dockerfile with no source or a source held in a variable.
"""

from __future__ import annotations

import fnmatch
import posixpath
from collections.abc import Callable

from .kinds import source_kind
from .lookup import Lookup
from .values import norm

INFERRED = "inferred-contexts"  # Lookup.memo key: the Dockerfiles whose context is guessed


def inferred_contexts(lk: Lookup, read: Callable[[str], str | None],
                      known: dict[str, str]) -> dict[str, str]:
    """Dockerfile -> the folder above it its sources are named from (module doc)."""
    out: dict[str, str] = {}
    for path in sorted(lk.index.files):
        if source_kind(path) != "dockerfile" or path in known:
            continue
        sources = _sources(read(path) or "")
        folder = posixpath.dirname(path)
        if not sources or any(_found(folder, s, lk) for s in sources):
            continue
        while folder:
            folder = posixpath.dirname(folder)
            if any(_found(folder, s, lk) for s in sources):
                out[path] = folder
                break
    lk.memo[INFERRED] = frozenset(out)
    return out


def guessed(path: str, lk: Lookup) -> bool:
    """Whether a Dockerfile's context is a guess of inferred_contexts."""
    return path in lk.memo.get(INFERRED, frozenset())


def _sources(text: str) -> list[str]:
    """The sources of each COPY/ADD read from the build context (not a stage, a heredoc or a
    URL), through the Dockerfile parser; [] where a source is held in a variable."""
    from .dockerfile import parse  # it imports this module's caller (buildcontext.py)

    found: list[str] = []
    for command in parse(text):
        if command.cmd not in ("COPY", "ADD") or any(
                f.startswith("--from") for f in command.flags):
            continue
        for source in command.value[:-1]:
            if "$" in source:
                return []
            if "://" not in source and not source.startswith("<<"):
                found.append(source)
    return found


def _found(folder: str, source: str, lk: Lookup) -> bool:
    """Whether the source names a repo file or folder when read from `folder`."""
    path = norm(folder + "/" + source.lstrip("/")) if folder else norm(source.lstrip("/"))
    if path is None:
        return False
    if not any(c in path for c in "*?["):
        return path == "" or path in lk.index.dirs or path in lk.index.files
    parent = posixpath.dirname(path)
    if any(c in parent for c in "*?["):
        return False
    return any(fnmatch.fnmatchcase(f, path) for f in _files_in(lk, parent))


def _files_in(lk: Lookup, folder: str) -> list[str]:
    """The repo files directly in a folder (every file, not only scripts), built once a run."""
    table: dict[str, list[str]] | None = lk.memo.get("files-by-folder")
    if table is None:
        table = {}
        for path in sorted(lk.index.files):
            table.setdefault(posixpath.dirname(path), []).append(path)
        lk.memo["files-by-folder"] = table
    return table.get(folder, [])
