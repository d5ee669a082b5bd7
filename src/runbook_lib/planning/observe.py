"""Scripts under observation: since when each quarantine or shim has been watched, and the
uses recorded since then.

The ledger is read from the workspace: every promoted batch (not rolled back) records in its
validation.json what it started to observe (`observe`): its quarantines and shims, and the
shims whose callers it rewrote, whose window starts again then. The previous plan.json's
`observing` list carries entries the batches no longer show. Uses come from usage.csv
(`runbook usage`).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from runbook_lib.core import workspace

USAGE_COLUMNS = ("time", "host", "user", "script", "path", "cwd", "parent", "source")


@dataclass(frozen=True)
class Watch:
    path: str
    action: str  # quarantine or shim
    since: datetime  # when its window started (promotion of the batch)
    canonical: str = ""  # a shim's canonical
    batch: int = 0


def events(batch: dict[str, Any]) -> list[dict[str, str]]:
    """What a batch starts observing once it is promoted."""
    out = []
    for action in batch["actions"]:
        if action["action"] in ("quarantine", "shim"):
            out.append({"path": action["path"], "action": action["action"],
                        "canonical": str(action.get("canonical", ""))})
        elif action["action"] == "rewrite_reference" and action.get("target"):
            out.append({"path": action["target"], "action": "rewrite",
                        "canonical": str(action.get("canonical", ""))})
    return out


def parse_time(text: str) -> datetime | None:
    try:
        value = datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    except ValueError:
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def ledger(ws: Path, previous: dict[str, Any] | None) -> dict[str, Watch]:
    watches: dict[str, Watch] = {}
    for number, when, found in _promoted_events(ws):
        for event in found:
            _note(watches, event, when, number)
    for entry in (previous or {}).get("observing", []):
        since = parse_time(str(entry.get("since", "")))
        if entry.get("path") and since is not None and entry["path"] not in watches:
            watches[entry["path"]] = Watch(entry["path"], str(entry.get("action", "quarantine")),
                                           since, str(entry.get("canonical", "")),
                                           int(entry.get("batch", 0) or 0))
    return watches


def _note(watches: dict[str, Watch], event: dict[str, str], when: datetime, batch: int) -> None:
    path = event["path"]
    known = watches.get(path)
    if event["action"] == "rewrite" and known is None:
        return  # a caller of a shim older than the ledger: the shim is observed from scratch
    action = known.action if event["action"] == "rewrite" and known else event["action"]
    since = max(known.since, when) if known else when
    watches[path] = Watch(path, action, since, event.get("canonical") or (
        known.canonical if known else ""), batch)


def _promoted_events(ws: Path) -> list[tuple[int, datetime, list[dict[str, str]]]]:
    out = []
    folders = [f for f in (ws / "batches").glob("[0-9]*") if f.name.isdigit()]
    for folder in sorted(folders, key=lambda f: int(f.name)):
        path = folder / "validation.json"
        if not path.exists() or (folder / "rollback.json").exists():
            continue
        result = workspace.read_json(path)
        when = parse_time(str(result.get("finished", "")))
        if result.get("status") == "promoted" and when is not None:
            out.append((int(folder.name), when, list(result.get("observe", []))))
    return out


def read_uses(ws: Path) -> dict[str, list[datetime]]:
    """Repo path -> times of its recorded uses, oldest first (usage.csv; none when absent)."""
    path = ws / "usage.csv"
    uses: dict[str, list[datetime]] = {}
    if not path.exists():
        return uses
    with open(path, encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            when = parse_time(row.get("time", ""))
            if when is not None and row.get("script"):
                uses.setdefault(row["script"], []).append(when)
    return {k: sorted(v) for k, v in uses.items()}


def status(watch: Watch, uses: list[datetime], now: datetime, days: float) -> dict[str, Any]:
    """The observing entry of one script: age, uses since its window started, and the decision
    (`in use`, `observing` or `retire`)."""
    start = watch.since.replace(microsecond=0)  # records are to the second: count that second
    since_uses = [u for u in uses if u >= start]
    age = (now - watch.since).total_seconds() / 86400
    decision = "in use" if since_uses else "retire" if age >= days else "observing"
    return {"path": watch.path, "action": watch.action, "batch": watch.batch,
            "since": watch.since.strftime("%Y-%m-%dT%H:%M:%SZ"), "age_days": round(age, 4),
            "uses": len(since_uses),
            "last_use": since_uses[-1].strftime("%Y-%m-%dT%H:%M:%SZ") if since_uses else "",
            "canonical": watch.canonical, "decision": decision}
