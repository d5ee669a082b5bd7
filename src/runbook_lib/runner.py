"""The one module that runs notebooks: papermill, a pinned kernel, an archive folder per run."""

from __future__ import annotations

import hashlib
import json
import logging
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml

from runbook_lib import audit, provenance
from runbook_lib.errors import BadInput, RunbookError

NOTEBOOKS = {
    "discovery": "01_discovery.ipynb",
    "similarity": "02_similarity.ipynb",
    "plan": "03_plan.ipynb",
    "batch": "04_batch.ipynb",
    "report": "05_report.ipynb",
}
KERNEL = "python3"  # the venv's own interpreter: ipykernel's native spec uses sys.executable


@dataclass(frozen=True)
class RunRecord:
    step: str
    status: str  # ok or failed
    folder: Path
    notebook: Path
    error: str = ""


def notebooks_dir() -> Path:
    override = os.environ.get("RUNBOOK_NOTEBOOKS")
    return Path(override) if override else Path(__file__).resolve().parents[2] / "notebooks"


def notebook_for(step: str) -> Path:
    path = notebooks_dir() / NOTEBOOKS[step]
    if not path.is_file():
        raise BadInput(f"notebook {path} is missing; set RUNBOOK_NOTEBOOKS to the notebooks folder")
    return path


def declared_parameters(notebook: Path) -> dict[str, Any]:
    import papermill

    return dict(papermill.inspect_notebook(str(notebook)))


def run_step(step: str, values: dict[str, Any], workspace: Path, label: str = "",
             cell_timeout: int = 3600, log_output: bool = True) -> RunRecord:
    """Execute the step's notebook with `values`; archive it whatever the outcome."""
    import papermill

    source = notebook_for(step)
    unknown = sorted(set(values) - set(declared_parameters(source)))
    if unknown:
        raise BadInput(f"{source.name} has no parameter(s) {', '.join(unknown)}")
    folder = _archive_folder(workspace, step, label, values)
    output = folder / source.name
    (folder / "parameters.yaml").write_text(yaml.safe_dump(values, sort_keys=True), "utf-8")
    audit.append(workspace, "run-start", step=step, archive=folder.name)
    started = audit.now_utc()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    error = ""
    try:
        papermill.execute_notebook(
            str(source), str(output), parameters=values, kernel_name=KERNEL, cwd=str(workspace),
            execution_timeout=cell_timeout, log_output=log_output, progress_bar=False,
        )
    except papermill.PapermillExecutionError as exc:
        error = f"{exc.ename}: {exc.evalue}"
    status = "failed" if error else "ok"
    manifest = provenance.write_manifest(folder, step, status, started, values, workspace)
    audit.append(workspace, "run-end", step=step, status=status, archive=folder.name,
                 manifest_sha256=manifest)
    return RunRecord(step, status, folder, output, error)


def _archive_folder(workspace: Path, step: str, label: str, values: dict[str, Any]) -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S.%fZ")
    digest = hashlib.sha256(json.dumps(values, sort_keys=True, default=str).encode()).hexdigest()
    name = "__".join(x for x in (stamp, step, label, digest[:12]) if x)
    folder = workspace / "archive" / name
    try:
        folder.mkdir(parents=True, exist_ok=False)
    except FileExistsError as exc:
        raise RunbookError(f"archive folder {folder} already exists; runs are never overwritten") \
            from exc
    return folder
