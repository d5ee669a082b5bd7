"""A Dockerfile built FROM an image that another Dockerfile of the repo builds.

Image families (a foundation image, then images built on it, each in a folder named after the
image it makes) write `FROM $REGISTRY/$OWNER/minimal-notebook`: the image the repo's
`images/minimal-notebook/Dockerfile` builds and publishes. Its scripts are in the new image at
the paths that Dockerfile copied them to, and its PATH is the new image's PATH:
`RUN /opt/setup-scripts/setup_julia.py` and a bare `fix-permissions` in the child run the
repo's scripts. The name must carry an owner (`owner/name`, the repo's published image; `ubuntu`
or `postgres:16` is an official image) and exactly one Dockerfile of the repo must sit in a
folder of that name; the stage it gives is the parent's last, reached through a guess about
names, so a row that reaches a script only through it is `likely` (`lower`).
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import replace
from typing import TYPE_CHECKING

from .kinds import source_kind
from .lines import Hit
from .lookup import Lookup
from .model import LIKELY
from .resolve import Maps

if TYPE_CHECKING:
    from .dockercopy import Stage
    from .facts import Image

_NAME = re.compile(r"^(?:[\w.-]+(?::\d+)?/)?(?:[\w.-]+/)+([\w.-]+)(?::[\w.-]+)?(?:@sha256:\w+)?$")
_BUSY = object()


def repo_image(name: str, lk: Lookup) -> Stage | None:
    """The last stage of the repo Dockerfile that builds image `name`, or None."""
    match = _NAME.match(name)
    if match is None:
        return None
    path = _by_folder(lk).get(match.group(1))
    if path is None:
        return None
    key = ("repo-image", path)
    found = lk.memo.get(key)
    if found is _BUSY:  # a family that builds on itself: no answer, never a loop
        return None
    if found is None:
        lk.memo[key] = _BUSY
        found = lk.memo[key] = _last_stage(path, lk)
    return found


def _by_folder(lk: Lookup) -> dict[str, str]:
    """Folder name -> the one Dockerfile in a folder of that name (names held twice: none)."""
    table = lk.memo.get("dockerfile-folders")
    if table is None:
        seen: dict[str, list[str]] = {}
        for path in lk.index.files:
            if source_kind(path) == "dockerfile" and path not in lk.index.archived \
                    and posixpath.basename(path) in ("Dockerfile", "Containerfile"):
                folder = posixpath.basename(posixpath.dirname(path))
                seen.setdefault(folder, []).append(path)
        table = lk.memo["dockerfile-folders"] = {
            name: paths[0] for name, paths in seen.items() if len(paths) == 1 and name}
    return table


def _last_stage(path: str, lk: Lookup) -> Stage | None:
    from .dockerfile import context_of, image

    if lk.root is None:
        return None
    try:
        text = (lk.root / path).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    stage = image(text, context_of(path, lk), lk)
    stage.entrypoint = []  # its line numbers are the parent file's
    return stage


def lower(hits: list[Hit], start: int, own: Maps) -> None:
    """The rows from `start` on that reach a script only through a repo image a stage is
    built FROM (not through what the stage copies itself, `own`) become `likely`."""
    folders = [repo.rstrip("/") for _, repo in own if repo is not None]
    for i in range(start, len(hits)):
        hit = hits[i]
        if not any(not f or hit.target == f or hit.target.startswith(f + "/") for f in folders):
            hits[i] = replace(hit, confidence=LIKELY)


def untagged(name: str) -> str:
    """An image name without its tag or digest: `ghcr.io/org/app:1.2` -> `ghcr.io/org/app`."""
    name = name.partition("@")[0].removeprefix("docker.io/")
    head, sep, tag = name.rpartition(":")
    return head if sep and "/" not in tag else name


def published(name: str, built_as: dict[str, str], lk: Lookup) -> str | None:
    """The repo Dockerfile that makes the image a compose service runs without building it
    (`image: ghcr.io/org/app:1.2`): the one another compose service builds under that name,
    else the one Dockerfile in a folder named after it (the image family rule above)."""
    found = built_as.get(untagged(name))
    if found is not None:
        return found
    match = _NAME.match(name)
    return _by_folder(lk).get(match.group(1)) if match else None


def lower_named(hits: list[Hit], images: list[Image], path: str) -> None:
    """Rows of a script in `images` that reach a folder only a service running the image by
    name mounts (`image: org/app` with `./conf/:/etc/app/`) become `likely`: that the service
    runs this image is a guess. Rows of a script inside that folder keep their own. So are the
    rows to any file an image whose build context is itself a guess (copycontext.py) copies."""
    folders = {repo.rstrip("/") for image in images for _, repo in image.named_mounts
               if repo is not None}
    folders = {f for f in folders if f and path != f and not path.startswith(f + "/")}
    folders |= {repo.rstrip("/") for image in images if image.guessed
                for _, repo in image.copies if repo}
    for i, hit in enumerate(hits):
        if any(hit.target == f or hit.target.startswith(f + "/") for f in folders):
            hits[i] = replace(hit, confidence=LIKELY)
