"""Shell text as statements: one canonical layout, and an identifier- and literal-blind form.

A statement ends at a newline, `;`, `;;`, or after `then`/`do`/`else`/`{`; closers (`fi`,
`done`, `esac`, `}`) start one. So `if x; then` and `if x` + newline + `then` give the same
statements, and comments, blank lines, indentation and spacing never matter. The tokeniser is
one regular expression (speed: 100,000 scripts), tolerant of broken quoting: a lone quote
becomes a token of its own rather than an error.
"""

from __future__ import annotations

import functools
import re

from runbook_lib.similarity.layout import Statements

_SQ = r"'[^']*+'"
_BT = r"`(?:[^`\\]|\\.)*+`"
_BRACE = r"\$\{[^}\n]*+\}"


def _dq(depth: int) -> str:
    sub = _cmdsub(depth - 1) + "|" if depth > 0 else ""
    return r'"(?:[^"\\`$]|\\.|' + sub + _BRACE + r"|\$|" + _BT + r')*+"'


def _cmdsub(depth: int) -> str:
    inner = _dq(depth)
    paren = r"\((?:[^()'\"]|" + _SQ + "|" + inner + r")*+\)"
    return r"\$\((?:[^()'\"`\\]|\\.|" + "|".join((_SQ, inner, _BT, paren)) + r")*+\)"


_COMMON = "|".join((r"\\.", _BRACE, _cmdsub(2), r"\$", _SQ, _dq(2), _BT))
_WORD = r"(?:[^\s'\"`;&|()<>\\$#]|" + _COMMON + r")(?:[^\s'\"`;&|()<>\\$]|" + _COMMON + r")*+"
_OP = r";;&?|;&|&&|\|\||\|&|>>|<<<|<<-|<<|<>|<&|>&|>\||&>>|&>|[;&|()<>]"
_TOKEN = re.compile(
    r"(?:[ \t\r\f\v]|\\\n)*+(?:(?P<nl>\n)|(?P<c>#[^\n]*+)|(?P<op>" + _OP + r")|(?P<w>" + _WORD
    + r")|(?P<bad>.))",
    re.S,
)
_HEREDOC = re.compile(r"(?<!<)<<(-?)[ \t]*(?:'([^'\n]*)'|\"([^\"\n]*)\"|\\?([A-Za-z_][\w.-]*))")
_FUNC_DEF = re.compile(
    r"^[ \t]*(?:function[ \t]+([A-Za-z_][\w:.-]*)|([A-Za-z_][\w:.-]*)[ \t]*\([ \t]*\))", re.M
)
_HEADER = re.compile(r"(?:function )?([^ ]+)(?: \( \))?")
_ASSIGN = re.compile(r"[A-Za-z_]\w*(?:\[[^\]]*\])?\+?=")
_OPTION = re.compile(r"(--?[A-Za-z][\w-]*)(=?)(.*)", re.S)
_BARE = re.compile(r"[A-Za-z_][\w-]*")
_NUMBER = re.compile(r"\d+")
_BLIND_PART = re.compile(
    r"\$\{[#!]?([A-Za-z_]\w*)?(\[[^\]]*\])?([^}]*)\}|\$[A-Za-z_]\w*|\$[^A-Za-z_{(]|'[^']*'|[^$\"'`(){}]+"
)

OPENERS = frozenset({"then", "do", "else", "{"})
CLOSERS = frozenset({"fi", "done", "esac", "}"})
KEEP_CMDPOS = frozenset({"if", "elif", "while", "until", "!", "time"})
KEYWORDS = OPENERS | CLOSERS | KEEP_CMDPOS | {"for", "select", "case", "function", "coproc"}
SEPARATORS = frozenset({"&&", "||", "|", "|&", "(", "!"})
_BINDERS = frozenset({"for", "select", "local", "export", "declare", "readonly", "typeset", "read"})
_KEEP_ARGS = frozenset({"in", "]", "]]", "=", "==", "!=", "!", "&&", "||"})
REDIRECTS = frozenset({">", ">>", "<", "<>", ">|", "&>", "&>>", "<&", ">&", "<<<", "<<", "<<-"})
# dispatching tools whose first argument says what they do: "docker build", "systemctl restart"
DISPATCHERS = frozenset({
    "docker", "docker-compose", "kubectl", "helm", "git", "systemctl", "service", "aws",
    "gcloud", "az", "terraform", "npm", "yarn", "pip", "pip3", "apt-get", "apt", "yum", "dnf",
    "make", "ansible-playbook", "consul", "vault", "nomad", "supervisorctl", "podman",
})


def statements(text: str) -> Statements:
    body: list[tuple[int, str]] = []
    if "<<" in text:
        text, body = _cut_heredocs(text)
    builder = _Builder(_functions(text), body)
    builder.feed(text)
    return builder.out


def _functions(text: str) -> frozenset[str]:
    if "(" not in text and "function" not in text:
        return frozenset()
    return frozenset(a or b for a, b in _FUNC_DEF.findall(text))


def _cut_heredocs(text: str) -> tuple[str, list[tuple[int, str]]]:
    """Heredoc bodies are data: blank them out of the code, keep them as literal statements."""
    lines = text.split("\n")
    body: list[tuple[int, str]] = []
    i = 0
    while i < len(lines):
        found = list(_HEREDOC.finditer(lines[i])) if "<<" in lines[i] else []
        if lines[i].lstrip().startswith("#"):
            found = []
        i += 1
        for m in found:
            delim = m.group(2) if m.group(2) is not None else m.group(3) or m.group(4) or ""
            while i < len(lines) and lines[i].strip() != delim:
                if lines[i].strip():
                    body.append((i + 1, "<< " + " ".join(lines[i].split())))
                lines[i] = ""
                i += 1
            if i < len(lines):
                lines[i] = ""  # the delimiter
            i += 1
    return "\n".join(lines), body


class _Builder:
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

    def feed(self, text: str) -> None:
        line = 1
        for m in _TOKEN.finditer(text):
            kind = m.lastgroup or "bad"
            inner = 0
            if "\n" in m.group():  # a continuation before the token, or a multi-line token
                lead = m.start(kind) - m.start()
                line += m.group().count("\n", 0, lead)
                inner = m.group().count("\n", lead)
            while self.body and self.body[-1][0] < line:
                self.place_body()
            if kind == "nl":
                self.flush()
            elif kind == "w":
                self.word(m.group("w"), line)
            elif kind == "op":
                self.op(m.group("op"), line)
            elif kind == "bad":
                self.push(m.group("bad"), m.group("bad"), line)
            line += inner
            self.end += inner
        while self.body:
            self.place_body()
        self.flush()

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
            self.alone(tok, line)
            self.pattern = self.case_depth > 0
        elif tok == ")" and self.pattern:
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
        return len(t) >= 3 and t[-2] == "(" and (t[0] in self.functions or t[0] == "function")

    def word(self, tok: str, line: int) -> None:
        if self.pattern:
            if tok == "esac":
                self.pattern = False
                self.keyword(tok, line)
            else:
                self.push(tok, _blind_word(tok), line)
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
            self.push(tok, tok, line)
            self.flush()
            self.pattern = True
            return
        self.argc += 1
        if _ASSIGN.match(tok) or self._binds(tok):
            _, eq, value = tok.partition("=")
            self.push(tok, "V" + eq + _blind_word(value), line)
            return
        if tok in self.functions:
            self.push(tok, "F", line)
        elif self.dispatch and _BARE.fullmatch(tok):  # `docker build`: the verb is a command
            self.push(tok, tok, line)
            self.out.commands.add(f"{self.dispatch} {tok}")
            self.dispatch = ""
        else:
            self.push(tok, _blind_arg(tok), line)
        if self.t1[0] == "function" and len(self.t1) == 2:
            self.cmdpos = True

    def _binds(self, tok: str) -> bool:
        """`for NAME`, `local NAME`, `read NAME`: a variable name in argument position."""
        if self.current in ("for", "select"):
            return self.argc == 1
        return self.current in _BINDERS and _BARE.fullmatch(tok) is not None

    def keyword(self, tok: str, line: int) -> None:
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
        m = _HEADER.fullmatch(head)
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
        if _ASSIGN.match(tok):
            name, _, value = tok.partition("=")
            self.push(tok, "V" + ("+=" if name.endswith("+") else "=") + _blind_word(value), line)
            return
        self.cmdpos = False
        self.current, self.argc = tok, 0
        if tok in self.functions:
            self.push(tok, "F", line)
        elif _BARE.fullmatch(tok) or tok in ("[", "[[", "."):
            self.push(tok, tok, line)
            self.out.commands.add(tok)
            self.dispatch = tok if tok in DISPATCHERS else ""
        else:
            self.push(tok, _blind_word(tok), line)


@functools.lru_cache(maxsize=1 << 16)
def _blind_arg(tok: str) -> str:
    """An argument: options stay, every other word is a literal (shell has no other kind)."""
    if tok in _KEEP_ARGS:
        return tok
    m = _OPTION.fullmatch(tok)
    if m:
        return m.group(1) + m.group(2) + (_blind_word(m.group(3)) if m.group(3) else "")
    return _blind_word(tok)


@functools.lru_cache(maxsize=1 << 16)
def _blind_word(tok: str) -> str:
    """Variables become $V, literal text S, keeping quotes, `$( )` and `${ }` as structure."""
    if not tok:
        return ""
    if _NUMBER.fullmatch(tok):
        return "N"
    return _BLIND_PART.sub(_blind_part, tok)


def _blind_part(m: re.Match[str]) -> str:
    part = m.group(0)
    if part.startswith("${"):
        return ("${V:S}" if m.group(3) else "${V}") if m.group(1) else part
    if part.startswith("$"):
        return "$V" if len(part) > 2 or part[1:].isalpha() or part[1:] == "_" else part
    return "S"
