"""The end-to-end demo on the sample repository (each step through its notebook)."""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pandas as pd

from runbook_lib.archive import audit, runner
from runbook_lib.core import workspace
from runbook_lib.core.errors import BadInput, RunbookError
from runbook_lib.core.workspace import batch_dir
from runbook_lib.discovery.risks import HIGH_RISK
from runbook_lib.execution.rollback import RollbackParams, promoted_batches, rollback
from runbook_lib.planning import observe
from runbook_lib.planning.approve import ApproveParams, approve
from runbook_lib.planning.usage import UsageParams, gather
from runbook_lib.sample import generate
from runbook_lib.sandbox import isolate
from runbook_lib.sandbox.cases import Case, load_cases

MARKER = ".runbook-demo"
DEPLOY_ROOT = "/opt/app"
WINDOW_MINUTES = 1  # the observation window of the demo (a campaign uses days)
HAND_RUNS = 2  # quarantined scripts a person runs between the two plans
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
    (root / "usage").mkdir()
    (root / "usage" / "usage.log").touch()  # the file sink: scripts append to it
    log = str(root / "usage" / "usage.log")
    plan_values = {"workspace": str(ws), "target_scripts": scripts // 2, "usage_log": log,
                   "usage_sinks": ["file"], "observe_days": WINDOW_MINUTES / 1440}
    analyse(sample.repo, ws, plan_values, say)
    wrong = force_exec_shim(ws, sample.repo)
    if wrong:
        say(f"demo: batch {wrong[0]} now shims {wrong[1]} with `exec`, which loses $0: its "
            "declared case must show a behaviour difference")
    broken = add_broken_batch(ws)
    say(f"demo: appended batch {broken} that retires a script with live callers, on purpose")
    yield from run_batches(ws, say)
    yield from hand_runs(ws, sample.repo, root / "usage", say)
    wait_for_window(ws, say)
    gathered = gather(UsageParams(ws, [log]))
    yield f"usage: {gathered['records']} recorded use(s) gathered into {ws}/usage.csv"
    analyse(sample.repo, ws, plan_values, say)
    yield from observed_lines(ws)
    yield from run_batches(ws, say)
    yield from measure_rollback(ws, say)
    report = step("report", {"workspace": str(ws), "target_scripts": scripts // 2}, ws, say,
                  allow_fail=True)
    yield f"report: {report.html}"
    yield from criteria_lines(ws, scripts // 2)
    problems = audit.verify(ws)
    yield "audit verify: " + ("ok, the hash chain and every archived file match" if not problems
                              else f"{len(problems)} problem(s): {problems[0]}")
    yield f"workspace: {ws} (tables, plan.json, batches/, archive/, audit.jsonl)"


def analyse(repo: Path, ws: Path, plan_values: dict[str, Any], say: Say) -> None:
    """Discovery, similarity and plan: the start of each cycle."""
    step("discovery", {"repo": str(repo), "workspace": str(ws),
                       "deploy_roots": [DEPLOY_ROOT]}, ws, say)
    step("similarity", {"workspace": str(ws)}, ws, say)
    step("plan", plan_values, ws, say)


def run_batches(ws: Path, say: Say) -> Iterator[str]:
    approve(ApproveParams(ws, by="runbook demo", allow_risk=True))
    for batch in workspace.read_json(ws / "plan.json")["batches"]:
        yield run_batch_step(ws, int(batch["batch"]), say)


def hand_runs(ws: Path, repo: Path, log_folder: Path, say: Say) -> Iterator[str]:
    """A person runs a few quarantined scripts by hand (here in the sandbox, with only the
    usage log's folder writable): their records keep them; the others are retired."""
    box = isolate.find()
    if box is None:
        yield f"hand runs skipped ({isolate.unavailable_reason()}): every quarantined script " \
              "will be retired"
        return
    chosen = quarantined(ws)[:HAND_RUNS]
    for path in chosen:
        say(f"demo: running {path} by hand, in the sandbox")
        box.run(repo, Case(path, timeout=10), isolate.Options(observe=False,
                                                              rw_binds=(str(log_folder),)))
    yield f"ran by hand: {', '.join(chosen) or 'nothing'}"


def quarantined(ws: Path) -> list[str]:
    """Promoted quarantines of scripts with no high-risk flag, by path."""
    inventory = pd.read_csv(ws / "inventory.csv", keep_default_na=False)
    risky = {str(p) for p, flags in zip(inventory["path"], inventory["risks"], strict=True)
             if set(str(flags).split(";")) & set(HIGH_RISK)}
    plan = workspace.read_json(ws / "plan.json")
    done = {int(n) for n in promoted_batches(ws)}
    return sorted(str(a["path"]) for b in plan["batches"] for a in b["actions"]
                  if a["action"] == "quarantine" and b["batch"] in done and a["path"] not in risky)


def wait_for_window(ws: Path, say: Say) -> None:
    """The observation window: until it has passed for the last quarantine promoted."""
    finished = [workspace.read_json(batch_dir(ws, n) / "validation.json")["finished"]
                for n in promoted_batches(ws)]
    times = [t for t in map(observe.parse_time, finished) if t is not None]
    if not times:
        return
    last = max(times)
    left = (last + timedelta(minutes=WINDOW_MINUTES) - datetime.now(UTC)).total_seconds()
    if left > 0:
        say(f"demo: waiting {left:.0f} s for the {WINDOW_MINUTES}-minute observation window")
        time.sleep(left + 1)


def observed_lines(ws: Path) -> Iterator[str]:
    rows = workspace.read_json(ws / "plan.json").get("observing", [])
    kept = [r["path"] for r in rows if r["decision"] == "in use"]
    count = {d: sum(1 for r in rows if r["decision"] == d) for d in ("retire", "docs")}
    yield (f"second plan: {len(rows)} script(s) observed; kept in use: {', '.join(kept) or 'none'}"
           f"; {count['retire']} to retire (no recorded use in the window); {count['docs']} "
           "unused but named in the docs, left for a person")


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


def force_exec_shim(ws: Path, repo: Path) -> tuple[int, str] | None:
    """Make one `source-keep-0` shim (for a script reading files beside $0 that a declared
    case runs) a plain `exec`."""
    plan = workspace.read_json(ws / "plan.json")
    cased = {c.script for c in load_cases(repo / "runbook-cases.yaml")}
    for batch in plan["batches"]:
        for action in batch["actions"]:
            if action.get("style") == "source-keep-0" and action["path"] in cased:
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
