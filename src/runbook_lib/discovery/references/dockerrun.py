"""A repo file mounted into a one-off container and run there:
`docker run --rm -v "$(pwd)/scripts/x.py:/x.py:ro" IMAGE python3 /x.py` (also podman,
nerdctl, or the engine held in a variable such as `$CONTAINER_ENGINE`).

The command after the image is resolved inside the container: through the `-v`/`--volume`/
`--mount` binds whose host side is a repo path, from the `-w` folder, with `--entrypoint` as its
program. The image's own files are unknown here, so only a bind reaches the repo, and the row
is `likely` (the image may shadow or never run it)."""

from __future__ import annotations

import posixpath
import re
from dataclasses import replace

from .argv import ENGINES, Word, interpret, program
from .installed import host
from .lines import Hit
from .model import LIKELY, RESOLVED
from .resolve import Maps, Where, locate, through_maps
from .shwalk import Shell, act
from .values import ANCHOR, norm

IMAGE_PREFIX = "in-image:"  # a pending row: a container path, then the image word if literal
_ENGINE_VAR = re.compile(r"DOCKER|PODMAN|CONTAINER_ENGINE|CONTAINER_CLI|ENGINE", re.I)
# `docker run` options that take a value as the next word
_VALUED = frozenset({
    "-v", "--volume", "--mount", "-e", "--env", "--env-file", "--name", "--entrypoint", "-w",
    "--workdir", "--network", "--net", "-p", "--publish", "-u", "--user", "-l", "--label",
    "--platform", "--add-host", "-h", "--hostname", "--cpus", "-m", "--memory", "--restart",
    "--log-driver", "--log-opt", "--volumes-from", "--cap-add", "--cap-drop", "--device",
    "--dns", "--tmpfs", "--ulimit", "--pull", "--gpus", "--shm-size", "--ipc", "--pid",
    "--security-opt", "--stop-signal", "--cidfile", "--group-add", "--userns", "--expose",
    "--label-file", "--link", "--runtime", "--uts", "--stop-timeout", "-a", "--attach"})


# what a container's command may do with a bound repo file: run or source it, run shell code
# (`sh -c "python -m pytest tests/x"`), run a module, an app or a test runner through it
_IN_CONTAINER = frozenset({"run", "source", "run-file", "shell", "module", "app", "pytest",
                           "python", "unittest"})


def is_engine(head: Word) -> bool:
    """`docker`, `podman`, ... or a variable named so (whatever one branch set it to:
    `[ -n "$DRY" ] && docker_path=true` leaves it the engine on the other branch)."""
    text = head.text.strip('"')
    var = head.var or (text[1:].removeprefix("{").removesuffix("}") if text[:1] == "$" else "")
    if head.value is None or var.isidentifier():
        return var.isidentifier() and bool(_ENGINE_VAR.search(var))
    return program(head) in ENGINES


def container_run(words: list[Word], sh: Shell) -> None:
    """Rows for the repo files the container's command runs through its binds."""
    if len(words) < 3 or not is_engine(words[0]) or words[1].value != "run":
        return
    options: dict[str, list[Word]] = {}
    i = 2
    while i < len(words) and (words[i].value or "").startswith("-"):
        flag, eq, inline = (words[i].value or "").partition("=")
        if eq:
            options.setdefault(flag, []).append(Word(inline, inline, words[i].line))
        elif flag in _VALUED and i + 1 < len(words):
            i += 1
            options.setdefault(flag, []).append(words[i])
        i += 1
    command = words[i + 1:]
    entry = options.get("--entrypoint", [])[-1:]
    command = [*entry, *command]
    binds = _binds(options, sh)
    maps: Maps = sorted(((t, r) for t, r, _ in binds), key=lambda m: len(m[0]), reverse=True)
    image, tail = _tail(words, i)
    _in_image(image, [*entry, *tail], maps, sh)
    if not command or not maps:
        return
    workdir = next((w.value for w in reversed(options.get("-w", []) + options.get(
        "--workdir", [])) if (w.value or "").startswith("/")), None)
    saved = sh.where, sh.cd, sh.commands
    sh.where = Where(sh.where.file, (), dict(sh.where.variables), maps, workdir, strict=True)
    sh.cd, sh.commands = (), {}
    start = len(sh.hits)
    try:
        for action in interpret(command, "docker-run"):
            if action.what in _IN_CONTAINER:
                act(action, sh, LIKELY)
    finally:
        sh.where, sh.cd, sh.commands = saved
    # a file bound on its own is named by the bind, where a move of it must be rewritten
    files = {repo: line for _, repo, line in binds}
    sh.hits[start:] = [replace(h, line=files.get(h.target, h.line)) for h in sh.hits[start:]]


def _tail(words: list[Word], i: int) -> tuple[Word | None, list[Word]]:
    """The image word (None where unknown) and the container's command line: after the image
    at `i`; or, where `i` is an unknown word and a literal option follows it before the
    command (`$links --name x $image /sbin/boot`: the unknown words may be options), after the
    last such option, its value, the unknown words after them and the image, when a known word
    is there. The command starts at the first absolute path that is no option's value."""
    last = None
    k = i + 1
    while k < len(words):
        value = words[k].value or ""
        if value.startswith("-"):
            last = k
            k += 2 if value in _VALUED else 1
            continue
        if value.startswith("/"):
            break
        k += 1
    if i >= len(words) or words[i].value is not None or last is None:
        return (words[i] if i < len(words) and words[i].value is not None else None,
                words[i + 1:])
    k = last + (2 if words[last].value in _VALUED else 1)
    while k < len(words) and words[k].value is None:
        k += 1
    image = None
    if k < len(words) and not (words[k].value or "").startswith("/"):
        image = words[k]  # a known word there is the image (an image is never an absolute path)
        k += 1
    return image, words[k:]


def _in_image(image: Word | None, command: list[Word], binds: Maps, sh: Shell) -> None:
    """The absolute paths the container's command runs that no bind explains, kept for the end
    with the image word if it is literal: a script a Dockerfile of the repo puts there is what
    the container runs, if the image is one the repo builds (imageinstalled.py, `likely`)."""
    if not command or not host(sh):
        return
    name = image.value if image is not None and image.value else ""
    for action in interpret(command, "docker-run"):
        w = action.words[0] if action.what in ("run", "source", "run-file") else None
        if w is None or not (w.value or "").startswith("/"):
            continue
        path = posixpath.normpath(w.value or "")
        if through_maps(path, binds, sh.lk) is not None:
            continue  # a bound repo file: the bind's row (container_run)
        rule = f"{sh.rule}>{action.rule}" if sh.rule else action.rule
        sh.hits.append(Hit(line=w.line, status=RESOLVED, target=path, comment=False,
                           rule=rule, confidence=LIKELY, kind=sh.kind, live=True,
                           via=f"{IMAGE_PREFIX}{path}\n{name}"))


def _binds(options: dict[str, list[Word]], sh: Shell) -> list[tuple[str, str, int]]:
    """(container path, repo path, line) of each bind whose host side is in the repo."""
    pairs: list[tuple[Word, str]] = []
    for w in options.get("-v", []) + options.get("--volume", []):
        host, _, rest = (w.value or "").partition(":")
        target = rest.partition(":")[0]
        if host and target.startswith("/"):
            pairs.append((Word(host, w.text, w.line), target))
    for w in options.get("--mount", []):
        fields = dict(p.partition("=")[::2] for p in (w.value or "").split(","))
        host = fields.get("source") or fields.get("src") or ""
        target = fields.get("target") or fields.get("destination") or fields.get("dst") or ""
        if fields.get("type", "volume") == "bind" and host and target.startswith("/"):
            pairs.append((Word(host, w.text, w.line), target))
    out = []
    for bound, inside in pairs:
        repo = _repo_path(bound, sh)
        if repo is not None:
            out.append((posixpath.normpath(inside), repo, bound.line))
    return out


def _repo_path(host: Word, sh: Shell) -> str | None:
    """The repo file or folder a bind's host side names (`$(pwd)/x`, `${ROOT}/x`), or None."""
    value = host.value or ""
    if not value.startswith((ANCHOR, "/")):
        found = locate(value, host.text, sh.where, sh.lk, sh.cd)
        if found is not None and found.status == RESOLVED:
            return found.target
        base = sh.cd[0] if sh.cd else (sh.where.bases[0] if sh.where.bases else None)
        value = ANCHOR + posixpath.join(base, value) if base is not None else ""
    elif value.startswith("/"):
        found = locate(value, host.text, sh.where, sh.lk, sh.cd)
        return found.target if found is not None and found.status == RESOLVED else None
    path = norm(value[1:]) if value.startswith(ANCHOR) else None
    if path is not None and (not path or path in sh.lk.index.dirs or path in sh.lk.index.files):
        return path
    return None
