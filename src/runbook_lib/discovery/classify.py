"""What a file is: a script or not, its language, whether it is an archived or backup copy."""

from __future__ import annotations

import posixpath
import re

EXTENSION_LANGUAGE = {".sh": "sh", ".bash": "bash", ".ksh": "ksh", ".zsh": "zsh", ".py": "python"}
SHELLS = {"sh": "sh", "dash": "sh", "ash": "sh", "bash": "bash", "ksh": "ksh", "mksh": "ksh",
          "zsh": "zsh",
          "openrc-run": "sh"}  # an OpenRC service script (`#!/sbin/openrc-run`): sh code
ARCHIVE_DIRS = frozenset(
    {"archive", "archived", "backup", "backups", "old", "deprecated", "attic", "obsolete"}
)
# Programs that run the interpreter named after them: `env`, and s6-overlay's `with-contenv`
# (`#!/usr/bin/with-contenv bash`, the shebang of every linuxserver.io service script).
_WRAPPERS = frozenset({"env", "with-contenv"})
_PYTHON = re.compile(r"^python(\d+(\.\d+)?)?$")
# x.sh.backup_20250807, x.sh.bak, x.sh.orig, x.sh~, x.py.save (nano), x.backup_20250807.sh,
# x_backup_20250807.sh
_BACKUP_SUFFIX = re.compile(
    r"^(?P<orig>.+?)(\.backup[_-]?\w*|\.bak\d*|\.orig|\.old|\.save|~)$")
_BACKUP_INFIX = re.compile(r"^(?P<stem>.+?)[._-]backup[_-]?\d[\w-]*(?P<ext>\.\w+)$")


def shebang_language(first_line: str) -> str | None:
    """The language a `#!` line names, or None when it names neither a shell nor Python."""
    if not first_line.startswith("#!"):
        return None
    words = first_line[2:].strip().split()
    if not words:
        return None
    prog = posixpath.basename(words[0])
    if prog in _WRAPPERS:
        rest = [w for w in words[1:] if not w.startswith("-") and "=" not in w]
        if not rest:
            return None
        prog = posixpath.basename(rest[0])
    if prog in SHELLS:
        return SHELLS[prog]
    return "python" if _PYTHON.match(prog) else None


def script_language(path: str, first_line: str) -> str | None:
    """Language of a script, or None when the file is not a script."""
    by_shebang = shebang_language(first_line)
    ext = posixpath.splitext(path)[1].lower()
    if by_shebang is not None:
        return by_shebang
    return EXTENSION_LANGUAGE.get(ext)


def is_archived(path: str) -> bool:
    parts = path.lower().split("/")
    return any(p in ARCHIVE_DIRS for p in parts[:-1]) or backup_original(path) is not None


def backup_original(path: str) -> str | None:
    """The path this file is a backup copy of (whether or not it exists), else None."""
    name = _name(path)
    parent = path[: -len(name)]
    match = _BACKUP_SUFFIX.match(name)
    if match and "." in match["orig"]:
        return parent + match["orig"]
    match = _BACKUP_INFIX.match(name)
    if match:
        return parent + match["stem"] + match["ext"]
    return None


def _name(path: str) -> str:
    return path.rsplit("/", 1)[-1]
