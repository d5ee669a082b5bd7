"""Dockerfile COPY/ADD: what each instruction puts where in the image (a stage's maps), and the
live reference a COPY of a script (`dockerfile-copy`) or of a folder of scripts is."""

from __future__ import annotations

import fnmatch
import posixpath
import re
from dataclasses import dataclass, field
from typing import Any

from .argv import Word
from .fileops import under
from .lookup import Lookup
from .model import CERTAIN, LIKELY, RESOLVED
from .resolve import GONE, Found, Maps, Where, absolute
from .shwalk import Shell
from .source import Source
from .values import evaluate, norm

# folders every base image has: `COPY x.sh /usr/local/bin` puts x.sh into it
_FOLDERS = frozenset({"/", "/root", "/tmp", "/bin", "/sbin", "/usr/bin", "/usr/sbin",
                      "/usr/local/bin", "/usr/local/sbin", "/opt", "/srv", "/home", "/etc"})
# a COPY of a folder: each script below it is in the image, whether or not anything runs it
FOLDER_COPY = "dockerfile-copy>folder"


@dataclass(slots=True)
class Stage:
    workdir: str = "/"
    maps: Maps = field(default_factory=list)  # newest first
    env: dict[str, str | None] = field(default_factory=dict)
    entrypoint: list[Word] = field(default_factory=list)
    workdirs: set[str] = field(default_factory=set)  # every WORKDIR so far (they exist)
    inherited: int = 0  # the oldest maps came from a repo image it is built FROM (baseimage.py)

    def copy(self) -> Stage:
        return Stage(self.workdir, list(self.maps), dict(self.env), list(self.entrypoint),
                     set(self.workdirs), self.inherited)


# The parser is Go code: its runtime starts threads, which a forked worker does not have, so a
# worker calling it hangs. Every Dockerfile is parsed in the parent before the workers fork


def map_copy(command: Any, stage: Stage, context: str, lk: Lookup,
             stages: dict[str, Stage]) -> None:
    origin = _origin(command.flags, stages)
    if origin is False or len(command.value) < 2:
        return
    *sources, dest = command.value
    dest = posixpath.join(stage.workdir, evaluate(dest, stage.env, "") or dest)
    into = dest.endswith("/") or len(sources) > 1
    dest = posixpath.normpath(dest)
    # an existing folder without the trailing slash: the file goes into it
    into = into or dest in _FOLDERS or dest in stage.workdirs
    for source in _expanded(sources, stage):
        if isinstance(origin, Stage):
            _carry(origin, source, dest, stage)
        repo = _source(source, context, origin, lk)
        if repo is None or "://" in source:
            continue
        if "*" in source or "?" in source:
            stage.maps.insert(0, (dest, norm(posixpath.dirname(repo)) or ""))
        elif source.endswith("/") or source in (".", "./") or repo in lk.index.dirs:
            stage.maps.insert(0, (dest, repo))
        else:
            target = posixpath.join(dest, posixpath.basename(repo)) if into else dest
            stage.maps.insert(0, (target, repo))


def _expanded(sources: list[str] | tuple[str, ...], stage: Stage) -> list[str]:
    """COPY/ADD sources as BuildKit reads them: ENV and ARG values filled in
    (`COPY $RUN_FILE $ORACLE_BASE/`); a source holding an unknown variable is left out."""
    out = []
    for source in sources:
        value = evaluate(source, stage.env, "") if "$" in source else source
        if value:
            out.append(value)
    return out


def _carry(origin: Stage, source: str, dest: str, stage: Stage) -> None:
    """`COPY --from=builder /u01 /u01`: what the earlier stage copied under /u01 comes along."""
    top = posixpath.normpath(posixpath.join("/", source))
    for prefix, repo in reversed(origin.maps):  # oldest first: each insert lands on top
        if top == "/" or prefix == top or prefix.startswith(top + "/"):
            rest = prefix[len(top):] if top != "/" else prefix
            stage.maps.insert(0, (posixpath.normpath(dest + "/" + rest.lstrip("/")), repo))


def _origin(flags: tuple[str, ...], stages: dict[str, Stage]) -> Stage | bool | None:
    """None: the build context; a Stage: `--from` an earlier stage; False: another image."""
    for flag in flags:
        if flag.startswith("--from="):
            return stages.get(flag[len("--from="):].lower(), False)
    return None


def _source(source: str, context: str, origin: Stage | bool | None, lk: Lookup) -> str | None:
    if not isinstance(origin, Stage):
        return norm(context + "/" + source)
    mapped = absolute(posixpath.join("/", source), Where("", (), maps=origin.maps), lk)
    return None if mapped == GONE else mapped


def copied(command: Any, stage: Stage, context: str, src: Source, shell: Shell) -> None:
    """A COPY/ADD of a script, or of a folder of scripts, into an image that is built: a live
    reference to each script."""
    if any(f.startswith("--from=") for f in command.flags) or len(command.value) < 2:
        return
    for written in command.value[:-1]:
        source = evaluate(written, stage.env, "") if "$" in written else written
        line = line_of(src.lines, command, written)
        if source is None:  # `COPY $VERSION/setup.sh`: a build argument picks the folder
            _through_argument(written, stage, context, src, shell, line)
            continue
        if not source or "://" in source:
            continue
        reached, above = _reach(source, context, src.lookup)
        for target, rule in reached:
            confidence = LIKELY if above or rule == FOLDER_COPY else CERTAIN
            shell.add(line, Found(RESOLVED, target, confidence), rule)


def _through_argument(written: str, stage: Stage, context: str, src: Source, shell: Shell,
                      line: int) -> None:
    base, found = context, _partly(written, stage, context, src.lookup)
    while not found and base:  # built from a folder above, as in _reach
        base = posixpath.dirname(base)
        found = _partly(written, stage, base, src.lookup)
    # `-f 23/Containerfile --build-arg VERSION=23 .`: the folder the Containerfile sits
    # in is the one its argument names, when it holds a script that fits
    own = [t for t in found if t.startswith(src.folder + "/")] if base != context else []
    for target in own or found:
        shell.add(line, Found(RESOLVED, target, LIKELY), "dockerfile-copy+variable")
    if not found and _unknown_name(written):
        # `COPY $START_FILE $ORACLE_BASE/` with START_FILE set by the base image: it
        # may be any file of the context (oracle/docker-images extensions/k8s)
        for target in src.lookup.in_folder(context):
            shell.add(line, Found(RESOLVED, target, LIKELY), "dockerfile-copy+unknown")


def _unknown_name(written: str) -> bool:
    """The source is one variable and nothing else: `$PKG`, `${START_FILE}`."""
    return re.fullmatch(r"\$(?:\w+|\{\w+\})", written) is not None


def _partly(written: str, stage: Stage, context: str, lk: Lookup) -> list[str]:
    """The scripts of the build context a source with an unknown variable may name, each
    unknown part standing for one path component (the sources are context-relative)."""
    pattern = evaluate("./" + written.lstrip("/"), stage.env, "", unknown="\x03")
    path = norm(context + "/" + pattern) if pattern else None
    if not path or "\x03" not in path or "*" in path or "?" in path:
        return []
    if not path.rpartition("/")[2].replace("\x03", ""):
        return []  # `COPY $PKG /u01/`: the whole name is unknown, it may be any file
    regex = re.compile("[^/]*".join(map(re.escape, path.split("\x03"))))
    fixed = path.split("\x03", 1)[0].rpartition("/")[0]
    return [p for p in lk.sorted_scripts() if p.startswith(fixed) and regex.fullmatch(p)]


def _reach(source: str, context: str, lk: Lookup) -> tuple[list[tuple[str, str]], bool]:
    """(script, rule) for each script a COPY source brings, and whether it was found from a
    folder above the Dockerfile's context (built from there: `docker build -f docker/x .`),
    tried one folder up at a time until the source names something."""
    base = context
    while True:
        found = _sources(source, base, lk)
        if found is not None or not base:
            return found or [], base != context
        base = posixpath.dirname(base)


def _sources(source: str, context: str, lk: Lookup) -> list[tuple[str, str]] | None:
    """What `source` brings from `context`; None when it names nothing there."""
    path = norm(context + "/" + source)
    if path is None:
        return None
    if "*" in source or "?" in source:
        folder, _, name = path.rpartition("/")
        return [(p, "dockerfile-copy") for p in lk.in_folder(folder)
                if fnmatch.fnmatchcase(posixpath.basename(p), name)] or None
    found = lk.find(path)
    if found is not None:
        return [(found, "dockerfile-copy")]
    if not path or path == context or context.startswith(path + "/"):
        # `COPY . /app`: every file of the context, not a folder of scripts; no row per
        # script (planning's images.py holds those back), and no search above it
        return []
    if path in lk.index.dirs:  # `COPY scripts/ /opt/scripts/`: every script below it ships
        return [(p, FOLDER_COPY) for p in under(path, lk)]
    return None


def line_of(lines: list[str], command: Any, needle: str) -> int:
    for no in range(command.start_line, command.end_line + 1):
        if 0 < no <= len(lines) and needle in lines[no - 1]:
            return int(no)
    return int(command.start_line)
