"""The build context a `docker build -f FILE CONTEXT` line gives a repo Dockerfile.

A Dockerfile's COPY and ADD sources are read from its build context, which is its own folder
only when nothing says otherwise. Compose files say so in `build:` (composefile.py); shell
code, CI steps, Makefile recipes and tox commands say so on the command line:
`docker buildx build -f _debian_12.Dockerfile -t img ../` in `test/tox.debian_12.ini` builds
`test/_debian_12.Dockerfile` with the repo root as its context (its `ADD . /etc/app` holds the
whole checkout). Read once per run, before scanning, for the files that hold such a line.

Only literal words count (a `$VAR` file or context is unknown: the Dockerfile keeps its own
folder), both paths are taken relative to the calling file's folder and then to the repo root
(the first where the Dockerfile exists and the context is a repo folder wins), a line whose
context is the Dockerfile's own folder says nothing new, and callers that disagree about one
Dockerfile leave it with its own folder. A compose file's `build:` wins over all of these.
"""

from __future__ import annotations

import posixpath
import shlex
from collections.abc import Callable, Iterator

from .composefile import compose_contexts
from .copycontext import inferred_contexts
from .kinds import is_tox, source_kind
from .lookup import Lookup
from .values import norm

_ENGINES = frozenset({"docker", "podman", "nerdctl", "buildah"})
_BUILD = frozenset({"build", "bud"})
# options of `docker build` / `buildx build` / `podman build` that take a value
_VALUED = frozenset({
    "-t", "--tag", "--build-arg", "--target", "--platform", "--label", "--secret", "--ssh",
    "--cache-from", "--cache-to", "--progress", "--network", "-o", "--output", "--iidfile",
    "--add-host", "--builder", "--metadata-file", "--shm-size", "-m", "--memory", "--isolation",
    "--cgroup-parent", "--cpu-shares", "--cpuset-cpus", "--ulimit", "--annotation",
    "--build-context", "--attest", "--provenance", "--sbom", "--allow", "--authfile",
    "--format", "--layers", "--jobs", "--arch", "--os", "--variant", "--from",
})
_OPERATORS = frozenset({"&&", "||", ";", "|", "&", "(", ")", ";;"})


def all_contexts(lk: Lookup, read: Callable[[str], str | None]) -> dict[str, str]:
    """Dockerfile path -> its build context; a compose file's `build:` wins over a command line,
    and either over the folder the Dockerfile's own sources are named from (copycontext.py)."""
    known = {**build_contexts(lk, read), **compose_contexts(lk, read)}
    return {**inferred_contexts(lk, read, known), **known}


def build_contexts(lk: Lookup, read: Callable[[str], str | None]) -> dict[str, str]:
    """Dockerfile path -> the build context the repo's command lines give it."""
    found: dict[str, str | None] = {}
    for path in sorted(lk.index.files):
        if not _may_build(path, lk):
            continue
        text = read(path)
        if not text or "build" not in text or ("-f" not in text and "--file" not in text):
            continue
        for dockerfile, context in _builds(text, path, lk):
            known = found.setdefault(dockerfile, context)
            if known != context:
                found[dockerfile] = None
    return {d: c for d, c in found.items() if c is not None}


def _may_build(path: str, lk: Lookup) -> bool:
    kind = source_kind(path)
    if kind in ("ci", "make"):
        return True
    if kind == "config":
        return is_tox(posixpath.basename(path))
    return path in lk.index.scripts and not path.endswith(".py")


def _builds(text: str, path: str, lk: Lookup) -> Iterator[tuple[str, str]]:
    for line in text.replace("\\\n", " ").splitlines():
        if "build" not in line or not any(e in line for e in _ENGINES):
            continue
        argv = _split(line)
        for start, word in enumerate(argv):
            if posixpath.basename(word) in _ENGINES:
                got = _one(argv[start + 1:], posixpath.dirname(path), lk)
                if got is not None:
                    yield got


def _split(line: str) -> list[str]:
    lexer = shlex.shlex(line, posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    lexer.commenters = "#"
    try:
        return list(lexer)
    except ValueError:  # an unclosed quote: no command to read
        return []


def _one(argv: list[str], folder: str, lk: Lookup) -> tuple[str, str] | None:
    """(Dockerfile, context) of `[buildx|image] build ... -f FILE ... CONTEXT`."""
    while argv and argv[0] in ("buildx", "image", "builder"):
        argv = argv[1:]
    if not argv or argv[0] not in _BUILD:
        return None
    dockerfile, context = _options(argv[1:])
    if not dockerfile or context is None or dockerfile == "-" \
            or any(c in dockerfile + context for c in "${"):
        return None
    for base in dict.fromkeys((folder, "")):
        file, ctx = norm(base + "/" + dockerfile), norm(base + "/" + context)
        if file is None or ctx is None or file not in lk.index.files:
            continue
        if ctx != "" and ctx not in lk.index.dirs:
            continue
        return None if ctx == posixpath.dirname(file) else (file, ctx)
    return None


def _options(argv: list[str]) -> tuple[str | None, str | None]:
    dockerfile: str | None = None
    context: str | None = None
    i = 0
    while i < len(argv):
        word = argv[i]
        if word in _OPERATORS:
            break
        if word in ("-f", "--file"):
            dockerfile = argv[i + 1] if i + 1 < len(argv) else None
            i += 2
            continue
        if word.startswith("--file="):
            dockerfile = word.partition("=")[2]
        elif word in _VALUED:
            i += 2
            continue
        elif not word.startswith("-") and "://" not in word:
            context = word
        i += 1
    return dockerfile, context
