"""s6-overlay service definitions (`/etc/s6-overlay/s6-rc.d/<service>/`), the supervisor of
linuxserver.io and many other images: a oneshot's `up` (and `down`) file is one command line
that s6-rc runs at boot, usually the absolute path of a script the image holds; a longrun's
`type` file makes the supervisor run the `run` (and `finish`) script beside it.

The files are copied into the image with the rest of a rootfs folder (`COPY root/ /`), so
absolute paths go through that image's maps, as a script's own do.
"""

from __future__ import annotations

import posixpath
import shlex
from collections.abc import Iterator

from .argv import Word, interpret
from .lines import Hit
from .model import CERTAIN, RESOLVED
from .shwalk import act
from .source import Source

_LONGRUN = ("run", "finish")


def extract_s6(src: Source) -> Iterator[Hit]:
    if posixpath.basename(src.path) == "type":
        yield from _longrun(src)
        return
    where = src.where()
    facts = src.lookup.facts
    if facts is not None:
        for image in facts.images_of(src.path):
            where.maps.extend(image.maps)
    shell = src.shell(where, rule="s6-oneshot")
    for no, line in enumerate(src.lines, 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        try:
            parts = shlex.split(line)
        except ValueError:
            parts = line.split()
        for action in interpret([Word(p, p, no) for p in parts]):
            act(action, shell)
    yield from shell.hits


def _longrun(src: Source) -> Iterator[Hit]:
    if not src.lines or src.lines[0].strip() != "longrun":
        return
    for name in _LONGRUN:
        target = src.lookup.find(posixpath.join(src.folder, name))
        if target is not None:
            yield Hit(1, RESOLVED, target, False, "s6-longrun", CERTAIN)
