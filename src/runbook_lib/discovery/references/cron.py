"""Cron tables: each entry's command is shell code; cron runs it in the user's home, so only
absolute paths (deploy roots) and `cd DIR &&` reach the repo."""

from __future__ import annotations

import re
from collections.abc import Iterator

from .lines import Hit
from .shwalk import walk
from .source import Source

_ENV = re.compile(r"\s*([A-Za-z_]\w*)\s*=\s*(.*?)\s*$")
_SCHEDULE = re.compile(r"\s*(?:@\w+|(?:\S+\s+){4}\S+)\s+(.*)$")
_USER = re.compile(r"[a-z_][\w.-]*\$?$")
# words that start a command, never a user name (a system crontab line that forgot its user)
_COMMANDS = frozenset({"cd", "bash", "sh", "python", "python3", "test", "echo", "exec", "nice",
                       "flock", "timeout", "run-parts", "sudo", "env", "find", "docker"})

# system accounts no command is named after: a line of a cron.d file kept under another name
# (`pihole.cron`, installed into /etc/cron.d by its installer) starts with one
_USERS = frozenset({"root", "www-data", "nobody", "daemon"})


def cron_command(line: str, system: bool = False) -> str | None:
    """The command of a crontab entry, or None for comments, blank and variable lines."""
    stripped = line.strip()
    if not stripped or stripped.startswith("#") or (_ENV.match(line) and not _SCHEDULE.match(line)):
        return None
    match = _SCHEDULE.match(line)
    if match is None:
        return None
    command = match.group(1)
    if system or command.partition(" ")[0] in _USERS:
        user, _, rest = command.partition(" ")
        if _USER.match(user) and user not in _COMMANDS and rest.strip():
            command = rest
    # `%` ends the command (what follows is its standard input)
    return re.split(r"(?<!\\)%", command, maxsplit=1)[0]


def is_system(path: str) -> bool:
    return "cron.d/" in path or (path.endswith("crontab") and "/" not in path.rstrip("/")) \
        or path.startswith("etc/")


def extract_cron(src: Source) -> Iterator[Hit]:
    where = src.where()
    system = is_system(src.path)
    for no, line in enumerate(src.lines, 1):
        match = _ENV.match(line)
        if match and not _SCHEDULE.match(line) and not line.lstrip().startswith("#"):
            name, value = match.groups()
            where.variables[name] = value.strip("\"'")
            continue
        command = cron_command(line, system)
        if command is None:
            continue
        shell = src.shell(where, line0=no - 1)
        walk(command, shell)
        yield from shell.hits
