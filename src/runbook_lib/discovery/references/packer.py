"""Packer templates (`*.pkr.hcl`) through tree-sitter-hcl: the `script`/`scripts` of each
provisioner or post-processor run on the machine being built (a `file` provisioner's `source`
is copied onto it), followed through `local.X` into the `locals` blocks. `${path.root}` is the
template's folder; any other interpolation (`${var.os_name}`) stands for each file that fits,
the same text wherever the same expression recurs (`likely`). A condition's operands are never
paths: only the branches of `a ? b : c` are."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from .lines import Hit
from .lookup import Lookup
from .model import CERTAIN, LIKELY, RESOLVED
from .source import Source

Node = Any  # tree_sitter.Node
_RUNNERS = frozenset({"provisioner", "post-processor", "error-cleanup-provisioner"})
_SCRIPTS = frozenset({"script", "scripts"})
_COPIED = frozenset({"source", "sources"})  # a `file` provisioner's upload
_STRINGS = frozenset({"quoted_template", "string_lit"})  # with and without `${...}`
_DEPTH = 8  # locals that name locals: enough for real templates, no loop on a cycle


@lru_cache(maxsize=1)
def _parser() -> Any:
    import tree_sitter_hcl
    from tree_sitter import Language, Parser

    return Parser(Language(tree_sitter_hcl.language()))


def extract_packer(src: Source) -> Iterator[Hit]:
    root = _parser().parse("\n".join(src.lines).encode("utf-8", errors="replace")).root_node
    body = _child(root, "body")
    if body is None:
        return
    locals_ = _locals(body)
    for block in _blocks(body):
        label = _labels(block)
        if _name(block) not in _RUNNERS or not label:
            continue
        wanted = _SCRIPTS | (_COPIED if label[0] == "file" else frozenset())
        for attr, expr in _attributes(block):
            if attr in wanted:
                rule = "packer-file" if attr in _COPIED else "packer-script"
                yield from _paths(expr, locals_, src, rule, _DEPTH)


Bound = dict[str, tuple[str, ...]]  # `var.os == "a" || var.os == "b"` held where a branch runs
_EQUALS = re.compile(r'\s*([\w.]+)\s*==\s*"([^"$]*)"\s*')


def _paths(expr: Node, locals_: dict[str, Node], src: Source, rule: str, depth: int,
           bound: Bound | None = None) -> Iterator[Hit]:
    for node, held in _values(expr, bound or {}):
        if node.type in _STRINGS:
            yield from _hits(node, src, rule, held)
        elif node.type == "variable_expr" and depth > 0:
            name = _local_name(node)
            if name in locals_:
                yield from _paths(locals_[name], locals_, src, f"{rule}>local", depth - 1, held)


def _values(node: Node, bound: Bound) -> Iterator[tuple[Node, Bound]]:
    """The nodes an expression may evaluate to (strings and `local.X` references), each with
    the values its enclosing conditions give variables."""
    kind = node.type
    if kind in _STRINGS or kind == "variable_expr":
        yield node, bound
        return
    if kind == "conditional":
        condition, *branches = [c for c in node.children if c.type == "expression"]
        for i, branch in enumerate(branches):
            yield from _values(branch, {**bound, **_held(condition)} if i == 0 else bound)
        return
    if kind in ("binary_operation", "unary_operation", "get_attr", "index", "for_expr"):
        return
    for child in node.children:
        yield from _values(child, bound)


def _held(condition: Node) -> Bound:
    """`var.os == "ubuntu" || var.os == "debian"`: the values var.os has where it is true."""
    found: dict[str, tuple[str, ...]] = {}
    for part in _text(condition).split("||"):
        match = _EQUALS.fullmatch(part)
        if match is None:
            return {}
        found[match.group(1)] = (*found.get(match.group(1), ()), match.group(2))
    return found


def _hits(node: Node, src: Source, rule: str, bound: Bound) -> Iterator[Hit]:
    line = int(node.start_point[0]) + 1
    anchored = any(c.type == "template_interpolation" and _expr(c) == "path.root"
                   for c in node.children)
    # a relative path is relative to where packer runs: the template's folder, or the root
    for base in (src.folder,) if anchored else (src.folder, ""):
        pattern, exact = _pattern(node, base, bound)
        sure = CERTAIN if exact and anchored else LIKELY
        found = ([src.lookup.find(pattern)] if exact else _matching(pattern, src.lookup)) \
            if pattern is not None else []
        targets = [t for t in found if t is not None]
        for target in targets:
            yield Hit(line, RESOLVED, target, False, rule, sure)
        if targets:
            return


def _expr(node: Node) -> str:
    return _text(node)[2:-1].strip()


def _pattern(node: Node, folder: str, bound: Bound) -> tuple[str | None, bool]:
    """The repo path a template names (exact), or a regex for the paths it may name."""
    parts: list[str] = []
    groups: dict[str, int] = {}
    exact = True
    for child in node.children:
        if child.type == "template_literal":
            parts.append(re.escape(_text(child)))
        elif child.type == "template_interpolation":
            expr = _expr(child)
            if expr == "path.root":
                parts.append(re.escape(folder))
                continue
            exact = False
            if expr in groups:
                parts.append(f"(?P={_group(groups[expr])})")
            else:
                groups[expr] = len(groups)
                values = "|".join(map(re.escape, bound.get(expr, ()))) or "[^/]+"
                parts.append(f"(?P<{_group(groups[expr])}>{values})")
    text = "".join(parts)
    if not any(c.type == "template_interpolation" and _expr(c) == "path.root"
               for c in node.children):
        text = (re.escape(folder) + "/" if folder else "") + text
    if exact:
        path = posixpath.normpath(re.sub(r"\\(.)", r"\1", text)).lstrip("/")
        return (None, True) if path.startswith("..") else (path, True)
    return text.lstrip("/"), False


def _matching(pattern: str, lk: Lookup) -> list[str]:
    folder = pattern.rsplit("/", 1)[0] if "/" in pattern else ""
    fixed = re.sub(r"\\(.)", r"\1", folder.split("(?P", 1)[0]).rstrip("/")
    regex = re.compile(pattern)
    return sorted(p for p in lk.sorted_scripts() if p.startswith(fixed) and regex.fullmatch(p))


def _group(n: int) -> str:
    return f"v{n}"


def _locals(body: Node) -> dict[str, Node]:
    out: dict[str, Node] = {}
    for block in _blocks(body):
        if _name(block) == "locals":
            out.update(_attributes(block))
    return out


def _blocks(body: Node) -> Iterator[Node]:
    for child in body.children:
        if child.type == "block":
            yield child
            inner = _child(child, "body")
            if inner is not None:
                yield from _blocks(inner)


def _attributes(block: Node) -> list[tuple[str, Node]]:
    body = _child(block, "body")
    out = []
    for child in body.children if body is not None else ():
        expr = _child(child, "expression") if child.type == "attribute" else None
        if expr is not None:
            out.append((_text(child.children[0]), expr))
    return out


def _name(block: Node) -> str:
    return _text(block.children[0]) if block.children else ""


def _labels(block: Node) -> list[str]:
    return [_text(c).strip('"') for c in block.children if c.type == "string_lit"]


def _local_name(node: Node) -> str | None:
    head = _text(node)
    attr = node.next_sibling
    if head != "local" or attr is None or attr.type != "get_attr":
        return None
    return _text(attr).lstrip(".").strip()


def _child(node: Node, kind: str) -> Node | None:
    for child in node.children:
        if child.type == kind:
            return child
    return None


def _text(node: Node) -> str:
    return bytes(node.text).decode("utf-8", errors="replace")
