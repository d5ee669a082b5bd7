"""Splitting a line into candidate words, and finding where its comment starts."""

from __future__ import annotations

import re

from .model import SCRIPT_EXTENSIONS

# A word: `$(...)` (two levels of nesting) and `${...}` kept whole, else anything but the
# separators of docs/discovery.md.
_WORD = re.compile(
    r"(?:\$\((?:[^()]|\((?:[^()]|\([^()]*\))*\))*\)"
    r"|\$\{[^}]{0,256}\}"
    r"|[^\s'\"`;|&()<>=,\[\]{}])+"
)
_PYTHON = re.compile(r"(?:^|/)python[\d.]*$|^sys\.executable$")
_MODULE = re.compile(r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*")

Word = tuple[int, str]  # (start offset in the line, text)


def split_words(line: str) -> list[Word]:
    out: list[Word] = []
    end = -1
    for match in _WORD.finditer(line):
        start, text = match.start(), match.group()
        # "$DIR"/x.sh is one shell word: glue a path to the quoted variable before it
        if (out and text[0] == "/" and out[-1][1][0] == "$"
                and not line[end:start].strip("\"'")):
            out[-1] = (out[-1][0], out[-1][1] + text)
        else:
            out.append((start, text))
        end = match.end()
    return out


def has_extension(word: str) -> bool:
    last = word.rpartition("/")[2]
    if not last.endswith(SCRIPT_EXTENSIONS) or "*" in last or "?" in last:
        return False
    return last.rpartition(".")[0] not in ("", "$", "${}")


def is_python(word: str) -> bool:
    return _PYTHON.search(word) is not None


def is_module(word: str) -> bool:
    return _MODULE.fullmatch(word) is not None


def hash_comment(line: str) -> int:
    """Offset of a `#` comment (shell, Python, YAML, Dockerfile, make, cron), else len(line)."""
    if "#" not in line:
        return len(line)
    quote = ""
    skip = False
    for i, char in enumerate(line):
        if skip:
            skip = False
        elif char == "\\":
            skip = True
        elif quote:
            quote = "" if char == quote else quote
        elif char in "\"'":
            quote = char
        elif char == "#" and (i == 0 or line[i - 1] in " \t;"):
            return i
    return len(line)


def slash_comment(line: str) -> int:
    """Offset of a `//` comment (Jenkinsfile), else len(line)."""
    if "//" not in line:
        return len(line)
    quote = ""
    for i, char in enumerate(line):
        if quote:
            quote = "" if char == quote else quote
        elif char in "\"'":
            quote = char
        elif char == "/" and line.startswith("//", i) and (i == 0 or line[i - 1] != ":"):
            return i
    return len(line)


def line_comment(line: str) -> int:
    """systemd: only whole lines starting with `#` or `;` are comments."""
    return 0 if line.lstrip()[:1] in ("#", ";") else len(line)


def no_comment(line: str) -> int:
    return len(line)
