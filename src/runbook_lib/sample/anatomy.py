"""What a mutation operator needs to know about one script, read from its syntax tree.

Rows are 0-based line numbers. `protected` rows are inside heredoc bodies or multi-line
strings (data: a layout change there would change the script's output); `simple` rows hold
exactly one simple statement that may be deleted or edited without breaking the syntax
(its block keeps another statement); `bound` are the names the script binds itself
(assigned variables, functions, parameters; exported shell variables are left alone,
children see them); `literals` are the leaf spans that hold strings, words and numbers.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import tree_sitter

from runbook_lib.core import syntax

SHELL_SIMPLE = frozenset({"command", "variable_assignment", "declaration_command",
                          "redirected_statement", "unset_command"})
SHELL_BLOCKS = frozenset({"program", "compound_statement", "do_group", "if_statement",
                          "elif_clause", "else_clause", "case_item"})
SHELL_LITERALS = frozenset({"word", "string_content", "raw_string", "heredoc_content",
                            "number", "ansi_c_string"})
PY_SIMPLE = frozenset({"expression_statement", "return_statement", "pass_statement",
                       "raise_statement", "assert_statement", "import_statement",
                       "import_from_statement"})
PY_BLOCKS = frozenset({"module", "block"})
PY_LITERALS = frozenset({"string_content", "integer", "float"})
Span = tuple[int, int]  # byte offsets


@dataclass
class Anatomy:
    source: bytes
    python: bool
    lines: list[str]
    protected: set[int] = field(default_factory=set)
    simple: dict[int, tuple[str, int]] = field(default_factory=dict)  # row -> (kind, block id)
    block_size: dict[int, int] = field(default_factory=dict)  # block id -> statements in it
    bound: dict[str, list[Span]] = field(default_factory=dict)  # name -> every occurrence
    literals: list[Span] = field(default_factory=list)

    def code_rows(self) -> list[int]:
        """Rows a reader counts as code: not blank, not a whole-line comment."""
        return [r for r, text in enumerate(self.lines)
                if text.strip() and (r in self.protected or not text.lstrip().startswith("#"))]


def read(text: str, python: bool) -> Anatomy:
    source = text.encode("utf-8", "surrogatepass")
    tree = syntax.parse(source, python)
    found = Anatomy(source, python, text.split("\n"))
    names: dict[str, list[Span]] = {}
    binders: set[str] = set()
    exported: set[str] = set()
    for node in _walk(tree.root_node):
        kind = node.type
        if kind in (PY_LITERALS if python else SHELL_LITERALS) and node.child_count == 0:
            found.literals.append((node.start_byte, node.end_byte))
        if python:
            _python_node(found, node, names, binders)
        else:
            _shell_node(found, node, names, binders, exported)
    found.bound = {n: spans for n, spans in names.items() if n in binders - exported}
    return found


def _walk(root: tree_sitter.Node) -> Iterator[tree_sitter.Node]:
    cursor = root.walk()
    while True:
        node = cursor.node
        if node is not None:
            yield node
        if cursor.goto_first_child():
            continue
        while not cursor.goto_next_sibling():
            if not cursor.goto_parent():
                return


def _text(node: tree_sitter.Node) -> str:
    return (node.text or b"").decode("utf-8", "replace")


def _protect(found: Anatomy, node: tree_sitter.Node) -> None:
    found.protected.update(range(node.start_point.row + 1, node.end_point.row + 1))


def _maybe_simple(found: Anatomy, node: tree_sitter.Node, blocks: frozenset[str]) -> None:
    parent = node.parent
    row = node.start_point.row
    if parent is None or parent.type not in blocks or node.end_point.row != row:
        return
    if found.lines[row].strip() != _text(node) or row in found.protected:
        return
    found.simple[row] = (node.type, parent.id)
    found.block_size[parent.id] = found.block_size.get(parent.id, 0) + 1


def _shell_node(found: Anatomy, node: tree_sitter.Node, names: dict[str, list[Span]],
                binders: set[str], exported: set[str]) -> None:
    kind = node.type
    if kind in ("heredoc_body", "heredoc_redirect") or (
            kind in ("string", "raw_string") and node.end_point.row > node.start_point.row):
        _protect(found, node)
    elif kind in SHELL_SIMPLE:
        _maybe_simple(found, node, SHELL_BLOCKS)
    if kind == "variable_name":
        names.setdefault(_text(node), []).append((node.start_byte, node.end_byte))
        parent = node.parent
        if parent is not None and parent.type in ("variable_assignment", "for_statement"):
            binders.add(_text(node))
            grand = parent.parent
            if grand is not None and grand.type == "declaration_command" and \
                    _text(grand).startswith("export"):
                exported.add(_text(node))
    elif kind == "function_definition":
        name = node.child_by_field_name("name")
        if name is not None:
            binders.add(_text(name))
            names.setdefault(_text(name), []).append((name.start_byte, name.end_byte))
    elif kind == "command_name":
        names.setdefault(_text(node), []).append((node.start_byte, node.end_byte))


def _python_node(found: Anatomy, node: tree_sitter.Node, names: dict[str, list[Span]],
                 binders: set[str]) -> None:
    kind = node.type
    if kind == "string" and node.end_point.row > node.start_point.row:
        _protect(found, node)
    elif kind in PY_SIMPLE and not _docstring(node):
        _maybe_simple(found, node, PY_BLOCKS)
    if kind != "identifier":
        return
    parent = node.parent
    ptype = parent.type if parent is not None else ""
    if ptype == "attribute" and parent is not None and \
            parent.child_by_field_name("attribute") == node:
        return
    if ptype == "keyword_argument" and parent is not None and \
            parent.child_by_field_name("name") == node:
        return
    names.setdefault(_text(node), []).append((node.start_byte, node.end_byte))
    if parent is not None and _binds(parent, node):
        binders.add(_text(node))


# where an identifier is a name the script binds: (parent type, field of the parent or "")
_BINDING = {"function_definition": "name", "class_definition": "name", "for_statement": "left",
            "assignment": "left", "default_parameter": "name", "typed_default_parameter": "name",
            "parameters": "", "typed_parameter": "", "pattern_list": "", "as_pattern_target": ""}


def _binds(parent: tree_sitter.Node, node: tree_sitter.Node) -> bool:
    field_name = _BINDING.get(parent.type)
    if field_name is None:
        return False
    return not field_name or parent.child_by_field_name(field_name) == node


def _docstring(node: tree_sitter.Node) -> bool:
    return node.type == "expression_statement" and node.named_child_count == 1 and \
        node.named_children[0].type == "string"
