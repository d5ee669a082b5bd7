"""Which Python modules may import a changed module, directly or through others.

Read from each file's import statements with `ast` (and the strings given to `import_module`
or `__import__`). An import may reach a module file when its dotted name (each package on the
way counts, as Python imports them too) is the end of that file's path: `from app.core import
util` may reach backend/app/core/util.py and backend/app/core/__init__.py. Relative imports
are taken from the importing file's folder. Import roots are not resolved, so this is a
superset of the import graph: right for choosing which tests to collect, never used to decide
that nothing imports a module.
"""

from __future__ import annotations

import ast
import posixpath

_DYNAMIC = frozenset({"import_module", "__import__"})
Parts = tuple[str, ...]
ANY: Parts = ("*",)  # a file that does not parse may import anything


def module_parts(path: str) -> Parts:
    """a/b/c.py -> (a, b, c); a/b/__init__.py -> (a, b)."""
    parts = tuple(path.removesuffix(".py").split("/"))
    return parts[:-1] if parts[-1] == "__init__" else parts


def imported(path: str, text: str) -> set[Parts]:
    """Every dotted name the module's imports load, packages on the way included."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return {ANY}
    folder = tuple(posixpath.dirname(path).split("/")) if "/" in path else ()
    names: set[Parts] = set()
    for node in ast.walk(tree):
        for dotted in _names(node, folder):
            names.update(dotted[:k] for k in range(1, len(dotted) + 1))
    return names


def _names(node: ast.AST, folder: Parts) -> list[Parts]:
    if isinstance(node, ast.Import):
        return [tuple(alias.name.split(".")) for alias in node.names]
    if isinstance(node, ast.ImportFrom):
        base = folder[: len(folder) - node.level + 1] if node.level else ()
        module = base + tuple(p for p in (node.module or "").split(".") if p)
        return [module, *((*module, alias.name) for alias in node.names if alias.name != "*")]
    if isinstance(node, ast.Call) and _dynamic(node) and node.args:
        first = node.args[0]
        if isinstance(first, ast.Constant) and isinstance(first.value, str):
            return [tuple(first.value.split("."))]
    return []


def _dynamic(node: ast.Call) -> bool:
    func = node.func
    name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(
        func, ast.Name) else ""
    return name in _DYNAMIC


def reaches(names: set[Parts], target: Parts) -> bool:
    """Whether one of the imported names may be the module at `target` (its path parts)."""
    return ANY in names or any(target[-len(n):] == n for n in names if len(n) <= len(target))


def importers(changed: set[str], texts: dict[str, str]) -> set[str]:
    """Paths of the modules that may import any of `changed` (repo paths), through any chain,
    and the changed modules themselves."""
    found = set(changed)
    targets = [module_parts(p) for p in changed]
    parsed: dict[str, set[Parts]] = {}
    grown = True
    while grown:
        grown = False
        for path, text in texts.items():
            if path in found or not any(t[-1] in text for t in targets):
                continue  # a module that does not even contain the name cannot import it
            names = parsed.setdefault(path, imported(path, text))
            if any(reaches(names, t) for t in targets):
                found.add(path)
                targets.append(module_parts(path))
                grown = True
    return found
