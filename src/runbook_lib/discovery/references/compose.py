"""Compose files: each service's command, entrypoint and healthcheck (strings split as compose
does, lists as they are; `CMD-SHELL` and `sh -c` are shell code), resolved through the
service's bind volumes and the image its Dockerfile builds; a bind mount of a single script is
itself a reference (`compose-mount`)."""

from __future__ import annotations

import posixpath
import shlex
from collections.abc import Iterator
from dataclasses import replace

from .argv import Word, interpret
from .baseimage import lower, published
from .composefile import Service, read_services
from .dockerfile import image
from .facts import Image
from .lines import Hit
from .model import CERTAIN, LIKELY, RESOLVED
from .resolve import GONE, Found, Maps, Where, absolute, absolute_with
from .shwalk import Shell, act, nested
from .source import Source
from .values import norm


def extract_compose(src: Source) -> Iterator[Hit]:
    shell = src.shell(src.where(src.folder))
    for service in read_services("\n".join(src.lines), src.folder):
        shell.where = _where(service, src)
        built = _image(service, src)
        # a bare command name is a script the service's image put on its PATH
        shell.commands = dict(built.commands) if built is not None else {}
        start = len(shell.hits)
        for volume in service.volumes:
            repo = _host(volume.source, src)
            found = src.lookup.find(repo)
            if found is not None:
                shell.add(volume.first, Found(RESOLVED, found, CERTAIN), "compose-mount")
        for field, value, line in service.commands:
            _command(field, value, line, shell, src)
        if built is not None and built.inherited:  # built FROM a repo image (baseimage.py)
            lower(shell.hits, start, [m for m in shell.where.maps if m not in built.inherited])
        if service.dockerfile is None:
            _installed(service, shell, src)
        _labels(service, built, shell, src)
    yield from shell.hits


def _labels(service: Service, built: Image | None, shell: Shell, src: Source) -> None:
    """A scheduler label's command (composefile._job_labels) runs in the service's container:
    resolved like its `command:`, through its mounts and the image it builds, or else the repo
    image it runs by name (baseimage.published); `likely`, as the engine never reads it."""
    if not service.labels:
        return
    where, commands = shell.where, shell.commands
    facts = src.lookup.facts
    named = None
    if built is None and facts is not None and service.image:
        path = published(service.image, facts.built_as, src.lookup)
        named = next((img for img in facts.images if img.dockerfile == path), None)
    if named is not None:
        shell.where = replace(where, maps=[*where.maps, *named.copies, *named.inherited],
                              workdir=service.working_dir or named.workdir)
        shell.commands = dict(named.commands)
    start = len(shell.hits)
    for value, line in service.labels:
        _command("label", value, line, shell, src)
    shell.hits[start:] = [replace(h, confidence=LIKELY) for h in shell.hits[start:]]
    shell.where, shell.commands = where, commands


def _image(service: Service, src: Source) -> Image | None:
    facts = src.lookup.facts
    if service.dockerfile is None or facts is None:
        return None
    return next((img for img in facts.images if img.dockerfile == service.dockerfile), None)


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
        words = _split(value)
    for action in interpret(_argv(words, line, src), f"compose-{field}"):
        act(action, shell)


def _split(value: str) -> list[str]:
    try:
        return shlex.split(value)
    except ValueError:
        return value.split()


def _argv(words: list[str], line: int, src: Source) -> list[Word]:
    return [Word(w, w, _line(src.lines, line, w)) for w in words]


def _installed(service: Service, shell: Shell, src: Source) -> None:
    """A service that runs an image it does not build (`image: org/app:${VERSION}`) often runs
    the image this repo's Dockerfile builds and publishes: a program it runs by an absolute
    path that exactly one of the repo's images installs (its own COPY/ADD, not another
    service's mounts) from a repo script is likely that script (`command:
    [/opt/app/housekeeping.sh]` after `COPY docker/housekeeping.sh /opt/app/`). Several images
    installing that path, or none, give no row; nor does an official image (`alpine`,
    `postgres:16`: no owner in its name), which no repo publishes."""
    facts, lk = src.lookup.facts, src.lookup
    name = (service.image or "").removeprefix("docker.io/").removeprefix("library/")
    if facts is None or not facts.images or "/" not in name:
        return
    for field, value, line in service.commands:
        if field == "healthcheck" or (isinstance(value, str) and not value.startswith("/")):
            continue
        words = value if isinstance(value, list) else _split(value)
        for action in interpret(_argv(words, line, src), f"compose-{field}"):
            word = action.words[0]
            if action.what != "run" or not (word.value or "").startswith("/"):
                continue
            found = {repo for img in facts.images for repo, how in [absolute_with(
                word.value or "", Where(src.path, (), maps=img.copies, workdir=img.workdir,
                                        strict=True), lk)]
                     if how == CERTAIN and repo not in (None, GONE) and repo in lk.index.scripts}
            if len(found) == 1:
                shell.add(word.line, Found(RESOLVED, found.pop(), LIKELY),
                          f"{action.rule}>image-path")


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
