"""What other files tell about a file, gathered before (or between) scans: the variables every
caller that sources a library sets first, the functions that run their arguments, the images a
script is copied into (their container paths and PATH), and PYTHONPATH/WORKDIR import roots."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field

from .model import Reference
from .resolve import Maps
from .values import norm

Env = dict[str, "str | None"]


@dataclass(slots=True)
class FileNotes:
    """What one scan learnt that matters to other files."""

    # (sourced file, variables, sourced by a literal path rather than a glob)
    sources: list[tuple[str, Env, bool]] = field(default_factory=list)
    runners: dict[str, int] = field(default_factory=dict)  # function -> its command's index
    names: set[str] = field(default_factory=set)  # bare command names used
    sys_paths: list[tuple[str, str]] = field(default_factory=list)  # (folder, scope) a script
    # adds to sys.path: the modules it imports (below its folder) find theirs there too
    runs_args: bool = False  # a shell script that runs its own arguments (`exec "$@"`)
    path_dirs: tuple[tuple[str, str], ...] = ()  # repo folders its code puts on PATH
    families: dict[str, list[str]] = field(default_factory=dict)  # `tool-*` -> the scripts a
    # dispatcher may run (dispatch.py)
    # rows of the words a caller gives a repo script, kept if that script runs its arguments:
    # (the script, the row)
    pending: list[tuple[str, Reference]] = field(default_factory=list)
    # `FILE::FUNCTION` of the folder loaders a Python file defines (pyloaders.py): the
    # pending rows tagged with one are kept too
    loaders: set[str] = field(default_factory=set)
    # (host path, repo script) its file commands install there (installed.py)
    installs: list[tuple[str, str]] = field(default_factory=list)
    # shell functions the file always defines (facts.sourced_functions adds its libraries')
    functions: frozenset[str] = frozenset()
    direct_runners: frozenset[str] = frozenset()  # its functions that run `"$@"` themselves


@dataclass(slots=True)
class Image:
    """A Dockerfile's final stage: where it puts repo paths, its WORKDIR, PATH and PYTHONPATH."""

    dockerfile: str
    context: str
    maps: Maps
    workdir: str
    path: list[str] = field(default_factory=list)  # container folders on PATH
    pythonpath: list[str] = field(default_factory=list)  # container folders on PYTHONPATH
    commands: dict[str, str] = field(default_factory=dict)  # bare name -> script on its PATH
    copies: Maps = field(default_factory=list)  # its own COPY/ADD (maps adds mounts)
    inherited: Maps = field(default_factory=list)  # maps of the repo image it is built FROM
    # bind mounts of compose services that run it by name without building it (`image:
    # owner/app`): a guess that this is that image, so rows through them are `likely`
    named_mounts: Maps = field(default_factory=list)
    guessed: bool = False  # its build context is inferred from its sources (copycontext.py)


@dataclass(slots=True)
class Facts:
    inherited: dict[str, Env] = field(default_factory=dict)
    runners: dict[str, int] = field(default_factory=dict)
    sys_paths: list[tuple[str, str]] = field(default_factory=list)
    images: list[Image] = field(default_factory=list)
    built_as: dict[str, str] = field(default_factory=dict)  # image name (no tag) -> Dockerfile
    # a compose service builds while naming the image (`build: .` with `image: owner/app`)
    bats_exports: list[tuple[str, str]] = field(default_factory=list)  # (Makefile folder, var)
    # PATH folders a script's sourced libraries and runners set (pathflow.py)
    path_given: dict[str, tuple[tuple[str, str], ...]] = field(default_factory=dict)
    # functions a script gets from the files it sources (a command word naming one runs it),
    # and those a library gets from the files that source it
    sourced_functions: dict[str, frozenset[str]] = field(default_factory=dict)
    caller_functions: dict[str, frozenset[str]] = field(default_factory=dict)
    direct_runners: frozenset[str] = frozenset()  # functions that run `"$@"` themselves
    _by_path: dict[str, list[Image]] | None = None  # repo path an image holds -> images

    def images_of(self, script: str) -> list[Image]:
        """The images a script is copied or mounted into: those holding it or a folder above."""
        if self._by_path is None:
            table: dict[str, list[Image]] = {}
            for image in self.images:
                # not through a mount of a service that runs it by name: a guess about the
                # image gives the scripts of that folder no container paths of their own
                own = [m for m in image.maps if m not in image.named_mounts]
                for repo in {r for _, r in own if r is not None}:
                    table.setdefault(repo, []).append(image)
            self._by_path = table
        found: list[Image] = []
        path = script
        while True:
            for image in self._by_path.get(path, ()):
                if image not in found:
                    found.append(image)
            if not path:
                return found
            path = path.rpartition("/")[0]


def inherit(notes: dict[str, FileNotes]) -> dict[str, Env]:
    """For each sourced file, the paths its sourcing callers set before sourcing it, where no two
    callers disagree (a caller that does not set one is usually a library that inherits it
    too). Callers that name the file are asked; those that reach it through a glob only when
    no one names it."""
    named: dict[str, list[Env]] = {}
    globbed: dict[str, list[Env]] = {}
    for note in notes.values():
        for target, env, literal in note.sources:
            (named if literal else globbed).setdefault(target, []).append(env)
    out: dict[str, Env] = {}
    for target in named.keys() | globbed.keys():
        merged: Env = {}
        clash: set[str] = set()
        for env in named.get(target) or globbed[target]:
            # paths only: they are what a library needs from its caller to find repo files
            for key, raw in env.items():
                value = _normal(raw)
                if value is None:
                    continue
                if merged.get(key, value) != value:
                    clash.add(key)
                merged[key] = value
        common = {k: v for k, v in merged.items() if k not in clash}
        if common:
            out[target] = common
    return out


def _normal(value: str | None) -> str | None:
    """A path value in one spelling (`\\x00tests/..` and `\\x00` are the same folder)."""
    if not value or value[0] not in "\x00/":
        return None
    if value[0] == "\x00":
        path = norm(value[1:])
        return None if path is None else "\x00" + path
    return posixpath.normpath(value)


def sourced_functions(notes: dict[str, FileNotes],
                      ) -> tuple[dict[str, frozenset[str]], dict[str, frozenset[str]]]:
    """For each file, the functions the files it sources define, through their own sourcing
    (`down`); and for each sourced file, those its sourcing callers define or source (`up`: a
    library's call of `nvm_ls` runs the function its caller got from another library; one
    caller's own functions are not handed to the other callers)."""
    graph = {path: [t for t, _, _ in note.sources if t in notes] for path, note in notes.items()}
    down: dict[str, frozenset[str]] = {}
    for path, targets in graph.items():
        if not targets:
            continue
        seen: set[str] = set()
        todo = list(targets)
        names: set[str] = set()
        while todo:
            target = todo.pop()
            if target in seen:
                continue
            seen.add(target)
            names |= notes[target].functions
            todo += graph.get(target, ())
        if names:
            down[path] = frozenset(names)
    up: dict[str, set[str]] = {}
    for path, targets in graph.items():
        have = notes[path].functions | down.get(path, frozenset())
        for target in targets:
            up.setdefault(target, set()).update(have)
    return down, {p: frozenset(n) for p, n in up.items() if n}


def runner_functions(notes: dict[str, FileNotes]) -> dict[str, int]:
    """Functions that run their arguments, by name, where every definition agrees."""
    found: dict[str, set[int]] = {}
    for note in notes.values():
        for name, index in note.runners.items():
            found.setdefault(name, set()).add(index)
    return {name: next(iter(i)) for name, i in found.items() if len(i) == 1}
