"""Makefiles: `$(VAR)` expanded from the file's assignments; each recipe line (with its
backslash continuations) is shell code run in the Makefile's folder, and so is the command of
each `$(shell CMD)` call and `VAR != CMD` assignment, which make runs as it reads the file."""

from __future__ import annotations

import re
from collections.abc import Iterator

from .lines import Hit
from .shwalk import walk
from .source import Source
from .values import ANCHOR

_ASSIGN = re.compile(
    r"(?:(?:export|override)\s+)?([A-Za-z_][\w.-]*)\s*(::?=|:::=|\?=|\+=|!=|=)\s*(.*?)\s*$"
)
_REF = re.compile(r"\$[({]([A-Za-z_][\w.-]*)[)}]")
_HERE = re.compile(r"\$[({](?:CURDIR|dir\s+\$[({](?:lastword|firstword)\s+\$[({]MAKEFILE_LIST"
                   r"[)}][)}]|shell\s+pwd)[)}]/?")
_UNKNOWN = re.compile(r"\$\(([^()]*)\)")
_COMMENT = re.compile(r"(?<!\\)#")


def extract_make(src: Source) -> Iterator[Hit]:
    where = src.where(src.folder)
    where.variables["CURDIR"] = ANCHOR + src.folder
    shell = src.shell(where)
    known: dict[str, str] = {}
    recipe: list[str] = []
    first = 0
    for no, raw in enumerate(src.lines, 1):
        for code in shell_calls(raw):  # make runs these itself, before any recipe
            shell.cd, shell.line0, shell.fixed = (), 0, no
            walk(expand(code, known), shell)
        shell.fixed = 0
        if raw.startswith("\t") or recipe:
            if not recipe:
                first = no
            recipe.append(expand(raw, known).lstrip("\t").lstrip("@-+"))
            if not raw.rstrip().endswith("\\"):
                shell.cd, shell.line0, shell.fixed = (), first - 1, 0
                walk("\n".join(recipe), shell)
                recipe = []
            continue
        _assign(raw, known)
    yield from shell.hits


def shell_calls(line: str) -> list[str]:
    """The commands of make's `$(shell CMD)` calls on a line (`VERSION := $(shell bin/tool
    --version)`), parentheses balanced; `!=` assignments are shell commands too. Outside a
    recipe `#` starts a comment (`\\#` does not); `$$(shell ...)` is text for the shell."""
    recipe = line.startswith("\t")
    if not recipe:
        line = _COMMENT.split(line, 1)[0]
    out = []
    start = line.find("(shell ")
    while start >= 0:
        dollars = len(line[:start]) - len(line[:start].rstrip("$"))
        depth, i = 0, start  # at the `(`
        while i < len(line):
            depth += {"(": 1, ")": -1}.get(line[i], 0)
            if depth == 0:
                break
            i += 1
        if dollars % 2:
            out.append(line[start + len("(shell "):i].strip())
        start = line.find("(shell ", i)
    match = _ASSIGN.match(line)
    if match is not None and match.group(2) == "!=" and not recipe:
        out.append(match.group(3))
    return out


def expand(line: str, known: dict[str, str]) -> str:
    line = _HERE.sub("${CURDIR}/", line)
    for _ in range(8):
        replaced = _REF.sub(lambda m: known.get(m.group(1), m.group(0)), line)
        if replaced == line:
            break
        line = replaced
    # what is left unexpanded is unknown to us: a shell variable that is never set
    line = _UNKNOWN.sub(lambda m: "${MAKE_" + re.sub(r"\W", "_", m.group(1)) + "}", line)
    return line.replace("$$", "$")


def _assign(line: str, known: dict[str, str]) -> None:
    match = _ASSIGN.match(line)
    if match is None or line.lstrip().startswith("#"):
        return
    name, op, value = match.groups()
    value = value.split(" #", 1)[0].strip()
    if op == "+=":
        known[name] = (known.get(name, "") + " " + value).strip()
    elif op == "?=":
        known.setdefault(name, value)
    elif op != "!=":
        known[name] = value
