"""Everything the workspace knows about one script: its inventory row, each reference to it (with
the rule that resolved it), what it calls, its cluster or family, and the plan's action on it
with the reason, or why no action touches it. `runbook explain` prints it; notebook 01 shows it
for `focus_script`."""

from __future__ import annotations

import contextlib
import difflib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from runbook_lib.core import workspace as ws_files
from runbook_lib.core.errors import BadInput
from runbook_lib.views import tables
from runbook_lib.views.explorer import read_table
from runbook_lib.views.plan import actions_by_path

REF_COLUMNS = ["source", "line", "kind", "status", "live", "rule", "confidence", "text"]
CALL_COLUMNS = ["line", "target", "kind", "status", "live", "rule", "confidence", "text"]


@dataclass
class Explanation:
    path: str
    facts: list[tuple[str, Any]]
    callers: pd.DataFrame
    calls: pd.DataFrame
    copies: pd.DataFrame  # its cluster's rows, or its family's
    group: str  # "cluster C0003 (exact copies)", "family J0002", or why neither
    action: str
    notes: list[str] = field(default_factory=list)


def explain(workspace: str | Path, path: str) -> Explanation:
    ws = Path(workspace)
    if not (ws / "inventory.csv").exists():
        raise BadInput(f"{ws} has no inventory.csv: run `runbook discover` first")
    inventory = read_table(ws, "inventory.csv")
    rel = repo_path(ws, path, inventory["path"].tolist())
    row = {str(k): v for k, v in inventory[inventory["path"] == rel].iloc[0].items()}
    refs = read_table(ws, "references.csv")
    callers = _columns(refs[refs["target"] == rel], REF_COLUMNS) if not refs.empty else refs
    calls = _columns(refs[refs["source"] == rel], CALL_COLUMNS) if not refs.empty else refs
    copies, group = _group(ws, rel)
    return Explanation(rel, list(row.items()), callers, calls, copies, group,
                       _action(ws, rel, row, group))


def repo_path(ws: Path, given: str, known: list[str]) -> str:
    """`given` as a repo-relative path: as written, or absolute inside the repo, or relative to
    the current folder; refused with the nearest names when discovery does not know it."""
    repo = Path(ws_files.read_json(ws / "discovery.json")["repo"])
    candidates = [given.strip().removeprefix("./")]
    for raw in (Path(given), Path.cwd() / given):
        with contextlib.suppress(ValueError):
            candidates.append(raw.resolve().relative_to(repo.resolve()).as_posix())
    for candidate in candidates:
        if candidate in known:
            return candidate
    near = difflib.get_close_matches(candidates[0], known, n=3, cutoff=0.6) or difflib.\
        get_close_matches(os.path.basename(candidates[0]), [os.path.basename(k) for k in known],
                          n=3, cutoff=0.8)
    hint = f"; did you mean {', '.join(near)}?" if near else ""
    raise BadInput(f"{given} is not a script discovery found in {repo}{hint}")


def _columns(frame: pd.DataFrame, wanted: list[str]) -> pd.DataFrame:
    return frame[[c for c in wanted if c in frame.columns]].reset_index(drop=True)


def _group(ws: Path, rel: str) -> tuple[pd.DataFrame, str]:
    if not (ws / "clusters.csv").exists():
        return pd.DataFrame(), "similarity has not run yet (`runbook similarity`)"
    clusters = read_table(ws, "clusters.csv")
    mine = clusters[clusters["path"] == rel]
    if not mine.empty:
        cid = mine["cluster_id"].iloc[0]
        members = clusters[clusters["cluster_id"] == cid]
        kinds = ", ".join(sorted(set(members["clone_type"]) - {""}))
        return members[["path", "canonical", "clone_type", "similarity", "evidence"]], \
            f"cluster {cid}: {len(members)} scripts ({kinds})"
    families = read_table(ws, "families.csv")
    fam = families[families["path"] == rel] if not families.empty else families
    if not fam.empty:
        fid = fam["family_id"].iloc[0]
        members = families[families["family_id"] == fid]
        return members[["path", "score", "evidence"]], \
            f"family {fid}: {len(members)} scripts that look like the same job"
    return pd.DataFrame(), "in no cluster and no family: no copy of it was found"


def _action(ws: Path, rel: str, row: dict[str, Any], group: str) -> str:
    if not (ws / "plan.json").exists():
        return "no plan yet (`runbook plan`)"
    action = actions_by_path(ws).get(rel)
    if action is not None:
        style = f" ({action['style']})" if action.get("style") else ""
        target = f" -> {action['canonical']}" if action.get("canonical") else ""
        return (f"batch {action['batch']}, {action['id']}: {action['action']}{style}{target}: "
                f"{action.get('reason', '')}")
    plan = ws_files.read_json(ws / "plan.json")
    for waiting in plan.get("waiting", []):
        if rel in (waiting.get("members") or []):
            return f"waits for a person ({waiting.get('cluster', '')}): {waiting['reason']}"
    return "no action: " + _why_none(rel, row, group, plan)


def _why_none(rel: str, row: dict[str, Any], group: str, plan: dict[str, Any]) -> str:
    canonicals = {str(a.get("canonical")) for b in plan.get("batches", [])
                  for a in b["actions"]}
    if rel in canonicals:
        return "it is the script the plan keeps: its copies forward to it"
    if group.startswith("cluster"):
        return "it is the kept script of its cluster, or its cluster needs nothing done"
    if str(row.get("live_callers", "0")) not in ("", "0"):
        return f"it has {row['live_callers']} live caller(s) and no copy: nothing to consolidate"
    return "no rule of the plan applies to it (see the plan's parameters)"


def shown(e: Explanation) -> list[Any]:
    """The explanation as notebook outputs, in reading order."""
    return [tables.markdown(f"### `{e.path}`"), tables.key_values(e.facts, caption="Inventory row"),
            tables.markdown(f"**Callers** ({len(e.callers)} references to it)"),
            tables.interactive(e.callers, "Nothing refers to it.", rows=10),
            tables.markdown(f"**What it calls** ({len(e.calls)} references from it)"),
            tables.interactive(e.calls, "It refers to no script.", rows=10),
            tables.markdown(f"**Copies:** {e.group}"),
            tables.static(e.copies, "No copy.") if not e.copies.empty else tables.markdown(""),
            tables.markdown(f"**Plan:** {e.action}")]


def as_text(e: Explanation) -> str:
    """The explanation for a terminal: facts, then one line per reference."""
    width = max(len(k) for k, _ in e.facts)
    lines = [e.path, *(f"  {k:<{width}}  {tables.cell_text(v)}" for k, v in e.facts if v != "")]
    lines.append(f"callers: {len(e.callers)}")
    lines += [f"  {_ref_line(r, 'source')}" for r in _records(e.callers)]
    lines.append(f"calls: {len(e.calls)}")
    lines += [f"  {_ref_line(r, 'target')}" for r in _records(e.calls)]
    lines.append(f"copies: {e.group}")
    lines += [f"  {r['path']}  {r.get('clone_type', '')} {r.get('evidence', '')}".rstrip()
              for r in e.copies.to_dict("records") if r["path"] != e.path]
    lines.append(f"plan: {e.action}")
    return "\n".join(lines)


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [{str(k): v for k, v in r.items()} for r in frame.to_dict("records")]


def _ref_line(ref: dict[str, Any], other: str) -> str:
    where = f"{ref[other]}:{ref['line']}" if other == "source" else f"line {ref['line']}: " \
        f"{ref[other]}"
    evidence = "live" if str(ref.get("live")).lower() == "true" else "not live"
    rule = f", rule {ref['rule']}" if ref.get("rule") else ""
    conf = f", {ref['confidence']}" if ref.get("confidence") else ""
    return f"{where} ({ref['kind']}, {ref['status']}, {evidence}{rule}{conf}): " \
        f"{str(ref.get('text', ''))[:100]}"


def focus(workspace: str | Path, path: str = "") -> list[Any]:
    """`shown` for `path`, or for the most referenced script when `path` is empty."""
    ws = Path(workspace)
    if not path:
        refs = read_table(ws, "references.csv")
        live = refs[(refs["live"].str.lower() == "true") & (refs["status"] == "resolved")] \
            if not refs.empty else refs
        inventory = read_table(ws, "inventory.csv")
        if not live.empty:
            path = str(live["target"].value_counts().index[0])
        elif not inventory.empty:
            path = str(inventory["path"].iloc[0])
        else:
            return [tables.note("No script to explain.")]
    return shown(explain(ws, path))
