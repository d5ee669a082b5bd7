"""What notebook 04 shows of the behaviour, coverage and performance checks of one batch."""

from __future__ import annotations

import html
from typing import Any

import pandas as pd
from IPython.display import HTML, Markdown

from runbook_lib.execution.batch import BatchOutcome
from runbook_lib.views import tables
from runbook_lib.views.batch import check_result


def _not_measured(name: str, status: str, details: Any) -> Markdown:
    why = details if isinstance(details, str) and details else (
        "the batch stopped before this check" if status == "not run" else "nothing to measure")
    return tables.note(f"{name}: {status} ({why}).")


def behaviour(outcome: BatchOutcome) -> tables.Shown:
    """One row per case: same, location (a path reads differently) or different."""
    status, details = check_result(outcome, "behaviour")
    if not isinstance(details, dict):
        return _not_measured("behaviour", status, details)
    rows = [{"case": r["case"], "script": r["script"], "result": r["status"],
             "exit old": r["exit"][0], "exit new": r["exit"][1],
             "seconds old": r["seconds"][0], "seconds new": r["seconds"][1],
             "differences": ", ".join(f"{d['what']} ({d['kind']})" for d in r["differences"])}
            for r in details["results"]]
    return tables.static(pd.DataFrame(rows), "No declared case ran.", code=["case"])


def diffs_html(outcome: BatchOutcome) -> HTML | Markdown:
    """Each case that differed, its unified diffs (old against new) as preformatted text."""
    _, details = check_result(outcome, "behaviour")
    parts = []
    for r in details.get("results", []) if isinstance(details, dict) else []:
        for d in r["differences"]:
            text = html.escape("\n".join(d["diff"])[:4000])
            parts.append(f"<h4>{html.escape(r['case'])}: {html.escape(d['what'])} "
                         f"({html.escape(d['kind'])})</h4><pre class='rb-code'>{text}</pre>")
    if not parts:
        return tables.note("No case differed between old and new.")
    return tables.html("".join(parts))


def coverage(outcome: BatchOutcome) -> tables.Shown:
    """Per script and, last, for the batch: statements the declared cases ran."""
    status, details = check_result(outcome, "coverage")
    if not isinstance(details, dict):
        return _not_measured("coverage", status, details)
    if not details.get("statements"):
        return tables.note("coverage: no statement of the batch's scripts could be measured "
                           f"({details.get('cases', 0)} declared cases ran).")
    rows = [{"script": r["script"], "language": r["language"], "statements": r["statements"],
             "run": r["run"], "coverage (%)": _percent(r["coverage"]),
             "note": "" if r.get("measured", True) else "not measurable (no statements found)"}
            for r in details["scripts"]]
    rows.append({"script": "(the batch)", "statements": details["statements"],
                 "run": details["run"], "coverage (%)": _percent(details["batch"]),
                 "note": f"gate: at least {_percent(details.get('minimum', 0))}%"})
    return tables.static(pd.DataFrame(rows), "No script.")


def _percent(value: Any) -> Any:
    return "" if value is None else round(float(value) * 100, 1)


def performance(outcome: BatchOutcome) -> tables.Shown:
    """Median seconds old and new per script and their ratio."""
    status, details = check_result(outcome, "performance")
    if not isinstance(details, dict):
        return _not_measured("performance", status, details)
    frame = pd.DataFrame(details["scripts"], columns=["script", "old_s", "new_s", "ratio",
                                                      "status"])
    frame = frame.rename(columns={"old_s": "median old (s)", "new_s": "median new (s)",
                                  "ratio": "new / old", "status": "result"})
    return tables.static(frame, "No script was timed.")
