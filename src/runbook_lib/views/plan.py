"""Tables of a plan for the notebook and the report."""

from __future__ import annotations

from typing import Any

import pandas as pd


def summary(plan: dict[str, Any]) -> pd.DataFrame:
    rows = [
        ("base commit", plan["base_commit"][:12]), ("branch", plan["branch"]),
        ("scripts today", plan["scripts_before"]),
        ("scripts after the plan", plan["scripts_after"]),
        ("target", plan["target_scripts"] or "not set"), ("batches", len(plan["batches"])),
        ("risky batches (need --allow-risk)", sum(1 for b in plan["batches"] if b["risky"])),
        ("clusters waiting for a person", len(plan["waiting"])),
    ]
    return pd.DataFrame(rows, columns=["", "value"]).set_index("")


def projection(plan: dict[str, Any]) -> pd.DataFrame:
    rows = [{"step": "today", "scripts": plan["scripts_before"], "removed": 0}]
    rows += [{"step": f"batch {b['batch']}", "scripts": b["projected_scripts"],
              "removed": b["scripts"]} for b in plan["batches"]]
    return pd.DataFrame(rows)


def batches(plan: dict[str, Any]) -> pd.DataFrame:
    rows = []
    for b in plan["batches"]:
        kinds = pd.Series([a["action"] for a in b["actions"]]).value_counts().to_dict()
        rows.append({"batch": b["batch"], "scripts removed": b["scripts"],
                     "projected scripts": b["projected_scripts"], "actions": len(b["actions"]),
                     **kinds, "risky": ", ".join(b["risky"]), "flags": ", ".join(b["flags"])})
    frame = pd.DataFrame(rows)
    counts = [c for c in ("shim", "retire", "rewrite_reference", "merge") if c in frame]
    frame[counts] = frame[counts].fillna(0).astype(int)
    return frame


def actions(plan: dict[str, Any]) -> pd.DataFrame:
    rows = [{"batch": b["batch"], "id": a["id"], "action": a["action"],
             "path": a.get("path") or a.get("file"), "canonical": a.get("canonical", ""),
             "style": a.get("style", ""), "reason": a.get("reason", "")}
            for b in plan["batches"] for a in b["actions"]]
    return pd.DataFrame(rows)
