"""Shell tokens into statements: command position, `case` patterns, functions, and a cache of
plain lines (templates and pasted blocks repeat the same lines across a sprawl)."""

from __future__ import annotations

from dataclasses import dataclass

from runbook_lib.similarity.blind import BARE as _BARE
from runbook_lib.similarity.blind import blind_arg, blind_word
from runbook_lib.similarity.layout import Statements
from runbook_lib.similarity.shell_tokens import (
    ASSIGN,
    BINDERS,
    CLOSERS,
    DISPATCHERS,
    HEADER,
    KEEP_CMDPOS,
    KEYWORDS,
    OPENERS,
    REDIRECTS,
    SEPARATORS,
    STATEFUL,
    TOKEN,
)


@dataclass(frozen=True, slots=True)
class _Line:
    """What one plain line (no keyword, brace, case or heredoc) always turns into."""

    statements: tuple[tuple[str, str, list[str]], ...]
    probed: frozenset[str]  # its words that would mean something else as function names
    commands: tuple[str, ...]


# Lines repeat across a sprawl (templates, pasted blocks): each process tokenises a plain
# line once. Bounded, so a huge repo cannot grow it without limit.
_LINES: dict[str, _Line] = {}
LINE_CACHE = 200_000


class Builder:
    """Turns the token stream into statements; tracks command position, `case` and functions."""

    def __init__(self, functions: frozenset[str], body: list[tuple[int, str]]) -> None:
        self.out = Statements()
        self.functions = functions
        self.body = body[::-1]  # heredoc lines still to place, next one last
        self.t1: list[str] = []
        self.blind: list[str] = []
        self.start = self.end = 1
        self.cmdpos, self.redirect, self.pattern = True, False, False
        self.case_depth = 0
        self.dispatch = ""
        self.current = ""  # the command (or for/select) whose arguments follow
        self.argc = 0  # arguments seen since then
        self.braces: list[tuple[str, int] | None] = []
        self.events = 0  # keywords, braces, case patterns: lines with any are not cached
        self.probed: set[str] = set()
        self.line_commands: list[str] = []

    def feed(self, text: str) -> None:
        line, pos, n = 1, 0, len(text)
        while pos <= n:
            end = text.find("\n", pos)
            end = n if end < 0 else end
            while self.body and self.body[-1][0] < line:
                self.place_body()
            hit = _LINES.get(text[pos:end]) if self._clean() else None
            if hit is not None and hit.probed.isdisjoint(self.functions):
                for t1, blind, literals in hit.statements:
                    self.out.add_joined(t1, blind, literals, line, line)
                self.out.commands.update(hit.commands)
                pos, line = end + 1, line + 1
            else:
                pos, line = self._scan(text, pos, end, line)
        while self.body:
            self.place_body()
        self.flush()

    def _clean(self) -> bool:
        return not self.t1 and not self.pattern

    def _scan(self, text: str, pos: int, end: int, line: int) -> tuple[int, int]:
        """Tokens from `pos` to the newline that ends this line (or a later one, when a
        token spans lines); a plain line is remembered for the next script that has it."""
        clean, first, events = self._clean(), len(self.out.t1), self.events
        self.probed, self.line_commands = set(), []
        stop, start_line = len(text) + 1, line
        for m in TOKEN.finditer(text, pos):
            kind = m.lastgroup or "bad"
            inner = 0
            if "\n" in m.group():  # a continuation before the token, or a multi-line token
                lead = m.start(kind) - m.start()
                line += m.group().count("\n", 0, lead)
                inner = m.group().count("\n", lead)
            if kind == "nl":
                self.flush()
                if m.start(kind) >= end:
                    stop = m.end()
                    break
            elif kind == "w":
                self.word(m.group("w"), line)
            elif kind == "op":
                self.op(m.group("op"), line)
            elif kind == "bad":
                self.push(m.group("bad"), m.group("bad"), line)
            line += inner
            self.end += inner
        if clean and stop == end + 1 and line == start_line and self.events == events \
                and not (self.probed & self.functions) and len(_LINES) < LINE_CACHE:
            out = self.out
            _LINES[text[pos:end]] = _Line(
                tuple(zip(out.t1[first:], out.blind[first:], out.literals[first:], strict=True)),
                frozenset(self.probed), tuple(self.line_commands))
        return stop, line + 1

    def place_body(self) -> None:
        self.flush()
        line, content = self.body.pop()
        self.out.add([content], ["S"], line, line)

    def push(self, t1: str, blind: str, line: int) -> None:
        if not self.t1:
            self.start = line
        self.t1.append(t1)
        self.blind.append(blind)
        self.end = line

    def flush(self) -> None:
        if self.t1:
            self.out.add(self.t1, self.blind, self.start, self.end)
        self.t1, self.blind = [], []
        self.cmdpos, self.redirect, self.dispatch, self.current = True, False, "", ""

    def alone(self, tok: str, line: int) -> None:
        self.flush()
        self.push(tok, tok, line)
        self.flush()

    def op(self, tok: str, line: int) -> None:
        if tok in (";", "&"):
            if tok == "&":
                self.push(tok, tok, line)
            self.flush()
        elif tok in (";;", ";&", ";;&"):
            self.events += 1
            self.alone(tok, line)
            self.pattern = self.case_depth > 0
        elif tok == ")" and self.pattern:
            self.events += 1
            self.push(tok, tok, line)
            self.flush()
            self.pattern = False
        else:
            self.push(tok, tok, line)
            self.redirect = tok in REDIRECTS
            if tok in SEPARATORS or (tok == ")" and self._function_header()):
                self.cmdpos, self.current = True, ""

    def _function_header(self) -> bool:
        t = self.t1
        if t:
            self.probed.add(t[0])
        return len(t) >= 3 and t[-2] == "(" and (t[0] in self.functions or t[0] == "function")

    def word(self, tok: str, line: int) -> None:
        if self.pattern:
            self.events += 1
            if tok == "esac":
                self.pattern = False
                self.keyword(tok, line)
            else:
                self.push(tok, blind_word(tok), line)
        elif self.redirect:
            self.redirect = False
            self.push(tok, tok if tok[:1] in "0123456789&-" else "S", line)
        elif self.cmdpos and tok in KEYWORDS:
            self.keyword(tok, line)
        elif self.cmdpos:
            self.command(tok, line)
        else:
            self.argument(tok, line)

    def argument(self, tok: str, line: int) -> None:
        if tok == "in" and len(self.t1) == 2 and self.t1[0] == "case":
            self.events += 1
            self.push(tok, tok, line)
            self.flush()
            self.pattern = True
            return
        self.argc += 1
        if ASSIGN.match(tok) or self._binds(tok):
            _, eq, value = tok.partition("=")
            self.push(tok, "V" + eq + blind_word(value), line)
            return
        self.probed.add(tok)
        if tok in self.functions:
            self.push(tok, "F", line)
        elif self.dispatch and _BARE.fullmatch(tok):  # `docker build`: the verb is a command
            self.push(tok, tok, line)
            self._command(f"{self.dispatch} {tok}")
            self.dispatch = ""
        else:
            self.push(tok, blind_arg(tok), line)
        if self.t1[0] == "function" and len(self.t1) == 2:
            self.cmdpos = True

    def _binds(self, tok: str) -> bool:
        """`for NAME`, `local NAME`, `read NAME`: a variable name in argument position."""
        if self.current in ("for", "select"):
            return self.argc == 1
        return self.current in BINDERS and _BARE.fullmatch(tok) is not None

    def _command(self, name: str) -> None:
        self.out.commands.add(name)
        self.line_commands.append(name)

    def keyword(self, tok: str, line: int) -> None:
        if tok in STATEFUL:  # if/then/fi leave nothing behind a line; these do
            self.events += 1
        if tok in OPENERS:
            self.opener(tok, line)
            return
        if tok in CLOSERS:
            self.flush()
            self.closer(tok)
        self.push(tok, tok, line)
        self.cmdpos = tok in KEEP_CMDPOS
        self.current, self.argc = tok, 0
        if tok == "case":
            self.case_depth += 1

    def opener(self, tok: str, line: int) -> None:
        self.flush()
        if tok == "{":
            self.braces.append(self._header_name())
        self.alone(tok, line)

    def _header_name(self) -> tuple[str, int] | None:
        if not self.out.t1:
            return None
        head = self.out.t1[-1]
        m = HEADER.fullmatch(head)
        if m and (head.startswith("function ") or head.endswith(" ( )")):
            return m.group(1), len(self.out.t1) - 1
        return None

    def closer(self, tok: str) -> None:
        if tok == "esac":
            self.case_depth = max(0, self.case_depth - 1)
        elif tok == "}" and self.braces:
            opened = self.braces.pop()
            if opened is not None:
                self.out.functions.append((opened[0], opened[1], len(self.out.t1)))

    def command(self, tok: str, line: int) -> None:
        if ASSIGN.match(tok):
            name, _, value = tok.partition("=")
            self.push(tok, "V" + ("+=" if name.endswith("+") else "=") + blind_word(value), line)
            return
        self.cmdpos = False
        self.current, self.argc = tok, 0
        self.probed.add(tok)
        if tok in self.functions:
            self.push(tok, "F", line)
        elif _BARE.fullmatch(tok) or tok in ("[", "[[", "."):
            self.push(tok, tok, line)
            self._command(tok)
            self.dispatch = tok if tok in DISPATCHERS else ""
        else:
            self.push(tok, blind_word(tok), line)
