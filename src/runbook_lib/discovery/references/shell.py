"""Shell scripts: the whole file walked on its syntax tree (shwalk.py), with what other files
tell about it: variables its sourcing callers set, functions that run their arguments, and the
container paths of the images it is copied into."""

from __future__ import annotations

from collections.abc import Iterator

from . import bats
from .baseimage import lower_named
from .facts import FileNotes, Image
from .lines import Hit
from .resolve import GONE, absolute
from .shwalk import walk
from .source import Source


def extract_shell(src: Source) -> Iterator[Hit]:
    shell, _ = scan_shell(src)
    yield from shell


def scan_shell(src: Source) -> tuple[list[Hit], FileNotes]:
    where = src.script_where()
    facts = src.lookup.facts
    runners: dict[str, int] = {}
    path_dirs = []
    images: list[Image] = []
    if facts is not None:
        if bats.is_test(src.path):
            where.variables.update(bats.test_variables(src.path, facts.bats_exports))
        where.variables.update(facts.inherited.get(src.path, {}))
        runners = dict(facts.runners)
        images = facts.images_of(src.path)
        for image in images:
            where.maps.extend(image.maps)
            path_dirs += [p for p in (absolute(d, where, src.lookup) for d in image.path)
                          if p is not None and p != GONE]
        where.foreign_cwd = bool(images) and all(
            absolute(i.workdir, where, src.lookup) in (None, GONE) for i in images)
    shell = src.shell(where, runners=runners)
    if facts is not None and src.path in facts.path_given:
        given = facts.path_given[src.path]
        shell.set_path = list(given)
        shell.path_dirs = [*given, *(d for d in shell.path_dirs if d not in given)]
    if facts is not None:
        shell.functions.update(facts.sourced_functions.get(src.path, ()))
        if library(src):  # only sourced: its calls run in its callers' shells
            shell.functions.update(facts.caller_functions.get(src.path, ()))
        shell.direct_runners.update(facts.direct_runners)
    for image in images:
        for name, target in image.commands.items():
            shell.commands.setdefault(name, target)
    shell.path_dirs += [(d, "certain") for d in path_dirs]
    before = set(runners.items())
    walk("\n".join(src.lines), shell)
    lower_named(shell.hits, images, src.path)
    shell.hits = shell.uses.settle(shell.hits)
    if shell.stubs:
        shell.hits = bats.unstubbed(shell.hits, shell)
    own = {k: v for k, v in shell.runners.items() if (k, v) not in before}
    return shell.hits, FileNotes(shell.sources, own, shell.names, runs_args=shell.runs_args,
                                 path_dirs=tuple(shell.set_path), families=shell.families,
                                 installs=shell.installs,
                                 functions=frozenset(shell.own_functions),
                                 direct_runners=frozenset(shell.direct_runners))


def library(src: Source) -> bool:
    """A shell file that is only sourced, never run: no `#!` line, or an `x.sh` without an
    executable bit (a command's name has no extension: `bin/tool` is run)."""
    return not (src.lines and src.lines[0].startswith("#!")) or (
        src.path not in src.lookup.index.executables and "." in src.path.rpartition("/")[2])
