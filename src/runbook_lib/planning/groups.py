"""From the workspace tables to groups of actions that must land together (one cluster each)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import pandas as pd

from runbook_lib.core.workspace import sha256_file
from runbook_lib.discovery import risks
from runbook_lib.planning import shims
from runbook_lib.planning.carried import carried

_SOURCE_WORD = re.compile(r"(?:^|[;&|({]\s*|\bthen\s+|\bdo\s+)(?:source|\.)\s+(\S+)")
_IMPORT = re.compile(r"^\s*(?:from\s+\S+\s+import|import)\s")
# clone types whose members are interchangeable: only layout or the script's own names differ
SHIMMABLE = ("exact", "normalised", "renamed")
# shim styles that run the canonical's code as if it were at the copy's place
KEEPS_PLACE = frozenset({"source-keep-0", "python-file"})


@dataclass
class Group:
    key: str  # cluster id, or the path retired
    actions: list[dict[str, Any]]
    flags: set[str] = field(default_factory=set)
    scripts: int = 0  # scripts this group removes from the count
    observed: int = 0  # scripts it puts under observation (quarantine)

    @property
    def weight(self) -> int:
        """Scripts the group touches, for the size of a batch."""
        return self.scripts + self.observed

    @property
    def risky(self) -> list[str]:
        return sorted(self.flags & set(risks.HIGH_RISK))


@dataclass
class Waiting:
    key: str
    members: list[str]
    reason: str


@dataclass
class Tables:
    repo: Path
    inventory: pd.DataFrame
    references: pd.DataFrame
    clusters: pd.DataFrame

    def row(self, path: str) -> dict[str, Any]:
        found: dict[str, Any] = self._rows.get(path, {})
        return found

    def __post_init__(self) -> None:
        self._rows: dict[str, dict[str, Any]] = {
            str(r["path"]): {str(k): v for k, v in r.items()}
            for r in self.inventory.to_dict("records")
        }
        self._refs: dict[str, list[dict[str, Any]]] = {}
        self._from: dict[str, list[dict[str, Any]]] = {}
        resolved = self.references[self.references["status"] == "resolved"]
        for ref in resolved.to_dict("records"):
            clean = {str(k): v for k, v in ref.items()}
            self._refs.setdefault(str(ref["target"]), []).append(clean)
            self._from.setdefault(str(ref["source"]), []).append(clean)

    def refs_to(self, path: str) -> list[dict[str, Any]]:
        return self._refs.get(path, [])

    def runs(self, path: str) -> set[str]:
        """What the script at `path` runs, sources or imports (live rows)."""
        return {str(r["target"]) for r in self._from.get(path, []) if r["live"]}

    @cached_property
    def carried(self) -> dict[str, str]:
        """Scripts that run away from the checkout, with the caller site that carries them."""
        return carried(self.references)

    def text(self, path: str) -> str:
        return self.data(path).decode("utf-8", errors="replace")

    def data(self, path: str) -> bytes:
        try:
            return (self.repo / path).read_bytes()
        except OSError:
            return b""


@dataclass(frozen=True)
class Usage:
    """What shims and quarantines need from the plan: declared cases and usage sinks."""

    cases: frozenset[str] = frozenset()
    sinks: dict[str, Any] = field(default_factory=dict)


def caller_flags(tables: Tables, path: str) -> set[str]:
    flags = set(filter(None, str(tables.row(path).get("risks", "") or "").split(";")))
    for ref in tables.refs_to(path):
        if ref["live"]:
            flags |= set(filter(None, str(tables.row(ref["source"]).get("risks", "") or "")
                                .split(";")))
    return flags


def shim_choice(tables: Tables, path: str) -> shims.ShimChoice:
    row = tables.row(path)
    refs = [r for r in tables.refs_to(path) if r["live"]]
    sourcing = [r for r in refs if _sources(r["text"])]
    by_sh = any(tables.row(r["source"]).get("language") == "sh" for r in sourcing)
    imported = any(r["kind"] == "import" or (r["kind"] == "python" and
                                              _IMPORT.match(str(r["text"]))) for r in refs)
    return shims.choose(str(row.get("language", "")), tables.text(path), bool(sourcing), by_sh,
                        imported)


def _sources(text: str) -> bool:
    return _SOURCE_WORD.search(str(text)) is not None


def cluster_groups(tables: Tables, merges: dict[str, str],
                   usage: Usage = Usage()) -> tuple[list[Group], list[Waiting]]:
    groups: list[Group] = []
    waiting: list[Waiting] = []
    if tables.clusters.empty:
        return groups, waiting
    for cid, members in tables.clusters.groupby("cluster_id", sort=True):
        group, wait = _cluster(tables, str(cid), members, merges.get(str(cid)), usage)
        if group is not None and group.actions:
            groups.append(group)
        waiting.extend(wait)
    return groups, waiting


def _cluster(tables: Tables, cid: str, members: pd.DataFrame, merged: str | None,
             usage: Usage) -> tuple[Group | None, list[Waiting]]:
    canon = members[members["canonical"].astype(str).str.lower() == "true"]["path"].tolist()
    if len(canon) != 1:
        return None, [Waiting(cid, members["path"].tolist(), "no single canonical member")]
    canonical = canon[0]
    group = Group(cid, [], caller_flags(tables, canonical))
    waiting: list[Waiting] = []
    others = members[members["path"] != canonical].sort_values("path")
    if merged:
        return _merge_group(tables, cid, canonical, others, merged, usage)
    for member in others.to_dict("records"):
        action, why = _member_action(tables, cid, canonical, member, usage)
        if action is None:
            if why:  # else the member has no live caller: planning.disuse observes it
                waiting.append(Waiting(cid, [canonical, member["path"]], why))
            continue
        group.actions.append(action)
        group.flags |= caller_flags(tables, member["path"])
        group.scripts += 1
    return group, waiting


def _member_action(tables: Tables, cid: str, canonical: str, member: dict[str, Any],
                   usage: Usage) -> tuple[dict[str, Any] | None, str]:
    """A shim for an exact or normalised copy; else why it waits ("" when it has no live
    caller and no declared case: then it is observed as any other such script)."""
    path = str(member["path"])
    if _role_problem(tables, path):
        return None, f"{_role_problem(tables, path)}; a copy of {canonical}: a person decides"
    used = bool([r for r in tables.refs_to(path) if r["live"]]) or path in usage.cases
    if bool(tables.row(path).get("archived")) and not used:
        return None, ""  # an archived copy nothing runs: observed, then retired, as any other
    if member["clone_type"] == "variant":
        return None, (f"variant of {canonical}: the same statements with other literals "
                      f"{_parameters(member)}; a merge with parameters, written by a person "
                      f"(parameter merges: {cid}=PATH)") if used else ""
    if member["clone_type"] not in SHIMMABLE:
        return None, (f"{member['clone_type']} copy of {canonical}: a person must write the "
                      f"merged script (parameter merges: {cid}=PATH)") if used else ""
    choice = shim_choice(tables, path)
    problem = _shim_problem(tables, path, canonical, choice)
    if problem:
        return None, problem if used else ""
    return _shim_action(tables, path, canonical, cid, member["clone_type"], choice,
                        choice.reason, usage), ""


def _shim_action(tables: Tables, path: str, canonical: str, cid: str, clone_type: str,
                 choice: shims.ShimChoice, reason: str, usage: Usage) -> dict[str, Any]:
    row = tables.row(path)
    return {"action": "shim", "path": path, "canonical": canonical, "cluster": cid,
            "clone_type": clone_type, "style": choice.style, "mode": str(row.get("mode", "")),
            "shebang": str(row.get("shebang", "") or ""), "reason": reason,
            "usage": dict(usage.sinks)}


def _role_problem(tables: Tables, path: str) -> str:
    role = str(tables.row(path).get("role") or "script")
    if role != "script":
        return f"{path} is a {role}: only scripts are shimmed or retired"
    reason = test_suite_reason(path)
    return f"{path} is {reason}" if reason else ""


# Folders of a test suite. What is in them is the suite's data and helpers: its tests run them
# in CI or mount them into containers (`volumes={host_file: {"bind": ...}}`), where no use is
# recorded and a shim's canonical is not there, and a header may change what a test compares.
TEST_FOLDERS = frozenset({"test", "tests", "testing", "testdata", "test_data", "test-data",
                          "fixtures", "__tests__", "spec", "specs"})


def test_suite_reason(path: str) -> str:
    """Why `path`, in a test suite's folder, is left to a person, or "" when it is not."""
    folder = next((p for p in path.split("/")[:-1] if p.lower() in TEST_FOLDERS), "")
    return (f"in a test suite's folder ({folder}/): its tests run it where no use is "
            "recorded: a person decides") if folder else ""


def _parameters(member: dict[str, Any]) -> str:
    found = str(member.get("parameters", "") or "")
    return f"({found})" if found else ""


def _shim_problem(tables: Tables, path: str, canonical: str, choice: shims.ShimChoice) -> str:
    """Why no shim of `path` can run `canonical` as the old script ran, or ""."""
    if not choice.style:
        return f"{path}: {choice.reason}"
    if path in tables.carried:
        return (f"{path} runs away from the checkout ({tables.carried[path]} copies, mounts or "
                f"uploads it), where a shim would not find {canonical}: a person decides")
    mine, theirs = (str(tables.row(p).get("language", "")) for p in (path, canonical))
    if mine != theirs:  # a bash copy whose canonical says #!/bin/sh would lose bash features
        return f"{path} runs under {mine}, {canonical} under {theirs}: a person must choose"
    own = sorted(tables.runs(path) - tables.runs(canonical))
    if choice.style in KEEPS_PLACE and own:  # the shim's $0 still reaches them; no row would
        return (f"{path} runs {own[0]} beside it, which the shim would still run through the "
                f"old {'$0' if choice.style == 'source-keep-0' else '__file__'} but no "
                "reference would show any more (it would look unused): a person decides")
    if choice.style == "exec" and not bool(tables.row(canonical).get("executable", False)):
        return f"{path}: canonical {canonical} is not executable; an exec shim needs it"
    return ""


def _merge_group(tables: Tables, cid: str, canonical: str, others: pd.DataFrame,
                 merged: str, usage: Usage) -> tuple[Group, list[Waiting]]:
    group = Group(cid, [], caller_flags(tables, canonical))
    group.actions.append({"action": "merge", "cluster": cid, "merged": merged,
                          "merged_sha256": sha256_file(Path(merged)),
                          "path": canonical, "mode": str(tables.row(canonical).get("mode", "")),
                          "reason": "merged script written by a person"})
    waiting: list[Waiting] = []
    for member in others.to_dict("records"):
        path = str(member["path"])
        choice = shim_choice(tables, path)
        problem = _shim_problem(tables, path, canonical, choice) or _role_problem(tables, path)
        if problem:
            waiting.append(Waiting(cid, [canonical, path], problem))
            continue
        group.actions.append(_shim_action(tables, path, canonical, cid, member["clone_type"],
                                          choice, f"merged into {canonical}", usage))
        group.flags |= caller_flags(tables, path)
        group.scripts += 1
    return group, waiting


def retire_action(path: str, reason: str, key: str = "", canonical: str = "") -> dict[str, Any]:
    action = {"action": "retire", "path": path, "reason": reason, "cluster": key}
    if canonical:
        action["canonical"] = canonical  # docs that mention the copy will name this instead
    return action
