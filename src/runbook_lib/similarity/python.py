"""Python text as statements, read from tree-sitter-python's syntax tree (see layout.py).

A statement is a simple statement or the header of a compound one (`if x :`, `else :`,
`def f ( a ) :`), each prefixed by its indentation level, so `if x: y` over one line or two
gives the same statements. Comments and docstrings are dropped. In the blind form every
identifier is V except keywords, builtins, dunder names, imported modules and names,
attribute names and keyword-argument names; in the named form only the names the script
binds (assignments, functions, classes, parameters, loop targets) are V.
"""

from __future__ import annotations

import builtins
import keyword

import tree_sitter

from runbook_lib.core import syntax
from runbook_lib.similarity import words
from runbook_lib.similarity.layout import NAME, Statements
from runbook_lib.similarity.words import Acc, text

KEEP = frozenset(keyword.kwlist) | frozenset(keyword.softkwlist) | frozenset(dir(builtins))
CLAUSES = frozenset({"elif_clause", "else_clause", "except_clause", "finally_clause",
                     "case_clause", "except_group_clause"})
COMPOUND = frozenset({"if_statement", "for_statement", "while_statement", "try_statement",
                      "with_statement", "function_definition", "class_definition",
                      "match_statement"}) | CLAUSES
STRINGS = frozenset({"string", "concatenated_string"})
# where an identifier is a name the script binds: (parent type, field of the parent or "")
_BINDING = {"function_definition": "name", "class_definition": "name", "for_statement": "left",
            "assignment": "left", "augmented_assignment": "left", "default_parameter": "name",
            "typed_default_parameter": "name", "parameters": "", "typed_parameter": "",
            "pattern_list": "", "tuple_pattern": "", "as_pattern_target": "",
            "lambda_parameters": "", "for_in_clause": "left"}


def statements(text_: str) -> Statements:
    source = text_.encode("utf-8", "surrogatepass")
    reader = _Reader()
    reader.block(syntax.parse(source, python=True).root_node, 0)
    return reader.finish()


class _Reader:
    def __init__(self) -> None:
        self.out = Statements()
        self.bound: set[str] = set()
        self.imported: set[str] = set()
        self.attributes: set[tuple[str, str]] = set()

    def finish(self) -> Statements:
        kept, bound = KEEP | self.imported, self.bound - self.imported
        self.out.resolve(lambda n: "V" if n in bound else n,
                         lambda n: n if n in kept or n.startswith("__") else "V", str)
        self.out.commands |= {f"{a}.{b}" for a, b in self.attributes if a in self.imported}
        return self.out

    def block(self, node: tree_sitter.Node, level: int) -> None:
        for child in node.named_children:
            self.stmt(child, level)

    def stmt(self, node: tree_sitter.Node, level: int) -> None:
        kind = node.type
        if kind == "comment" or _docstring(node):
            return
        if kind == "decorated_definition":
            for child in node.named_children:
                self.stmt(child, level)
        elif kind in COMPOUND:
            self._compound(node, level)
        else:
            self._simple(node, level)
            if kind in ("import_statement", "import_from_statement", "future_import_statement"):
                self._imports(node)

    def _simple(self, node: tree_sitter.Node, level: int) -> None:
        """Read once per process for each distinct text: templates and pasted blocks repeat
        statements across a sprawl (the names in them are still marked)."""
        source = node.text or b""
        hit = _SEEN.get(source)
        if hit is None:
            bound, attributes = set(self.bound), set(self.attributes)
            acc = Acc()
            self.tokens(node, acc)
            hit = (" ".join(acc.t1), " ".join(acc.named), " ".join(acc.blind), acc.literals,
                   frozenset(self.bound - bound), frozenset(self.attributes - attributes))
            if len(_SEEN) < words.CACHE and acc.t1:
                _SEEN[source] = hit
            self.emit(acc, level, node.start_point.row, node.end_point.row)
            return
        t1, named, blind, literals, bound_here, attributes_here = hit
        self.bound |= bound_here
        self.attributes |= attributes_here
        lead = f"{level} "
        self.out.add(lead + t1, lead + named, lead + blind, literals, node.start_point.row + 1,
                     node.end_point.row + 1)

    def emit(self, acc: Acc, level: int, start: int, end: int) -> None:
        if acc.t1:
            lead = f"{level} "
            self.out.add(lead + " ".join(acc.t1), lead + " ".join(acc.named),
                         lead + " ".join(acc.blind), acc.literals, start + 1, end + 1)

    def _compound(self, node: tree_sitter.Node, level: int) -> None:
        acc = Acc()
        header = -1
        for child in node.children:
            if child.type == "block" or child.type in CLAUSES:
                if header < 0:
                    self.emit(acc, level, node.start_point.row, child.start_point.row)
                    header = len(self.out) - 1
                if child.type == "block":
                    self.block(child, level + 1)
                else:
                    self.stmt(child, level)
            elif child.type != "comment" and header < 0:
                self.tokens(child, acc)
        if header < 0:
            self.emit(acc, level, node.start_point.row, node.end_point.row)
        elif node.type == "function_definition":
            name = node.child_by_field_name("name")
            self.out.functions.append((text(name) if name else "", header, len(self.out) - 1))

    def tokens(self, node: tree_sitter.Node, acc: Acc) -> None:
        kind = node.type
        if kind == "concatenated_string":  # "a" "b" over lines: each part, layout dropped
            for part in node.named_children:
                self.tokens(part, acc)
        elif kind == "string":
            self._string(node, acc)
        elif kind == "identifier":
            self._identifier(node, acc)
        elif kind in ("integer", "float"):
            t = text(node)
            acc.add(t, t, "N", t)
        elif node.child_count == 0:
            if kind not in ("comment", "line_continuation"):
                t = text(node)
                acc.add(t, t, t)
        else:
            for child in node.children:
                self.tokens(child, acc)

    def _identifier(self, node: tree_sitter.Node, acc: Acc) -> None:
        name = text(node)
        parent = node.parent
        if parent is not None:
            ptype = parent.type
            if ptype == "attribute" and parent.child_by_field_name("attribute") == node:
                obj = parent.child_by_field_name("object")
                if obj is not None and obj.type == "identifier":
                    self.attributes.add((text(obj), name))
                acc.add(name, name, name)
                return
            if ptype == "keyword_argument" and parent.child_by_field_name("name") == node:
                acc.add(name, name, name)
                return
            field_name = _BINDING.get(ptype)
            if field_name is not None and (not field_name or
                                           parent.child_by_field_name(field_name) == node):
                self.bound.add(name)
        acc.add(name, NAME + name + NAME, NAME + name + NAME)

    def _string(self, node: tree_sitter.Node, acc: Acc) -> None:
        t = text(node)
        literal: list[str] = []
        named: list[str] = []
        for part in node.children:
            if part.type == "interpolation":
                sub = Acc()
                for child in part.named_children:
                    self.tokens(child, sub)
                named.append("{" + " ".join(sub.named) + "}")
                literal.append("{V}")
            else:
                named.append(text(part))
                literal.append(text(part) if part.type == "string_content" else "")
        acc.add(t, "".join(named) if named else t, "S", "".join(literal))

    def _imports(self, node: tree_sitter.Node) -> None:
        for child in node.named_children:
            if child.type == "dotted_name":
                first = child.named_children[0] if child.named_children else child
                self.imported.add(text(first))
                self.out.commands.add(text(child))
            elif child.type == "aliased_import":
                alias = child.child_by_field_name("alias")
                if alias is not None:
                    self.imported.add(text(alias))
                self.out.commands.add(text(child.named_children[0]))


_SEEN: dict[bytes, tuple[str, str, str, list[str], frozenset[str],
                         frozenset[tuple[str, str]]]] = {}


def _docstring(node: tree_sitter.Node) -> bool:
    return node.type == "expression_statement" and node.named_child_count == 1 and \
        node.named_children[0].type in STRINGS
