"""Repo files a Python program mounts into a container through the Docker SDK: the keys of a
`volumes={HOST: {"bind": ..., "mode": ...}}` keyword (or `"HOST:CONTAINER"` strings in a
list), in any call (`client.containers.run`, `create`, a test fixture's own `run_and_wait`).

A test suite that checks an image mounts the scripts it runs there: `THIS_DIR / "data" /
"hook.sh"`, a folder of hooks, or `THIS_DIR / "data/plots" / test_file` with `test_file` from a
`parametrize` list. A file mounted is a row to it; a folder, rows to every script below it;
a path whose last part is unknown, rows to the scripts directly in the folder before that part
(not when that folder is the program's own: that says nothing). All `likely`: what the
container runs of it is decided at run time."""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator

from .fileops import under
from .lookup import Lookup
from .model import LIKELY, RESOLVED
from .pyexpr import UNKNOWN_WORD, value_of
from .resolve import Found
from .values import ANCHOR, Vars, norm

RULE = "docker-sdk-volume"
Exprs = dict[str, ast.expr]  # a name -> the expression last assigned to it


def mounted(node: ast.Call, variables: Vars, exprs: Exprs, own: str, lookup: Lookup,
            add: Callable[[int, Found, str], None]) -> None:
    """Rows for the repo scripts that the call's `volumes=` mounts."""
    volumes = next((k.value for k in node.keywords if k.arg == "volumes"), None)
    if volumes is None:
        return
    folder = own.rpartition("/")[0]
    for host in _hosts(volumes, variables, own):
        path, whole = _prefix(host, variables, exprs, own, 0)
        if path is None or not path.startswith(ANCHOR):
            continue  # unknown, or a host path outside the checkout
        rel = norm(path[1:])
        if rel is None:
            continue
        if whole and rel in lookup.real:
            targets = [lookup.real[rel]]
        elif whole and rel in lookup.index.dirs:
            targets = under(rel, lookup)
        elif not whole and rel != folder and rel in lookup.index.dirs:
            targets = lookup.in_folder(rel)
        else:
            continue
        for target in targets:
            if target != own:
                add(getattr(host, "lineno", node.lineno), Found(RESOLVED, target, LIKELY), RULE)


def _hosts(volumes: ast.expr, variables: Vars, own: str) -> Iterator[ast.expr]:
    if isinstance(volumes, ast.Dict):
        yield from (k for k in volumes.keys if k is not None)
    elif isinstance(volumes, ast.List | ast.Tuple):
        for item in volumes.elts:  # "HOST:CONTAINER[:MODE]", f-strings included
            value = value_of(item, variables, own)
            if value is not None and UNKNOWN_WORD not in value:
                yield ast.copy_location(ast.Constant(value.partition(":")[0]), item)


def _prefix(node: ast.expr, variables: Vars, exprs: Exprs, own: str, depth: int
            ) -> tuple[str | None, bool]:
    """(the value, True) when known; (the known folder before an unknown last part, False);
    (None, False) when even that is unknown."""
    value = value_of(node, variables, own)
    if value is not None and UNKNOWN_WORD not in value:
        return value, True
    if depth > 8:
        return None, False
    if isinstance(node, ast.Name) and node.id in exprs:
        return _prefix(exprs[node.id], variables, exprs, own, depth + 1)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
        left, whole = _prefix(node.left, variables, exprs, own, depth + 1)
        if left is not None and whole:
            return left, False
    return None, False
