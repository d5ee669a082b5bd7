"""package.json: npm runs each of its `scripts` as shell code in the package's folder."""

from __future__ import annotations

import json
from collections.abc import Iterator

from .lines import Hit
from .shwalk import walk
from .source import Source


def extract_package_json(src: Source) -> Iterator[Hit]:
    try:
        data = json.loads("\n".join(src.lines))
    except ValueError:
        return
    scripts = data.get("scripts") if isinstance(data, dict) else None
    if not isinstance(scripts, dict):
        return
    shell = src.shell(src.where(src.folder))
    for name, command in scripts.items():
        if not isinstance(command, str):
            continue
        shell.cd, shell.fixed = (), _line(src.lines, name, command)
        walk(command, shell)
    yield from shell.hits


def _line(lines: list[str], name: str, command: str) -> int:
    key = json.dumps(name)
    for no, line in enumerate(lines, 1):
        if key in line:
            return no
    return 1
