"""uWSGI's ini configuration (`uwsgi.ini`, `app.uwsgi.ini`, ...; its `[uwsgi]` section, the one
`uwsgi FILE.ini` reads): the application it imports (`module`/`wsgi` = a module spec,
`wsgi-file`/`file`/`mule` = a Python file) and the programs it runs (`attach-daemon`,
`exec-*` hooks, `hook-*` = `exec:CMD`, `cron`/`unique-cron` after their five time fields), from
`chdir`, an absolute path through the maps of the images the file is copied into."""

from __future__ import annotations

import re
from collections.abc import Iterator

from .argv import Action, Word
from .lines import Hit
from .resolve import GONE, absolute
from .shwalk import act, walk
from .source import Source

_OPTION = re.compile(r"^\s*([A-Za-z][\w-]*)\s*=\s*(.*?)\s*$")
_SECTION = re.compile(r"^\s*\[([^\]]*)\]\s*$")
_APPS = frozenset({"module", "wsgi"})
_FILES = frozenset({"wsgi-file", "file", "mule"})
_COMMANDS = frozenset({"attach-daemon", "attach-control-daemon"})
_CRON = frozenset({"cron", "unique-cron"})


def options(lines: list[str]) -> list[tuple[int, str, str]]:
    """(line, key, value) of the `[uwsgi]` section; keys repeat (each `attach-daemon` runs)."""
    out, section = [], ""
    for no, line in enumerate(lines, 1):
        if line.lstrip()[:1] in ("#", ";"):
            continue
        header = _SECTION.match(line)
        if header:
            section = header.group(1).strip()
            continue
        match = _OPTION.match(line)
        if match and section == "uwsgi" and match.group(2):
            out.append((no, match.group(1), match.group(2)))
    return out


def command(key: str, value: str) -> str | None:
    """The shell command an option runs, or None."""
    if key in _COMMANDS or key.startswith("exec-"):
        return value
    if key.startswith("hook-") and value.startswith("exec:"):
        return value[len("exec:"):]
    if key in _CRON:
        parts = value.split(None, 5)
        return parts[5] if len(parts) == 6 else None
    return None


def extract_uwsgi(src: Source) -> Iterator[Hit]:
    found = options(src.lines)
    where = src.where()
    facts = src.lookup.facts
    if facts is not None:
        for image in facts.images_of(src.path):
            where.maps.extend(image.maps)
    folder = next((v for _, k, v in found if k == "chdir"), None)
    cd: tuple[str, ...] = ()
    if folder is not None and folder.startswith("/"):
        mapped = absolute(folder, where, src.lookup)
        cd = () if mapped is None or mapped == GONE else (mapped,)
    for no, key, value in found:
        shell = src.shell(where, line0=no - 1)
        shell.cd = cd
        code = command(key, value)
        if code is not None:
            walk(code, shell)
        elif key in _APPS:
            act(Action("app", (Word(value, value, no),), f"uwsgi-{key}"), shell)
        elif key in _FILES:
            act(Action("run-file", (Word(value, value, no),), f"uwsgi-{key}"), shell)
        yield from shell.hits
