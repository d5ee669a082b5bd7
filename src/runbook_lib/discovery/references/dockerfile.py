"""Dockerfiles through BuildKit's own parser (the `dockerfile` package): COPY/ADD map the build
context into the image (a COPY of a script is itself a live reference, `dockerfile-copy`);
RUN, CMD, ENTRYPOINT and HEALTHCHECK in shell form are shell code, in exec form an argv, each
resolved through the stage's WORKDIR and maps; stages, `COPY --from` and ENV are followed."""

from __future__ import annotations

import hashlib
import os
import posixpath
import re
from collections.abc import Iterator
from typing import Any

from .argv import SHELLS, Word, interpret, program
from .baseimage import lower, repo_image
from .buildcontext import all_contexts
from .copycontext import guessed
from .dockercopy import Stage, copied, line_of, map_copy
from .facts import FileNotes
from .imagepath import DEFAULT_PATH, path_commands, search_path
from .lines import Hit
from .lookup import Lookup
from .model import CERTAIN, LIKELY
from .resolve import GONE, OUTSIDE, Where, absolute
from .shwalk import Shell, act, walk
from .source import Source
from .values import evaluate

_RUNS = frozenset({"RUN", "CMD", "ENTRYPOINT", "HEALTHCHECK"})


# (parse_all); a worker only reads this table.
_PARSED: dict[bytes, tuple[Any, ...]] = {}
_PARSER_PID = [0]


def parse(text: str) -> tuple[Any, ...]:
    """The instructions of a Dockerfile; () when BuildKit's parser refuses it."""
    text = text.replace("\r\n", "\n")
    key = hashlib.sha1(text.encode("utf-8", errors="replace")).digest()
    found = _PARSED.get(key)
    if found is not None:
        return found
    if _PARSER_PID[0] and _PARSER_PID[0] != os.getpid():
        return ()  # a forked worker: never call into the Go runtime here
    import dockerfile

    _PARSER_PID[0] = os.getpid()
    try:
        found = tuple(dockerfile.parse_string(text))
    except (dockerfile.GoParseError, dockerfile.GoIOError, ValueError, UnicodeError):
        found = ()
    _PARSED[key] = found
    return found


def extract_dockerfile(src: Source) -> Iterator[Hit]:
    yield from scan_dockerfile(src)[0]


def scan_dockerfile(src: Source) -> tuple[list[Hit], FileNotes]:
    """The rows, and the fixed paths its RUN copies put repo scripts at in the image
    (`installs`, read by imageinstalled.py for the host code that runs those paths)."""
    context = context_of(src.path, src.lookup, src)
    shell = src.shell(src.where())
    if guessed(src.path, src.lookup):  # a context inferred from its sources (copycontext.py)
        shell.confidence = LIKELY
    later: list[tuple[Any, Stage]] = []
    for command, stage in walk_stages(parse("\n".join(src.lines)), context, src.lookup):
        if command.cmd in ("COPY", "ADD"):
            copied(command, stage, context, src, shell)
        elif command.cmd in _RUNS:
            before = len(shell.hits)
            _runs(command, stage, src, shell)
            if command.cmd != "RUN" and len(shell.hits) == before:
                later.append((command, stage))
    # CMD, ENTRYPOINT and HEALTHCHECK run in the finished image: one that names nothing yet
    # (`CMD ["start.py"]` above `COPY start.py /usr/local/bin/`) is read again with all its
    # stage copied (a stage object is final once the walk is over)
    for command, stage in later:
        _runs(command, stage, src, shell)
    return shell.hits, FileNotes(installs=shell.installs)


def context_of(path: str, lk: Lookup, src: Source | None = None) -> str:
    contexts = lk.compose_contexts
    if contexts is None and src is not None:
        contexts = lk.compose_contexts = all_contexts(lk, src.read)
    return (contexts or {}).get(path, posixpath.dirname(path))


def image(text: str, context: str, lk: Lookup) -> Stage:
    """The final stage of a Dockerfile: its WORKDIR, ENV and what its COPY/ADD put where."""
    last = Stage()
    for _command, stage in walk_stages(parse(text), context, lk):
        last = stage
    return last


def walk_stages(commands: tuple[Any, ...], context: str, lk: Lookup) -> Iterator[tuple[Any, Stage]]:
    """Each instruction with its stage as it stands before it (applied after the yield)."""
    stages: dict[str, Stage] = {}
    stage = global_args = Stage()  # ARGs before the first FROM: what FROM lines may use
    for command in commands:
        yield command, stage
        cmd = command.cmd
        if cmd == "FROM":
            stage = _from(command.value, stages, global_args.env, lk)
        elif cmd in ("COPY", "ADD"):
            map_copy(command, stage, context, lk, stages)
        elif cmd == "WORKDIR" and command.value:
            value = evaluate(command.value[0], stage.env, "") or command.value[0]
            stage.workdir = posixpath.normpath(posixpath.join(stage.workdir, value))
            stage.workdirs.add(stage.workdir)
        elif cmd in ("ENV", "ARG"):
            _set(cmd, command.value, stage)
        elif cmd == "ENTRYPOINT":
            # its words keep their own line: a CMD after it runs them, but names no script
            stage.entrypoint = [Word(w.value, w.text, command.start_line)
                                for w in _argv(command, stage)] if command.json else []
        elif cmd == "RUN" and not command.json and command.value:
            _overwrite(command.value[0], stage)


def _from(value: tuple[str, ...], stages: dict[str, Stage], args: dict[str, str | None],
          lk: Lookup) -> Stage:
    parts = list(value)
    # `FROM base-${SLIM}` with `ARG SLIM=false` above every FROM names the stage base-false
    name = (evaluate(parts[0], args, "") or parts[0]) if parts and "$" in parts[0] else \
        (parts[0] if parts else "")
    base = stages.get(name.lower()) if parts else None
    new = base.copy() if base is not None else Stage()
    if base is None and parts:
        parent = repo_image(name, lk)
        if parent is not None:
            new = parent.copy()
            new.inherited = len(new.maps)
    if len(parts) >= 3 and parts[-2].lower() == "as":
        stages[parts[-1].lower()] = new
    return new


# a base image's search paths when a Dockerfile extends them (Docker's default PATH)
_SEARCH_PATHS = {"PATH": DEFAULT_PATH, "PYTHONPATH": ""}


def _set(cmd: str, value: tuple[str, ...], stage: Stage) -> None:
    pairs: list[tuple[str, str]] = []
    if cmd == "ENV":
        pairs = list(zip(value[0::2], value[1::2], strict=False))
    else:
        pairs = [(v.partition("=")[0], v.partition("=")[2]) for v in value]
    for name, raw in pairs:
        if cmd == "ARG" and not raw:
            stage.env.setdefault(name, None)
        elif name in _SEARCH_PATHS and stage.env.get(name) is None:
            # `ENV PATH=/app/bin:$PATH` extends what the base image set, which is unknown here
            stage.env[name] = evaluate(raw, {**stage.env, name: _SEARCH_PATHS[name]}, "")
        else:
            stage.env[name] = evaluate(raw, stage.env, "")


def _overwrite(code: str, stage: Stage) -> None:
    """`RUN echo ... > /app/x.sh` replaces what COPY put there: no longer the repo's file."""
    from . import shparse

    for node in _redirects(shparse.parse(code)):
        dest = node.child_by_field_name("destination")
        if dest is None:
            continue
        target = shparse.text(dest).strip("\"'")
        if target.startswith(("&", "/dev/")) or "$" in target:
            continue
        stage.maps.insert(0, (posixpath.normpath(posixpath.join(stage.workdir, target)), None))


def _redirects(node: Any) -> Iterator[Any]:
    if node.type == "file_redirect" and node.children and node.children[0].type in (">", ">>"):
        yield node
    for child in node.children:
        yield from _redirects(child)


def _argv(command: Any, stage: Stage) -> list[Word]:
    return [Word(evaluate(v, stage.env, "") if "$" in v else v, v, 0) for v in command.value]


def _runs(command: Any, stage: Stage, src: Source, shell: Shell) -> None:
    if command.cmd == "HEALTHCHECK" and command.value[:1] != ("CMD",):
        return
    start = len(shell.hits)
    shell.where = Where(src.path, (), dict(stage.env), stage.maps, stage.workdir, strict=True)
    shell.cd = ()
    mapped = absolute(stage.workdir, shell.where, src.lookup)
    shell.path_dirs = _path_dirs(stage, shell)
    shell.commands = path_commands(search_path(stage.env.get("PATH")), stage.maps, src.lookup)
    if mapped is None and not stage.maps:
        shell.cd = OUTSIDE
    if command.json:
        words = [Word(w.value, w.text, line_of(src.lines, command, w.text))
                 for w in _argv(command, stage)]
        if command.cmd == "HEALTHCHECK":
            words = words[1:]
        if command.cmd == "CMD" and stage.entrypoint and _interpreter(stage.entrypoint[0]):
            # an interpreter as ENTRYPOINT runs CMD's words; a script entrypoint usually ends
            # in `exec "$@"`, which runs CMD as a command of its own
            words = [*stage.entrypoint, *words]
        for action in interpret(words):
            act(action, shell)
    else:
        code = _shell_text(src.lines, command)
        shell.line0, shell.fixed = command.start_line - 1, 0
        walk(code, shell)
    if stage.inherited:
        lower(shell.hits, start, stage.maps[:len(stage.maps) - stage.inherited])


def _interpreter(entry: Word) -> bool:
    name = program(entry)
    return name == "python" or name in SHELLS or "/" not in (entry.value or "/")


def _path_dirs(stage: Stage, shell: Shell) -> list[tuple[str, str]]:
    out = []
    for part in (stage.env.get("PATH") or "").split(":"):
        if part.startswith("/"):
            mapped = absolute(part, shell.where, shell.lk)
            if mapped is not None and mapped != GONE and mapped in shell.lk.index.dirs:
                out.append((mapped, CERTAIN))
    return out


def _shell_text(lines: list[str], command: Any) -> str:
    """The raw lines of a shell-form instruction, keyword and flags blanked, so rows keep their
    file lines; comment lines inside a continued instruction are dropped as Docker does."""
    raw = lines[command.start_line - 1:command.end_line]
    if not raw:
        return ""
    if command.cmd == "HEALTHCHECK":  # its options may fill the first line, CMD the next
        return _health_text(raw)
    first = raw[0]
    upper = first.upper()
    start = upper.find(command.cmd) + len(command.cmd)
    rest = first[start:]
    for flag in command.flags:
        rest = rest.replace(flag, " " * len(flag), 1)
    out = [" " * start + rest]
    for line in raw[1:]:
        out.append(" \\" if line.lstrip().startswith("#") else line)
    return "\n".join(out)


_CMD = re.compile(r"(?i)(?:^|\s)CMD(?=\s|$)")


def _health_text(raw: list[str]) -> str:
    """HEALTHCHECK's CMD code with everything before it blanked, rows kept on their lines:
    the options may fill the first line and CMD start the next."""
    for i, line in enumerate(raw):
        skip = line.upper().find("HEALTHCHECK") + len("HEALTHCHECK") if i == 0 else 0
        match = _CMD.search(line, max(skip, 0))
        if match is None:
            continue
        rest = [" \\" if r.lstrip().startswith("#") else r for r in raw[i + 1:]]
        return "\n".join([" \\"] * i + [" " * match.end() + line[match.end():]] + rest)
    return ""
