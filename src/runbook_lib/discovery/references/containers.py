"""References from containers: what their command, entrypoint, healthcheck and mounts reach.

A container sees the repo through its bind mounts; each mount whose host side lies in the repo
maps a container path onto a repo folder (or one file), and the words of the container's
command lines resolve through those maps like a compose service's do.
"""

from __future__ import annotations

import shlex
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from runbook_lib.containers import sdk
from runbook_lib.core.errors import RunbookError
from runbook_lib.discovery.references.lines import Hit, scan_line
from runbook_lib.discovery.references.lookup import Lookup, lookup_for
from runbook_lib.discovery.references.model import RESOLVED, Reference, RepoIndex
from runbook_lib.discovery.references.resolve import Where
from runbook_lib.discovery.references.words import hash_comment

KIND = "container"
# Reference.line of a container row says which field holds the reference:
FIELDS = {"entrypoint": 1, "command": 2, "healthcheck": 3}
MOUNT_LINE = 10  # bind mount i (0-based, in order of container path) is line MOUNT_LINE + i


@dataclass(frozen=True)
class Target:
    """A container or compose service, as the checks see it: host paths made repo-relative."""

    label: str  # "container web" or "compose deploy/compose.yml#web"
    source: str  # Reference.source: "container:web" or the compose file's path
    image: str
    entrypoint: list[str]
    command: list[str]
    healthcheck: list[str]  # Docker's Test list
    health_timeout: float
    binds: tuple[sdk.Mount, ...]  # source: repo-relative path ("" = the repo root)
    working_dir: str = ""
    env: tuple[str, ...] = ()
    network: bool = False  # the copy needs a network (label runbook.network=needed)
    service: str = ""  # its compose service name, when it has one


def container_references(repo: Path, index: RepoIndex) -> tuple[list[Reference], str]:
    """Rows of kind `container` for the running containers, and a note for the user."""
    engine, reason = sdk.try_connect()
    if engine is None:
        return [], f"{reason}: container references skipped"
    try:
        infos = engine.running()
    except RunbookError as exc:
        return [], f"{exc}: container references skipped"
    targets = [running_target(i, repo) for i in infos
               if not i.name.startswith(sdk.CHECK_PREFIX)]
    rows = [ref for t in targets for ref in references_of(t, lookup_for(index))]
    return rows, f"{len(targets)} running container(s) read, {len(rows)} reference(s) found"


def running_target(info: sdk.ContainerInfo, repo: Path) -> Target:
    # sorted: the engine lists mounts in no fixed order, and a mount's row line is its index
    binds = tuple(sorted((sdk.Mount(rel, m.target, m.kind, m.writable) for m in info.mounts
                          if m.kind == "bind" and (rel := repo_path(m.source, repo)) is not None),
                         key=lambda m: m.target))
    return Target(
        label=f"container {info.name}", source=f"container:{info.name}", image=info.image,
        entrypoint=info.entrypoint, command=info.command, healthcheck=info.healthcheck,
        health_timeout=info.health_timeout, binds=binds, working_dir=info.working_dir,
        env=info.env, network=info.labels.get(sdk.NETWORK_LABEL) == "needed",
        service=info.labels.get("com.docker.compose.service", ""),
    )


def repo_path(host: str, repo: Path) -> str | None:
    """The repo-relative POSIX path of a host path inside the repo ("" for the root), or None."""
    try:
        rel = Path(host).resolve().relative_to(repo.resolve())
    except (ValueError, OSError):
        return None
    return "" if str(rel) == "." else rel.as_posix()


def references_of(target: Target, lk: Lookup) -> Iterator[Reference]:
    seen: set[tuple[int, str]] = set()
    for hit, text in hits(target, lk):
        if (hit.line, hit.target) in seen:
            continue
        seen.add((hit.line, hit.target))
        yield Reference(target.source, hit.line, hit.target, KIND, hit.status, not hit.comment,
                        text[:300])


def hits(target: Target, lk: Lookup) -> Iterator[tuple[Hit, str]]:
    """Each reference a target's fields and mounts hold, with the text it was found in."""
    where = Where(target.source, (), maps=_maps(target), workdir=target.working_dir or None)
    for name, line in command_lines(target).items():
        for hit in scan_line(FIELDS[name], line, where, lk, hash_comment):
            yield hit, f"{name}: {line}"
    for i, mount in enumerate(target.binds):
        found = lk.find(mount.source)
        if found is not None:
            yield (Hit(MOUNT_LINE + i, RESOLVED, found, False),
                   f"mount: {mount.source or '.'} -> {mount.target}")


def command_lines(target: Target) -> dict[str, str]:
    """The target's entrypoint, command and healthcheck as shell-like lines (empty: left out)."""
    lines = {"entrypoint": shlex.join(target.entrypoint), "command": shlex.join(target.command),
             "healthcheck": health_line(target.healthcheck)}
    return {name: line for name, line in lines.items() if line}


def health_line(test: list[str]) -> str:
    if test[:1] == ["CMD-SHELL"]:
        return " ".join(test[1:])
    if test[:1] == ["CMD"]:
        return shlex.join(test[1:])
    return ""


def _maps(target: Target) -> list[tuple[str, str | None]]:
    # the most specific mount wins, as in the container itself
    pairs = [(m.target.rstrip("/") or "/", m.source) for m in target.binds]
    return sorted(pairs, key=lambda p: len(p[0]), reverse=True)


def reaches(target: Target, lk: Lookup, touched: set[str]) -> tuple[set[str], set[str]]:
    """(touched scripts its command lines name, touched paths its bind mounts expose)."""
    named = {h.target for h, _ in hits(target, lk) if h.status == RESOLVED and h.target in touched}
    exposed = {p for p in touched for m in target.binds
               if m.source == "" or p == m.source or p.startswith(m.source + "/")}
    return named, exposed


def healthcheck_argv(test: list[str]) -> list[str]:
    """The argument vector Docker runs for a healthcheck (CMD-SHELL through /bin/sh -c)."""
    if test[:1] == ["CMD-SHELL"]:
        return ["/bin/sh", "-c", " ".join(test[1:])]
    return list(test[1:]) if test[:1] == ["CMD"] else []
