"""Run every step of a campaign from a folder of YAML files (what a scheduler calls).

A parameter set is a folder holding step files: `discovery.yaml`, `similarity.yaml`,
`plan.yaml`, `batch*.yaml` (name order: batch01.yaml, batch02.yaml ...) and `report.yaml`;
any may be left out. The folder given and each of its subfolders that holds step files is one
set. Sets run in parallel processes (papermill's `cwd` is not thread-safe, and a kernel per
step is a process anyway); the steps of a set run in order and stop at the first failure.
"""

from __future__ import annotations

import multiprocessing
import os
import re
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from runbook_lib.core.errors import BadInput, RunbookError

FIXED = ("discovery", "similarity", "plan")
Say = Callable[[str], object]


@dataclass(frozen=True)
class StepResult:
    step: str
    file: str
    status: str  # ok, failed or refused
    exit_code: int
    archive: str = ""
    message: str = ""


@dataclass
class SetResult:
    folder: str
    steps: list[StepResult] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        return next((s.exit_code for s in self.steps if s.exit_code), 0)


def step_files(folder: Path) -> list[tuple[str, Path]]:
    """(step, file) in execution order for one parameter set."""
    found = [(name, folder / f"{name}.yaml") for name in FIXED]
    batches = sorted(folder.glob("batch*.yaml"), key=_natural)
    found += [("batch", path) for path in batches]
    found.append(("report", folder / "report.yaml"))
    return [(step, path) for step, path in found if path.is_file()]


def _natural(path: Path) -> list[Any]:
    return [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", path.name)]


def parameter_sets(root: Path) -> list[Path]:
    if not root.is_dir():
        raise BadInput(f"--params-dir {root}: no such folder")
    sets = [root] if step_files(root) else []
    sets += [p for p in sorted(root.iterdir()) if p.is_dir() and step_files(p)]
    if not sets:
        raise BadInput(f"{root} holds no step files (discovery.yaml, similarity.yaml, "
                       "plan.yaml, batch*.yaml, report.yaml)")
    _distinct_workspaces(sets)
    return sets


def _distinct_workspaces(sets: list[Path]) -> None:
    from runbook_lib.archive import params

    owner: dict[Path, Path] = {}
    for folder in sets:
        for _, path in step_files(folder):
            ws = params.load_yaml(path).get("workspace")
            if not ws:
                raise BadInput(f"{path} has no workspace")
            key = Path(str(ws)).resolve()
            if owner.setdefault(key, folder) != folder:
                raise BadInput(f"parameter sets {owner[key]} and {folder} share workspace {ws}; "
                               "sets run in parallel and need one workspace each")


def run_all(root: Path, jobs: int, say: Say) -> list[SetResult]:
    sets = parameter_sets(root)
    if len(sets) == 1:
        results = [run_set(str(sets[0]))]
    else:
        workers = min(len(sets), jobs or os.cpu_count() or 1)
        # spawn: a fresh interpreter per set, no state forked from this one
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            results = list(pool.map(run_set, [str(s) for s in sets]))
    for result in results:
        for line in describe(result):
            say(line)
    return results


def describe(result: SetResult) -> list[str]:
    lines = []
    for s in result.steps:
        where = f" archive: {s.archive}" if s.archive else ""
        lines.append(f"{result.folder}: {s.step} ({s.file}) {s.status}"
                     f"{': ' + s.message if s.message else ''}{where}")
    failed = next((s for s in result.steps if s.exit_code), None)
    if failed:
        lines.append(f"{result.folder}: stopped at {failed.step} ({failed.file}); "
                     f"archive: {failed.archive or 'none (refused before it ran)'}")
    return lines


def run_set(folder: str) -> SetResult:
    """Every step of one set, in order, stopping at the first that does not succeed."""
    result = SetResult(folder)
    for step, path in step_files(Path(folder)):
        try:
            outcome = run_one(step, path)
        except RunbookError as exc:
            outcome = StepResult(step, path.name, "refused", exc.exit_code, "", str(exc))
        result.steps.append(outcome)
        if outcome.exit_code:
            break
    return result


def run_one(step: str, path: Path) -> StepResult:
    from runbook_lib.archive import params, runner
    from runbook_lib.core import workspace

    values = params.load_yaml(path)
    repo = values.get("repo")
    ws = workspace.prepare(Path(str(values.get("workspace", ""))),
                           workspace.check_repo(Path(str(repo))) if repo else None)
    values["workspace"] = str(ws)
    if repo:
        values["repo"] = str(Path(str(repo)).resolve())
    label = f"batch-{int(values.get('batch', 0)):03d}" if step == "batch" else ""
    record = runner.run_step(step, values, ws, label=label, log_output=False)
    code, message = record.exit_code, record.error
    if record.status == "ok" and step == "batch":
        code, message = _batch_outcome(ws, int(values["batch"]))
    status = "ok" if not code else "failed"
    return StepResult(step, path.name, status, code, str(record.folder), message)


def _batch_outcome(ws: Path, number: int) -> tuple[int, str]:
    """A batch notebook that ran may still have rolled the batch back: that is a failure."""
    from runbook_lib.core import workspace
    from runbook_lib.core.workspace import batch_dir

    result = workspace.read_json(batch_dir(ws, number) / "validation.json")
    return (1 if result.get("status") == "rolled_back" else 0), str(result.get("message", ""))
