"""Roll back promoted batches by reverting them as new commits (history kept, never reset)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from runbook_lib.core import auditlog, workspace
from runbook_lib.core.errors import BadInput
from runbook_lib.core.workspace import batch_dir
from runbook_lib.execution import lock
from runbook_lib.execution.journal import Journal
from runbook_lib.gitops import checkout, gitrepo, gitwrite


@dataclass(frozen=True)
class RollbackParams:
    workspace: Path
    to: int


@dataclass(frozen=True)
class RollbackOutcome:
    batches: list[int]
    commit: str
    seconds: float
    message: str


def promoted_batches(ws: Path) -> dict[int, str]:
    """Batch number -> its promoted commit, for batches not rolled back since."""
    found: dict[int, str] = {}
    for folder in sorted((ws / "batches").glob("[0-9][0-9][0-9]")):
        path = folder / "validation.json"
        if not path.exists() or (folder / "rollback.json").exists():
            continue
        result = workspace.read_json(path)
        if result.get("status") == "promoted" and result.get("commit"):
            found[int(folder.name)] = str(result["commit"])
    return found


def rollback(params: RollbackParams) -> RollbackOutcome:
    start = time.perf_counter()
    ws = params.workspace.resolve()
    with lock.workspace_lock(ws, f"rollback to {params.to}"):
        repo = Path(workspace.read_json(ws / "plan.json")["repo"])
        targets = {n: c for n, c in promoted_batches(ws).items() if n >= params.to}
        if not targets:
            raise BadInput(f"no promoted batch at or after batch {params.to}: nothing to roll back")
        branch = _refuse_unsafe(repo)
        head = gitrepo.head_commit(repo)
        auditlog.append(ws, "rollback-start", to=params.to, batches=sorted(targets))
        new, seconds = _revert(ws, repo, branch, head, targets, start)
        auditlog.append(ws, "rollback-end", result="ok", commit=new, seconds=seconds)
    numbers = sorted(targets, reverse=True)
    return RollbackOutcome(numbers, new, seconds, f"reverted batch(es) {numbers} as "
                           f"{new[:12]} in {seconds:.2f} s; untracked and ignored files untouched")


def _refuse_unsafe(repo: Path) -> str:
    branch = gitrepo.current_branch(repo)
    if branch is None:
        raise BadInput(f"{repo} has a detached HEAD: check out the branch the batches went to")
    dirty = gitrepo.dirty_paths(repo)
    if dirty:
        shown = ", ".join(dirty[:5]) + (" ..." if len(dirty) > 5 else "")
        raise BadInput(f"tracked files have uncommitted edits ({shown}): commit or stash them "
                       "first; rollback never discards work")
    return branch


def _revert(ws: Path, repo: Path, branch: str, head: str, targets: dict[int, str],
            start: float) -> tuple[str, float]:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
    folder = ws / "rollbacks" / stamp
    journal = Journal(folder / "journal.jsonl")
    journal.step("revert", batches=sorted(targets))
    new = gitwrite.revert_in_index(repo, head, list(targets.values()))
    journal.done("revert", commit=new)
    journal.step("promote", new=new, old=head, branch=branch,
                 declared=_declared(repo, head, new))
    checkout.promote(repo, branch, new, head)
    journal.done("promote", commit=new)
    seconds = round(time.perf_counter() - start, 3)
    for number in targets:  # before the journal ends: a crash here is settled by recover
        workspace.write_json(batch_dir(ws, number) / "rollback.json",
                             {"reverted_by": new, "at": auditlog.now_utc(), "seconds": seconds})
    journal.done("finish", status="rolled_back", commit=new)
    return new, seconds


def _declared(repo: Path, old: str, new: str) -> list[str]:
    return sorted(gitwrite.changed_paths(repo, old, new))
