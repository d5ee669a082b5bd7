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
from .resolve import Maps, Where, locate
from .shwalk import Shell, act
from .values import ANCHOR, norm

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
    _in_image([*entry, *_tail(words, i)], sh)
    binds = _binds(options, sh)
    maps: Maps = sorted(((t, r) for t, r, _ in binds), key=lambda m: len(m[0]), reverse=True)
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
            if action.what in ("run", "source", "run-file"):
                act(action, sh, LIKELY)
    finally:
        sh.where, sh.cd, sh.commands = saved
    # a file bound on its own is named by the bind, where a move of it must be rewritten
    files = {repo: line for _, repo, line in binds}
    sh.hits[start:] = [replace(h, line=files.get(h.target, h.line)) for h in sh.hits[start:]]


IMAGE_PREFIX = "in-image:"


def _tail(words: list[Word], i: int) -> list[Word]:
    """The container's command line: after the image at `i`; or, where `i` is an unknown word
    and a literal option follows it (`$links --name x $image /sbin/boot`: the unknown words may
    be options), after the last literal option, its value, the unknown words after them and the
image, when a known word is there."""
    last = max((k for k in range(i + 1, len(words)) if (words[k].value or "").startswith("-")),
               default=None)
    if words[i].value is not None or last is None:
        return words[i + 1:]
    k = last + 1
    flag = (words[last].value or "").partition("=")
    if flag[0] in _VALUED and not flag[1]:
        k += 1
    while k < len(words) and words[k].value is None:
        k += 1
    if k < len(words) and not (words[k].value or "").startswith("/"):
        k += 1  # a known word there is the image (an image is never an absolute path)
    return words[k:]


def _in_image(command: list[Word], sh: Shell) -> None:
    """The absolute paths the container's command runs, kept for the end: a script a Dockerfile
    of the repo puts there is what the container runs, if the image is one the repo builds
    (imageinstalled.py; the image is rarely known, so the row is `likely`)."""
    if not command or not host(sh):
        return
    for action in interpret(command, "docker-run"):
        w = action.words[0] if action.what in ("run", "source", "run-file") else None
        if w is not None and (w.value or "").startswith("/"):
            path = posixpath.normpath(w.value or "")
            sh.hits.append(Hit(w.line, RESOLVED, path, False, f"{sh.rule}>{action.rule}"
                               if sh.rule else action.rule, LIKELY, sh.kind, True,
                               via=IMAGE_PREFIX + path))


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
