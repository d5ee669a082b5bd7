"""Python text as statements: logical lines with their indentation level, comments and
docstrings dropped, and an identifier- and literal-blind form.

One regular expression instead of the `tokenize` module: it is several times faster, and it
never fails on a broken file (a stray quote becomes a token of its own).
"""

from __future__ import annotations

import builtins
import keyword
import re
from dataclasses import dataclass

from runbook_lib.similarity.layout import Statements

_STRING = (
    r"(?i:[rbuf]{0,2})(?:'''(?:[^\\]|\\.)*?'''|\"\"\"(?:[^\\]|\\.)*?\"\"\"|"
    r"'(?:[^'\\\n]|\\.)*'|\"(?:[^\"\\\n]|\\.)*\")"
)
_NUMBER = r"(?:0[xob][\da-f_]+|(?:\d[\d_]*\.?[\d_]*|\.\d[\d_]*)(?:e[-+]?\d+)?j?)"
_OP = r"\*\*=?|//=?|->|:=|<<=?|>>=?|\.\.\.|[-+*/%@&|^<>=!]=|[-+*/%@&|^~<>=.,:;()\[\]{}]"
_TOKEN = re.compile(
    r"(?:[ \t\f]|\\\r?\n)*+(?:(?P<nl>\r?\n)|(?P<c>#[^\n]*+)|(?P<s>" + _STRING + r")|(?P<n>"
    + _NUMBER + r")(?![\w])|(?P<name>[^\W\d]\w*)|(?P<op>" + _OP + r")|(?P<bad>.))",
    re.S | re.I,
)
COMPOUND = frozenset({"if", "elif", "else", "for", "while", "try", "except", "finally", "with",
                      "def", "class", "async"})
KEEP = frozenset(keyword.kwlist) | frozenset(keyword.softkwlist) | frozenset(dir(builtins))


def statements(text: str) -> Statements:
    builder = _Builder()
    builder.feed(text)
    return builder.out


@dataclass(frozen=True, slots=True)
class _Line:
    """What one plain logical line, at one indentation level, always turns into."""

    statements: tuple[tuple[str, str, list[str]], ...]
    commands: tuple[str, ...]


# Lines repeat across a sprawl (templates, pasted blocks): each process tokenises a plain
# line once, per indentation level and set of imported names (both change its forms).
_LINES: dict[tuple[int, str, frozenset[str]], _Line] = {}
LINE_CACHE = 200_000


class _Builder:
    def __init__(self) -> None:
        self.out = Statements()
        self.tokens: list[tuple[str, str]] = []  # (kind, text) of the logical line
        self.depth = 0  # open brackets: newlines inside them do not end the line
        self.start = self.end = 1
        self.indent = 0
        self.widths = [0]
        self.imported: set[str] = set()
        self.imported_key: frozenset[str] = frozenset()
        self.line_commands: list[str] = []
        self.defs: list[tuple[str, int, int]] = []  # open functions: name, index, level

    def feed(self, text: str) -> None:
        line, pos, n = 1, 0, len(text)
        while pos <= n:
            end = text.find("\n", pos)
            end = n if end < 0 else end
            raw = text[pos:end]
            body = raw.strip()
            if not body or body[0] == "#":  # blank and comment lines set no indentation
                pos, line = end + 1, line + 1
                continue
            level = self._level(len(raw) - len(raw.lstrip(" \t\f")))
            key = (level, body, self.imported_key)
            hit = _LINES.get(key)
            if hit is not None:
                self._replay(hit, level, line)
                pos, line = end + 1, line + 1
            else:
                pos, line = self._scan(text, pos, end, line, level, key)
        self.flush()
        self._close_defs(-1)

    def _replay(self, hit: _Line, level: int, line: int) -> None:
        if hit.statements:
            self._close_defs(level)
        for t1, blind, literals in hit.statements:
            self.out.add_joined(t1, blind, literals, line, line)
        self.out.commands.update(hit.commands)

    def _scan(self, text: str, pos: int, end: int, line: int, level: int,
              key: tuple[int, str, frozenset[str]]) -> tuple[int, int]:
        """Tokens from `pos` to the end of the logical line that starts there; a plain
        one-line statement is remembered for the next script that has it."""
        self.start, self.indent, self.line_commands = line, level, []
        first, start_line, imported = len(self.out.t1), line, self.imported_key
        stop = len(text) + 1
        for m in _TOKEN.finditer(text, pos):
            kind = m.lastgroup or "bad"
            if kind == "nl":
                line += 1
                if self.depth == 0:
                    self.flush()
                    stop = m.end()
                    break
                continue
            if kind != "c":
                tok = m.group(kind)
                self.tokens.append((kind, tok))
                self.end = line
                if kind == "op" and len(tok) == 1:
                    self.depth = max(self.depth + (tok in "([{") - (tok in ")]}"), 0)
            if kind == "s" or "\\" in m.group():
                line += m.group().count("\n")
                self.end = line
        if line == start_line + 1 and imported == self.imported_key and len(_LINES) < LINE_CACHE \
                and not (self.defs and self.defs[-1][1] >= first):
            out = self.out
            _LINES[key] = _Line(
                tuple(zip(out.t1[first:], out.blind[first:], out.literals[first:], strict=True)),
                tuple(self.line_commands))
        return stop, line

    def _level(self, width: int) -> int:
        while width < self.widths[-1]:
            self.widths.pop()
        if width > self.widths[-1]:
            self.widths.append(width)
        return len(self.widths) - 1

    def flush(self) -> None:
        tokens, self.tokens, self.depth = self.tokens, [], 0
        if not tokens or (len(tokens) == 1 and tokens[0][0] == "s"):  # docstrings are comments
            return
        self._close_defs(self.indent)
        for part, level in _split(tokens, self.indent):
            self._add(part, level)

    def _add(self, tokens: list[tuple[str, str]], level: int) -> None:
        words = [t for _, t in tokens]
        if words[0] in ("import", "from"):
            self._imports(words)
        if words[0] == "def" or words[:2] == ["async", "def"]:
            name = words[words.index("def") + 1] if len(words) > words.index("def") + 1 else ""
            self.defs.append((name, len(self.out.t1), level))
        self.out.add([str(level), *words], [str(level), *self._blind(tokens)], self.start,
                     self.end)

    def _close_defs(self, level: int) -> None:
        while self.defs and self.defs[-1][2] >= level:
            name, first, _ = self.defs.pop()
            if len(self.out.t1) - 1 > first:
                self.out.functions.append((name, first, len(self.out.t1) - 1))

    def _imports(self, words: list[str]) -> None:
        names = [w for w in words[1:] if w.isidentifier() and w not in ("import", "as")]
        self.out.commands.update(n for n in names if not keyword.iskeyword(n))
        if words[0] == "import":
            self.imported.update(w.split(".")[0] for w in names)
        else:
            self.imported.update(names)
        self.imported_key = frozenset(self.imported)

    def _blind(self, tokens: list[tuple[str, str]]) -> list[str]:
        out: list[str] = []
        after_dot = False
        for kind, tok in tokens:
            if kind == "s":
                out.append("S")
            elif kind == "n":
                out.append("N")
            elif kind == "name" and not after_dot and tok not in KEEP and tok not in self.imported \
                    and not tok.startswith("__"):
                out.append("V")
            else:
                out.append(tok)
                if after_dot and kind == "name" and len(out) >= 3 and out[-3] in self.imported:
                    self.out.commands.add(out[-3] + "." + tok)
                    self.line_commands.append(out[-3] + "." + tok)
            after_dot = tok == "."
        return out


def _split(tokens: list[tuple[str, str]], level: int) -> list[tuple[list[tuple[str, str]], int]]:
    """`a; b` and `if x: y` become the statements the multi-line layout has."""
    parts: list[tuple[list[tuple[str, str]], int]] = []
    current: list[tuple[str, str]] = []
    depth = 0
    body = level
    for kind, tok in tokens:
        if kind == "op" and len(tok) == 1:
            depth += (tok in "([{") - (tok in ")]}")
        if depth == 0 and tok == ";" and kind == "op":
            if current:
                parts.append((current, body))
            current = []
            continue
        current.append((kind, tok))
        if depth == 0 and tok == ":" and current[0][1] in COMPOUND and not _is_lambda(current):
            parts.append((current, body))
            current, body = [], body + 1
    if current:
        parts.append((current, body))
    return parts


def _is_lambda(tokens: list[tuple[str, str]]) -> bool:
    return any(t == "lambda" for _, t in tokens)
