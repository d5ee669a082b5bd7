"""Shell text as statements, read from tree-sitter-bash's syntax tree (see layout.py).

A statement is a simple command, assignment or pipeline, or the header or closer of a
compound one (`if COND`, `else`, `fi`, `for V in ...`, `done`, `case S in`, `PATTERN )`,
`;;`, `esac`, `NAME ( )`, `{`, `}`); `if x; then` over one line or two gives the same
statements. Heredoc bodies are data: each of their lines is a literal statement `<< line`.
A pipeline that feeds a loop (`ls | while read f; do ...`) gives the loop's statements, with
the pipeline before its header. tree-sitter never fails: broken quoting becomes an ERROR node
whose tokens are kept as they are.
"""

from __future__ import annotations

import re

import tree_sitter

from runbook_lib.core import syntax
from runbook_lib.similarity import words
from runbook_lib.similarity.layout import Statements
from runbook_lib.similarity.words import Acc

COMPOUND = frozenset({"if_statement", "while_statement", "for_statement", "case_statement",
                      "c_style_for_statement", "compound_statement", "subshell",
                      "function_definition"})
CHAINS = frozenset({"pipeline", "list", "redirected_statement", "negated_command"})


# tree-sitter-bash 0.25 misreads `if [ ... ]` + newline + `then` when a later `if [` follows
# a redirection (the whole block becomes one command); the same code with `; then` parses
# right. Rewritten so, leaving a blank line, so line numbers do not move.
_LONE_KEYWORD = re.compile(rb"\n[ \t]*(?:then|do)[ \t]*(?=\n)")


def statements(text: str) -> Statements:
    source = text.encode("utf-8", "surrogatepass")
    if _LONE_KEYWORD.search(source):
        source = _join_keywords(source)
    reader = _Reader(source)
    reader.block(syntax.parse(source, python=False).root_node)
    return reader.finish()


def _join_keywords(source: bytes) -> bytes:
    lines = source.split(b"\n")
    for n in range(1, len(lines)):
        word = lines[n].strip()
        before = lines[n - 1].rstrip()
        if word in (b"then", b"do") and before and b"#" not in before \
                and not before.endswith((b";", b"\\", b"|", b"&")):
            lines[n - 1], lines[n] = before + b"; " + word, b""
    return b"\n".join(lines)


class _Reader:
    def __init__(self, source: bytes) -> None:
        self.out = Statements()
        self.words = words.Shell(self)
        self.bound: set[str] = set()
        self.exported: set[str] = set()
        self.functions: set[str] = set()
        self.called: set[str] = set()
        self.heredocs: list[tuple[int, str]] = []

    def finish(self) -> Statements:
        bound = self.bound - self.exported
        functions = self.functions
        self.out.resolve(lambda n: "V" if n in bound else n, lambda n: "V",
                         lambda w: "F" if w in functions else w)
        self.out.commands = {c for c in self.called if c.split(" ")[0] not in functions}
        return self.out

    # statements

    def block(self, node: tree_sitter.Node) -> None:
        for child in node.named_children:
            self.stmt(child, Acc())

    def stmt(self, node: tree_sitter.Node, prefix: Acc) -> None:
        kind = node.type
        if kind == "comment":
            return
        if kind in COMPOUND:
            getattr(self, "_" + kind)(node, prefix)
        elif kind in CHAINS and _holds_compound(node):
            self._chain(node, prefix)
        elif prefix.t1:
            self.words.tokens(node, prefix)
            self.emit(prefix, node.start_point.row, node.end_point.row)
        else:
            self._simple(node)

    def _simple(self, node: tree_sitter.Node) -> None:
        """A simple statement: read once per process for each distinct text (templates and
        pasted blocks repeat them across a sprawl; the names in it are still marked)."""
        source = node.text or b""
        hit = _SEEN.get(source)
        if hit is None:
            before = (set(self.bound), set(self.exported), set(self.called))
            acc = Acc()
            self.words.tokens(node, acc)
            hit = (" ".join(acc.t1), " ".join(acc.named), " ".join(acc.blind), acc.literals,
                   frozenset(self.bound - before[0]), frozenset(self.exported - before[1]),
                   frozenset(self.called - before[2]))
            if self.heredocs or len(_SEEN) >= words.CACHE or not acc.t1:
                self.emit(acc, node.start_point.row, node.end_point.row)
                return
            _SEEN[source] = hit
        t1, named, blind, literals, bound, exported, called = hit
        self.bound |= bound
        self.exported |= exported
        self.called |= called
        self.out.add(t1, named, blind, literals, node.start_point.row + 1,
                     node.end_point.row + 1)

    def emit(self, acc: Acc, start: int, end: int) -> None:
        if acc.t1:
            self.out.add(" ".join(acc.t1), " ".join(acc.named), " ".join(acc.blind),
                         acc.literals, start + 1, end + 1)
        for row, line in self.heredocs:
            self.out.add("<< " + line, "<< " + words.mark_names(line), "<< S",
                         [words.blind_names(line)], row + 1, row + 1)
        self.heredocs = []

    def word(self, text: str, row: int) -> None:
        """A statement of one keyword or brace."""
        self.out.add(text, text, text, [], row + 1, row + 1)

    def _chain(self, node: tree_sitter.Node, prefix: Acc) -> None:
        pending = prefix
        for child in node.children:
            if child.type in COMPOUND or (child.type in CHAINS and _holds_compound(child)):
                self.stmt(child, pending)
                pending = Acc()
            elif child.type != "comment":
                self.words.tokens(child, pending)
        self.emit(pending, node.end_point.row, node.end_point.row)

    def _header(self, node: tree_sitter.Node, acc: Acc, stop: frozenset[str]) -> int:
        """Tokens of `node`'s children up to the first of `stop`; the index of that child."""
        children = node.children
        for n, child in enumerate(children):
            if child.type in stop:
                self.emit(acc, node.start_point.row, child.start_point.row)
                return n
            if child.type not in (";", "comment"):
                self.words.tokens(child, acc)
        self.emit(acc, node.start_point.row, node.end_point.row)
        return len(children)

    def _if_statement(self, node: tree_sitter.Node, prefix: Acc) -> None:
        children = node.children
        first = self._header(node, prefix, frozenset({"then"}))
        for child in children[first + 1 :]:
            if child.type in ("elif_clause", "else_clause"):
                self._clause(child)
            elif child.type == "fi":
                self.word("fi", child.start_point.row)
            else:
                self.stmt(child, Acc())

    def _clause(self, node: tree_sitter.Node) -> None:
        if node.type == "else_clause":
            self.word("else", node.start_point.row)
            body = node.named_children
        else:
            body = node.children[self._header(node, Acc(), frozenset({"then"})) + 1 :]
        for child in body:
            if child.is_named:
                self.stmt(child, Acc())

    def _loop(self, node: tree_sitter.Node, prefix: Acc) -> None:
        first = self._header(node, prefix, frozenset({"do_group", "compound_statement"}))
        for child in node.children[first:]:
            if child.type == "do_group":
                self.block(child)
                self.word("done", child.end_point.row)
            elif child.type == "compound_statement":
                self._compound_statement(child, Acc())

    _while_statement = _loop
    _c_style_for_statement = _loop

    def _for_statement(self, node: tree_sitter.Node, prefix: Acc) -> None:
        variable = node.child_by_field_name("variable")
        if variable is not None:
            self.bound.add(words.text(variable))
        self._loop(node, prefix)

    def _case_statement(self, node: tree_sitter.Node, prefix: Acc) -> None:
        first = self._header(node, prefix, frozenset({"case_item", "esac"}))
        for child in node.children[first:]:
            if child.type == "case_item":
                self._case_item(child)
            elif child.type == "esac":
                self.word("esac", child.start_point.row)

    def _case_item(self, node: tree_sitter.Node) -> None:
        acc = Acc()
        body = False
        for child in node.children:
            if body and child.type in (";;", ";&", ";;&"):
                self.word(child.type, child.start_point.row)
            elif body and child.is_named:
                self.stmt(child, Acc())
            elif child.type == ")":
                acc.add(")", ")", ")")
                self.emit(acc, node.start_point.row, child.start_point.row)
                body = True
            elif child.type != "comment":
                self.words.argument(child, acc)

    def _function_definition(self, node: tree_sitter.Node, prefix: Acc) -> None:
        name_node = node.child_by_field_name("name")
        name = words.text(name_node) if name_node is not None else ""
        self.functions.add(name)
        prefix.add(f"{name} ( )", "F ( )", "F ( )")
        self.emit(prefix, node.start_point.row, node.start_point.row)
        header = len(self.out) - 1
        body = node.child_by_field_name("body")
        if body is not None:
            self.stmt(body, Acc())
        self.out.functions.append((name, header, len(self.out) - 1))

    def _compound_statement(self, node: tree_sitter.Node, prefix: Acc) -> None:
        self._enclosed(node, prefix, "{", "}")

    def _subshell(self, node: tree_sitter.Node, prefix: Acc) -> None:
        self._enclosed(node, prefix, "(", ")")

    def _enclosed(self, node: tree_sitter.Node, prefix: Acc, opener: str, closer: str) -> None:
        prefix.add(opener, opener, opener)
        self.emit(prefix, node.start_point.row, node.start_point.row)
        self.block(node)
        self.word(closer, node.end_point.row)


# statement text -> its spellings and the names and commands it adds
_SEEN: dict[bytes, tuple[str, str, str, list[str], frozenset[str], frozenset[str],
                         frozenset[str]]] = {}


def _holds_compound(node: tree_sitter.Node) -> bool:
    return any(c.type in COMPOUND or (c.type in CHAINS and _holds_compound(c))
               for c in node.named_children)

