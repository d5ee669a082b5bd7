"""Folders a Dockerfile copies whole into an image: their scripts ship in it.

`COPY container-scripts /u01/container-scripts` (or `COPY . /app`) puts every file of the
folder into the image, where people run them with `docker exec`, whether or not anything in
the image names them. Deleting one changes what the image holds, so a retirement waits for a
person. Discovery makes a `likely` row (`dockerfile-copy>folder`) for each script of a folder
a COPY names, from any Dockerfile, so those are never orphans; this check is for what it
leaves out: the build context itself (`COPY . /app`), the subfolders a glob matches
(`COPY tools/* /u01/`), and files named like a Dockerfile that discovery does not read as one.
"""

from __future__ import annotations

import posixpath
from pathlib import Path

from runbook_lib.discovery.references.dockerfile import parse

_NAMES = ("dockerfile", "containerfile")


def folder_copied(repo: Path, path: str) -> list[str]:
    """`Dockerfile:line` of a COPY/ADD that copies the script's folder (or one above it, up
    to the Dockerfile's own) whole, as `folder`, `folder/`, `folder/*` or `.`; else []."""
    folder = posixpath.dirname(path)
    above = folder
    while True:
        rel = posixpath.relpath(folder, above) if above else folder
        for dockerfile in named(repo / above, _NAMES):
            found = _copies(dockerfile, rel)
            if found:
                return [f"{posixpath.join(above, dockerfile.name)}:{found}, which copies "
                        "its folder into an image"]
        if not above:
            return []
        above = posixpath.dirname(above)


def named(folder: Path, prefixes: tuple[str, ...]) -> list[Path]:
    """The files of `folder` whose names start with one of `prefixes` (any case)."""
    try:
        return sorted(f for f in folder.iterdir()
                      if f.is_file() and f.name.lower().startswith(prefixes))
    except OSError:
        return []


def _copies(dockerfile: Path, rel: str) -> int:
    """The line of a COPY/ADD whose source is `rel` (a folder under the context) or one of
    its parents, whole; 0 when none."""
    wanted = {"."} | {"/".join(rel.split("/")[:i]) for i in range(1, rel.count("/") + 2)}
    wanted.discard("")
    try:
        text = dockerfile.read_bytes().decode("utf-8", errors="replace")
    except OSError:
        return 0
    for command in parse(text):  # discovery's parser: continuation lines, exec form, flags
        if command.cmd in ("COPY", "ADD") and any(_bare(w) in wanted
                                                  for w in command.value[:-1]):
            return int(command.start_line)
    return 0


def _bare(word: str) -> str:
    word = word[2:] if word.startswith("./") else word
    word = word[:-2] if word.endswith("/*") else word
    return word.rstrip("/") or "."
