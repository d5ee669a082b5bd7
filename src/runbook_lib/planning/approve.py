"""Approval: a person signs the exact plan (its sha256); a changed plan needs a new approval."""

from __future__ import annotations

import getpass
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from runbook_lib.core import auditlog, workspace
from runbook_lib.core.errors import BadInput


@dataclass(frozen=True)
class ApproveParams:
    workspace: Path
    by: str = ""
    allow_risk: bool = False


def approve(params: ApproveParams) -> dict[str, Any]:
    ws = params.workspace.resolve()
    plan = workspace.read_json(ws / "plan.json")
    risky = [b["batch"] for b in plan["batches"] if b["risky"]]
    approval = {
        "plan_sha256": plan_sha256(ws / "plan.json"), "by": params.by or _user(),
        "at": auditlog.now_utc(), "allow_risk": params.allow_risk,
        "batches": [b["batch"] for b in plan["batches"] if params.allow_risk or not b["risky"]],
        "risky_batches_not_approved": [] if params.allow_risk else risky,
    }
    workspace.write_json(ws / "approval.json", approval)
    auditlog.append(ws, "approve", result="ok", by=approval["by"], sha256=approval["plan_sha256"],
                 allow_risk=params.allow_risk)
    return approval


def check_approved(ws: Path, batch: int) -> dict[str, Any]:
    """The plan and its batch, or BadInput when the plan is not approved as it stands."""
    approval_path = ws / "approval.json"
    if not approval_path.exists():
        raise BadInput("the plan is not approved: run `runbook approve --workspace WS` first")
    approval = workspace.read_json(approval_path)
    if approval.get("plan_sha256") != plan_sha256(ws / "plan.json"):
        raise BadInput("plan.json changed after it was approved: review it and approve again")
    plan: dict[str, Any] = workspace.read_json(ws / "plan.json")
    numbers = [b["batch"] for b in plan["batches"]]
    if batch not in numbers:
        shown = f"{numbers[0]} to {numbers[-1]}" if numbers else "none"
        raise BadInput(f"the plan has no batch {batch} (batches: {shown})")
    if batch not in approval.get("batches", []):
        raise BadInput(f"batch {batch} touches risky scripts; approve with --allow-risk to run it")
    return plan


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def plan_sha256(path: Path) -> str:
    """The sha256 approval signs (here, not in plan.py: recovery reads it without pandas)."""
    try:
        return workspace.sha256_file(path)
    except OSError as exc:
        raise BadInput(f"{path} is missing: run `runbook plan` first") from exc
