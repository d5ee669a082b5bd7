"""What notebook 04 shows of the container check and the monitor window of one batch."""

from __future__ import annotations

from typing import Any

import pandas as pd
from IPython.display import HTML, Markdown
from pandas.io.formats.style import Styler

from runbook_lib.execution.batch import BatchOutcome
from runbook_lib.views import tables
from runbook_lib.views.batch import check_result


def container_rows(outcome: BatchOutcome) -> pd.DataFrame:
    """One row per probe (healthcheck or command) of each container or compose service."""
    _, details = check_result(outcome, "containers")
    if not isinstance(details, list):
        return pd.DataFrame()
    return pd.DataFrame([_row(t, p) for t in details for p in t["probes"] or [None]])


def containers(outcome: BatchOutcome) -> HTML | Markdown | Styler:
    status, details = check_result(outcome, "containers")
    if not isinstance(details, list):
        why = details or ("the batch stopped before this check" if status == "not run"
                          else "no container or compose service reaches the batch's scripts")
        return tables.note(f"containers: {status} ({why}).")
    return tables.static(container_rows(outcome), "No container reaches the batch's scripts.",
                         code=["reaches", "probe"])


def _row(target: dict[str, Any], probe: dict[str, Any] | None) -> dict[str, Any]:
    row = {"container": target["container"], "status": target["status"],
           "reaches": ", ".join(target["reaches"]), "note": target.get("reason", "")}
    if probe is None:
        return row
    differs = "" if probe["same"] else (probe["new"]["stderr"] or probe["new"]["stdout"])
    return {**row, "probe": probe["probe"], "run": probe["run"], "exit old": probe["old"]["exit"],
            "exit new": probe["new"]["exit"], "same": "yes" if probe["same"] else "no",
            "note": row["note"] or differs[-300:]}


def monitor_rows(outcome: BatchOutcome) -> pd.DataFrame:
    status, details = check_result(outcome, "monitor")
    if not isinstance(details, dict):
        return pd.DataFrame()
    bad = details["unhealthy"]
    return pd.DataFrame([{"container": name, "status": status, "state": bad.get(name, "healthy"),
                          "window (s)": details["seconds"],
                          "max unhealthy": details["max_unhealthy"]}
                         for name in details["watched"]])


def monitor(outcome: BatchOutcome) -> HTML | Markdown | Styler:
    status, details = check_result(outcome, "monitor")
    if not isinstance(details, dict):
        why = details or ("monitor_seconds is 0 (off)" if status in ("not run", "skip")
                          else "nothing was watched")
        return tables.note(f"monitor: {status} ({why}).")
    return tables.static(monitor_rows(outcome), "No container was watched.")
