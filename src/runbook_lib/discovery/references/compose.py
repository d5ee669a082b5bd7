"""Compose files: commands resolve through the service's bind volumes and its image."""

from __future__ import annotations

import posixpath
from collections.abc import Iterator

from .composefile import Service, Volume, read_services
from .dockerfile import image
from .lines import Hit, scan_line
from .model import RESOLVED
from .resolve import GONE, Maps, Where, absolute, resolve_word
from .source import Source
from .values import norm
from .words import has_extension, hash_comment


def extract_compose(src: Source) -> Iterator[Hit]:
    services = read_services("\n".join(src.lines), src.folder)
    owner: dict[int, tuple[Service, Where]] = {}
    mounts: dict[int, Volume] = {}
    for service in services:
        where = _where(service, src)
        for no in range(service.first, service.last + 1):
            owner[no] = (service, where)
        for volume in service.volumes:
            mounts.update(dict.fromkeys(range(volume.first, volume.last + 1), volume))
    plain = src.where(src.folder)
    done: set[int] = set()
    for no, line in enumerate(src.lines, 1):
        mount = mounts.get(no)
        if mount is not None:
            if id(mount) not in done and mount.source in line:
                done.add(id(mount))
                yield from _mounted(no, line, mount, plain, src)
            continue
        where = owner[no][1] if no in owner else plain
        yield from scan_line(no, line, where, src.lookup, hash_comment)


def _where(service: Service, src: Source) -> Where:
    maps: Maps = []
    for volume in service.volumes:
        repo = _host(volume.source, src)
        if repo is not None and volume.target.startswith("/"):
            maps.append((posixpath.normpath(volume.target), repo))
    workdir = service.working_dir
    if service.dockerfile is not None and service.context is not None:
        text = src.read(service.dockerfile)
        if text is not None:
            stage = image(text, service.context, src.lookup, service.dockerfile)
            maps.extend(stage.maps)
            workdir = workdir or stage.workdir
    return Where(src.path, (src.folder,), maps=maps, workdir=workdir)


def _host(source: str, src: Source) -> str | None:
    """The repo path a bind mount's host side names, or None (named volume, elsewhere)."""
    if source.startswith("/"):
        mapped = absolute(source, Where(src.path, ()), src.lookup)
        return None if mapped == GONE else mapped
    if source.startswith((".", "$")) or "/" in source:
        return norm(src.folder + "/" + source)
    return None


def _mounted(no: int, line: str, volume: Volume, where: Where, src: Source) -> Iterator[Hit]:
    """A bind mount of a single script is itself a reference."""
    source = volume.source
    repo = _host(source, src)
    if repo is None or not (has_extension(source) or src.lookup.find(repo)):
        return
    found = src.lookup.find(repo)
    comment = line.find(source) >= hash_comment(line)
    if found is not None:
        yield Hit(no, RESOLVED, found, comment)
    else:
        result = resolve_word(source, where, src.lookup)
        if result is not None:
            yield Hit(no, result[0], result[1], comment)
