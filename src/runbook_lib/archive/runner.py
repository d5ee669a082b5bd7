"""The one module that runs notebooks: papermill, a pinned kernel, an archive folder per run.

A run: parameters checked (against the notebook's `parameters` cell and the step's typed
schema), a new archive folder, `run-start` in the audit log, papermill in the workspace with a
per-cell timeout, the HTML copy, manifest.json, files made read-only, `run-end` with the
manifest's sha256. A failed notebook is archived the same way, with papermill's error cell.
"""

from __future__ import annotations

import ast
import dataclasses
import hashlib
import importlib
import json
import logging
import os
import sys
import typing
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml

from runbook_lib.archive import provenance
from runbook_lib.core import auditlog
from runbook_lib.core.errors import BadInput, RunbookError

NOTEBOOKS = {
    "discovery": "01_discovery.ipynb",
    "similarity": "02_similarity.ipynb",
    "plan": "03_plan.ipynb",
    "batch": "04_batch.ipynb",
    "report": "05_report.ipynb",
}
SCHEMAS = {  # step -> (module, parameters dataclass)
    "discovery": ("runbook_lib.discovery.discover", "DiscoveryParams"),
    "similarity": ("runbook_lib.similarity", "SimilarityParams"),
    "plan": ("runbook_lib.planning.plan", "PlanParams"),
    "batch": ("runbook_lib.execution.batch", "BatchParams"),
    "report": ("runbook_lib.archive.report", "ReportParams"),
}
# What each step reads from the workspace, and the command that writes it: a step whose
# inputs are missing is refused before anything is created (no folder, no archive).
INPUTS = {
    "similarity": (("discovery.json", "inventory.csv", "references.csv"), "runbook discover"),
    "plan": (("discovery.json", "similarity.json", "clusters.csv"), "runbook similarity"),
    "batch": (("plan.json",), "runbook plan"),
    "report": (("plan.json",), "runbook plan"),
}
KERNEL = "python3"  # the venv's own interpreter: ipykernel's native spec uses sys.executable
RUNNING_ENV = "RUNBOOK_RUN_ARCHIVE"  # the kernel sees its own archive folder's name here


@dataclass(frozen=True)
class RunRecord:
    step: str
    status: str  # ok or failed
    folder: Path
    notebook: Path
    error: str = ""
    html: Path | None = None
    exit_code: int = 0


def check_inputs(step: str, workspace: Path) -> None:
    """Refuse a step whose inputs another step has not written yet (BadInput, nothing made)."""
    if step not in INPUTS:
        return
    names, writer = INPUTS[step]
    if not workspace.is_dir():
        raise BadInput(f"{step}: no workspace at {workspace}; run `{writer}` first")
    missing = [n for n in names if not (workspace / n).is_file()]
    if missing:
        raise BadInput(f"{step}: {workspace} has no {', '.join(missing)}; run `{writer}` first")


def notebooks_dir() -> Path:
    override = os.environ.get("RUNBOOK_NOTEBOOKS")
    return Path(override) if override else Path(__file__).resolve().parents[3] / "notebooks"


def notebook_for(step: str) -> Path:
    if step not in NOTEBOOKS:
        raise BadInput(f"unknown step {step!r}; steps: {', '.join(NOTEBOOKS)}")
    path = notebooks_dir() / NOTEBOOKS[step]
    if not path.is_file():
        raise BadInput(f"notebook {path} is missing; set RUNBOOK_NOTEBOOKS to the notebooks folder")
    return path


def declared_parameters(notebook: Path) -> dict[str, Any]:
    """Names assigned in the notebook's `parameters` cell, with their defaults.

    Read with `ast`, not papermill.inspect_notebook: papermill skips (with a warning) any line
    whose comment holds an `=`, and a parameter it skipped would be refused here as unknown.
    """
    import nbformat

    nb = nbformat.read(notebook, as_version=4)  # type: ignore[no-untyped-call]
    cells = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    if len(cells) != 1:
        raise BadInput(f"{notebook.name} needs exactly one cell tagged `parameters`")
    found: dict[str, Any] = {}
    for node in ast.parse(cells[0].source).body:
        if isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            found.update({t.id: _literal(node.value) for t in targets
                          if isinstance(t, ast.Name)})
    return found


def _literal(node: ast.expr | None) -> Any:
    try:
        return ast.literal_eval(node) if node is not None else None
    except ValueError:
        return None


def check_parameters(step: str, values: dict[str, Any], notebook: Path) -> dict[str, Any]:
    """The values to inject, after checking them against the schema and the notebook.

    The schema refuses unknown names, wrong types and missing required values. A schema
    field the notebook does not declare may only keep its default: papermill would inject it
    into nothing and the run would silently ignore it.
    """
    declared = declared_parameters(notebook)
    schema = _schema(step)
    fields = {f.name: f for f in dataclasses.fields(schema)}
    from runbook_lib.archive import params

    params.build(schema, {k: v for k, v in values.items() if k in fields})
    unknown = sorted(k for k in values if k not in declared and k not in fields)
    if unknown:
        raise BadInput(f"unknown parameter(s) {', '.join(unknown)} for {notebook.name}; "
                       f"known: {', '.join(sorted(set(declared) | set(fields)))}")
    ignored = sorted(k for k in values if k not in declared and values[k] != _default(fields[k]))
    if ignored:
        raise BadInput(f"{notebook.name} does not take parameter(s) {', '.join(ignored)} "
                       "in its parameters cell; they would be ignored")
    return _absolute({k: v for k, v in values.items() if k in declared}, schema)


def _absolute(values: dict[str, Any], schema: Any) -> dict[str, Any]:
    """Path parameters made absolute: the kernel runs in the workspace, not the caller's cwd."""
    hints = typing.get_type_hints(schema)
    out = dict(values)
    for key, value in values.items():
        if isinstance(value, str) and value and Path in (hints.get(key), *typing.get_args(
                hints.get(key))):
            out[key] = str(Path(value).expanduser().resolve())
    return out


def _schema(step: str) -> Any:
    module, name = SCHEMAS[step]
    return getattr(importlib.import_module(module), name)


def _default(f: dataclasses.Field[Any]) -> Any:
    if f.default is not dataclasses.MISSING:
        return _plain(f.default)
    if f.default_factory is not dataclasses.MISSING:
        return _plain(f.default_factory())
    return dataclasses.MISSING


def _plain(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else str(value) if isinstance(value, Path) \
        else value


def check_kernel() -> dict[str, Any]:
    """The pinned kernel's spec; refused when it would run another Python than this one."""
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    try:
        spec = KernelSpecManager().get_kernel_spec(KERNEL)
    except NoSuchKernel as exc:
        raise BadInput(f"no Jupyter kernel {KERNEL!r}: install ipykernel in this environment "
                       f"({sys.executable} -m pip install ipykernel)") from exc
    program = spec.argv[0] if spec.argv else ""
    # jupyter_client replaces a bare `python` with the running interpreter (sys.executable)
    if program not in ("python", "python3") and Path(program).resolve() != \
            Path(sys.executable).resolve():
        raise BadInput(f"kernel {KERNEL!r} runs {program}, not {sys.executable}: run "
                       f"`{sys.executable} -m ipykernel install --sys-prefix` to pin it")
    return {"name": KERNEL, "argv": spec.argv, "resource_dir": spec.resource_dir,
            "executable": sys.executable}


def run_step(step: str, values: dict[str, Any], workspace: Path, label: str = "",
             cell_timeout: int = 3600, log_output: bool = True) -> RunRecord:
    """Execute the step's notebook with `values`; archive it whatever the outcome."""
    source = notebook_for(step)
    inject = check_parameters(step, values, source)
    check_inputs(step, workspace)
    kernel = check_kernel()
    folder = _archive_folder(workspace, step, label, values)
    output = folder / source.name
    (folder / "parameters.yaml").write_text(yaml.safe_dump(values, sort_keys=True), "utf-8")
    before = provenance.snapshot(workspace)
    target = provenance.repo_state(provenance.target_repo(values, workspace))
    auditlog.append(workspace, "run-start", step=step, archive=folder.name)
    started = auditlog.now_utc()
    error = _execute(source, output, inject, workspace, cell_timeout, log_output, folder.name)
    html, notes = _html(output)
    exit_code = 0 if not error else 2 if error.startswith("BadInput") else 1
    facts = provenance.RunFacts(step, "failed" if error else "ok", exit_code, started, values,
                                inject, workspace, before, target, kernel, error, notes)
    manifest = provenance.write_manifest(folder, facts)
    auditlog.append(workspace, "run-end", step=step, status=facts.status, exit_code=exit_code,
                 archive=folder.name, manifest_sha256=manifest)
    return RunRecord(step, facts.status, folder, output, error, html, exit_code)


def _execute(source: Path, output: Path, inject: dict[str, Any], workspace: Path,
             cell_timeout: int, log_output: bool, archive: str) -> str:
    """Run papermill; the error as `Name: message`, empty when every cell ran."""
    import papermill

    logging.basicConfig(level=logging.INFO, format="%(message)s")
    logging.getLogger("papermill").setLevel(logging.INFO if log_output else logging.WARNING)
    quiet = {} if log_output else {"kernel_manager_class": _quiet_kernel_manager()}
    previous = os.environ.get(RUNNING_ENV)
    os.environ[RUNNING_ENV] = archive  # the kernel inherits the environment at start
    try:
        papermill.execute_notebook(
            str(source), str(output), parameters=inject, kernel_name=KERNEL, cwd=str(workspace),
            execution_timeout=cell_timeout, log_output=log_output, progress_bar=False, **quiet,
        )
    except papermill.PapermillExecutionError as exc:
        return f"{exc.ename}: {exc.evalue}"
    except Exception as exc:  # a dead kernel or a cell timeout: still a failed, archived run
        return f"{type(exc).__name__}: {str(exc).strip().splitlines()[-1] if str(exc) else ''}"
    finally:
        if previous is None:
            os.environ.pop(RUNNING_ENV, None)
        else:
            os.environ[RUNNING_ENV] = previous
    return ""


def _quiet_kernel_manager() -> type:
    """A kernel manager whose kernel logs errors only (its TCP notice is noise on loopback)."""
    from jupyter_client.manager import AsyncKernelManager

    # nbclient's default manager is the async one: its timeouts depend on it
    class QuietKernelManager(AsyncKernelManager):
        def format_kernel_cmd(self, extra_arguments: list[str] | None = None) -> list[str]:
            cmd: list[str] = super().format_kernel_cmd(extra_arguments)
            return [*cmd, "--IPKernelApp.log_level=ERROR"]

    return QuietKernelManager


def _html(output: Path) -> tuple[Path | None, list[str]]:
    from runbook_lib.archive import htmlexport

    if not output.exists():
        return None, ["the notebook was not written: the kernel did not start"]
    try:
        return htmlexport.to_html(output), []
    except RunbookError as exc:
        return None, [str(exc)]


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
