"""What notebook 04 (and the report) show of one executed batch: its checks as readable rows,
the timings and the journal."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
from IPython.display import HTML, Markdown
from pandas.io.formats.style import Styler

from runbook_lib.core.workspace import batch_dir
from runbook_lib.execution.batch import BatchOutcome
from runbook_lib.views import tables

# Checks with a section of their own below the checks table.
OWN_SECTION = {"behaviour", "coverage", "performance", "containers", "monitor"}
ROWS_PER_CHECK = 40


def check_result(outcome: BatchOutcome, name: str) -> tuple[str, Any]:
    """Status and details of the check called `name` ("not run" when it did not run)."""
    for check in outcome.checks:
        if check["name"] == name:
            return str(check["status"]), check["details"]
    return "not run", None


def headline(outcome: BatchOutcome) -> Styler | Markdown:
    failed = [c["name"] for c in outcome.checks if c["status"] == "fail"]
    return tables.key_values([
        ("batch", outcome.batch), ("outcome", outcome.status.replace("_", " ")),
        ("message", outcome.message),
        ("checks", f"{len(outcome.checks)} run, {len(failed)} failed"
         + (f" ({', '.join(failed)})" if failed else "")),
    ])


def check_rows(outcome: BatchOutcome) -> pd.DataFrame:
    rows: list[dict[str, Any]] = []
    for check in outcome.checks:
        found = detail_rows(check["details"])
        if check["name"] in OWN_SECTION and found:
            found = [("", "details in its own section below")]
        if len(found) > ROWS_PER_CHECK:
            found = [*found[:ROWS_PER_CHECK], ("", f"... {len(found) - ROWS_PER_CHECK} more")]
        for what, detail in found or [("", "")]:
            rows.append({"check": check["name"], "status": check["status"], "what": what,
                         "detail": detail})
    return pd.DataFrame(rows, columns=["check", "status", "what", "detail"])


def checks(outcome: BatchOutcome) -> Styler | Markdown:
    frame = check_rows(outcome)
    if frame.empty:
        return tables.note("No check ran: the batch was refused or stopped before validation.")
    styler = tables.static(frame, "No check ran.", code=["detail"])
    if isinstance(styler, Styler):
        styler = styler.map(_status_colour, subset=["status"])
    return styler


def _status_colour(value: Any) -> str:
    colour = {"pass": "#d5f5e3", "fail": "#fadbd8", "skip": "#f2f3f4"}.get(str(value), "")
    return f"background-color: {colour}" if colour else ""


def detail_rows(details: Any) -> list[tuple[str, str]]:
    """A check's details as (what, detail) rows of plain text: one fact or item a row."""
    if details in (None, "", [], {}):
        return []
    if isinstance(details, str):
        return [("", details)]
    if isinstance(details, list):
        return [("", str(tables.cell_text(item))) for item in details]
    if isinstance(details, dict):
        rows: list[tuple[str, str]] = []
        for key, value in details.items():
            if isinstance(value, list):
                rows += [(str(key), str(tables.cell_text(v))) for v in value] or \
                    [(str(key), "none")]
            else:
                rows.append((str(key), str(tables.cell_text(value))))
        return rows
    return [("", str(details))]


def timings(outcome: BatchOutcome) -> Styler | Markdown:
    rows = [(key.removesuffix("_s").replace("check_", "check: ").replace("_", " "),
             round(float(value), 3))
            for key, value in outcome.timings.items() if isinstance(value, int | float)]
    frame = pd.DataFrame(rows, columns=["step", "seconds"])
    return tables.static(frame, "No step was timed.")


def journal_rows(workspace: Path, number: int) -> pd.DataFrame:
    path = batch_dir(Path(workspace), number) / "journal.jsonl"
    if not path.exists():
        return pd.DataFrame()
    records = [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]
    return pd.DataFrame([{"time (UTC)": r.get("time", ""), "step": r.get("step", ""),
                          "phase": r.get("phase", ""), "data": tables.cell_text(r.get("data"))}
                         for r in records])


def journal(workspace: Path, number: int) -> HTML | Markdown:
    return tables.interactive(journal_rows(workspace, number),
                              "No journal: the batch never started.", code=["data"])
