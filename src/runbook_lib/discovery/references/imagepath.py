"""The repo scripts a container runs by bare name: those its image copies into a folder on its
PATH. Without `ENV PATH` an image searches Docker's default PATH, so a script that
`COPY target/bin/* /usr/local/bin/` installs is run as `listalias` by the image's other
scripts and its own RUN lines."""

from __future__ import annotations

import posixpath

from .lookup import Lookup
from .resolve import Maps

DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"


def search_path(value: str | None) -> list[str]:
    """The absolute folders of a PATH value (Docker's default when the image sets none)."""
    return [p.rstrip("/") or "/" for p in (value or DEFAULT_PATH).split(":") if p.startswith("/")]


def path_commands(folders: list[str], maps: Maps, lk: Lookup) -> dict[str, str]:
    """Bare name -> repo script, for the scripts the maps put in `folders` (first folder wins,
    as the shell's search does; a newer copy over an older one wins within a folder)."""
    out: dict[str, str] = {}
    for folder in folders:
        here: dict[str, str] = {}
        for prefix, repo in maps:  # newest first
            if repo is None:
                continue
            if posixpath.dirname(prefix) == folder:
                target = lk.find(repo)
                if target is not None:
                    here.setdefault(posixpath.basename(prefix), target)
            elif folder == prefix or folder.startswith(prefix.rstrip("/") + "/"):
                rest = folder[len(prefix.rstrip("/")):].strip("/")
                inside = posixpath.normpath(posixpath.join(repo, rest)) if rest else repo
                for target in lk.in_folder("" if inside == "." else inside):
                    here.setdefault(posixpath.basename(target), target)
        for name, target in here.items():
            out.setdefault(name, target)
    return out
