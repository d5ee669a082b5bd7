"""Scripts an installer puts at a fixed host path, and the callers that run them there.

`install -t /opt/app ./scripts/*.sh` (or `cp tools/x.sh /usr/local/bin/x`) in one file, then
`source /opt/app/utils.sh` or `"${APP_DIR}"/list.sh` in another: the second line runs the copy
the first one made, so renaming or removing the repo script breaks it. Each file notes the
absolute destinations its file commands give repo scripts (`FileNotes.installs`) and keeps the
absolute paths it runs or sources that are no repo path as pending rows (`Hit.via` =
`installed:PATH`); once every file is scanned, a pending path that one installed script fits
becomes a `likely` row to that script, rule `...+installed` (the copy may be stale, or the
installer never run). Only host shell code runs pending paths: a Dockerfile's or compose
service's own paths go through the image's maps. A Dockerfile's RUN copies are noted too, as
its image's (imageinstalled.py reads them apart from the host's).
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import TYPE_CHECKING

from .argv import Word
from .kinds import source_kind
from .lines import Hit
from .model import LIKELY, RESOLVED, Reference

if TYPE_CHECKING:
    from .shwalk import Shell

PREFIX = "installed:"


def host(sh: Shell) -> bool:
    """Shell code that runs on the host: not a Dockerfile's or compose service's own commands
    (a script also copied into an image still runs on the host where its callers run it)."""
    return not (sh.where.strict or sh.remote)


def record(dest: Word | None, into: bool, several: bool, start: int, sh: Shell,
           folders: list[str] | None = None) -> None:
    """The destinations of the repo scripts a file command's sources reached (the hits from
    `start` on): `DIR/name` after `-t DIR`, a trailing `/` or several sources; for one source
    either the path itself or a folder holding it (both are noted, only a caller's path picks).
    A Dockerfile's RUN is noted as well (`RUN cp $SRC/*.sh /opt/app/`: its image's copies)."""
    if dest is None or dest.value is None or not dest.value.startswith("/") or sh.remote:
        return
    if not host(sh) and source_kind(sh.where.file) != "dockerfile":
        return
    path = posixpath.normpath(dest.value)
    folder = into or several or dest.value.endswith("/")
    for hit in sh.hits[start:]:
        if hit.status != RESOLVED or hit.via:
            continue
        top = next((f for f in folders or () if hit.target.startswith(f + "/")), None)
        if top is not None:  # `ln -s "$SRC/scripts/" /opt/tool`, `cp -r scripts /opt/tool`:
            rel = hit.target[len(top) + 1:]  # the tree below the folder keeps its shape,
            sh.installs.append((posixpath.join(path, rel), hit.target))  # as DEST itself
            sh.installs.append((posixpath.join(path, posixpath.basename(top), rel), hit.target))
            continue  # or inside DEST when it was a folder already
        sh.installs.append((posixpath.join(path, posixpath.basename(hit.target)), hit.target))
        if not folder:
            sh.installs.append((path, hit.target))


def pending(w: Word, value: str, rule: str, sh: Shell) -> None:
    """An absolute path the shell runs or sources that is no repo path: kept for the end."""
    if not value.startswith("/") or not host(sh):
        return
    path = posixpath.normpath(value)
    sh.hits.append(Hit(w.line, RESOLVED, path, False, f"{_prefixed(rule, sh)}+installed", LIKELY,
                       sh.kind, not sh.remote, via=PREFIX + path))


# the folders of a host's default PATH, where `tool` run by name is looked up (imagepath.py)
_SEARCH = ("/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin")
BARE = "+PATH+installed"  # the rule's ending for a command run by name


def installable(name: str, sh: Shell) -> bool:
    """A bare command name an installer of the repo may have put on the host's PATH: the name
    of a repo script, with or without its extension (`cp tools/x.sh /usr/local/bin/x`)."""
    return host(sh) and installable_name(name, sh.lk.by_base)


def installable_name(name: str, by_base: Mapping[str, object]) -> bool:
    """Whether a repo script has that name, with or without its extension."""
    return bool(name) and (
        name in by_base or any(name + ext in by_base for ext in (".sh", ".bash", ".py")))


def pending_bare(w: Word, name: str, rule: str, sh: Shell) -> None:
    """A bare command name no repo PATH folder holds: kept for the end as the path in each
    folder of the default PATH (`install -t /usr/local/bin tool`, then `tool sub` in a cron
    line runs that copy)."""
    if not installable(name, sh):
        return
    for folder in _SEARCH:
        path = f"{folder}/{name}"
        sh.hits.append(Hit(w.line, RESOLVED, path, False, _prefixed(rule, sh) + BARE, LIKELY,
                           sh.kind, not sh.remote, via=PREFIX + path))


def _prefixed(rule: str, sh: Shell) -> str:
    """The rule as Shell.add writes it: after the rule of the code string it is in."""
    return f"{sh.rule}>{rule}" if sh.rule else rule


def installed_rows(pending_rows: Iterable[tuple[str, Reference]], source: str,
                   installs: dict[str, str | None]) -> list[Reference]:
    """The pending rows whose path one repo script was installed to, as rows to that script."""
    out = []
    for via, row in pending_rows:
        if not via.startswith(PREFIX):
            continue
        target = installs.get(via[len(PREFIX):])
        if target is not None and target != source:
            out.append(replace(row, target=target))
    return out


def install_table(notes: Iterable[list[tuple[str, str]]]) -> dict[str, str | None]:
    """Destination -> the script installed there; None where installers disagree."""
    table: dict[str, str | None] = {}
    for installs in notes:
        for dest, target in installs:
            table[dest] = target if table.get(dest, target) == target else None
    return table
