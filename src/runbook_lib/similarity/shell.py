"""Shell text as statements: one canonical layout, and an identifier- and literal-blind form.

A statement ends at a newline, `;`, `;;`, or after `then`/`do`/`else`/`{`; closers (`fi`,
`done`, `esac`, `}`) start one. So `if x; then` and `if x` + newline + `then` give the same
statements, and comments, blank lines, indentation and spacing never matter. The tokeniser is
one regular expression (speed: 100,000 scripts), tolerant of broken quoting: a lone quote
becomes a token of its own rather than an error.
"""

from __future__ import annotations

from runbook_lib.similarity.layout import Statements
from runbook_lib.similarity.shell_builder import Builder
from runbook_lib.similarity.shell_tokens import FUNC_DEF, HEREDOC


def statements(text: str) -> Statements:
    body: list[tuple[int, str]] = []
    if "<<" in text:
        text, body = _cut_heredocs(text)
    builder = Builder(_functions(text), body)
    builder.feed(text)
    return builder.out


def _functions(text: str) -> frozenset[str]:
    if "(" not in text and "function" not in text:
        return frozenset()
    return frozenset(a or b for a, b in FUNC_DEF.findall(text))


def _cut_heredocs(text: str) -> tuple[str, list[tuple[int, str]]]:
    """Heredoc bodies are data: blank them out of the code, keep them as literal statements."""
    lines = text.split("\n")
    body: list[tuple[int, str]] = []
    i = 0
    while i < len(lines):
        found = list(HEREDOC.finditer(lines[i])) if "<<" in lines[i] else []
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
