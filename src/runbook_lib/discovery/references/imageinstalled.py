"""Scripts a Dockerfile of the repo puts at a fixed path, and the code that runs them there.

A test image built from the checkout (`ADD . /src`, `COPY tools/x.sh /usr/local/bin/x`, or
`RUN cp $SRC/scripts/*.sh /opt/app/`) holds repo scripts at absolute paths. Code that runs in
such an image and runs or sources one of those paths runs the repo script: a testinfra
`host.run("source /opt/app/lib.sh")` (the host under test), a CI job (its `image:` may be the
repo's), a repo file the image holds itself, a Dockerfile's own crontab line. Which image the
code runs in is not known, so a pending path of installed.py that no host installer explains
but such an image holds is a `likely` row to the script each image puts there (rule
`...+image`); so is the command of `docker run IMAGE /path` (dockerrun.py), in an image of the
repo that holds a script there (rarely is the image known), the nearest if several do. A path
no image holds, or one the image overwrote (`RUN echo ... > /opt/app/x.sh`), a host script no
image holds, and a command run by name are none.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable
from dataclasses import replace

from .baseimage import published, untagged
from .dockerrun import IMAGE_PREFIX
from .facts import Image
from .installed import BARE, PREFIX
from .kinds import source_kind
from .lookup import Lookup
from .model import Reference
from .resolve import GONE, through_maps

_FROM = re.compile(r"^\s*FROM\s+(?:--platform=\S+\s+)?(\S+)", re.MULTILINE | re.IGNORECASE)
_TAGGED = re.compile(r"(?:docker|podman|buildah)\s+(?:image\s+)?(?:build|buildx\s+build|bud)\b"
                     r"[^\n]*?\s(?:-t|--tag)[= ]\s*[\"']?([^\s\"']+)")
Copies = dict[str, dict[str, str | None]]  # Dockerfile -> {image path: script its RUN put there}


def image_copies(notes: Iterable[tuple[str, list[tuple[str, str]]]]) -> Copies:
    """Each Dockerfile's RUN copies (its scan's `installs`): image path -> script, None where
    two of its copies disagree."""
    out: Copies = {}
    for dockerfile, installs in notes:
        table = out.setdefault(dockerfile, {})
        for dest, target in installs:
            table[dest] = target if table.get(dest, target) == target else None
    return out


def image_rows(pending_rows: Iterable[tuple[str, Reference]], source: str,
               host: dict[str, str | None], copies: Copies, images: list[Image],
               lk: Lookup) -> list[Reference]:
    """The pending rows of `source` whose path no host installer names (installed.py), each
    to the script an image of the repo holds at that path."""
    out = []
    for via, row in pending_rows:
        if via.startswith(IMAGE_PREFIX):  # a container's command: an image the repo builds
            path, _, name = via[len(IMAGE_PREFIX):].partition("\n")
            running = _nearest(source, _named(name, [i for i in images
                                                    if _held(path, copies, [i], lk)], lk))
        elif not via.startswith(PREFIX) or via[len(PREFIX):] in host or row.rule.endswith(BARE):
            continue  # a name run on the host's PATH is not looked up in an image
        else:
            path = via[len(PREFIX):]
            running = _running(source, row, images, lk)
        for target in sorted(_held(path, copies, running, lk) - {source}):
            out.append(replace(row, target=target,
                               rule=row.rule.removesuffix("+installed") + "+image"))
    return out


def _named(name: str, images: list[Image], lk: Lookup) -> list[Image]:
    """The images `docker run NAME` may run: the one the repo builds under that name (a
    compose service's `image:`, the one Dockerfile in a folder of that name); none for an
    upstream image a repo Dockerfile is built FROM (`postgres:15`: upstream's own files); else
    any (an unknown image, or one a build script tags: `docker build -t NAME .`)."""
    if not name:
        return images
    facts = lk.facts
    built = published(name, facts.built_as, lk) if facts is not None else None
    if built is not None:
        return [img for img in images if img.dockerfile == built]
    return [] if untagged(name) in _upstream(lk) else images


def _upstream(lk: Lookup) -> frozenset[str]:
    """The images the repo's Dockerfiles are built FROM (untagged) that no build script beside
    a Dockerfile tags (`docker build -t 12213-domain .` makes a base of the repo's own), read
    once per run."""
    found: frozenset[str] | None = lk.memo.get("image-upstream")
    if found is None:
        bases: set[str] = set()
        tags: set[str] = set()
        dockerfiles = {p for p in lk.index.files if source_kind(p) == "dockerfile"}
        folders = {posixpath.dirname(p) for p in dockerfiles}
        for path in sorted(lk.index.files):
            if posixpath.dirname(path) not in folders:
                continue
            text = _text(lk, path)
            if path in dockerfiles:
                bases |= {untagged(m) for m in _FROM.findall(text)}
            else:
                tags |= {untagged(m) for m in _TAGGED.findall(text)}
        found = lk.memo["image-upstream"] = frozenset(bases - tags)
    return found


def _text(lk: Lookup, path: str) -> str:
    root = lk.root
    if root is None:
        return ""
    try:
        return (root / path).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


def _nearest(source: str, images: list[Image]) -> list[Image]:
    """Of the images that may be the container's, those built nearest the code that runs it
    (the most leading folders shared with their Dockerfile's): a sample's launcher runs the
    image its own folder builds, not another product's that puts a script at the same path."""
    here = posixpath.dirname(source).split("/")

    def shared(img: Image) -> int:
        n = 0
        for mine, its in zip(here, posixpath.dirname(img.dockerfile).split("/"), strict=False):
            if not mine or mine != its:
                break
            n += 1
        return n

    best = max(map(shared, images), default=0)
    return [img for img in images if shared(img) == best]


def _running(source: str, row: Reference, images: list[Image], lk: Lookup) -> list[Image]:
    """The images the row's code may run in: any for a test host's code and a CI job, the
    Dockerfile's own for its lines, else those that hold the file itself."""
    kind = source_kind(source)
    if "testinfra" in row.rule or kind == "ci":
        return images
    if kind == "dockerfile":
        return [img for img in images if img.dockerfile == source]
    facts = lk.facts
    return [] if facts is None else facts.images_of(source)


def _held(path: str, copies: Copies, images: list[Image], lk: Lookup) -> set[str]:
    """The repo scripts the images hold at `path`: a RUN copy there, else their COPY/ADD (and
    those of a repo image they are built FROM), not the bind mounts compose adds."""
    found = set()
    for img in images:
        mapped = through_maps(path, [*img.copies, *img.inherited], lk)
        if mapped == GONE:  # a later RUN wrote over whatever was there
            continue
        target = copies.get(img.dockerfile, {}).get(path) or lk.find(mapped)
        if target is not None:
            found.add(target)
    return found
