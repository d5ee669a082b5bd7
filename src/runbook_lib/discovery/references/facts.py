"""What other files tell about a file, gathered before (or between) scans: the variables every
caller that sources a library sets first, the functions that run their arguments, the images a
script is copied into (their container paths and PATH), and PYTHONPATH/WORKDIR import roots."""

from __future__ import annotations

from dataclasses import dataclass, field

from .resolve import Maps

Env = dict[str, "str | None"]


@dataclass(slots=True)
class FileNotes:
    """What one scan learnt that matters to other files."""

    sources: list[tuple[str, Env]] = field(default_factory=list)  # (sourced file, variables)
    runners: dict[str, int] = field(default_factory=dict)  # function -> its command's index
    names: set[str] = field(default_factory=set)  # bare command names used


@dataclass(slots=True)
class Image:
    """A Dockerfile's final stage: where it puts repo paths, its WORKDIR, PATH and PYTHONPATH."""

    dockerfile: str
    context: str
    maps: Maps
    workdir: str
    path: list[str] = field(default_factory=list)  # container folders on PATH
    pythonpath: list[str] = field(default_factory=list)  # container folders on PYTHONPATH

    def holds(self, script: str) -> bool:
        for _prefix, repo in self.maps:
            if repo is not None and (script == repo or script.startswith(repo + "/")
                                     or repo == ""):
                return True
        return False


@dataclass(slots=True)
class Facts:
    inherited: dict[str, Env] = field(default_factory=dict)
    runners: dict[str, int] = field(default_factory=dict)
    images: list[Image] = field(default_factory=list)
    _by_script: dict[str, list[Image]] = field(default_factory=dict)

    def images_of(self, script: str) -> list[Image]:
        found = self._by_script.get(script)
        if found is None:
            found = self._by_script[script] = [i for i in self.images if i.holds(script)]
        return found


def inherit(notes: dict[str, FileNotes]) -> dict[str, Env]:
    """For each sourced file, the variables every caller that sources it sets to one value."""
    seen: dict[str, list[Env]] = {}
    for note in notes.values():
        for target, env in note.sources:
            seen.setdefault(target, []).append(env)
    out: dict[str, Env] = {}
    for target, envs in seen.items():
        # paths only: they are what a library needs from its caller to find repo files
        common: Env = {k: v for k, v in envs[0].items() if v and v[0] in "\x00/"}
        for env in envs[1:]:
            common = {k: v for k, v in common.items() if env.get(k) == v}
        if common:
            out[target] = common
    return out


def runner_functions(notes: dict[str, FileNotes]) -> dict[str, int]:
    """Functions that run their arguments, by name, where every definition agrees."""
    found: dict[str, set[int]] = {}
    for note in notes.values():
        for name, index in note.runners.items():
            found.setdefault(name, set()).add(index)
    return {name: next(iter(i)) for name, i in found.items() if len(i) == 1}
