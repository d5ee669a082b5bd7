"""Compose files: each service's command, entrypoint and healthcheck (strings split as compose
does, lists as they are; `CMD-SHELL` and `sh -c` are shell code), resolved through the
service's bind volumes and the image its Dockerfile builds; a bind mount of a single script is
itself a reference (`compose-mount`)."""

from __future__ import annotations

import posixpath
import shlex
from collections.abc import Iterator

from .argv import Word, interpret
from .composefile import Service, read_services
from .dockerfile import image
from .lines import Hit
from .model import CERTAIN, RESOLVED
from .resolve import GONE, Found, Maps, Where, absolute
from .shwalk import Shell, act, nested
from .source import Source
from .values import norm


def extract_compose(src: Source) -> Iterator[Hit]:
    shell = src.shell(src.where(src.folder))
    for service in read_services("\n".join(src.lines), src.folder):
        shell.where = _where(service, src)
        for volume in service.volumes:
            repo = _host(volume.source, src)
            found = src.lookup.find(repo)
            if found is not None:
                shell.add(volume.first, Found(RESOLVED, found, CERTAIN), "compose-mount")
        for field, value, line in service.commands:
            _command(field, value, line, shell, src)
    yield from shell.hits


def _command(field: str, value: str | list[str], line: int, shell: Shell, src: Source) -> None:
    if isinstance(value, list):
        if field == "healthcheck" and value[:1] == ["CMD-SHELL"]:
            code = " ".join(value[1:])
            nested(code, _line(src.lines, line, value[1] if len(value) > 1 else code), shell,
                   "compose-healthcheck")
            return
        if field == "healthcheck":
            value = value[1:] if value[:1] == ["CMD"] else []
        words = value
    elif field == "healthcheck":
        nested(value, line, shell, "compose-healthcheck")
        return
    else:
        try:
            words = shlex.split(value)
        except ValueError:
            words = value.split()
    argv = [Word(w, w, _line(src.lines, line, w)) for w in words]
    for action in interpret(argv, f"compose-{field}"):
        act(action, shell)


def _line(lines: list[str], first: int, word: str) -> int:
    for no in range(first, min(first + 40, len(lines)) + 1):
        if word in lines[no - 1]:
            return no
    return first


def _where(service: Service, src: Source) -> Where:
    maps: Maps = []
    for volume in service.volumes:
        repo = _host(volume.source, src)
        if repo is not None and volume.target.startswith("/"):
            maps.append((posixpath.normpath(volume.target), repo))
    maps.sort(key=lambda m: len(m[0]), reverse=True)
    workdir = service.working_dir
    if service.dockerfile is not None and service.context is not None:
        text = src.read(service.dockerfile)
        if text is not None:
            stage = image(text, service.context, src.lookup)
            maps.extend(stage.maps)
            workdir = workdir or stage.workdir
    return Where(src.path, (), maps=maps, workdir=workdir or "/", strict=True)


def _host(source: str, src: Source) -> str | None:
    """The repo path a bind mount's host side names, or None (named volume, elsewhere)."""
    if source.startswith("/"):
        mapped = absolute(source, Where(src.path, ()), src.lookup)
        return None if mapped == GONE else mapped
    if source.startswith((".", "$")) or "/" in source:
        return norm(src.folder + "/" + source)
    return None
