"""Repo files a Python program mounts into a container through the Docker SDK: the keys of a
`volumes={HOST: {"bind": ..., "mode": ...}}` keyword (or `"HOST:CONTAINER"` strings in a
list), in any call (`client.containers.run`, `create`, a test fixture's own `run_and_wait`).

A test suite that checks an image mounts the scripts it runs there: `THIS_DIR / "data" /
"hook.sh"`, a folder of hooks, or `THIS_DIR / "data/plots" / test_file` with `test_file` from a
`parametrize` list. A file mounted is a row to it; a folder, rows to every script below it;
a path whose last part is unknown, rows to the scripts directly in the folder before that part
(not when that folder is the program's own: that says nothing). A name that is a helper's
parameter (`THIS_DIR / subdir` in `run_in(container, *, subdir)`) stands for each string the
module's calls pass by that keyword (`run_in(c, subdir="data/hooks/ok")`). All `likely`: what
the container runs of it is decided at run time."""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from .fileops import under
from .lookup import Lookup
from .model import LIKELY, RESOLVED
from .pyexpr import UNKNOWN_WORD, join_path, value_of
from .resolve import Found
from .values import ANCHOR, Vars, norm

RULE = "docker-sdk-volume"
MAX_VALUES = 20  # values one name may stand for


def mounted(node: ast.Call, scope: Scope, own: str, lookup: Lookup,
            add: Callable[[int, Found, str], None]) -> None:
    """Rows for the repo scripts that the call's `volumes=` mounts."""
    volumes = next((k.value for k in node.keywords if k.arg == "volumes"), None)
    if volumes is None:
        return
    folder = own.rpartition("/")[0]
    for host in _hosts(volumes, scope.variables, own):
        for path, whole in _values(host, scope, own, 0):
            if not path.startswith(ANCHOR):
                continue  # a host path outside the checkout
            rel = norm(path[1:])
            if rel is None:
                continue
            if whole and rel in lookup.real:
                targets = [lookup.real[rel]]
            elif whole and rel in lookup.index.dirs and not _above(rel, folder):
                targets = under(rel, lookup)
            elif not whole and rel != folder and rel in lookup.index.dirs:
                targets = lookup.in_folder(rel)
            else:
                continue
            for target in targets:
                if target != own:
                    add(getattr(host, "lineno", node.lineno), Found(RESOLVED, target, LIKELY),
                        RULE)


@dataclass
class Scope:
    """What a module tells of its names: values, the expressions last assigned to them, and
    for a parameter of one of its functions, the string literals the module's calls of that
    function pass for it by keyword (`run_in(container, subdir="data/x")`)."""

    variables: Vars
    exprs: dict[str, ast.expr]
    tree: ast.AST | None = None
    _given: dict[str, list[str]] | None = None

    def given(self, name: str) -> list[str]:
        if self._given is None:
            self._given = _given(self.tree) if self.tree is not None else {}
        return self._given.get(name, [])


def _given(tree: ast.AST) -> dict[str, list[str]]:
    """parameter -> the strings passed for it by keyword in calls of the module's functions
    that have it (a call of another function with a keyword of that name says nothing)."""
    takes: dict[str, set[str]] = {}  # function name -> its parameters
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            params = [*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs]
            takes.setdefault(node.name, set()).update(a.arg for a in params)
    found: dict[str, set[str]] = {}
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        called = func.id if isinstance(func, ast.Name) else \
            func.attr if isinstance(func, ast.Attribute) else ""
        for k in node.keywords:
            if k.arg and k.arg in takes.get(called, ()) and \
                    isinstance(k.value, ast.Constant) and isinstance(k.value.value, str):
                found.setdefault(k.arg, set()).add(k.value.value)
    return {k: sorted(v)[:MAX_VALUES] for k, v in found.items()}


def _hosts(volumes: ast.expr, variables: Vars, own: str) -> Iterator[ast.expr]:
    if isinstance(volumes, ast.Dict):
        yield from (k for k in volumes.keys if k is not None)
    elif isinstance(volumes, ast.List | ast.Tuple):
        for item in volumes.elts:  # "HOST:CONTAINER[:MODE]", f-strings included
            value = value_of(item, variables, own)
            if value is not None and UNKNOWN_WORD not in value:
                yield ast.copy_location(ast.Constant(value.partition(":")[0]), item)


def _values(node: ast.expr, scope: Scope, own: str, depth: int) -> list[tuple[str, bool]]:
    """(value, True) for each value the expression may have; (the known folder before an
    unknown last part, False); [] when even that is unknown."""
    value = value_of(node, scope.variables, own)
    if value is not None and UNKNOWN_WORD not in value:
        return [(value, True)]
    if depth > 8:
        return []
    if isinstance(node, ast.Name):
        if node.id in scope.exprs:
            return _values(scope.exprs[node.id], scope, own, depth + 1)
        return [(v, True) for v in scope.given(node.id)]
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
        lefts = [v for v, whole in _values(node.left, scope, own, depth + 1) if whole]
        rights = [v for v, whole in _values(node.right, scope, own, depth + 1) if whole]
        if not rights:
            return [(v, False) for v in lefts]
        joined = (join_path([a, b]) for a in lefts for b in rights)
        return [(v, True) for v in joined if v is not None][:MAX_VALUES]
    return []


def _above(rel: str, folder: str) -> bool:
    """Whether `rel` is the checkout's root or a folder above the program's own: a mount of
    it (a helper's `THIS_DIR / folder` with `folder=".."` from some other call) would make
    every script below it a caller's."""
    return rel == "" or (rel != folder and folder.startswith(rel + "/"))
