"""Tables of one executed batch for notebook 04 and the report."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd

from runbook_lib.core.workspace import batch_dir
from runbook_lib.execution.batch import BatchOutcome


def check_result(outcome: BatchOutcome, name: str) -> tuple[str, Any]:
    """Status and details of the check called `name` ("not run" when it did not run)."""
    for check in outcome.checks:
        if check["name"] == name:
            return str(check["status"]), check["details"]
    return "not run", None


def checks(outcome: BatchOutcome) -> pd.DataFrame:
    rows = [{"check": c["name"], "status": c["status"], "details": _short(c["details"])}
            for c in outcome.checks]
    return pd.DataFrame(rows, columns=["check", "status", "details"])


def _short(details: Any) -> str:
    text = json.dumps(details, default=str) if not isinstance(details, str) else details
    return text if len(text) < 400 else text[:400] + " ..."


def timings(outcome: BatchOutcome) -> pd.DataFrame:
    return pd.DataFrame([outcome.timings])


def journal(workspace: Path, number: int) -> pd.DataFrame:
    path = batch_dir(Path(workspace), number) / "journal.jsonl"
    if not path.exists():
        return pd.DataFrame()
    rows = [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]
    return pd.DataFrame(rows)
