"""The quarantine header: usage lines placed at the top of a script that no live caller was
found for, where they change nothing else.

Shell: after the shebang and the comment lines that open the file, so shellcheck directives
written there still apply to the whole file. Python: after the module docstring and the
`from __future__` imports, so `__doc__` and those imports keep working. Line numbers of the
script's own messages move down by the header's few lines.
"""

from __future__ import annotations

import ast

from runbook_lib.planning import usagelog
from runbook_lib.planning.usagelog import Sinks

_DIALECT = {"bash": "bash", "ksh": "ksh", "zsh": "bash"}


def why(batch: int, days: float) -> str:
    return (f"{usagelog.QUARANTINE} (batch {batch}): no live caller was found, so each run is "
            f"recorded; retired after {days:g} days unused (runbook docs/usage.md)")


def is_quarantined(text: str) -> bool:
    return usagelog.QUARANTINE in text and usagelog.MARK in text


def problem(data: bytes, language: str) -> str:
    """Why no header can be placed in this script, or ""."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return "not valid UTF-8: the header would have to re-encode it"
    if is_quarantined(text):
        return "already quarantined"
    if language == "python":
        return "" if _python_start(text) is not None else "does not parse as Python 3"
    if "\r\n" in text:
        return "has CRLF line ends, which the shell reads as part of each command"
    return ""


def add_header(data: bytes, language: str, path: str, sinks: Sinks, note: str) -> bytes:
    text = data.decode("utf-8")
    lines = text.splitlines(keepends=True)
    if language == "python":
        at = _python_start(text)
        if at is None:
            raise ValueError(f"{path} does not parse as Python 3")
        header = usagelog.python_lines(path, sinks, note)
        newline = "\r\n" if lines and lines[0].endswith("\r\n") else "\n"
        header = header.replace("\n", newline)
    else:
        at = _comment_block_end(lines)
        header = usagelog.shell_lines(path, sinks, note)
        if at == len(lines) and not text.startswith("#!"):
            # nothing but comments and no shebang: tell shellcheck the dialect, as the
            # header is now the only code it sees (it flags code of no known shell)
            header = f"# shellcheck shell={_DIALECT.get(language, 'sh')}\n" + header
    if at > 0 and not lines[at - 1].endswith("\n"):
        lines[at - 1] += "\n"
    return "".join([*lines[:at], header, *lines[at:]]).encode("utf-8")


def _comment_block_end(lines: list[str]) -> int:
    """Index of the first line that is neither the shebang, a comment nor blank."""
    for index, line in enumerate(lines):
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            return index
    return len(lines)


def _python_start(text: str) -> int | None:
    """Index of the line where the header goes, or None when the module does not parse."""
    try:
        body = ast.parse(text).body
    except (SyntaxError, ValueError):
        return None
    at = _comment_block_end(text.splitlines(keepends=True))
    for index, node in enumerate(body):
        docstring = index == 0 and isinstance(node, ast.Expr) and isinstance(
            node.value, ast.Constant) and isinstance(node.value.value, str)
        future = isinstance(node, ast.ImportFrom) and node.module == "__future__"
        if not (docstring or future):
            break
        at = max(at, node.end_lineno or node.lineno)
    return at
