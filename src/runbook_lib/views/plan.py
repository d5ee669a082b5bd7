"""What notebook 03 (and the explorers) show of a plan: its summary, the projection, batches,
every action, and the clusters that wait for a person."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
from IPython.display import HTML, Markdown
from pandas.io.formats.style import Styler

from runbook_lib.core import workspace as ws_files
from runbook_lib.views import tables

STATIC_BATCHES = 30
ACTION_KINDS = ("shim", "retire", "quarantine", "rewrite_reference", "merge")


def summary(plan: dict[str, Any]) -> Styler | Markdown:
    return tables.key_values([
        ("base commit", plan["base_commit"][:12]), ("branch", plan["branch"]),
        ("scripts today", plan["scripts_before"]),
        ("scripts after the plan", plan["scripts_after"]),
        ("target", plan["target_scripts"] or "not set"), ("batches", len(plan["batches"])),
        ("risky batches (need --allow-risk)", sum(1 for b in plan["batches"] if b["risky"])),
        ("clusters waiting for a person", len(plan["waiting"])),
    ])


def projection(plan: dict[str, Any]) -> pd.DataFrame:
    rows = [{"step": "today", "scripts": plan["scripts_before"], "removed": 0}]
    rows += [{"step": f"batch {b['batch']}", "scripts": b["projected_scripts"],
              "removed": b["scripts"]} for b in plan["batches"]]
    return pd.DataFrame(rows)


def batch_rows(plan: dict[str, Any]) -> pd.DataFrame:
    rows = []
    for b in plan["batches"]:
        kinds = pd.Series([a["action"] for a in b["actions"]]).value_counts()
        rows.append({"batch": b["batch"], "removes (scripts)": b["scripts"],
                     "scripts after": b["projected_scripts"], "actions": len(b["actions"]),
                     **{k: int(kinds.get(k, 0)) for k in ACTION_KINDS},
                     "needs --allow-risk for": ", ".join(b["risky"]),
                     "risk flags": ", ".join(b["flags"])})
    frame = pd.DataFrame(rows)
    unused = [k for k in ACTION_KINDS if k in frame and not frame[k].any()]
    return frame.drop(columns=unused)


def batches(plan: dict[str, Any]) -> tables.Shown:
    """A plain table for a plan a person reads at a glance; a searchable one beyond that."""
    rows, empty = batch_rows(plan), "The plan has no batch: nothing to consolidate."
    if len(rows) > STATIC_BATCHES:
        return tables.interactive(rows, empty, rows=25)
    return tables.static(rows, empty)


def action_rows(plan: dict[str, Any]) -> pd.DataFrame:
    rows = [{"batch": b["batch"], "id": a["id"], "action": a["action"],
             "path": a.get("file") or a.get("path"), "canonical": a.get("canonical", ""),
             "style": a.get("style", ""), "line": a.get("line", ""),
             "reason": a.get("reason", "")}
            for b in plan["batches"] for a in b["actions"]]
    return pd.DataFrame(rows)


def actions(plan: dict[str, Any]) -> HTML | Markdown:
    return tables.interactive(action_rows(plan), "No action.")


def waiting(plan: dict[str, Any]) -> HTML | Markdown:
    rows = [{"cluster": w.get("cluster", ""), "member": m, "reason": w.get("reason", "")}
            for w in plan["waiting"] for m in (w.get("members") or [""])]
    return tables.interactive(pd.DataFrame(rows), "Nothing waits for a person.")


def actions_by_path(ws: Path) -> dict[str, dict[str, Any]]:
    """The action the current plan takes on each path (with its batch); empty without a plan."""
    path = ws / "plan.json"
    if not path.exists():
        return {}
    plan = ws_files.read_json(path)
    found: dict[str, dict[str, Any]] = {}
    for batch in plan.get("batches", []):
        for action in batch["actions"]:
            if action["action"] != "rewrite_reference":
                found.setdefault(str(action["path"]), {**action, "batch": batch["batch"]})
    return found


def projection_chart(plan: dict[str, Any]) -> Any:
    if not plan["batches"]:
        return tables.note(f"No batch: the count stays at {plan['scripts_before']} scripts.")
    from runbook_lib.views import charts

    return charts.projection(projection(plan), int(plan["target_scripts"] or 0))


def observing_rows(plan: dict[str, Any]) -> pd.DataFrame:
    """Each quarantined script and shim under observation: its age in days, the uses recorded
    since its window started, and what this plan decided (in use, observing, retire)."""
    columns = ["path", "action", "since", "age_days", "uses", "last_use", "decision"]
    return pd.DataFrame(plan.get("observing", []), columns=columns)


def observing(plan: dict[str, Any]) -> HTML | Markdown:
    return tables.interactive(observing_rows(plan), "No quarantined script or shim is under "
                              "observation yet: the window starts when a quarantine batch is "
                              "promoted.")
