"""PATH folders that other files hand a shell script: a library it sources that puts a repo
folder on PATH (`load test_helper`, whose `PATH="${BATS_TEST_DIRNAME}/../libexec:$PATH"` then
holds for the test), and the script that runs or sources it (a dispatcher that puts its own
folder on PATH before `exec "tool-$command"`: the subcommand it runs finds its siblings there).

Only folders a file's own code puts on PATH (or was handed) travel, never the deploy roots'
or an image's PATH, which every script has already. A folder from a sourced library keeps the
library's confidence; one from a runner is `likely` (the script may be run from elsewhere).
Discovery repeats the scan of a script whose handed folders changed (scanning.scan_all).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from .facts import FileNotes
from .model import LIKELY, RESOLVED, Reference

Dirs = tuple[tuple[str, str], ...]  # (repo folder, confidence), first searched first


def handed(notes: Mapping[str, FileNotes], refs: Mapping[str, Iterable[Reference]],
           shells: set[str]) -> dict[str, Dirs]:
    """For each shell script, the PATH folders its sourced libraries and its runners set."""
    out: dict[str, list[tuple[str, str]]] = {}
    for path, note in notes.items():
        for target, _, _ in note.sources:
            got = notes.get(target)
            if got is not None and got.path_dirs and path in shells:
                _add(out, path, got.path_dirs)
        if not note.path_dirs:
            continue
        # a script it runs inherits its PATH, and so does a library it sources
        runs = sorted({r.target for r in refs.get(path, ()) if r.live and r.status == RESOLVED
                       and r.target in shells and r.target != path})
        for target in runs:
            _add(out, target, [(folder, LIKELY) for folder, _ in note.path_dirs])
    return {path: tuple(dirs) for path, dirs in out.items()}


def _add(out: dict[str, list[tuple[str, str]]], path: str, dirs: Iterable[tuple[str, str]],
         ) -> None:
    have = out.setdefault(path, [])
    for folder, confidence in dirs:
        if all(f != folder for f, _ in have):
            have.append((folder, confidence))
