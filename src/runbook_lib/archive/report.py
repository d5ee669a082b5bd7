"""The campaign at a glance (notebook 05): success criteria measured, batches, archived runs.

Everything is read from the workspace: `plan.json`, `batches/NNN/validation.json` (and
`rollback.json` when a promoted batch was reverted later), `rollbacks/`, `archive/` and
`audit.jsonl`. A criterion nothing measured is `n/a`, never a pass.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from runbook_lib.archive import audit
from runbook_lib.core import auditlog, workspace
from runbook_lib.core.errors import BadInput

PASS, FAIL, NA = "pass", "fail", "n/a"


@dataclass(frozen=True)
class ReportParams:
    workspace: Path
    target_scripts: int = 0  # 0 = the plan's target_scripts
    max_perf_change: float = 0.05  # slowest batch may be at most this much slower
    max_rollback_seconds: float = 60.0
    min_coverage: float = 0.95  # share of consolidated scripts exercised by declared cases


@dataclass
class Batch:
    number: int
    planned: dict[str, Any]
    result: dict[str, Any] | None  # validation.json, None when the batch never ran
    reverted: dict[str, Any] | None  # rollback.json of a promoted batch reverted later
    earlier: list[dict[str, Any]] = field(default_factory=list)  # rollbacks of earlier runs
    runs: int = 0  # how many times the batch started (journals, the current one included)

    @property
    def status(self) -> str:
        if self.result is None:
            return "not run"
        if self.reverted is not None:
            return "reverted"
        return str(self.result.get("status", "unknown")).replace("_", " ")

    @property
    def live(self) -> bool:
        """Promoted and still in the repo."""
        return self.status in ("promoted", "already")

    def check(self, name: str) -> dict[str, Any] | None:
        for item in (self.result or {}).get("checks", []):
            if item.get("name") == name:
                return dict(item)
        return None


@dataclass
class Campaign:
    ws: Path
    plan: dict[str, Any]
    batches: list[Batch]
    rollback_seconds: list[float] = field(default_factory=list)
    audit_problems: list[str] = field(default_factory=list)


def load(ws: Path, running: tuple[str, ...] | None = None) -> Campaign:
    """The campaign as the workspace records it; `running` defaults to the runner's own run."""
    ws = ws.resolve()
    plan = workspace.read_json(ws / "plan.json")
    if running is None:
        own = os.environ.get("RUNBOOK_RUN_ARCHIVE", "")
        running = (own,) if own else ()
    batches = [_batch(ws, b) for b in plan.get("batches", [])]
    return Campaign(ws, plan, batches, _rollback_seconds(ws, batches),
                    audit.verify(ws, running))


def _batch(ws: Path, planned: dict[str, Any]) -> Batch:
    folder = _dir(ws, planned)
    earlier = [r for r in (_json(p) for p in sorted(folder.glob("rollback-*.json"))) if r]
    runs = len(list(folder.glob("journal-*.jsonl"))) + (folder / "journal.jsonl").exists()
    return Batch(int(planned["batch"]), planned, _json(folder / "validation.json"),
                 _json(folder / "rollback.json"), earlier, runs)


def _dir(ws: Path, batch: dict[str, Any]) -> Path:
    return ws / "batches" / f"{int(batch['batch']):03d}"


def _json(path: Path) -> dict[str, Any] | None:
    try:
        value = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return None
    return value if isinstance(value, dict) else None


def _rollback_seconds(ws: Path, batches: list[Batch]) -> list[float]:
    """Measured rollbacks: `runbook rollback` runs (from the audit log, which keeps those of
    batches promoted again since), and validation rollbacks' own timing."""
    found: dict[str, float] = {}
    log = ws / auditlog.LOG_NAME
    for line in auditlog.read_lines(log) if log.exists() else []:
        record = line.record or {}
        if record.get("event") == "rollback-end" and "seconds" in record:
            found[str(record.get("commit", len(found)))] = float(record["seconds"])
    for b in batches:
        if b.reverted and "seconds" in b.reverted:
            found[str(b.reverted.get("reverted_by", b.number))] = float(b.reverted["seconds"])
        for key, value in ((b.result or {}).get("timings") or {}).items():
            if "rollback" in key and isinstance(value, int | float):
                found[f"batch {b.number} {key}"] = float(value)
    return sorted(found.values())


def read_audit(ws: Path) -> pd.DataFrame:
    log = ws / auditlog.LOG_NAME
    if not log.exists():
        raise BadInput(f"{log} is missing: run a step first")
    rows = [line.record for line in auditlog.read_lines(log) if line.record]
    return pd.DataFrame(rows)


def target(campaign: Campaign, params: ReportParams) -> int:
    return params.target_scripts or int(campaign.plan.get("target_scripts") or 0)


def scripts_after(campaign: Campaign) -> int:
    """Scripts today minus those consolidated by batches that are promoted and not reverted."""
    before = int(campaign.plan["scripts_before"])
    return before - sum(int(b.planned.get("scripts", 0)) for b in campaign.batches if b.live)


def criteria(campaign: Campaign, params: ReportParams) -> pd.DataFrame:
    rows = [
        _scripts_row(campaign, params),
        _sum_row(campaign, "callers broken", "references", "new unresolved live references"),
        _sum_row(campaign, "behaviour differences promoted", "behaviour",
                 "differences in promoted batches"),
        _performance_row(campaign, params),
        _rollback_row(campaign, params),
        _audit_row(campaign),
        _coverage_row(campaign, params),
        _docs_row(campaign),
    ]
    return pd.DataFrame(rows, columns=["criterion", "target", "measured", "result", "how"])


def _scripts_row(campaign: Campaign, params: ReportParams) -> list[Any]:
    goal = target(campaign, params)
    before, after = int(campaign.plan["scripts_before"]), scripts_after(campaign)
    result = NA if not goal else PASS if after <= goal else FAIL
    return ["scripts before and after", f"{before} to {goal}" if goal else "not set",
            f"{before} to {after}", result, "plan's count minus promoted batches' scripts"]


def _sum_row(campaign: Campaign, name: str, check: str, how: str) -> list[Any]:
    ran = [b.check(check) for b in campaign.batches if b.live]
    measured = [c for c in ran if c and c.get("status") in (PASS, FAIL)]
    if not measured:
        return [name, "0", NA, NA, f"no promoted batch ran the {check} check"]
    total = sum(_count(c) for c in measured)
    return [name, "0", str(total), PASS if total == 0 else FAIL,
            f"{how} ({len(measured)} batches)"]


def _count(check: dict[str, Any]) -> int:
    if check.get("status") != FAIL:
        return 0
    details = check.get("details")
    if isinstance(details, dict):  # behaviour: {"different": [case, ...]}
        details = details.get("different", details.get("differences", details))
    return len(details) if isinstance(details, list | dict) and details else 1


def performance(campaign: Campaign, max_change: float = 0.05) -> pd.DataFrame:
    """Per batch: the largest slowdown measured (new/old - 1) and the scripts beyond
    `max_change` that were also slower by the check's noise floor (`min_seconds`)."""
    rows = []
    for b in campaign.batches:
        check = b.check("performance") or {}
        found = check.get("details")
        details: dict[str, Any] = found if isinstance(found, dict) else {}
        scripts = [r for r in details.get("scripts", []) if r.get("ratio") is not None]
        floor = float(details.get("min_seconds", 0.0))
        slower = [r["script"] for r in scripts if r["ratio"] - 1 > max_change
                  and r["new_s"] - r["old_s"] > floor]
        worst = max(scripts, key=lambda r: r["ratio"], default=None)
        rows.append({"batch": b.number, "status": b.status,
                     "change": worst["ratio"] - 1 if worst else None,
                     "seconds": worst["new_s"] - worst["old_s"] if worst else None,
                     "slower": ", ".join(slower),
                     "note": "" if worst else _unmeasured(b, check)})
    return pd.DataFrame(rows, columns=["batch", "status", "change", "seconds", "slower", "note"])


def _unmeasured(batch: Batch, check: dict[str, Any]) -> str:
    """Why a batch has no performance figure."""
    if batch.result is None:
        return "not measured: the batch has not run"
    if not check:
        return "not measured: the batch stopped before the performance check"
    details = check.get("details")
    if isinstance(details, str) and details:
        return f"not measured: {details}"
    return "not measured: no timed case"


def _performance_row(campaign: Campaign, params: ReportParams) -> list[Any]:
    frame = performance(campaign, params.max_perf_change)
    measured = frame.dropna(subset=["change"])
    goal = f"within {params.max_perf_change:.0%}"
    if measured.empty:
        return ["performance change per batch", goal, NA, NA, "no batch measured performance"]
    parts = ", ".join(f"batch {r.batch} {float(str(r.change)):+.1%} "
                      f"({float(str(r.seconds)) * 1000:+.0f} ms)" for r in measured.itertuples())
    live = measured[measured["status"].isin(["promoted", "already"])]
    ok = not live["slower"].astype(bool).any()  # a reverted batch's slowdown is gone
    return ["performance change per batch", goal, parts, PASS if ok else FAIL,
            f"slowest script per batch; a slowdown counts only beyond the check's "
            f"noise floor (perf_min_seconds); {len(measured)} of {len(frame)} batches measured"]


def _rollback_row(campaign: Campaign, params: ReportParams) -> list[Any]:
    goal = f"under {params.max_rollback_seconds:g} s"
    if not campaign.rollback_seconds:
        return ["rollback time", goal, NA, NA, "no rollback was measured"]
    worst = max(campaign.rollback_seconds)
    return ["rollback time", goal, f"{worst:.2f} s (slowest of {len(campaign.rollback_seconds)})",
            PASS if worst < params.max_rollback_seconds else FAIL, "measured during rollbacks"]


def _audit_row(campaign: Campaign) -> list[Any]:
    problems = campaign.audit_problems
    return ["audit trail complete", "verify passes",
            "intact" if not problems else f"{len(problems)} problem(s)",
            PASS if not problems else FAIL, "chain, manifests and archived files rechecked"]


def _coverage_row(campaign: Campaign, params: ReportParams) -> list[Any]:
    goal = f"at least {params.min_coverage:.0%}"
    values = [_coverage(b.check("coverage")) for b in campaign.batches if b.live]
    measured = [v for v in values if v is not None]
    if not measured:
        return ["coverage of consolidated scripts", goal, NA, NA, "no batch measured coverage"]
    worst = min(measured)
    return ["coverage of consolidated scripts", goal, f"{worst:.0%} (lowest batch)",
            PASS if worst >= params.min_coverage else FAIL,
            f"statements run by declared cases; {len(measured)} batches measured"]


def _coverage(check: dict[str, Any] | None) -> float | None:
    details = (check or {}).get("details")
    if not isinstance(details, dict) or not details.get("statements"):
        return None  # skipped, or no statement could be measured
    return float(details.get("batch", 0.0))


def _docs_row(campaign: Campaign) -> list[Any]:
    latest = [campaign.ws / "batches" / f"{b.number:03d}" / "references.csv"
              for b in campaign.batches if b.live]
    latest = [p for p in latest if p.exists()]
    if not latest or not (campaign.ws / "references.csv").exists():
        return ["docs references updated", "0 stale", NA, NA, "no promoted batch"]
    stale = _missing_docs(latest[-1]) - _missing_docs(campaign.ws / "references.csv")
    return ["docs references updated", "0 stale", f"{len(stale)} stale",
            PASS if not stale else FAIL, "docs mentions of scripts that no longer exist"]


def _missing_docs(path: Path) -> set[tuple[str, str]]:
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    if "kind" not in frame.columns:
        return set()
    rows = frame[(frame["kind"] == "docs") & (frame["status"] == "missing")]
    return set(zip(rows["source"], rows["target"], strict=True))


def timeline(campaign: Campaign) -> pd.DataFrame:
    """Each batch once: its final outcome, how it got there, and what it changes."""
    rows = [{"batch": b.number, "status": b.status, "runs": b.runs, "history": history(b),
             "actions": len(b.planned.get("actions", [])),
             "files changed": len({str(a.get("file") or a.get("path"))
                                   for a in b.planned.get("actions", [])}),
             "scripts removed": int(b.planned.get("scripts", 0)),
             "finished": (b.result or {}).get("finished", ""),
             "commit": str((b.result or {}).get("commit", ""))[:12],
             "message": (b.result or {}).get("message", "")} for b in campaign.batches]
    return pd.DataFrame(rows, columns=["batch", "status", "runs", "history", "actions",
                                       "files changed", "scripts removed", "finished", "commit",
                                       "message"])


def history(batch: Batch) -> str:
    """How the batch reached its status, in words: earlier runs rolled back, then the last."""
    steps = [f"promoted, rolled back at {str(r.get('at', '?'))[:19]} "
             f"({float(r.get('seconds', 0)):.2f} s)" for r in batch.earlier]
    if batch.result is not None:
        steps.append(str(batch.result.get("status", "")).replace("_", " "))
    if batch.reverted is not None:
        steps.append(f"rolled back at {str(batch.reverted.get('at', '?'))[:19]}")
    return ", then ".join(steps) or "not run"


def reality(campaign: Campaign) -> pd.DataFrame:
    """Projected scripts after each batch against what promoted batches achieved."""
    before = int(campaign.plan["scripts_before"])
    rows = [{"step": "today", "projected": before, "actual": before, "status": ""}]
    actual = before
    for b in campaign.batches:
        actual -= int(b.planned.get("scripts", 0)) if b.live else 0
        rows.append({"step": f"batch {b.number}", "projected": int(b.planned["projected_scripts"]),
                     "actual": actual, "status": b.status})
    return pd.DataFrame(rows)


def runs(ws: Path) -> pd.DataFrame:
    """Every archived run; `link` is relative to a file inside another archive folder."""
    rows = []
    for folder in sorted((ws / "archive").glob("*/")):
        manifest = _json(folder / "manifest.json") or {}
        html = sorted(folder.glob("*.html"))
        rows.append({"run": folder.name, "step": manifest.get("step", folder.name.split("__")[1]
                                                              if "__" in folder.name else ""),
                     "status": manifest.get("status", "running"),
                     "start_utc": manifest.get("start_utc", ""),
                     "duration_s": manifest.get("duration_s"),
                     "link": f"../{folder.name}/{html[0].name}" if html else ""})
    return pd.DataFrame(rows, columns=["run", "step", "status", "start_utc", "duration_s",
                                       "link"])
