"""Python modules of the repo: the import roots of a repo, and a module name resolved to files.

The reusable part of import resolution (the planning checks build on it):
- `Root`: a folder modules are imported from, the folder of importers it applies to (`scope`)
  and how sure that is. `global_roots(index, facts)` gives the repo-wide ones: folders holding a
  `pyproject.toml`, `setup.py` or `setup.cfg` (and their `src/`), other `src/` layouts, and the
  folders `PYTHONPATH` and container `WORKDIR`s point at (`facts.pythonpath`).
- `roots_for(importer, lk, ...)`: the ordered roots one file imports through: its own folder
  (when it is run directly or is not in a package), the folder above its top package, folders it
  adds with `sys.path.insert/append`, the global roots whose scope holds it, then its ancestor
  folders (likely).
- `resolve_module(name, roots, lk, ...)`: the module's file plus the `__init__.py` of every
  package on the way, or None. Names of the standard library (`sys.stdlib_module_names`) and of
  declared third-party dependencies (`lk.third_party`) are not the repo's, except from a
  directly-run script's own folder, where Python finds the file first (`shadows` is then set).
"""

from __future__ import annotations

import posixpath
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .lookup import Lookup
from .model import CERTAIN, LIKELY, RepoIndex
from .values import norm

PROJECT_FILES = ("pyproject.toml", "setup.py", "setup.cfg")
STDLIB = frozenset(sys.stdlib_module_names) | {"__future__"}


@dataclass(frozen=True, slots=True)
class Root:
    folder: str  # repo folder ("" is the root)
    scope: str  # importers under this folder use it ("" = everyone)
    confidence: str = CERTAIN
    own: bool = False  # the importing script's own folder (sys.path[0] when run directly)


@dataclass(frozen=True, slots=True)
class ModuleFiles:
    files: tuple[str, ...]  # the module (last) and the package __init__.py files before it
    confidence: str
    shadows: bool = False  # a stdlib or dependency name found beside a directly-run script


def global_roots(index: RepoIndex, pythonpath: Iterable[tuple[str, str]] = ()) -> list[Root]:
    """Repo-wide roots; `pythonpath` holds (folder, scope) pairs from PYTHONPATH and WORKDIR."""
    found: dict[tuple[str, str], Root] = {}
    for path in sorted(index.files):
        name = posixpath.basename(path)
        if name in PROJECT_FILES:
            folder = posixpath.dirname(path)
            found.setdefault((folder, folder), Root(folder, folder))
            src = norm(folder + "/src")
            if src is not None and src in index.dirs:
                found.setdefault((src, folder), Root(src, folder))
    for folder in sorted(index.dirs):
        if posixpath.basename(folder) == "src":
            parent = posixpath.dirname(folder)
            found.setdefault((folder, parent), Root(folder, parent))
    for folder, scope in pythonpath:
        found.setdefault((folder, scope), Root(folder, scope))
    # nearest scope first, so a project's own roots win over a wider one
    return sorted(found.values(), key=lambda r: (-len(r.scope), r.folder))


def in_package(folder: str, lk: Lookup) -> bool:
    return lk.find_file(norm(folder + "/__init__.py")) is not None


def package_root(folder: str, lk: Lookup) -> str:
    """The folder above the topmost package holding `folder` (itself when not a package)."""
    while folder and in_package(folder, lk):
        folder = posixpath.dirname(folder)
    return folder


def roots_for(importer: str, lk: Lookup, extra: Sequence[str] = (), direct: bool = False,
              workdirs: Sequence[str] = (), guessed: Sequence[str] = ()) -> list[Root]:
    """The roots `importer` imports through, in the order they are tried (`guessed`: folders
    it adds to sys.path relative to a working folder it does not name: likely)."""
    folder = posixpath.dirname(importer)
    out: list[Root] = []
    # a package's __main__.py is run with its folder on sys.path (`python pkg/`)
    direct = direct or importer.endswith("/__main__.py")
    inside = in_package(folder, lk)
    if direct or not inside:
        out.append(Root(folder, folder, own=True))
    out.append(Root(package_root(folder, lk), folder))
    out += [Root(f, folder) for f in (*workdirs, *extra)]
    out += [Root(f, folder, LIKELY) for f in guessed]
    out += roots_in_scope(importer, lk)
    facts = lk.facts
    if facts is not None:  # folders another script adds to sys.path before importing this one
        out += [Root(f, scope, LIKELY) for f, scope in facts.sys_paths if _under(importer, scope)]
    parts = folder.split("/")
    if "dags" in parts:  # Airflow and Composer put plugins/ and dags/ on sys.path
        top = "/".join(parts[:parts.index("dags")])
        out += [Root(norm(top + "/plugins") or "plugins", top, LIKELY),
                Root(norm(top + "/dags") or "dags", top, LIKELY)]
    if inside and not direct:  # a sibling imported by its bare name: its folder is on sys.path
        out.append(Root(folder, folder, LIKELY, own=True))
    parent = folder
    while parent:
        parent = posixpath.dirname(parent)
        out.append(Root(parent, parent, LIKELY))
    seen: set[str] = set()
    unique = []
    for root in out:
        if root.folder not in seen:
            seen.add(root.folder)
            unique.append(root)
    return unique


def roots_in_scope(importer: str, lk: Lookup) -> list[Root]:
    """The repo-wide roots whose scope holds `importer`, nearest scope first."""
    table = lk.memo.get("py-roots-by-scope")
    if table is None:
        table = {}
        for root in lk.py_roots:
            table.setdefault(root.scope, []).append(root)
        lk.memo["py-roots-by-scope"] = table
    out: list[Root] = []
    folder = posixpath.dirname(importer)
    while True:
        out += table.get(folder, [])
        if not folder:
            return out
        folder = posixpath.dirname(folder)


def _under(path: str, scope: str) -> bool:
    return not scope or path.startswith(scope + "/")


def is_external(top: str, lk: Lookup, importer: str = "") -> bool:
    """A name of the standard library, or of a dependency that the importer's project (a folder
    above it, or the repo root) declares: in a monorepo one project's dependency is another's
    own package."""
    if top in STDLIB:
        return True
    folders = lk.third_party.get(top)
    if folders is None:
        return False
    return not importer or any(_under(importer, f) for f in folders)


def resolve_module(dotted: str, roots: Sequence[Root], lk: Lookup, main: bool = False,
                   direct: bool = False, relative: bool = False,
                   importer: str = "") -> ModuleFiles | None:
    """The files importing `dotted` runs; `main`: `python -m` (a package runs __main__.py);
    `relative`: the roots are a package's folder (`from . import x`), never the stdlib's."""
    parts = dotted.split(".")
    if not all(p.isidentifier() for p in parts):
        return None
    external = not relative and is_external(parts[0], lk, importer)
    for root in roots:
        if external and not (root.own and direct):
            continue
        files = _files(root.folder, parts, lk, main)
        if files is not None:
            return ModuleFiles(files, root.confidence, shadows=external)
    return None


def _files(folder: str, parts: list[str], lk: Lookup, main: bool) -> tuple[str, ...] | None:
    base = norm(folder + "/" + "/".join(parts))
    if base is None:
        return None
    inits = [p for p in (lk.find_file(norm(folder + "/" + "/".join(parts[:i]) + "/__init__.py"))
                         for i in range(1, len(parts))) if p is not None]
    module = lk.find_file(base + ".py")
    if module is None:
        package = lk.find_file(base + "/__init__.py")
        if package is None:
            return None
        entry = lk.find_file(base + "/__main__.py") if main else None
        return (*inits, package, entry) if entry else (*inits, package)
    return (*inits, module)


def package_files(folder: str, parts: Sequence[str], lk: Lookup) -> tuple[str, ...]:
    """The __init__.py files of `folder/parts[0]`, `folder/parts[0]/parts[1]`, ... that exist."""
    out = []
    for i in range(1, len(parts) + 1):
        found = lk.find_file(norm(folder + "/" + "/".join(parts[:i]) + "/__init__.py"))
        if found:
            out.append(found)
    return tuple(out)
