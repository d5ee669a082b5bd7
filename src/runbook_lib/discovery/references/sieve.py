"""Sieve mail filters (`*.sieve`): Dovecot's extprograms extension runs a program by bare name,
`pipe :copy "learn-spam";` (and `execute`, `filter`), from one folder the server's settings
name (`sieve_pipe_bin_dir = /usr/lib/dovecot/sieve`). The folders tried are those settings in
the repo's `*.conf` files and the folder an image installs the filter itself to; a repo script
that the filter's image installs there, and only one, is a `likely` row (the setting may be
another server's, the script a namesake)."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator

from .facts import Image
from .lines import Hit
from .lookup import Lookup
from .model import LIKELY, RESOLVED
from .resolve import GONE, Found, Where, absolute
from .source import Source

_CALL = re.compile(r'\b(pipe|execute|filter)\b(?:\s+:\w+)*\s+"([^"/\s]+)"')
_SETTING = re.compile(r"^\s*sieve_(pipe|execute|filter)_bin_dir\s*=\s*(/\S+)", re.M)


def extract_sieve(src: Source) -> Iterator[Hit]:
    facts = src.lookup.facts
    images = facts.images_of(src.path) if facts is not None else []
    if not images:
        return
    shell = src.shell(src.where(src.folder))
    settings = _settings(src)
    for no, line in enumerate(src.lines, 1):
        for match in _CALL.finditer(line.partition("#")[0]):
            verb, name = match.groups()
            found = {repo for image in images
                     for folder in [*settings.get(verb, ()), *_installed_at(src.path, image)]
                     for repo in [_script(folder + "/" + name, image, src.lookup)]
                     if repo is not None}
            if len(found) == 1:
                shell.add(no, Found(RESOLVED, found.pop(), LIKELY), f"sieve-{verb}")
    yield from shell.hits


def _script(path: str, image: Image, lk: Lookup) -> str | None:
    repo = absolute(path, Where(image.dockerfile, (), maps=image.maps, strict=True), lk)
    return repo if repo not in (None, GONE) and repo in lk.index.scripts else None


def _installed_at(path: str, image: Image) -> list[str]:
    """The container folders an image puts the repo file `path` in."""
    out = []
    for container, repo in image.maps:
        if repo is not None and (path == repo or path.startswith(repo.rstrip("/") + "/")):
            inside = posixpath.normpath(container + path[len(repo):]) if path != repo \
                else container
            out.append(posixpath.dirname(inside))
    return out


def _settings(src: Source) -> dict[str, tuple[str, ...]]:
    """`sieve_<verb>_bin_dir` folders set in the repo's `*.conf` files (read once a run)."""
    found = src.lookup.memo.get("sieve-bin-dirs")
    if found is None:
        table: dict[str, set[str]] = {}
        for path in sorted(src.lookup.index.files):
            if path.endswith(".conf"):
                for verb, folder in _SETTING.findall(src.read(path) or ""):
                    table.setdefault(verb, set()).add(posixpath.normpath(folder))
        found = src.lookup.memo["sieve-bin-dirs"] = {
            verb: tuple(sorted(folders)) for verb, folders in table.items()}
    return dict(found)
