"""Recovery after a crash: from each unfinished journal, back to exactly before or after."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from runbook_lib.core import auditlog, workspace
from runbook_lib.core.errors import BadInput, RunbookError
from runbook_lib.execution import checkpoint, lock
from runbook_lib.execution.journal import Journal, promoted_again, read_journal
from runbook_lib.gitops import gitrepo, gitwrite
from runbook_lib.planning.plan import plan_sha256


@dataclass(frozen=True)
class Recovered:
    journal: str
    state: str  # before or after
    actions: list[str]


def unfinished(ws: Path) -> list[Path]:
    journals = sorted((ws / "batches").glob("*/journal.jsonl"))
    journals += sorted((ws / "rollbacks").glob("*/journal.jsonl"))
    return [j for j in journals if not _finished(read_journal(j))]


def _finished(records: list[dict[str, Any]]) -> bool:
    return any(r["step"] == "finish" and r["phase"] == "done" for r in records)


def recover(ws_in: Path) -> list[Recovered]:
    ws = ws_in.resolve()
    held = lock.read_lock(ws)
    if held is not None and lock.holder_alive(held) is not False:
        raise BadInput(f"{held.operation} is still running (pid {held.pid} on {held.host}), or "
                       "runs on another host; stop it with `runbook stop` instead")
    repo = Path(workspace.read_json(ws / "plan.json")["repo"])
    if held is not None:
        lock.unlock(ws, held.id)
    with lock.workspace_lock(ws, "recover"):
        done = [_recover_one(ws, repo, path) for path in unfinished(ws)]
    _prune(repo)
    auditlog.append(ws, "recover", result="ok", recovered=[r.__dict__ for r in done],
                 stale_lock=held.id if held else None)
    return done


def _recover_one(ws: Path, repo: Path, path: Path) -> Recovered:
    records = read_journal(path)
    promote = _start_of(records, "promote")
    actions: list[str] = []
    state = "before"
    if promote is not None:
        state = _settle_promotion(repo, promote["data"], actions)
        if promote["data"].get("auto_rollback"):
            state = "before" if state == "after" else "after"  # it undid the batch
    _remove_worktree(records, repo, actions)
    if state == "before" and not (promote or {}).get("data", {}).get("auto_rollback"):
        _forget_batch(ws, repo, records, path, actions)
    if path.parent.parent.name == "rollbacks" and state == "after":
        _mark_reverted(ws, records, actions)
    Journal(path).done("finish", status="promoted" if state == "after" else "rolled_back",
                       recovered=True)
    if path.parent.parent.name == "batches":
        _record(ws, path.parent, state, records, actions)
        if state == "after":
            promoted_again(path.parent)
    return Recovered(str(path.relative_to(ws)), state, actions)


def _mark_reverted(ws: Path, records: list[dict[str, Any]], actions: list[str]) -> None:
    """An interrupted `runbook rollback` that did land: its batches count as rolled back."""
    revert = _start_of(records, "revert")
    for number in (revert or {}).get("data", {}).get("batches", []):
        workspace.write_json(ws / "batches" / f"{int(number):03d}" / "rollback.json",
                             {"reverted_by": "recover", "at": auditlog.now_utc()})
        actions.append(f"recorded batch {number} as rolled back")


def _start_of(records: list[dict[str, Any]], step: str) -> dict[str, Any] | None:
    starts = [r for r in records if r["step"] == step and r["phase"] == "start"]
    return starts[-1] if starts else None


def _settle_promotion(repo: Path, data: dict[str, Any], actions: list[str]) -> str:
    """The branch is at new (finish the checkout) or at old (nothing was promoted)."""
    branch, new, old = str(data["branch"]), str(data["new"]), str(data["old"])
    at = gitrepo.resolve_commit(repo, f"refs/heads/{branch}")
    if at == new:
        how = gitwrite.sync_checkout(repo, old, new, list(data.get("declared", [])))
        actions.append(f"finished the promotion of {branch} to {new[:12]} ({how})")
        return "after"
    if at != old:
        raise RunbookError(f"{branch} is at {str(at)[:12]}, neither before nor after the "
                           "interrupted run; resolve by hand")
    if gitrepo.dirty_paths(repo):
        gitwrite.restore_checkout(repo, new, old)
        actions.append("put the checkout's files back to the checkpoint")
    return "before"


def _remove_worktree(records: list[dict[str, Any]], repo: Path, actions: list[str]) -> None:
    start = _start_of(records, "worktree")
    if start is None or not Path(start["data"]["path"]).exists():
        return
    gitwrite.remove_worktree(repo, Path(start["data"]["path"]))
    actions.append(f"removed worktree {start['data']['path']}")


def _forget_batch(ws: Path, repo: Path, records: list[dict[str, Any]], path: Path,
                  actions: list[str]) -> None:
    """Before-state: the interrupted run's branch and checkpoint tag go too."""
    start = _start_of(records, "worktree")
    if start is not None and gitwrite.delete_branch(repo, str(start["data"]["branch"])):
        actions.append(f"deleted branch {start['data']['branch']}")
    cp = next((r for r in records if r["step"] == "checkpoint"), None)
    if cp is not None and path.parent.parent.name == "batches":
        tag = checkpoint.tag_name(int(path.parent.name))
        if gitwrite.delete_tag(repo, tag):
            actions.append(f"deleted tag {tag}")


def _prune(repo: Path) -> None:
    gitwrite.git(repo, "worktree", "prune", check=False)


def _record(ws: Path, folder: Path, state: str, records: list[dict[str, Any]],
            actions: list[str]) -> None:
    commit = next((r["data"].get("commit", "") for r in records
                   if r["step"] == "commit" and r["phase"] == "done"), "")
    workspace.write_json(folder / "validation.json", {
        "batch": int(folder.name), "status": "promoted" if state == "after" else "rolled_back",
        "message": f"recovered after an interrupted run: {'; '.join(actions) or 'nothing to do'}",
        "checks": [], "commit": commit if state == "after" else "", "recovered": True,
        "finished": auditlog.now_utc(), "timings": {},
        "plan_sha256": plan_sha256(ws / "plan.json"),
    })
