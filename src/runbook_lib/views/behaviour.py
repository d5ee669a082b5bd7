"""Tables of the behaviour, coverage and performance checks of one batch (notebook 04)."""

from __future__ import annotations

import html

import pandas as pd

from runbook_lib.execution.batch import BatchOutcome
from runbook_lib.views.batch import check_result


def behaviour(outcome: BatchOutcome) -> pd.DataFrame:
    """One row per case: same, location (a path reads differently) or different."""
    status, details = check_result(outcome, "behaviour")
    columns = ["case", "script", "status", "exit old", "exit new", "differences"]
    if not isinstance(details, dict):
        return pd.DataFrame([{"case": "", "status": status, "differences": details or ""}])
    rows = [{"case": r["case"], "script": r["script"], "status": r["status"],
             "exit old": r["exit"][0], "exit new": r["exit"][1],
             "differences": ", ".join(f"{d['what']} ({d['kind']})" for d in r["differences"])}
            for r in details["results"]]
    return pd.DataFrame(rows, columns=columns)


def diffs_html(outcome: BatchOutcome) -> str:
    """Each case that differed, its unified diffs (old against new) as preformatted text."""
    _, details = check_result(outcome, "behaviour")
    parts = []
    for r in details.get("results", []) if isinstance(details, dict) else []:
        for d in r["differences"]:
            text = html.escape("\n".join(d["diff"])[:4000])
            parts.append(f"<h4>{html.escape(r['case'])}: {html.escape(d['what'])} "
                         f"({html.escape(d['kind'])})</h4><pre>{text}</pre>")
    return "".join(parts) or "<p>No case differed between old and new.</p>"


def coverage(outcome: BatchOutcome) -> pd.DataFrame:
    """Per script and, last, for the batch: statements the declared cases ran."""
    status, details = check_result(outcome, "coverage")
    if not isinstance(details, dict):
        return pd.DataFrame([{"script": "(batch)", "status": status, "coverage": details}])
    rows = [{k: r[k] for k in ("script", "language", "statements", "run", "coverage")}
            for r in details["scripts"]]
    rows.append({"script": "(batch)", "statements": details["statements"],
                 "run": details["run"], "coverage": details["batch"], "status": status})
    return pd.DataFrame(rows)


def performance(outcome: BatchOutcome) -> pd.DataFrame:
    """Median seconds old and new per script and their ratio."""
    status, details = check_result(outcome, "performance")
    if not isinstance(details, dict):
        return pd.DataFrame([{"script": "", "status": status, "ratio": details}])
    return pd.DataFrame(details["scripts"],
                        columns=["script", "old_s", "new_s", "ratio", "status"])
