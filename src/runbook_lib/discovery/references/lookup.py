"""Lookups derived once from a RepoIndex: what resolution asks for every word."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .model import SCRIPT_EXTENSIONS, RepoIndex

if TYPE_CHECKING:
    from .facts import Facts

# A line can only hold a reference when it names a script extension, runs a module or
# imports one; otherwise only an extensionless script name can make it one.
# (plain substrings: a lookbehind or \b here costs six times as much per line)
HINT = re.compile(r"\.(?:[kz]?sh|bash|py)")
_PLAIN = str.maketrans({c: " " for c in "'\"`;|&()<>=,[]{}/$:"})


@dataclass(slots=True)
class Lookup:
    index: RepoIndex
    real: dict[str, str]  # script or symlink path -> script path
    by_base: dict[str, list[tuple[str, str]]]  # basename -> (listed path, script path)
    names: frozenset[str]  # basenames without a script extension
    compose_contexts: dict[str, str] | None = field(default=None)  # Dockerfile -> context
    repo_names: frozenset[str] = frozenset()  # names the checkout goes by (its folder's)
    py_roots: list[Any] = field(default_factory=list)  # modules.Root, repo-wide
    # top-level import name of a declared dependency -> folders whose project declares it
    third_party: dict[str, tuple[str, ...]] = field(default_factory=dict)
    facts: Facts | None = None  # what other files tell about this one (facts.py)
    by_folder: dict[str, list[str]] | None = None  # folder -> listed scripts, built on demand
    root: Path | None = None  # the repo on disk, for configuration files (pytest, alembic)
    memo: dict[Any, Any] = field(default_factory=dict)  # per-run caches of derived answers
    _sorted: list[str] | None = None

    def sorted_scripts(self) -> list[str]:
        if self._sorted is None:
            self._sorted = sorted(self.index.scripts)
        return self._sorted

    def find(self, path: str | None) -> str | None:
        return None if path is None else self.real.get(path)

    def find_file(self, path: str | None) -> str | None:
        """A Python module or package marker: the same as find (every .py is a script)."""
        return None if path is None else self.real.get(path)

    def may_hold_text(self, text: str) -> bool:
        """Whether any line of a whole file may name a script (most docs and data do not)."""
        if HINT.search(text):
            return True
        return bool(self.names) and not self.names.isdisjoint(text.translate(_PLAIN).split())

    def may_hold(self, line: str) -> bool:
        if HINT.search(line):
            return True
        return bool(self.names) and not self.names.isdisjoint(line.translate(_PLAIN).split())

    def ending_with(self, rel: str) -> list[str]:
        """Scripts whose path ends with `rel` (rule 4), symlinks resolved, no duplicates."""
        name = rel.rpartition("/")[2]
        found: list[str] = []
        tail = "/" + rel
        for listed, script in self.by_base.get(name, ()):
            if (listed == rel or listed.endswith(tail)) and script not in found:
                found.append(script)
        return found

    def in_folder(self, folder: str) -> list[str]:
        """Scripts (and links to scripts) directly in a repo folder, as their script paths."""
        if self.by_folder is None:
            table: dict[str, list[str]] = {}
            for path, _script in sorted(self.real.items()):
                table.setdefault(path.rpartition("/")[0], []).append(path)
            self.by_folder = table
        return [self.real[p] for p in self.by_folder.get(folder, ())]

    def by_folder_names(self, folder: str) -> list[str]:
        """Listed paths (scripts and links to scripts) directly in a repo folder."""
        self.in_folder(folder)
        return list((self.by_folder or {}).get(folder, ()))

    def is_name(self, word: str) -> bool:
        return word in self.by_base


def build_lookup(index: RepoIndex) -> Lookup:
    real = {path: path for path in index.scripts}
    for link, target in index.symlinks.items():
        if target in index.scripts:
            real[link] = target
    by_base: dict[str, list[tuple[str, str]]] = {}
    for base, paths in index.by_basename.items():
        by_base[base] = [(p, real[p]) for p in paths if p in real]
    names = frozenset(n for n in by_base if not n.endswith(SCRIPT_EXTENSIONS))
    return Lookup(index=index, real=real, by_base=by_base, names=names)


_CACHE: dict[int, Lookup] = {}


def lookup_for(index: RepoIndex) -> Lookup:
    """One Lookup per index per process: workers scan many files against one index."""
    found = _CACHE.get(id(index))
    if found is not None and found.index is index:
        return found
    if len(_CACHE) > 4:
        _CACHE.clear()
    found = _CACHE[id(index)] = build_lookup(index)
    return found
