"""From the workspace tables to groups of actions that must land together (one cluster each)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from runbook_lib.core.workspace import sha256_file
from runbook_lib.discovery import risks
from runbook_lib.planning import shims

_SOURCE_WORD = re.compile(r"(?:^|[;&|({]\s*|\bthen\s+|\bdo\s+)(?:source|\.)\s+(\S+)")
_IMPORT = re.compile(r"^\s*(?:from\s+\S+\s+import|import)\s")
# clone types whose members are interchangeable: only layout or the script's own names differ
SHIMMABLE = ("exact", "normalised", "renamed")


@dataclass
class Group:
    key: str  # cluster id, or the path retired
    actions: list[dict[str, Any]]
    flags: set[str] = field(default_factory=set)
    scripts: int = 0  # scripts this group removes from the count

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
        resolved = self.references[self.references["status"] == "resolved"]
        for ref in resolved.to_dict("records"):
            clean = {str(k): v for k, v in ref.items()}
            self._refs.setdefault(str(ref["target"]), []).append(clean)

    def refs_to(self, path: str) -> list[dict[str, Any]]:
        return self._refs.get(path, [])

    def text(self, path: str) -> str:
        try:
            return (self.repo / path).read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""


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


def cluster_groups(tables: Tables, merges: dict[str, str]) -> tuple[list[Group], list[Waiting]]:
    groups: list[Group] = []
    waiting: list[Waiting] = []
    if tables.clusters.empty:
        return groups, waiting
    for cid, members in tables.clusters.groupby("cluster_id", sort=True):
        group, wait = _cluster(tables, str(cid), members, merges.get(str(cid)))
        if group is not None and group.actions:
            groups.append(group)
        waiting.extend(wait)
    return groups, waiting


def _cluster(tables: Tables, cid: str, members: pd.DataFrame,
             merged: str | None) -> tuple[Group | None, list[Waiting]]:
    canon = members[members["canonical"].astype(str).str.lower() == "true"]["path"].tolist()
    if len(canon) != 1:
        return None, [Waiting(cid, members["path"].tolist(), "no single canonical member")]
    canonical = canon[0]
    group = Group(cid, [], caller_flags(tables, canonical))
    waiting: list[Waiting] = []
    others = members[members["path"] != canonical].sort_values("path")
    if merged:
        return _merge_group(tables, cid, canonical, others, merged)
    for member in others.to_dict("records"):
        action, why = _member_action(tables, cid, canonical, member)
        if action is None:
            waiting.append(Waiting(cid, [canonical, member["path"]], why))
            continue
        group.actions.append(action)
        group.flags |= caller_flags(tables, member["path"])
        group.scripts += 1
    return group, waiting


def _member_action(tables: Tables, cid: str, canonical: str,
                   member: dict[str, Any]) -> tuple[dict[str, Any] | None, str]:
    path = str(member["path"])
    row = tables.row(path)
    if bool(row.get("archived")) and not [r for r in tables.refs_to(path) if r["live"]]:
        return _retire(path, f"archived copy of {canonical} with no live caller", cid,
                       canonical), ""
    if member["clone_type"] == "variant":
        return None, (f"variant of {canonical}: the same statements with other literals "
                      f"{_parameters(member)}; a merge with parameters, written by a person "
                      f"(parameter merges: {cid}=PATH)")
    if member["clone_type"] not in SHIMMABLE:
        return None, (f"{member['clone_type']} copy of {canonical}: a person must write the "
                      f"merged script (parameter merges: {cid}=PATH)")
    live = [r for r in tables.refs_to(path) if r["live"]]
    if not live:
        return _retire(path, f"{member['clone_type']} copy of {canonical} with no live caller",
                       cid, canonical), ""
    choice = shim_choice(tables, path)
    problem = _shim_problem(tables, path, canonical, choice)
    if problem:
        return None, problem
    return {"action": "shim", "path": path, "canonical": canonical, "cluster": cid,
            "clone_type": member["clone_type"], "style": choice.style,
            "mode": str(row.get("mode", "")), "shebang": str(row.get("shebang", "") or ""),
            "reason": choice.reason}, ""


def _parameters(member: dict[str, Any]) -> str:
    found = str(member.get("parameters", "") or "")
    return f"({found})" if found else ""


def _shim_problem(tables: Tables, path: str, canonical: str, choice: shims.ShimChoice) -> str:
    """Why no shim of `path` can run `canonical` as the old script ran, or ""."""
    if not choice.style:
        return f"{path}: {choice.reason}"
    mine, theirs = (str(tables.row(p).get("language", "")) for p in (path, canonical))
    if mine != theirs:  # a bash copy whose canonical says #!/bin/sh would lose bash features
        return f"{path} runs under {mine}, {canonical} under {theirs}: a person must choose"
    if choice.style == "exec" and not bool(tables.row(canonical).get("executable", False)):
        return f"{path}: canonical {canonical} is not executable; an exec shim needs it"
    return ""


def _merge_group(tables: Tables, cid: str, canonical: str, others: pd.DataFrame,
                 merged: str) -> tuple[Group, list[Waiting]]:
    group = Group(cid, [], caller_flags(tables, canonical))
    group.actions.append({"action": "merge", "cluster": cid, "merged": merged,
                          "merged_sha256": sha256_file(Path(merged)),
                          "path": canonical, "mode": str(tables.row(canonical).get("mode", "")),
                          "reason": "merged script written by a person"})
    waiting: list[Waiting] = []
    for member in others.to_dict("records"):
        path = str(member["path"])
        choice = shim_choice(tables, path)
        problem = _shim_problem(tables, path, canonical, choice)
        if problem:
            waiting.append(Waiting(cid, [canonical, path], problem))
            continue
        group.actions.append({"action": "shim", "path": path, "canonical": canonical,
                              "cluster": cid, "clone_type": member["clone_type"],
                              "style": choice.style,
                              "mode": str(tables.row(path).get("mode", "")),
                              "shebang": str(tables.row(path).get("shebang", "") or ""),
                              "reason": f"merged into {canonical}"})
        group.flags |= caller_flags(tables, path)
        group.scripts += 1
    return group, waiting


def _retire(path: str, reason: str, key: str = "", canonical: str = "") -> dict[str, Any]:
    action = {"action": "retire", "path": path, "reason": reason, "cluster": key}
    if canonical:
        action["canonical"] = canonical  # docs that mention the copy will name this instead
    return action


def retire_groups(tables: Tables, taken: set[str],
                  orphans: bool) -> tuple[list[Group], list[Waiting]]:
    """Backup copies, archived scripts and (when asked) orphans that nothing live calls.

    An orphan or archived script that the docs mention may still be run by hand: it waits for
    a person. Docs that mention a backup copy will name its original instead."""
    groups: list[Group] = []
    waiting: list[Waiting] = []
    for row in tables.inventory.sort_values("path").to_dict("records"):
        path = str(row["path"])
        if path in taken or int(row.get("live_callers", 0) or 0) > 0:
            continue
        original = str(row.get("backup_of", "") or "")
        docs = [r for r in tables.refs_to(path) if r["kind"] == "docs"]
        if original:
            action = _retire(path, f"backup copy of {original}, no live caller", "", original)
        elif not (bool(row.get("archived")) or orphans):
            continue
        elif docs:
            waiting.append(Waiting(path, [path], f"no live caller, but the docs mention it "
                                   f"({docs[0]['source']}:{docs[0]['line']}): run by hand?"))
            continue
        else:
            reason = "archived, no live caller" if bool(row.get("archived")) else \
                "orphan: no live caller (data mentions are not callers)"
            action = _retire(path, reason)
        groups.append(Group(path, [action], caller_flags(tables, path), 1))
    return groups, waiting
