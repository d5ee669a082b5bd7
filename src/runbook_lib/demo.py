"""The end-to-end demo on the sample repository (each step through its notebook)."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pandas as pd

from runbook_lib.archive import audit, runner
from runbook_lib.core import workspace
from runbook_lib.core.errors import BadInput, RunbookError
from runbook_lib.core.workspace import batch_dir
from runbook_lib.execution.rollback import RollbackParams, promoted_batches, rollback
from runbook_lib.planning.approve import ApproveParams, approve
from runbook_lib.sample import generate

MARKER = ".runbook-demo"
DEPLOY_ROOT = "/opt/app"
Say = Callable[[str], object]


def prepare_dir(folder: Path) -> Path:
    """An empty demo folder; a previous demo's folder (with its marker) is cleared first."""
    if folder.exists() and any(folder.iterdir()):
        if not (folder / MARKER).exists():
            raise BadInput(f"{folder} exists and is not a runbook demo folder; use another --dir")
        shutil.rmtree(folder)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / MARKER).write_text("made by runbook demo; cleared by the next demo run\n", "utf-8")
    return folder.resolve()


def step(name: str, values: dict[str, Any], ws: Path, say: Say, label: str = "",
         allow_fail: bool = False) -> runner.RunRecord:
    say(f"{name}{' ' + label if label else ''}: running notebooks/"
        f"{runner.NOTEBOOKS[name]} through papermill")
    record = runner.run_step(name, values, ws, label=label, log_output=False)
    if record.status != "ok" and not allow_fail:
        raise RunbookError(f"{name} failed: {record.error}; archived in {record.folder}")
    return record


def run_demo(folder: Path, scripts: int, say: Say) -> Iterator[str]:
    root = prepare_dir(folder)
    sample = generate(root / "repo", scripts=scripts)
    say(f"sample repo: {sample.repo} ({sample.scripts} scripts)")
    ws = workspace.prepare(root / "workspace", sample.repo)
    step("discovery", {"repo": str(sample.repo), "workspace": str(ws),
                       "deploy_roots": [DEPLOY_ROOT]}, ws, say)
    step("similarity", {"workspace": str(ws)}, ws, say)
    step("plan", {"workspace": str(ws), "target_scripts": scripts // 2}, ws, say)
    wrong = force_exec_shim(ws)
    if wrong:
        say(f"demo: batch {wrong[0]} now shims {wrong[1]} with `exec`, which loses $0: its "
            "declared case must show a behaviour difference")
    broken = add_broken_batch(ws)
    say(f"demo: appended batch {broken} that retires a script with live callers, on purpose")
    approve(ApproveParams(ws, by="runbook demo", allow_risk=True))
    plan = workspace.read_json(ws / "plan.json")
    for batch in plan["batches"]:
        yield run_batch_step(ws, int(batch["batch"]), say)
    yield from measure_rollback(ws, say)
    report = step("report", {"workspace": str(ws), "target_scripts": scripts // 2}, ws, say,
                  allow_fail=True)
    yield f"report: {report.html}"
    yield from criteria_lines(ws, scripts // 2)
    problems = audit.verify(ws)
    yield "audit verify: " + ("ok, the hash chain and every archived file match" if not problems
                              else f"{len(problems)} problem(s): {problems[0]}")
    yield f"workspace: {ws} (tables, plan.json, batches/, archive/, audit.jsonl)"


def criteria_lines(ws: Path, target: int) -> Iterator[str]:
    from runbook_lib.archive.report import ReportParams, criteria, load

    table = criteria(load(ws), ReportParams(ws, target_scripts=target))
    for row in table.to_dict("records"):
        yield f"  {row['result']:<5} {row['criterion']}: {row['measured']} (target {row['target']})"


def run_batch_step(ws: Path, number: int, say: Say) -> str:
    step("batch", {"workspace": str(ws), "batch": number}, ws, say, f"batch-{number:03d}")
    result = workspace.read_json(batch_dir(ws, number) / "validation.json")
    return f"batch {number}: {result['status']} ({result['message']})"


def measure_rollback(ws: Path, say: Say) -> Iterator[str]:
    """Roll the newest promoted batch back (timed), then run it again."""
    promoted = promoted_batches(ws)
    if not promoted:
        return
    number = max(promoted)
    outcome = rollback(RollbackParams(ws, number))
    yield f"rollback of batch {number}: {outcome.seconds:.2f} s ({outcome.message})"
    yield run_batch_step(ws, number, say) + " (again, after the rollback)"


def force_exec_shim(ws: Path) -> tuple[int, str] | None:
    """Make one `source-keep-0` shim (for a script reading files beside $0) a plain `exec`."""
    plan = workspace.read_json(ws / "plan.json")
    for batch in plan["batches"]:
        for action in batch["actions"]:
            if action.get("style") == "source-keep-0":
                action["style"] = "exec"
                action["reason"] = ("deliberately wrong (demo): exec loses $0, so the copy "
                                    "would read the canonical's settings")
                workspace.write_json(ws / "plan.json", plan)
                return int(batch["batch"]), str(action["path"])
    return None


def add_broken_batch(ws: Path) -> int:
    """A last batch that must fail validation: it retires a script that live callers use."""
    plan = workspace.read_json(ws / "plan.json")
    inventory = pd.read_csv(ws / "inventory.csv", keep_default_na=False)
    touched = {a.get("path") for b in plan["batches"] for a in b["actions"]}
    touched |= {a.get("canonical") for b in plan["batches"] for a in b["actions"]}
    live = inventory[(inventory["live_callers"] > 0) & ~inventory["path"].isin(touched)]
    victim = str(live.sort_values(["live_callers", "path"], ascending=[False, True])
                 ["path"].iloc[0])
    number = len(plan["batches"]) + 1
    plan["batches"].append({
        "batch": number, "risky": [], "flags": [], "scripts": 1,
        "projected_scripts": plan["batches"][-1]["projected_scripts"] - 1 if plan["batches"]
        else plan["scripts_before"] - 1,
        "actions": [{"action": "retire", "path": victim, "id": f"{number:03d}-001",
                     "reason": "deliberately wrong (demo): it still has live callers"}],
    })
    repo = Path(plan["repo"])
    plan["files"][victim] = workspace.sha256_file(repo / victim)
    workspace.write_json(ws / "plan.json", plan)
    return number
