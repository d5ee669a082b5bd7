"""Dockerfiles: COPY/ADD map the build context into the image; RUN/CMD/... call through it."""

from __future__ import annotations

import json
import posixpath
import re
import shlex
from collections.abc import Iterator
from dataclasses import dataclass, field

from .composefile import compose_contexts
from .lines import Hit, scan_line
from .lookup import Lookup
from .resolve import GONE, Maps, Where, absolute, resolve_word
from .source import Source
from .values import evaluate, norm
from .words import has_extension, hash_comment, split_words

_INSTRUCTION = re.compile(r"\s*([A-Za-z]+)(?:\s+(.*))?$")
_KEYWORDS = frozenset({
    "FROM", "RUN", "CMD", "LABEL", "MAINTAINER", "EXPOSE", "ENV", "ADD", "COPY", "ENTRYPOINT",
    "VOLUME", "USER", "WORKDIR", "ARG", "ONBUILD", "STOPSIGNAL", "HEALTHCHECK", "SHELL",
})
_REDIRECT = re.compile(r"(?:>>?|\btee\s+(?:-a\s+)?)\s*([^\s;&|)'\"]+)")
Line = tuple[int, str]


@dataclass(slots=True)
class Stage:
    workdir: str = "/"
    maps: Maps = field(default_factory=list)  # newest first
    env: dict[str, str | None] = field(default_factory=dict)

    def copy(self) -> Stage:
        return Stage(self.workdir, list(self.maps), dict(self.env))


def extract_dockerfile(src: Source) -> Iterator[Hit]:
    context = _context(src)
    for group, word, args, stage in walk(src.lines, context, src.lookup, src.path):
        where = Where(src.path, (context,), stage.env, stage.maps, stage.workdir)
        if word in ("COPY", "ADD"):
            yield from _copied(group, args, Where(src.path, (context,)), src.lookup)
        elif word != "FROM":
            for no, line in group:
                yield from scan_line(no, line, where, src.lookup, hash_comment)


def image(text: str, context: str, lk: Lookup, path: str) -> Stage:
    """The final stage of a Dockerfile: its WORKDIR and what its COPY/ADD put where."""
    last = Stage()
    for _group, _word, _args, stage in walk(text.split("\n"), context, lk, path):
        last = stage
    return last


def walk(
    lines: list[str], context: str, lk: Lookup, path: str,
) -> Iterator[tuple[list[Line], str, str, Stage]]:
    """Each instruction with the stage as it stands before it; applied once resumed."""
    stages: dict[str, Stage] = {}
    stage = Stage()
    for group in _groups(lines):
        match = _INSTRUCTION.match(group[0][1])
        word = match.group(1).upper() if match else "#"
        args = " ".join(
            t.strip().rstrip("\\") for _, t in group if not t.lstrip().startswith("#")
        )[len(word):].strip()
        if match is None or word.startswith("#"):
            word = "#"
        if word == "RUN":
            _overwrite(args, stage)
        yield group, word, args, stage
        if word == "FROM":
            stage = _from(args, stage, stages)
        elif word in ("COPY", "ADD"):
            _map(args, stage, context, lk, stages)
        elif word in ("WORKDIR", "ENV", "ARG"):
            _set(word, args, stage)


def _groups(lines: list[str]) -> Iterator[list[Line]]:
    """Physical lines grouped by instruction: continuations, heredoc bodies, comments alone."""
    group: list[Line] = []
    for no, line in enumerate(lines, 1):
        stripped = line.strip()
        if group and _open(group):
            group.append((no, line))
        elif stripped.startswith("#"):
            if group:
                yield group
                group = []
            yield [(no, line)]
        elif stripped:
            starts = _INSTRUCTION.match(line)
            if group and starts and starts.group(1).upper() in _KEYWORDS:
                yield group
                group = []
            group.append((no, line))
    if group:
        yield group


def _open(group: list[Line]) -> bool:
    for _, line in reversed(group):
        if not line.lstrip().startswith("#"):
            return line.rstrip().endswith("\\")
    return False


def _from(args: str, stage: Stage, stages: dict[str, Stage]) -> Stage:
    parts = [p for p in args.split() if not p.startswith("--")]
    if len(parts) >= 3 and parts[-2].lower() == "as":
        stages[parts[-1].lower()] = new = Stage()
    else:
        new = Stage()
    base = stages.get(parts[0].lower()) if parts else None
    if base is not None and base is not new:
        new.workdir, new.maps, new.env = base.workdir, list(base.maps), dict(base.env)
    return new


def _set(word: str, args: str, stage: Stage) -> None:
    if word == "WORKDIR":
        value = evaluate(args.strip("\"'"), stage.env, "") or ""
        stage.workdir = posixpath.normpath(posixpath.join(stage.workdir, value or "."))
        return
    pairs = re.findall(r"([A-Za-z_]\w*)=(\"[^\"]*\"|'[^']*'|\S*)", args)
    if not pairs and word == "ENV" and len(args.split(None, 1)) == 2:
        pairs = [tuple(args.split(None, 1))]
    for name, value in pairs:
        stage.env[name] = evaluate(value, stage.env, "")


def _arguments(args: str) -> list[str]:
    if args.startswith("["):
        try:
            parts = json.loads(args)
            return [str(p) for p in parts] if isinstance(parts, list) else []
        except ValueError:
            pass
    try:
        return shlex.split(args)
    except ValueError:
        return args.split()


def _map(args: str, stage: Stage, context: str, lk: Lookup, stages: dict[str, Stage]) -> None:
    origin = _origin(args, stages)
    if origin is False:
        return
    parts = _arguments(" ".join(p for p in args.split() if not p.startswith("--")))
    if len(parts) < 2:
        return
    *sources, dest = parts
    dest = posixpath.join(stage.workdir, evaluate(dest, stage.env, "") or dest)
    into = dest.endswith("/") or len(sources) > 1
    dest = posixpath.normpath(dest)
    for source in sources:
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


def _origin(args: str, stages: dict[str, Stage]) -> Stage | bool | None:
    """None: the build context; a Stage: `--from` an earlier stage; False: another image."""
    match = re.search(r"--from=(\S+)", args)
    if match is None:
        return None
    return stages.get(match.group(1).lower(), False)


def _source(source: str, context: str, origin: Stage | bool | None, lk: Lookup) -> str | None:
    if not isinstance(origin, Stage):
        return norm(context + "/" + source)
    mapped = absolute(posixpath.join("/", source), Where("", (), maps=origin.maps), lk)
    return None if mapped == GONE else mapped


def _overwrite(args: str, stage: Stage) -> None:
    """`RUN echo ... > /app/x.sh` replaces what COPY put there: no longer the repo's file."""
    for match in _REDIRECT.finditer(args):
        target = match.group(1)
        if target.startswith("&") or target.startswith("/dev/"):
            continue
        path = posixpath.normpath(posixpath.join(stage.workdir, target))
        stage.maps.insert(0, (path, None))


def _copied(group: list[Line], args: str, where: Where, lk: Lookup) -> Iterator[Hit]:
    if "--from=" in args:
        return
    parts = _arguments(" ".join(p for p in args.split() if not p.startswith("--")))
    sources = set(parts[:-1])
    for no, line in group:
        for start, word in split_words(line):
            if word in sources and (has_extension(word) or lk.is_name(word.rpartition("/")[2])):
                result = resolve_word(word, where, lk)
                if result is not None:
                    yield Hit(no, result[0], result[1], start >= hash_comment(line))


def _context(src: Source) -> str:
    contexts = src.lookup.compose_contexts
    if contexts is None:
        contexts = src.lookup.compose_contexts = compose_contexts(src.lookup, src.read)
    return contexts.get(src.path, src.folder)
