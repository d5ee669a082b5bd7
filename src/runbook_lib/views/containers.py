"""Tables of the container check and the monitor window of one batch (notebook 04)."""

from __future__ import annotations

from typing import Any

import pandas as pd

from runbook_lib.execution.batch import BatchOutcome
from runbook_lib.views.batch import check_result

CONTAINER_COLUMNS = ["container", "status", "probe", "run", "exit old", "exit new", "same",
                     "reaches", "note"]


def containers(outcome: BatchOutcome) -> pd.DataFrame:
    """One row per probe (healthcheck or command) of each container or compose service."""
    status, details = check_result(outcome, "containers")
    if not isinstance(details, list):
        return pd.DataFrame([{"container": "", "status": status, "note": details or ""}],
                            columns=CONTAINER_COLUMNS)
    rows = [_row(target, probe) for target in details for probe in target["probes"] or [None]]
    return pd.DataFrame(rows, columns=CONTAINER_COLUMNS)


def _row(target: dict[str, Any], probe: dict[str, Any] | None) -> dict[str, Any]:
    row = {"container": target["container"], "status": target["status"],
           "reaches": ", ".join(target["reaches"]), "note": target.get("reason", "")}
    if probe is None:
        return row
    differs = "" if probe["same"] else (probe["new"]["stderr"] or probe["new"]["stdout"])
    return {**row, "probe": probe["probe"], "run": probe["run"], "exit old": probe["old"]["exit"],
            "exit new": probe["new"]["exit"], "same": probe["same"],
            "note": row["note"] or differs[-300:]}


def monitor(outcome: BatchOutcome) -> pd.DataFrame:
    """The containers watched after promotion and what, if anything, went wrong with them."""
    status, details = check_result(outcome, "monitor")
    if not isinstance(details, dict):
        return pd.DataFrame([{"container": "", "status": status, "state": details or ""}])
    bad = details["unhealthy"]
    rows = [{"container": name, "status": status, "state": bad.get(name, "healthy"),
             "window s": details["seconds"], "max unhealthy": details["max_unhealthy"]}
            for name in details["watched"]]
    return pd.DataFrame(rows)
