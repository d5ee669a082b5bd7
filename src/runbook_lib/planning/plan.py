"""Plan (notebook 03): ordered, small, independent batches of consolidation actions."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from runbook_lib.checks.context import touched_paths
from runbook_lib.core import auditlog, workspace
from runbook_lib.core.errors import BadInput
from runbook_lib.gitops import gitrepo
from runbook_lib.planning import observe, usagelog
from runbook_lib.planning.approve import plan_sha256
from runbook_lib.planning.disuse import Disuse, disuse_groups
from runbook_lib.planning.groups import Group, Tables, Usage, Waiting, cluster_groups
from runbook_lib.planning.mentioned import hold_mentioned
from runbook_lib.planning.rewrites import rewrite_groups
from runbook_lib.planning.usagelog import Sinks
from runbook_lib.sandbox.cases import load_cases

PLAN_VERSION = 1


@dataclass(frozen=True)
class PlanParams:
    workspace: Path
    batch_size: int = 25  # scripts per batch
    retire_orphans: bool = True
    retire_backups: bool = True
    rewrite_references: bool = True  # callers of plain shims name the canonical (later batches)
    merges: list[str] = field(default_factory=list)  # "CLUSTER_ID=path/of/merged/script"
    target_scripts: int = 0  # the campaign's goal, shown beside the projection
    # scripts with no live caller are quarantined, then retired after this many days unused
    observe_days: float = 30.0
    usage_sinks: list[str] = field(default_factory=lambda: list(usagelog.SINKS))
    usage_log: str = usagelog.DEFAULT_LOG  # the file sink (skipped where it is not writable)
    cases: str = "runbook-cases.yaml"  # scripts a declared case runs are never retired


def load_tables(ws: Path) -> Tables:
    info = workspace.read_json(ws / "discovery.json")
    inventory = _csv(ws / "inventory.csv", "runbook discover")
    references = _csv(ws / "references.csv", "runbook discover")
    clusters_path = ws / "clusters.csv"
    clusters = _csv(clusters_path, "runbook similarity") if clusters_path.exists() else \
        pd.DataFrame(columns=["cluster_id", "path", "canonical", "similarity", "clone_type"])
    return Tables(Path(info["repo"]), inventory, references, clusters)


def _csv(path: Path, step: str) -> pd.DataFrame:
    if not path.exists():
        raise BadInput(f"{path} is missing: run `{step}` first")
    frame = pd.read_csv(path, keep_default_na=False, dtype={"mode": str, "cluster_id": str})
    for col in ("archived", "executable", "live", "resolved"):
        if col in frame.columns:
            frame[col] = frame[col].astype(str).str.lower() == "true"
    return frame


def parse_merges(items: list[str], ws: Path) -> dict[str, str]:
    merges: dict[str, str] = {}
    for item in items:
        cid, sep, path = item.partition("=")
        if not sep or not cid or not path:
            raise BadInput(f"merges entry {item!r} must look like CLUSTER_ID=path/to/merged.sh")
        full = (ws / path) if not Path(path).is_absolute() else Path(path)
        if not full.is_file():
            raise BadInput(f"merged script {full} for cluster {cid} does not exist")
        merges[cid] = str(full.resolve())
    return merges


def build_plan(params: PlanParams) -> dict[str, Any]:
    ws = params.workspace.resolve()
    tables = load_tables(ws)
    if params.batch_size < 1:
        raise BadInput("batch_size must be at least 1")
    sinks = usage_sinks(params)
    cases = frozenset(c.script for c in load_cases(tables.repo / params.cases))
    usage = Usage(cases, sinks.as_dict())
    groups, waiting = cluster_groups(tables, parse_merges(params.merges, ws), usage)
    acted = {str(a.get("path")) for g in groups for a in g.actions}
    acted |= {str(a["canonical"]) for g in groups for a in g.actions if a.get("canonical")}
    disuse = Disuse(cases, observe.ledger(ws, _previous(ws)), observe.read_uses(ws),
                    datetime.now(UTC), params.observe_days, sinks, params.retire_orphans,
                    params.retire_backups)
    disused, unsure = disuse_groups(tables, acted, disuse)
    acting, held = hold_mentioned(tables.repo, ws, groups + disused, params.cases,
                                  [str(p) for p in tables.inventory["path"]])
    waiting += unsure + held
    rewrites: list[Group] = []
    if params.rewrite_references:
        busy = {str(a.get("path")) for g in acting for a in g.actions}
        clustered = [g for g in acting if any(g is c for c in groups)]
        busy |= {str(a["canonical"]) for g in clustered for a in g.actions
                 if a.get("canonical")}
        rewrites = rewrite_groups(tables, acting, busy)
    plan = _assemble(tables, _ordered(acting) + _ordered(rewrites), waiting, params,
                     next_batch(ws))
    plan.update(observing=disuse.observing, kept=disuse.kept, observation={
        "observe_days": params.observe_days, **sinks.as_dict(),
        "uses_recorded": sum(len(v) for v in disuse.uses.values())})
    workspace.write_json(ws / "plan.json", plan)
    auditlog.append(ws, "plan", result="ok", sha256=plan_sha256(ws / "plan.json"),
                 batches=len(plan["batches"]))
    return plan


def usage_sinks(params: PlanParams) -> Sinks:
    unknown = sorted(set(params.usage_sinks) - set(usagelog.SINKS))
    if unknown or not params.usage_sinks:
        raise BadInput(f"usage_sinks must name file, syslog or both, got {params.usage_sinks}")
    log = params.usage_log if "file" in params.usage_sinks else ""
    if log and (not log.startswith("/") or any(c in log for c in "\n\r\t")):
        raise BadInput(f"usage_log must be an absolute path on one line, got {log!r}")
    if params.observe_days < 0:
        raise BadInput("observe_days must not be negative")
    return Sinks(log, "syslog" in params.usage_sinks)


def _previous(ws: Path) -> dict[str, Any] | None:
    path = ws / "plan.json"
    return workspace.read_json(path) if path.exists() else None


def next_batch(ws: Path) -> int:
    """Batch numbers go on across plans: a batch folder and checkpoint tag are never reused."""
    numbers = [int(f.name) for f in (ws / "batches").glob("[0-9]*") if f.name.isdigit()]
    return max(numbers, default=0) + 1


def _ordered(groups: list[Group]) -> list[Group]:
    """Least risky first: no high-risk flag, then fewest flags; risky groups last."""
    return sorted(groups, key=lambda g: (bool(g.risky), len(g.flags), g.key))


def _assemble(tables: Tables, groups: list[Group], waiting: list[Waiting],
              params: PlanParams, first: int) -> dict[str, Any]:
    before = len(tables.inventory)
    batches: list[dict[str, Any]] = []
    current: list[Group] = []
    for group in groups:
        if current and _full(current, group, params.batch_size):
            batches.append(_batch(first + len(batches), current))
            current = []
        current.append(group)
    if current:
        batches.append(_batch(first + len(batches), current))
    remaining = before
    for batch in batches:
        remaining -= batch["scripts"]
        batch["projected_scripts"] = remaining
    return {
        "version": PLAN_VERSION, "created": auditlog.now_utc(), "repo": str(tables.repo),
        "branch": gitrepo.current_branch(tables.repo) or "",
        "base_commit": gitrepo.head_commit(tables.repo),
        "scripts_before": before, "scripts_after": remaining,
        "target_scripts": params.target_scripts, "batch_size": params.batch_size,
        "files": _file_hashes(tables.repo, batches), "batches": batches,
        "waiting": [{"cluster": w.key, "members": w.members, "reason": w.reason}
                    for w in waiting],
    }


def _full(current: list[Group], group: Group, size: int) -> bool:
    """Close a batch at `size` scripts, 4 x `size` actions, or where risk or phase changes."""
    scripts = sum(g.weight for g in current) + group.weight
    actions = sum(len(g.actions) for g in current) + len(group.actions)
    kind = (bool(current[0].risky), current[0].key.startswith("rewrite:"))
    return scripts > size or actions > 4 * size or kind != (bool(group.risky),
                                                             group.key.startswith("rewrite:"))


def _batch(number: int, groups: list[Group]) -> dict[str, Any]:
    actions = [a for g in groups for a in g.actions]
    for i, action in enumerate(actions, 1):
        action["id"] = f"{number:03d}-{i:03d}"
    flags = sorted(set().union(*(g.flags for g in groups)))
    risky = sorted(set().union(*(set(g.risky) for g in groups)))
    return {"batch": number, "risky": risky, "flags": flags, "actions": actions,
            "scripts": sum(g.scripts for g in groups),
            "quarantined": sum(g.observed for g in groups)}


def _file_hashes(repo: Path, batches: list[dict[str, Any]]) -> dict[str, str]:
    hashes: dict[str, str] = {}
    for batch in batches:
        for path in touched_paths(batch) + [str(a["canonical"]) for a in batch["actions"]
                                            if a.get("canonical")]:
            hashes[path] = file_sha256(repo / path)
    return dict(sorted(hashes.items()))


file_sha256 = workspace.sha256_or_empty

