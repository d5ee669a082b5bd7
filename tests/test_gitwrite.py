from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from conftest import git
from runbook_lib.core.errors import BadInput, RunbookError
from runbook_lib.gitops import checkout, gitwrite
from userrepo import BRANCH, batch_commit, head, state, user_repo


def test_revert_commits_restores_old_content_keeping_history(tmp_path: Path) -> None:
    repo = user_repo(tmp_path)
    base = head(repo)
    first = batch_commit(repo, tmp_path / "wt1", base)
    checkout.promote(repo, "main", first, base)
    gitwrite.add_worktree(repo, tmp_path / "wt2", "runbook/batch-002", first)
    (tmp_path / "wt2" / "data.txt").write_text("batch 2\n", encoding="utf-8")
    second = gitwrite.commit_all(tmp_path / "wt2", "batch 2")
    checkout.promote(repo, "main", second, first)
    before = state(repo)

    reverted = gitwrite.revert_in_index(repo, second, [first, second])  # newest first
    assert git(repo, "rev-parse", f"{reverted}^{{tree}}") == git(repo, "rev-parse",
                                                                 f"{base}^{{tree}}")
    history = git(repo, "rev-list", reverted).split()
    assert history[2:] == [second, first, base]  # nothing rewritten, two new commits
    subjects = git(repo, "log", "--format=%s", "-2", reverted).splitlines()
    assert subjects == ['Revert "batch 1"', 'Revert "batch 2"']
    checkout.promote(repo, "main", reverted, second)
    assert (repo / "old.sh").read_text(encoding="utf-8") == "#!/bin/sh\necho old\n"
    assert os.stat(repo / "old.sh").st_mode & 0o777 == 0o755
    assert not (repo / "new.sh").exists()
    assert state(repo)[".env"] == before[".env"] and state(repo)["notes.txt"] == before[
        "notes.txt"]
    assert git(repo, "status", "--porcelain") == "?? notes.txt\n"


def test_revert_conflict_leaves_nothing_behind(tmp_path: Path) -> None:
    repo = user_repo(tmp_path)
    base = head(repo)
    first = batch_commit(repo, tmp_path / "wt1", base)
    checkout.promote(repo, "main", first, base)
    (repo / "run.sh").write_text("#!/bin/sh\necho user changed it again\n", encoding="utf-8")
    git(repo, "commit", "-qam", "user work on run.sh")
    tip = head(repo)
    refs_before = git(repo, "for-each-ref")
    with pytest.raises(RunbookError, match="conflict"):
        gitwrite.revert_in_index(repo, tip, [first])
    assert head(repo, "main") == tip and git(repo, "for-each-ref") == refs_before
    assert git(repo, "status", "--porcelain", "--untracked-files=no") == ""
    with pytest.raises(BadInput, match="not in the history"):
        gitwrite.revert_in_index(repo, base, [first])


def test_worktree_add_is_idempotent_and_refuses_a_moved_branch(tmp_path: Path) -> None:
    repo = user_repo(tmp_path)
    base = head(repo)
    tree = tmp_path / "wt"
    gitwrite.add_worktree(repo, tree, BRANCH, base)
    gitwrite.add_worktree(repo, tree, BRANCH, base)  # twice: the same worktree
    assert git(repo, "worktree", "list", "--porcelain").count("worktree ") == 2
    (tree / "x.txt").write_text("x\n", encoding="utf-8")
    new = gitwrite.commit_all(tree, "x")
    gitwrite.remove_worktree(repo, tree)
    with pytest.raises(BadInput, match="already exists"):
        gitwrite.add_worktree(repo, tmp_path / "wt-b", BRANCH, base)
    gitwrite.add_worktree(repo, tmp_path / "wt-c", BRANCH, new)  # already at that base
    gitwrite.remove_worktree(repo, tmp_path / "wt-c")
    with pytest.raises(BadInput, match="checked out"):
        gitwrite.delete_branch(repo, "main")
    with pytest.raises(BadInput, match="moved"):
        gitwrite.delete_branch(repo, BRANCH, expected=base)
    assert gitwrite.delete_branch(repo, BRANCH, expected=new)
    assert not gitwrite.delete_branch(repo, BRANCH)
    assert git(repo, "worktree", "list", "--porcelain").count("worktree ") == 1


def test_worktree_removal_refuses_what_is_not_ours(tmp_path: Path) -> None:
    repo = user_repo(tmp_path)
    with pytest.raises(BadInput, match="main worktree"):
        gitwrite.remove_worktree(repo, repo)
    other = tmp_path / "not-a-worktree"
    other.mkdir()
    (other / "file").write_text("keep\n", encoding="utf-8")
    with pytest.raises(BadInput, match="not a worktree"):
        gitwrite.remove_worktree(repo, other)
    assert (other / "file").read_text(encoding="utf-8") == "keep\n"
    assert (repo / "notes.txt").exists()


def test_commit_all_refuses_the_users_checkout_and_empty_commits(tmp_path: Path) -> None:
    repo = user_repo(tmp_path)
    base = head(repo)
    with pytest.raises(BadInput, match="not a linked worktree"):
        gitwrite.commit_all(repo, "would sweep up the user's work")
    assert head(repo) == base and git(repo, "status", "--porcelain") == "?? notes.txt\n"
    gitwrite.add_worktree(repo, tmp_path / "wt", BRANCH, base)
    with pytest.raises(BadInput, match="nothing to commit"):
        gitwrite.commit_all(tmp_path / "wt", "empty")
    assert head(tmp_path / "wt") == base


def test_tags_are_created_once_and_deleted_by_expected_value(tmp_path: Path) -> None:
    repo = user_repo(tmp_path)
    base = head(repo)
    assert gitwrite.create_tag(repo, "runbook/checkpoint-001", base)
    assert not gitwrite.create_tag(repo, "runbook/checkpoint-001", base)
    new = batch_commit(repo, tmp_path / "wt", base)
    with pytest.raises(BadInput, match="already points at"):
        gitwrite.create_tag(repo, "runbook/checkpoint-001", new)
    with pytest.raises(BadInput, match="moved"):
        gitwrite.delete_tag(repo, "runbook/checkpoint-001", expected=new)
    assert gitwrite.delete_tag(repo, "runbook/checkpoint-001", expected=base)
    assert not gitwrite.delete_tag(repo, "runbook/checkpoint-001")
    assert git(repo, "tag", "--list") == ""


def test_worktree_folder_deleted_by_hand_does_not_block(tmp_path: Path) -> None:
    repo = user_repo(tmp_path)
    base = head(repo)
    tree = tmp_path / "wt"
    gitwrite.add_worktree(repo, tree, BRANCH, base)
    shutil.rmtree(tree)  # e.g. a crash cleanup that removed the folder only
    gitwrite.add_worktree(repo, tree, BRANCH, base)
    assert (tree / "run.sh").exists()
    gitwrite.remove_worktree(repo, tree)
    assert git(repo, "worktree", "list", "--porcelain").count("worktree ") == 1
