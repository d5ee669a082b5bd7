"""Execute one batch (notebook 04): checkpoint, apply in a worktree, validate, promote or not."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from runbook_lib.checks import behaviour, containers, imports, mentions, tests
from runbook_lib.checks.context import BatchContext, Check, touched_paths
from runbook_lib.checks.static import STATIC_CHECKS
from runbook_lib.core import auditlog, workspace
from runbook_lib.core.errors import BadInput, RunbookError
from runbook_lib.core.workspace import batch_dir
from runbook_lib.execution import batchrefs, checkpoint, lock, snapshots
from runbook_lib.execution.journal import Journal, promoted_again
from runbook_lib.gitops import checkout, gitrepo, gitwrite
from runbook_lib.planning import actions, observe
from runbook_lib.planning.approve import check_approved, plan_sha256

Checks = dict[str, Callable[[BatchContext], Check]]


@dataclass(frozen=True)
class BatchParams:
    workspace: Path
    batch: int
    backup_max_file_bytes: int = 50_000_000
    skip_checks: list[str] = field(default_factory=list)  # names of checks not to run
    # behaviour (declared cases run in a sandbox, old against new)
    cases: str = "runbook-cases.yaml"  # repo-relative YAML of declared cases
    probe: bool = False  # also run every script of the batch with no arguments, strictest
    probe_timeout: float = 5.0
    min_coverage: float = 0.0  # 0 = report only; else the share a batch must reach
    perf_threshold: float = 0.05  # new median may be at most this much slower ...
    perf_min_seconds: float = 0.05  # ... and at least this many seconds slower, to fail
    perf_runs: int = 5
    # tests: pytest collection before and after, in the sandbox (default: runbook's Python)
    tests_python: str = ""
    # containers (a Docker engine, when reachable)
    containers: bool = True
    monitor_seconds: int = 0  # watch after promotion; 0 = off
    monitor_max_unhealthy: int = 0  # more unhealthy containers than this rolls back
    snapshots: list[str] = field(default_factory=list)  # "container=command" at checkpoint


@dataclass
class BatchOutcome:
    batch: int
    status: str  # promoted, rolled_back, refused, already
    message: str
    checks: list[dict[str, Any]] = field(default_factory=list)
    commit: str = ""
    checkpoint: str = ""
    timings: dict[str, float] = field(default_factory=dict)


def run_batch(params: BatchParams, extra_checks: Checks | None = None) -> BatchOutcome:
    ws = params.workspace.resolve()
    reason = lock.stop_requested(ws)
    if reason is not None:
        raise BadInput(f"emergency stop is set ({reason}): run `runbook resume` first")
    with lock.workspace_lock(ws, f"batch {params.batch}"):
        plan = check_approved(ws, params.batch)
        batch = next(b for b in plan["batches"] if b["batch"] == params.batch)
        done = _already(ws, params.batch)
        if done is not None:
            return done
        repo = Path(plan["repo"])
        _check_files(repo, plan, batch)
        _check_checkout(repo, plan)
        auditlog.append(ws, "batch-start", batch=params.batch)
        checks = {**STATIC_CHECKS, **imports.CHECKS, **mentions.CHECKS, **tests.CHECKS,
                  **behaviour.CHECKS, **containers.CHECKS, **(extra_checks or {})}
        journal = Journal(_fresh_journal(ws, params.batch), ws)
        outcome = _execute(journal, ws, repo, batch, params, checks)
        # validation.json before the journal ends: an unfinished journal is what tells
        # `recover` that the record may be missing or stale
        _record(ws, outcome, batch)
        journal.done("finish", status=outcome.status, commit=outcome.commit)
        return outcome


def preflight(params: BatchParams) -> BatchOutcome | None:
    """The refusals `run_batch` would make, checked read-only before a notebook is started.

    Returns the outcome when the batch was already promoted (nothing to run)."""
    ws = params.workspace.resolve()
    reason = lock.stop_requested(ws)
    if reason is not None:
        raise BadInput(f"emergency stop is set ({reason}): run `runbook resume` first")
    held = lock.read_lock(ws)
    if held is not None:
        raise BadInput(f"workspace is busy: {held.operation} by pid {held.pid} (lock id "
                       f"{held.id}); if that process is gone run `runbook recover`")
    plan = check_approved(ws, params.batch)
    done = _already(ws, params.batch)
    if done is not None:
        return done
    batch = next(b for b in plan["batches"] if b["batch"] == params.batch)
    _check_files(Path(plan["repo"]), plan, batch)
    _check_checkout(Path(plan["repo"]), plan)
    return None


def _check_checkout(repo: Path, plan: dict[str, Any]) -> None:
    """Refuse, before anything is written, a checkout the batch must not touch."""
    branch = gitrepo.current_branch(repo)
    if branch is None:
        raise BadInput(f"{repo} has a detached HEAD: check out {plan['branch']} first")
    if plan.get("branch") and branch != plan["branch"]:
        raise BadInput(f"{repo} has {branch} checked out, but the plan is for "
                       f"{plan['branch']}: check out {plan['branch']} first")
    dirty = gitrepo.dirty_paths(repo)
    if dirty:
        raise BadInput(f"tracked files have uncommitted changes ({', '.join(dirty[:5])}): "
                       "commit or stash them first")


def _already(ws: Path, number: int) -> BatchOutcome | None:
    path = batch_dir(ws, number) / "validation.json"
    if not path.exists() or (batch_dir(ws, number) / "rollback.json").exists():
        return None
    previous = workspace.read_json(path)
    if previous.get("status") != "promoted" or previous.get("plan_sha256") != _plan_sha(ws):
        return None  # not promoted, or promoted under another plan: batch N is new work
    return BatchOutcome(number, "already", f"batch {number} was already promoted as "
                        f"{previous.get('commit', '')[:12]}; nothing to do",
                        commit=previous.get("commit", ""))


def _check_files(repo: Path, plan: dict[str, Any], batch: dict[str, Any]) -> None:
    """Refuse a batch whose files changed since planning (their sha256 differs)."""
    changed = [p for p in touched_paths(batch) + _canonicals(batch)
               if workspace.sha256_or_empty(repo / p) != plan["files"].get(p)]
    changed += [a["merged"] for a in batch["actions"] if a["action"] == "merge"
                and workspace.sha256_or_empty(Path(a["merged"])) != a.get("merged_sha256")]
    if changed:
        shown = ", ".join(changed[:5]) + (" ..." if len(changed) > 5 else "")
        raise BadInput(f"{len(changed)} file(s) of batch {batch['batch']} changed since "
                       f"planning: {shown}; run `runbook plan` and approve again")


def _canonicals(batch: dict[str, Any]) -> list[str]:
    return sorted({str(a["canonical"]) for a in batch["actions"] if a.get("canonical")})


def _execute(journal: Journal, ws: Path, repo: Path, batch: dict[str, Any],
             params: BatchParams, checks: Checks) -> BatchOutcome:
    number = params.batch
    timings: dict[str, float] = {}
    start = time.perf_counter()
    cp = batchrefs.checkpoint_step(journal, repo, ws, number, params.backup_max_file_bytes)
    timings["checkpoint_s"] = _lap(start)
    tree = ws / "worktrees" / f"batch-{number:03d}"
    outcome = BatchOutcome(number, "rolled_back", "", checkpoint=cp.tag)
    try:
        _apply_validate(journal, repo, ws, tree, cp, batch, params, checks, outcome, timings)
    except (RunbookError, OSError) as exc:
        if outcome.status == "promoted":  # the branch moved: say what failed after that
            outcome.checks.append({"name": "after_promotion", "status": "fail",
                                   "details": str(exc)})
            outcome.message += f"; after promotion: {exc}"
        else:
            journal.step("rollback", stoppable=False, reason=str(exc))
            outcome.status, outcome.message = "rolled_back", f"rolled back: {exc}"
    finally:
        journal.step("cleanup", stoppable=False)
        before = time.perf_counter()
        gitwrite.remove_worktree(repo, tree)
        timings["cleanup_s"] = _lap(before)
    timings["total_s"] = _lap(start)
    outcome.timings = timings
    return outcome


def _fresh_journal(ws: Path, number: int) -> Path:
    """journal.jsonl of this run; an earlier run's (complete) journal is kept beside it."""
    path = batch_dir(ws, number) / "journal.jsonl"
    if path.exists():
        path.rename(path.with_name(f"journal-{auditlog.stamp()}.jsonl"))
    return path


def _apply_validate(journal: Journal, repo: Path, ws: Path, tree: Path,
                    cp: checkpoint.Checkpoint, batch: dict[str, Any], params: BatchParams,
                    checks: Checks, outcome: BatchOutcome, timings: dict[str, float]) -> None:
    start = time.perf_counter()
    if params.snapshots:
        journal.step("snapshots", specs=list(params.snapshots))
        taken = snapshots.snapshot_services(list(params.snapshots), cp.backup_dir)
        journal.done("snapshots", files=[t.get("file", "") for t in taken])
    batchrefs.worktree_step(journal, repo, tree, int(batch["batch"]), cp.commit)
    timings["worktree_s"] = _lap(start)
    journal.step("apply")
    lines = actions.apply_actions(tree, batch)
    journal.step("commit")
    message = f"runbook batch {batch['batch']}: {len(lines)} action(s)\n\n" + "\n".join(lines)
    outcome.commit = gitwrite.commit_all(tree, message)
    journal.done("commit", commit=outcome.commit)
    timings["apply_s"] = _lap(start)
    journal.step("validate")
    ctx = BatchContext(repo, ws, tree, batch, cp.commit, outcome.commit, _baseline(ws, batch),
                       gitwrite.changed_paths(repo, cp.commit, outcome.commit), params)
    results = [_timed(name, fn, ctx, timings) for name, fn in checks.items()
               if name not in params.skip_checks]
    outcome.checks = [c.as_dict() for c in results]
    timings["validate_s"] = _lap(start) - timings["apply_s"]
    failed = [c.name for c in results if c.status == "fail"]
    if failed:
        journal.step("rollback", failed=failed)
        outcome.message = f"rolled back: check(s) failed: {', '.join(failed)}; main untouched"
        return
    journal.step("promote", new=outcome.commit, old=cp.commit, branch=cp.branch,
                 declared=sorted(ctx.changed))
    checkout.promote(repo, cp.branch, outcome.commit, cp.commit)
    journal.done("promote", commit=outcome.commit)
    timings["promote_s"] = _lap(start) - timings["apply_s"] - timings["validate_s"]
    outcome.status = "promoted"
    outcome.message = f"promoted: {cp.branch} is now {outcome.commit[:12]}"
    if params.monitor_seconds > 0:
        _watch(journal, repo, cp, ctx, params, outcome)


def _watch(journal: Journal, repo: Path, cp: checkpoint.Checkpoint, ctx: BatchContext,
           params: BatchParams, outcome: BatchOutcome) -> None:
    """The monitor window: too many unhealthy containers roll the promoted batch back."""
    journal.step("monitor", stoppable=False, seconds=params.monitor_seconds)
    watched = containers.monitor(ctx, params.monitor_seconds, params.monitor_max_unhealthy)
    outcome.checks.append(watched.as_dict())
    journal.done("monitor", status=watched.status)
    if watched.status != "fail":
        return
    head = gitrepo.head_commit(repo)
    undo = gitwrite.revert_in_index(repo, head, [outcome.commit])
    # journalled as a promotion of its own, so that `recover` can settle a crash inside it
    journal.step("promote", stoppable=False, new=undo, old=head, branch=cp.branch,
                 declared=sorted(ctx.changed), auto_rollback=True)
    checkout.promote(repo, cp.branch, undo, head)
    journal.done("promote", commit=undo, auto_rollback=True)
    outcome.status = "rolled_back"
    outcome.message = (f"promoted, then rolled back automatically by {undo[:12]}: containers "
                       f"turned unhealthy in the {params.monitor_seconds} s monitor window")


def _timed(name: str, fn: Callable[[BatchContext], Check], ctx: BatchContext,
           timings: dict[str, float]) -> Check:
    start = time.perf_counter()
    result = fn(ctx)
    timings[f"check_{name}_s"] = _lap(start)
    return result


def _baseline(ws: Path, batch: dict[str, Any]) -> Path:
    """references.csv of the newest promoted batch before this one, else discovery's."""
    for number in range(int(batch["batch"]) - 1, 0, -1):
        folder = batch_dir(ws, number)
        if (folder / "references.csv").exists() and _status(folder) == "promoted":
            return folder / "references.csv"
    return ws / "references.csv"


def _status(folder: Path) -> str:
    path = folder / "validation.json"
    if not path.exists() or (folder / "rollback.json").exists():
        return ""
    return str(workspace.read_json(path).get("status", ""))


def _plan_sha(ws: Path) -> str:
    return plan_sha256(ws / "plan.json")


def _lap(start: float) -> float:
    return round(time.perf_counter() - start, 3)


def _record(ws: Path, outcome: BatchOutcome, batch: dict[str, Any]) -> None:
    folder = batch_dir(ws, outcome.batch)
    folder.mkdir(parents=True, exist_ok=True)
    if outcome.status == "promoted":
        promoted_again(folder)
    workspace.write_json(folder / "validation.json", {
        "batch": outcome.batch, "status": outcome.status, "message": outcome.message,
        "checks": outcome.checks, "checkpoint": outcome.checkpoint, "commit": outcome.commit,
        "timings": outcome.timings, "finished": auditlog.now_utc(),
        "plan_sha256": _plan_sha(ws),
        # what a later plan observes from now on (planning.observe reads it back)
        "observe": observe.events(batch) if outcome.status == "promoted" else [],
    })
    auditlog.append(ws, "batch-end", batch=outcome.batch, result=outcome.status,
                 commit=outcome.commit, message=outcome.message)
