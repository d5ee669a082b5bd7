"""Python scripts: imports and `python -m` of repo modules, runpy, `__file__`-based paths."""

from __future__ import annotations

import ast
import posixpath
import re
from collections.abc import Iterator

from .lines import Hit, scan_words
from .lookup import Lookup
from .model import RESOLVED
from .pyexpr import expressions, value_of
from .resolve import Where, resolve_module
from .source import Source
from .values import norm
from .words import hash_comment, split_words

_IMPORT = re.compile(r"\s*import\s+([\w.]+(?:\s+as\s+\w+)?(?:\s*,\s*[\w.]+(?:\s+as\s+\w+)?)*)")
_FROM = re.compile(r"\s*from\s+(\.*)([\w.]*)\s+import\s+\(?\s*([\w\s,]+)")
_PATHISH = re.compile(r"__file__|join|\s/\s|/[\"']|Path\(|\{")
_ASSIGNS = re.compile(r"__file__|Path\(|os\.path|join")


def extract_python(src: Source) -> Iterator[Hit]:
    where = src.where(src.folder, "")
    lk = src.lookup
    for no, line in enumerate(src.lines, 1):
        hold = lk.may_hold(line)
        if not hold and "=" not in line:
            continue
        if "import" in line:
            yield from _imports(no, line, where, lk)
        if "=" in line and (_ASSIGNS.search(line) or _uses(line, where)):
            _assign(line, where)
        if hold:
            pathish = _PATHISH.search(line) or _uses(line, where)
            values = _ends(line, where) if pathish else None
            yield from scan_words(no, line, where, lk, hash_comment, values=values)


def _uses(line: str, where: Where) -> bool:
    return bool(where.variables) and any(name in line for name in where.variables)


def _assign(line: str, where: Where) -> None:
    try:
        tree = ast.parse(line.strip())
    except (SyntaxError, ValueError, RecursionError):
        return
    for node in tree.body:
        value = node.value if isinstance(node, ast.Assign | ast.AnnAssign) else None
        targets = node.targets if isinstance(node, ast.Assign) else [getattr(node, "target", None)]
        if value is None:
            continue
        for target in targets:
            if isinstance(target, ast.Name):
                where.variables[target.id] = value_of(value, where.variables, where.file)


def _ends(line: str, where: Where) -> dict[str, str]:
    """Words that end a path expression, mapped to the whole expression's value."""
    out: dict[str, str] = {}
    for node in expressions(line):
        last = _last_text(node)
        if last is None:
            continue
        value = value_of(node, where.variables, where.file)
        words = split_words(last)
        if value is not None and words:
            out.setdefault(words[-1][1], value)
    return out


def _last_text(node: ast.AST) -> str | None:
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div | ast.Add):
        part: ast.AST = node.right
    elif isinstance(node, ast.Call) and node.args:
        part = node.args[-1]
    elif isinstance(node, ast.JoinedStr) and node.values:
        part = node.values[-1]
    else:
        return None
    if isinstance(part, ast.Constant) and isinstance(part.value, str):
        return part.value
    return None


def _imports(no: int, line: str, where: Where, lk: Lookup) -> Iterator[Hit]:
    # the patterns match from the line start, so an import found is never in a comment
    comment = False
    match = _IMPORT.match(line)
    if match:
        for name in _names(match.group(1)):
            result = resolve_module(name, where, lk)
            if result is not None:
                yield Hit(no, result[0], result[1], comment)
        return
    match = _FROM.match(line)
    if match:
        yield from _from(no, match.groups(), where, lk, comment)


def _from(
    no: int, groups: tuple[str, ...], where: Where, lk: Lookup, comment: bool,
) -> Iterator[Hit]:
    dots, module, names = groups
    if dots:
        yield from _relative(no, dots, module, _names(names), where, lk, comment)
        return
    for name in _names(names):
        result = resolve_module(f"{module}.{name}", where, lk) if name != "*" else None
        if result is None or result[0] != RESOLVED:
            result = resolve_module(module, where, lk) or result
        if result is not None:
            yield Hit(no, result[0], result[1], comment)


def _relative(
    no: int, dots: str, module: str, names: list[str], where: Where, lk: Lookup, comment: bool,
) -> Iterator[Hit]:
    base = posixpath.dirname(where.file)
    for _ in range(len(dots) - 1):
        base = posixpath.dirname(base)
    head = base + "/" + module.replace(".", "/") if module else base
    for name in names:
        for path in (f"{head}/{name}.py", f"{head}.py", f"{head}/__init__.py"):
            found = lk.find(norm(path))
            if found is not None:
                yield Hit(no, RESOLVED, found, comment)
                break


def _names(text: str) -> list[str]:
    out = []
    for part in text.replace("(", " ").replace(")", " ").split(","):
        words = part.split()
        if words:
            out.append(words[0])
    return out
