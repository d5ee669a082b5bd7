"""The tags and branches a batch run makes: its checkpoint tag and its branch, each journalled
with the value it had before and the name an earlier run's is kept under, so that `recover`
can give those back (execution/settle.py)."""

from __future__ import annotations

from pathlib import Path

from runbook_lib.core import auditlog, workspace
from runbook_lib.core.workspace import batch_dir
from runbook_lib.execution import checkpoint
from runbook_lib.execution.journal import Journal
from runbook_lib.gitops import gitrepo, gitwrite


def checkpoint_step(journal: Journal, repo: Path, ws: Path, number: int,
                    max_file_bytes: int) -> checkpoint.Checkpoint:
    """The checkpoint step; what it finds and renames is journalled first, so that `recover`
    can put the tags back as they were."""
    tag = checkpoint.tag_name(number)
    was = gitrepo.resolve_commit(repo, f"refs/tags/{tag}")
    kept = _earlier_checkpoint(repo, ws, number, was)
    journal.step("checkpoint", tag=tag, tag_was=was, tag_kept_as=kept)
    if kept is not None and was is not None:
        gitwrite.rename_ref(repo, f"refs/tags/{tag}", f"refs/tags/{kept}", was,
                            "keep an earlier checkpoint")
    cp = checkpoint.create_checkpoint(repo, ws, number, max_file_bytes)
    journal.done("checkpoint", tag=cp.tag, commit=cp.commit, branch=cp.branch)
    return cp


def _earlier_checkpoint(repo: Path, ws: Path, number: int, old: str | None) -> str | None:
    """A batch run again after a rollback: the name its earlier checkpoint tag is kept
    under, None when there is none to keep (or it is not ours to move: create_checkpoint
    then refuses with the reason)."""
    if old is None or old == gitrepo.head_commit(repo):
        return None
    earlier = batch_dir(ws, number) / "validation.json"
    rolled_back = earlier.exists() and workspace.read_json(earlier).get("status") == \
        "rolled_back"
    if not ((batch_dir(ws, number) / "rollback.json").exists() or rolled_back):
        return None
    return f"{checkpoint.tag_name(number)}-before-{auditlog.stamp()}"


def worktree_step(journal: Journal, repo: Path, tree: Path, number: int, base: str) -> str:
    """The batch's worktree on its branch; a branch kept from an earlier rolled-back run is
    renamed first (both journalled, so that `recover` can name it back)."""
    branch = f"runbook/batch-{number:03d}"
    was = gitrepo.resolve_commit(repo, f"refs/heads/{branch}")
    kept = f"{branch}-rolled-back-{auditlog.stamp()}" if was else None
    journal.step("worktree", path=str(tree), branch=branch, branch_was=was,
                 branch_kept_as=kept)
    if kept is not None and was is not None:
        gitwrite.rename_ref(repo, f"refs/heads/{branch}", f"refs/heads/{kept}", was,
                            "keep an earlier batch branch")
    gitwrite.add_worktree(repo, tree, branch, base)
    return branch
