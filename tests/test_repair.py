"""What killed git commands leave, found and cleared: stale locks (never one a live process
may hold), locked or half-made worktrees of ours, broken refs of ours."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path

import pytest

from conftest import git
from runbook_lib.core.errors import BadInput
from runbook_lib.gitops import gitwrite, leftovers, repair
from userrepo import BRANCH, head, state, user_repo

LOCKS = ["index.lock", "HEAD.lock", "refs/heads/main.lock", "packed-refs.lock"]


def kinds(repo: Path, ours: Path) -> list[tuple[str, str]]:
    return [(f.kind, f.path.name) for f in leftovers.find(repo, ours)]


@contextmanager
def running(argv: list[str], cwd: Path | None = None,
            holding: Path | None = None) -> Iterator[subprocess.Popen[bytes]]:
    """A process that runs for the block, killed and reaped after it on every path. It holds
    `holding` open as its stdin (our own handle is closed at once: only it has the file open),
    or else waits for input on a pipe."""
    with open(holding, "rb") if holding else nullcontext(subprocess.PIPE) as stdin:
        process = subprocess.Popen(argv, cwd=cwd, stdin=stdin, stdout=subprocess.DEVNULL)
    with process:  # on leaving: closes our end of the pipe and reaps the process
        try:
            yield process
        finally:
            process.kill()


def test_stale_locks_are_removed_one_line_each(tmp_path: Path) -> None:
    repo = user_repo(tmp_path)
    for name in LOCKS:
        (repo / ".git" / name).write_text("", encoding="utf-8")
    before = state(repo)
    with pytest.raises(subprocess.CalledProcessError):
        git(repo, "update-ref", "refs/heads/main", head(repo))  # what the user runs into
    said = repair.repair_all(repo, tmp_path / "ws" / "worktrees")
    assert sorted(said) == sorted(f"removed the stale lock .git/{name} (no live process held "
                                  "it)" for name in LOCKS)
    assert kinds(repo, tmp_path / "ws" / "worktrees") == []
    assert repair.repair_all(repo, tmp_path / "ws" / "worktrees") == []  # twice: nothing
    assert state(repo) == before
    git(repo, "update-ref", "refs/heads/main", head(repo))


def test_a_lock_a_live_process_holds_open_is_left_alone(tmp_path: Path) -> None:
    repo = user_repo(tmp_path)
    lock = repo / ".git" / "index.lock"
    lock.write_text("", encoding="utf-8")
    with running(["sleep", "60"], holding=lock) as holder:
        found = leftovers.find(repo, tmp_path / "ours")
        assert [(f.kind, f.detail) for f in found] == [("busy", str(holder.pid))]
        with pytest.raises(BadInput, match=f"pid {holder.pid}.*index.lock"):
            repair.repair(repo, found)
        assert lock.exists()
    assert kinds(repo, tmp_path / "ours") == [("lock", "index.lock")]


def test_no_lock_is_removed_while_git_works_in_the_repository(tmp_path: Path) -> None:
    repo = user_repo(tmp_path)
    (repo / ".git" / "HEAD.lock").write_text("", encoding="utf-8")
    # a git command still running there (it waits for input), that may own the lock
    with running(["git", "cat-file", "--batch"], cwd=repo):
        assert kinds(repo, tmp_path / "ours") == [("busy", "HEAD.lock")]
    assert kinds(repo, tmp_path / "ours") == [("lock", "HEAD.lock")]


def test_a_locked_half_made_worktree_of_ours_is_unlocked_and_removed(tmp_path: Path) -> None:
    """As `git worktree add` leaves it when killed during its checkout."""
    repo = user_repo(tmp_path)
    ours = tmp_path / "ws" / "worktrees"
    tree = ours / "batch-001"
    gitwrite.add_worktree(repo, tree, BRANCH, head(repo))
    git(repo, "worktree", "lock", "--reason", "initializing", str(tree))
    (tree / "run.sh").unlink()  # the checkout did not finish
    theirs = tmp_path / "their-tree"
    git(repo, "worktree", "add", "-q", "-b", "feature", str(theirs))
    git(repo, "worktree", "lock", "--reason", "on a usb disk", str(theirs))
    git(repo, "worktree", "prune")
    with pytest.raises(BadInput, match="checked out"):
        gitwrite.delete_branch(repo, BRANCH)  # what recover used to stop at
    assert kinds(repo, ours) == [("worktree", "batch-001")]
    said = repair.repair_all(repo, ours)
    assert said == [f"unlocked (initializing) and removed the worktree {tree}"]
    assert not tree.exists() and theirs.exists()
    listing = git(repo, "worktree", "list", "--porcelain")
    assert "batch-001" not in listing and "locked on a usb disk" in listing
    assert gitwrite.delete_branch(repo, BRANCH)
    assert repair.repair_all(repo, ours) == []


def test_a_worktree_entry_killed_before_it_had_a_path_is_cleared(tmp_path: Path) -> None:
    repo = user_repo(tmp_path)
    admin = repo / ".git" / "worktrees" / "batch-002"
    admin.mkdir(parents=True)
    (admin / "locked").write_text("initializing", encoding="utf-8")
    git(repo, "worktree", "prune")
    assert admin.exists()  # the lock keeps prune away
    said = repair.repair_all(repo, tmp_path / "ours")
    assert said == ["cleared the half-made worktree entry .git/worktrees/batch-002 (a killed "
                    "`git worktree add`)"]
    assert not admin.exists()


def test_a_folder_left_in_our_worktrees_is_removed(tmp_path: Path) -> None:
    repo = user_repo(tmp_path)
    ours = tmp_path / "ws" / "worktrees"
    (ours / "batch-003").mkdir(parents=True)
    (ours / "batch-003" / "run.sh").write_text("half\n", encoding="utf-8")
    assert repair.repair_all(repo, ours) == [
        f"removed {ours / 'batch-003'} (a batch worktree git no longer knows)"]
    assert not (ours / "batch-003").exists()


def test_broken_refs_of_ours_are_removed_and_others_kept(tmp_path: Path) -> None:
    repo = user_repo(tmp_path)
    refs = repo / ".git" / "refs"
    (refs / "heads" / "runbook").mkdir(parents=True)
    (refs / "heads" / "runbook" / "batch-009").write_text("", encoding="utf-8")
    (refs / "tags" / "runbook").mkdir(parents=True)
    (refs / "tags" / "runbook" / "checkpoint-009").write_text("4a2f", encoding="utf-8")
    (refs / "heads" / "mine").write_text("", encoding="utf-8")  # not ours: left for the user
    gitwrite.create_tag(repo, "runbook/checkpoint-001", head(repo))
    said = repair.repair_all(repo, tmp_path / "ours")
    assert said == [
        "removed the broken ref refs/heads/runbook/batch-009 (its file held no commit)",
        "removed the broken ref refs/tags/runbook/checkpoint-009 (its file held no commit)"]
    assert (refs / "heads" / "mine").exists()
    assert git(repo, "tag", "--list") == "runbook/checkpoint-001\n"
