"""Settling one interrupted run (a batch or a rollback) from its journal: the repository back
to exactly the state before the run or exactly the state after it, then its records.

Every step looks before it acts, so settling the same journal again (after a crash of
`recover` itself) finds its work done and changes nothing more.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from runbook_lib.core import auditlog, workspace
from runbook_lib.core.errors import RunbookError
from runbook_lib.execution.journal import Journal, promoted_again, read_journal
from runbook_lib.gitops import checkout, gitrepo, gitwrite
from runbook_lib.planning import observe
from runbook_lib.planning.approve import plan_sha256


@dataclass(frozen=True)
class Recovered:
    journal: str  # workspace-relative path of the journal, or what was repaired
    state: str  # before or after (the run), repaired (the repository or workspace)
    actions: list[str]


def settle_run(ws: Path, repo: Path, path: Path) -> Recovered:
    records = read_journal(path)
    folder, kind = path.parent, path.parent.parent.name  # batches/NNN or rollbacks/STAMP
    actions: list[str] = []
    promote = start_of(records, "promote")
    undoing = bool(promote and promote["data"].get("auto_rollback"))
    state = "before"
    if promote is not None:
        state = _settle_promotion(repo, folder, promote["data"], actions)
        if undoing:  # that promotion undid the batch: its "after" is the batch's "before"
            state = "before" if state == "after" else "after"
    if state == "before" and not undoing and kind == "batches":
        _forget_batch(repo, records, actions)
    if kind == "rollbacks" and state == "after":
        _mark_reverted(ws, records, actions)
    if kind == "batches":
        _record(ws, folder, state, records, actions)
        if state == "after":
            promoted_again(folder)
    Journal(path).done("finish", status="promoted" if state == "after" else "rolled_back",
                       recovered=True)  # last: until it is written, all of this is redone
    return Recovered(path.relative_to(ws).as_posix(), state, actions)


def start_of(records: list[dict[str, Any]], step: str) -> dict[str, Any] | None:
    starts = [r for r in records if r["step"] == step and r["phase"] == "start"]
    return starts[-1] if starts else None


def _settle_promotion(repo: Path, folder: Path, data: dict[str, Any],
                      actions: list[str]) -> str:
    """The branch is at new (finish the checkout) or at old (put its files back)."""
    branch, new, old = str(data["branch"]), str(data["new"]), str(data["old"])
    at = gitrepo.resolve_commit(repo, f"refs/heads/{branch}")
    if at not in (new, old):
        raise RunbookError(f"{branch} is at {str(at)[:12]}, neither before nor after the "
                           "interrupted run; resolve by hand")
    target, other = (new, old) if at == new else (old, new)
    declared = [str(p) for p in data.get("declared", [])]
    aside = folder / f"set-aside-{auditlog.stamp()}"
    home = gitwrite.checkout_of(repo, branch)
    if home is not None and checkout.differs(home, target, other):
        kept = checkout.settle(home, target, other, aside, declared)
        how = "finished the checkout of" if at == new else "put back the checkout's files at"
        actions.append(f"{how} {branch} {target[:12]} from the journal's commits")
        actions += [f"kept a copy of {p} (it held neither version) in {aside}" for p in kept]
    elif at == new:
        actions.append(f"{branch} was already at {new[:12]} with its files")
    return "after" if at == new else "before"


def _forget_batch(repo: Path, records: list[dict[str, Any]], actions: list[str]) -> None:
    """Before-state: the run's branch and checkpoint tag go, and the names an earlier run's
    branch and tag were kept under are given back."""
    step = start_of(records, "worktree")
    if step is not None:
        data = step["data"]
        _put_back(repo, "refs/heads/", str(data["branch"]), data.get("branch_was"),
                  data.get("branch_kept_as"), actions)
    step = start_of(records, "checkpoint")
    if step is not None and step["data"].get("tag"):
        data = step["data"]
        _put_back(repo, "refs/tags/", str(data["tag"]), data.get("tag_was"),
                  data.get("tag_kept_as"), actions)


def _put_back(repo: Path, space: str, name: str, was: str | None, kept: str | None,
              actions: list[str]) -> None:
    """Make `space+name` hold `was` (absent when None) and drop the name it was kept under."""
    kind = "branch" if space == "refs/heads/" else "tag"
    delete = gitwrite.delete_branch if kind == "branch" else gitwrite.delete_tag
    now = gitrepo.resolve_commit(repo, f"{space}{name}")
    if now != was and was is None:
        delete(repo, name, now)
        actions.append(f"deleted {kind} {name} (made by the interrupted run)")
    elif now != was and was is not None:
        gitwrite.put_ref(repo, f"{space}{name}", was, now, "recover: put back")
        actions.append(f"put {kind} {name} back at {was[:12]}")
    if kept and gitrepo.resolve_commit(repo, f"{space}{kept}") is not None:
        delete(repo, kept, was)
        actions.append(f"removed {kind} {kept} (the run had renamed {name} to it)")


def _mark_reverted(ws: Path, records: list[dict[str, Any]], actions: list[str]) -> None:
    """An interrupted `runbook rollback` that did land: its batches count as rolled back."""
    revert = start_of(records, "revert")
    for number in (revert or {}).get("data", {}).get("batches", []):
        path = ws / "batches" / f"{int(number):03d}" / "rollback.json"
        if not path.exists():
            workspace.write_json(path, {"reverted_by": "recover", "at": auditlog.now_utc()})
            actions.append(f"recorded batch {number} as rolled back")


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
        "observe": _observed(ws, int(folder.name)) if state == "after" else [],
    })


def _observed(ws: Path, number: int) -> list[dict[str, str]]:
    """What the promoted batch starts observing (as run_batch records it)."""
    plan = workspace.read_json(ws / "plan.json")
    batch = next((b for b in plan["batches"] if int(b["batch"]) == number), None)
    return observe.events(batch) if batch is not None else []
