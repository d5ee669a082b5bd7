"""Shell words in three spellings (t1, named, blind) and the literals they hold.

An argument word is a literal (S, or N for a number) unless it is an option (`-f`,
`--name=S`); a command word stays (F when the script defines it: known at the end, so it is
marked); the first argument of a dispatching tool stays too (`docker build`). Strings keep
their structure with the text blinded (`"deploying $V to $V"` is `"S$VS$V"`), and their
literal is the text with every expansion written `$V`, so a copy whose variables were renamed
still holds the same literals.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

import tree_sitter

from runbook_lib.similarity.layout import FUNC, NAME

# dispatching tools whose first argument says what they do: "docker build", "systemctl restart"
DISPATCHERS = frozenset({
    "docker", "docker-compose", "kubectl", "helm", "git", "systemctl", "service", "aws",
    "gcloud", "az", "terraform", "npm", "yarn", "pip", "pip3", "apt-get", "apt", "yum", "dnf",
    "make", "ansible-playbook", "consul", "vault", "nomad", "supervisorctl", "podman",
})
_OPTION = re.compile(r"(--?[A-Za-z][\w-]*)(=?)(.*)", re.S)
_BARE = re.compile(r"[A-Za-z_][\w.-]*")
_BUILTINS = frozenset({":", ".", "[", "[["})
_NAMES = re.compile(r"\$?\{?([A-Za-z_]\w*)\}?")
_DIGITS = re.compile(r"\d+")
_EXPANDED = re.compile(r"(\$\{?)([A-Za-z_]\w*)")
CACHE = 200_000  # distinct statements a process remembers
EXPANSIONS = frozenset({"simple_expansion", "expansion"})
SUBSTITUTIONS = frozenset({"command_substitution", "process_substitution"})


@dataclass(slots=True)
class Acc:
    """The tokens of one statement as they are read."""

    t1: list[str] = field(default_factory=list)
    named: list[str] = field(default_factory=list)
    blind: list[str] = field(default_factory=list)
    literals: list[str] = field(default_factory=list)

    def add(self, t1: str, named: str, blind: str, literal: str | None = None) -> None:
        self.t1.append(t1)
        self.named.append(named)
        self.blind.append(blind)
        if literal:
            self.literals.append(literal)


class Reader(Protocol):
    bound: set[str]
    exported: set[str]
    called: set[str]
    heredocs: list[tuple[int, str]]


def mark_names(line: str) -> str:
    """`$NAME` and `${NAME...}` in free text (a heredoc line) as marked names."""
    return _EXPANDED.sub(lambda m: m.group(1) + NAME + m.group(2) + NAME, line)


def blind_names(line: str) -> str:
    return _EXPANDED.sub(lambda m: m.group(1) + "V", line)


def text(node: tree_sitter.Node) -> str:
    return (node.text or b"").decode("utf-8", "replace")


def _joined(parts: list[str]) -> str:
    """Blind parts of one word, a run of literal parts counted once."""
    out: list[str] = []
    for p in parts:
        if not (p == "S" and out and out[-1] == "S"):
            out.append(p)
    return "".join(out)


class Shell:
    def __init__(self, reader: Reader) -> None:
        self.r = reader

    def tokens(self, node: tree_sitter.Node, acc: Acc) -> None:
        handler = _HANDLERS.get(node.type)
        if handler is not None:
            handler(self, node, acc)
        elif node.child_count == 0:
            t = text(node)
            if t.strip() and node.type not in (";", "comment"):
                acc.add(t, t, t)
        else:
            for child in node.children:
                self.tokens(child, acc)

    argument = tokens

    def command(self, node: tree_sitter.Node, acc: Acc) -> None:
        dispatch = ""
        for child in node.children:
            kind = child.type
            if kind == "command_name":
                inner = child.named_children
                if len(inner) == 1 and inner[0].type == "word" and (
                        _BARE.fullmatch(word := text(inner[0])) or word in _BUILTINS):
                    self.r.called.add(word)
                    acc.add(word, FUNC + word + FUNC, FUNC + word + FUNC)
                    dispatch = word if word in DISPATCHERS else ""
                else:
                    self.tokens(child, acc)
            elif dispatch and kind == "word" and _BARE.fullmatch(verb := text(child)):
                acc.add(verb, verb, verb)
                self.r.called.add(f"{dispatch} {verb}")
                dispatch = ""
            elif kind != "comment":
                self.tokens(child, acc)

    def word(self, node: tree_sitter.Node, acc: Acc) -> None:
        w = text(node)
        m = _OPTION.fullmatch(w)
        if m:
            acc.add(w, w, m.group(1) + m.group(2) + ("S" if m.group(3) else ""), m.group(3))
        else:
            acc.add(w, w, "N" if w.isdigit() else "S", w)

    def number(self, node: tree_sitter.Node, acc: Acc) -> None:
        w = text(node)
        acc.add(w, w, "N", w)

    def raw(self, node: tree_sitter.Node, acc: Acc) -> None:
        w = text(node)
        acc.add(w, w, "S", w.lstrip("$")[1:-1])

    def string(self, node: tree_sitter.Node, acc: Acc) -> None:
        t = text(node)
        named, blind, literal = ['"'], ['"'], []
        has_text = False
        for child in node.named_children:
            sub = Acc()
            if child.type == "string_content":
                c = text(child)
                sub.add(c, c, "S", c)
                has_text = True
            else:
                self.tokens(child, sub)
                has_text = has_text or bool(sub.literals)
            named.append("".join(sub.named))
            blind.append("".join(sub.blind))
            literal.append("".join(sub.literals) if sub.literals else "$V")
        acc.add(t, "".join(named) + '"', _joined(blind) + '"',
                "".join(literal) if has_text else None)

    def concatenation(self, node: tree_sitter.Node, acc: Acc) -> None:
        named, blind, literal = [], [], []
        has_text = False
        for child in node.children:
            sub = Acc()
            self.tokens(child, sub)
            named.append("".join(sub.named))
            blind.append("".join(sub.blind))
            literal.append("".join(sub.literals) if sub.literals else "$V")
            has_text = has_text or bool(sub.literals)
        acc.add(text(node), "".join(named), _joined(blind),
                "".join(literal) if has_text else None)

    def simple_expansion(self, node: tree_sitter.Node, acc: Acc) -> None:
        t = text(node)
        inner = node.named_children
        if inner and inner[0].type == "variable_name" and not (name := text(inner[0])).isdigit():
            acc.add(t, "$" + NAME + name + NAME, "$V")
        else:
            acc.add(t, t, t)  # $1, $@, $?, $$: positional and special parameters

    def expansion(self, node: tree_sitter.Node, acc: Acc) -> None:
        t = text(node)
        inner = [c for c in node.named_children if c.type == "variable_name"]
        if not inner:
            acc.add(t, t, t)
            return
        name = inner[0]
        rest = (node.text or b"")[name.end_byte - node.start_byte : -1].decode("utf-8",
                                                                                "replace")
        head = t[: t.index(text(name))]
        value = rest.lstrip(":-=+?#%/^,")
        acc.add(t, head + NAME + text(name) + NAME + rest + "}",
                "${V:S}" if rest else "${V}", value if value and "$" not in value else None)

    def substitution(self, node: tree_sitter.Node, acc: Acc) -> None:
        inner = Acc()
        for child in node.named_children:
            self.tokens(child, inner)
        t = text(node)
        opener = "$(" if t.startswith(("$(", "`")) else t[:2]
        acc.add(opener + " ".join(inner.t1) + ")", opener + " ".join(inner.named) + ")",
                opener + " ".join(inner.blind) + ")")
        acc.literals += inner.literals

    def arithmetic(self, node: tree_sitter.Node, acc: Acc) -> None:
        t = "".join(text(node).split())
        acc.add(t, _NAMES.sub(lambda m: NAME + m.group(1) + NAME, t),
                _NAMES.sub("V", _DIGITS.sub("N", t)))

    def variable_name(self, node: tree_sitter.Node, acc: Acc) -> None:
        name = text(node)
        acc.add(name, NAME + name + NAME, "V")

    def assignment(self, node: tree_sitter.Node, acc: Acc, exported: bool = False) -> None:
        target = node.child_by_field_name("name")
        value = node.child_by_field_name("value")
        name = text(target) if target is not None else ""
        if target is not None and target.type == "subscript":
            name = text(target.named_children[0]) if target.named_children else name
        self.r.bound.add(name)
        if exported:
            self.r.exported.add(name)
        op = "+=" if "+=" in text(node)[len(name) : len(name) + 3] else "="
        sub = Acc()
        if value is not None:
            self.tokens(value, sub)
        acc.add(name + op + " ".join(sub.t1), NAME + name + NAME + op + " ".join(sub.named),
                "V" + op + " ".join(sub.blind))
        acc.literals += sub.literals

    def declaration(self, node: tree_sitter.Node, acc: Acc) -> None:
        exported = text(node).startswith("export")
        for child in node.children:
            if child.type == "variable_assignment":
                self.assignment(child, acc, exported)
            elif child.type == "variable_name":
                self.r.bound.add(text(child))
                if exported:
                    self.r.exported.add(text(child))
                self.variable_name(child, acc)
            else:
                self.tokens(child, acc)

    def heredoc(self, node: tree_sitter.Node, acc: Acc) -> None:
        for child in node.children:
            kind = child.type
            if kind == "heredoc_body":
                row = child.start_point.row
                for n, line in enumerate(text(child).split("\n")):
                    if line.strip():
                        self.r.heredocs.append((row + n, " ".join(line.split())))
            elif kind == "heredoc_start":
                d = text(child)
                acc.add(d, d, d)
            elif kind not in ("heredoc_end", "heredoc_content"):
                self.tokens(child, acc)

    def skip(self, node: tree_sitter.Node, acc: Acc) -> None:
        return

    def literal(self, node: tree_sitter.Node, acc: Acc) -> None:
        t = text(node)
        acc.add(t, t, "S", t)


_HANDLERS: dict[str, Callable[[Shell, tree_sitter.Node, Acc], None]] = {
    "command": Shell.command, "word": Shell.word, "number": Shell.number,
    "raw_string": Shell.raw, "ansi_c_string": Shell.raw, "string": Shell.string,
    "translated_string": Shell.string, "concatenation": Shell.concatenation,
    "simple_expansion": Shell.simple_expansion, "expansion": Shell.expansion,
    "command_substitution": Shell.substitution, "process_substitution": Shell.substitution,
    "arithmetic_expansion": Shell.arithmetic, "variable_name": Shell.variable_name,
    "variable_assignment": Shell.assignment, "declaration_command": Shell.declaration,
    "heredoc_redirect": Shell.heredoc, "regex": Shell.literal, "extglob_pattern": Shell.word,
    "brace_expression": Shell.literal, "comment": Shell.skip,
}
