"""Promotion into the user's checkout, and settling a checkout left half-way by a kill."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from conftest import git
from runbook_lib.core.errors import BadInput, RunbookError
from runbook_lib.gitops import checkout, gitwrite
from userrepo import BRANCH, batch_commit, batched_repo, head, left_alone, state, user_repo


def test_promote_moves_branch_and_checkout_and_keeps_user_files(tmp_path: Path) -> None:
    repo = user_repo(tmp_path)
    base = head(repo)
    tree = tmp_path / "ws" / "worktrees" / "batch-001"
    new = batch_commit(repo, tree, base)
    assert gitwrite.changed_paths(repo, base, new) == {
        "new.sh": "A", "old.sh": "D", "run.sh": "M"}
    assert "# kept" in git(repo, "log", "-1", "--format=%B", new)
    assert head(repo) == base  # the user's branch has not moved yet
    (repo / "data.txt").write_text("user edit, not committed\n", encoding="utf-8")
    before = state(repo)

    checkout.promote(repo, "main", new, base)

    assert head(repo, "refs/heads/main") == new and gitwrite.current_branch(repo) == "main"
    after = state(repo)
    assert (repo / "run.sh").read_text(encoding="utf-8") == "#!/bin/sh\necho consolidated\n"
    assert not (repo / "old.sh").exists()
    assert after["run.sh"][0] == 0o755 and after["new.sh"][0] == 0o755
    for kept in ["notes.txt", ".env", "data.txt", ".gitignore"]:
        assert after[kept] == before[kept]  # content, mode and mtime: never touched
    assert after[".env"][0] == 0o600
    assert git(repo, "status", "--porcelain") == " M data.txt\n?? notes.txt\n"
    assert "runbook: promote" in git(repo, "reflog", "-1", "--format=%gs", "main")

    gitwrite.remove_worktree(repo, tree)
    gitwrite.remove_worktree(repo, tree)  # twice: nothing left to do
    assert not tree.exists()
    assert git(repo, "worktree", "list", "--porcelain").count("worktree ") == 1
    assert gitwrite.branch_exists(repo, BRANCH)  # kept for inspection


def test_promote_when_branch_moved_moves_nothing(tmp_path: Path) -> None:
    repo, base, new = batched_repo(tmp_path)
    (repo / "data.txt").write_text("user commit meanwhile\n", encoding="utf-8")
    git(repo, "commit", "-qam", "user work")
    moved = head(repo)
    with left_alone(repo, moved), pytest.raises(RunbookError) as failed:
        checkout.promote(repo, "refs/heads/main", new, base)
    assert str(failed.value) == (f"branch main moved since the checkpoint (expected "
                                 f"{base[:12]}, found {moved[:12]}); nothing promoted")
    assert git(repo, "status", "--porcelain") == "?? notes.txt\n"


def test_promote_refuses_an_ignored_file_in_the_way(tmp_path: Path) -> None:
    repo = user_repo(tmp_path)
    base = head(repo)
    (repo / "generated.sh").write_text("the user's own ignored file\n", encoding="utf-8")
    tree = tmp_path / "wt"
    gitwrite.add_worktree(repo, tree, BRANCH, base)
    (tree / "generated.sh").write_text("#!/bin/sh\n", encoding="utf-8")
    git(tree, "add", "-f", "generated.sh")
    git(tree, "commit", "-qm", "adds a path the user has as an ignored file")
    with (left_alone(repo, base),
          pytest.raises(BadInput, match=r"in the way of the batch.*generated\.sh")):
        checkout.promote(repo, "main", head(tree), base)


def test_promote_refuses_an_uncommitted_edit_to_a_changed_file(tmp_path: Path) -> None:
    repo, base, new = batched_repo(tmp_path)
    (repo / "run.sh").write_text("#!/bin/sh\necho my edit\n", encoding="utf-8")
    with left_alone(repo, base), pytest.raises(BadInput, match=r"run\.sh"):
        checkout.promote(repo, "main", new, base)


def test_promote_refuses_a_non_fast_forward(tmp_path: Path) -> None:
    repo, base, new = batched_repo(tmp_path)
    with pytest.raises(BadInput, match="not a fast-forward"):
        checkout.promote(repo, "main", base, new)
    assert head(repo, "main") == base


def test_promote_of_a_branch_not_checked_out_leaves_the_checkout(tmp_path: Path) -> None:
    repo, base, new = batched_repo(tmp_path)
    git(repo, "checkout", "-q", "-b", "feature")
    before = state(repo)
    checkout.promote(repo, "main", new, base)
    assert head(repo, "main") == new and head(repo) == base and state(repo) == before


def test_failed_checkout_update_puts_the_branch_back(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo, base, new = batched_repo(tmp_path)
    real = checkout.git

    def failing(cwd: Path, *args: str, **kw: object) -> object:
        if args[:3] == ("read-tree", "-m", "-u") and "-n" not in args:
            raise RunbookError("git read-tree failed (exit 128): disk full")
        return real(cwd, *args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(checkout, "git", failing)
    with left_alone(repo, base), pytest.raises(RunbookError, match="put back"):
        checkout.promote(repo, "main", new, base)


def test_settle_finishes_an_interrupted_promotion(tmp_path: Path) -> None:
    repo, base, new = batched_repo(tmp_path)
    gitwrite.cas_ref(repo, "refs/heads/main", new, base, "test")  # killed after the ref moved
    before = state(repo)
    assert checkout.differs(repo, new, base)
    assert checkout.settle(repo, new, base) == []
    assert git(repo, "status", "--porcelain") == "?? notes.txt\n"
    assert not checkout.differs(repo, new, base)  # a second time finds nothing to do
    after = state(repo)
    assert after[".env"] == before[".env"] and after["notes.txt"] == before["notes.txt"]
    assert after["new.sh"][0] == 0o755 and "old.sh" not in after


def test_settle_a_checkout_killed_inside_read_tree(tmp_path: Path) -> None:
    """What a killed `read-tree -m -u` leaves: the index still old, one file new, one
    deleted, one cut short while being written. Both directions come back exactly."""
    repo, base, new = batched_repo(tmp_path)
    for target, other in ((new, base), (base, new)):
        gitwrite.cas_ref(repo, "refs/heads/main", target, other, "test")
        git(repo, "read-tree", other)  # the index as the killed command found it
        git(repo, "checkout-index", "-f", "-a")
        (repo / "run.sh").write_text("#!/bin/sh\necho consolidated\n", encoding="utf-8")
        (repo / "old.sh").unlink(missing_ok=True)
        (repo / "new.sh").write_text("#!/bin/sh\nexec ./ru", encoding="utf-8")  # torn
        aside = tmp_path / f"aside-{target[:6]}"
        with pytest.raises(RunbookError, match="not in the journal"):
            checkout.settle(repo, target, other, aside, declared=["run.sh"])
        with pytest.raises(BadInput, match="neither before nor after"):
            checkout.settle(repo, target, other)  # nowhere to keep new.sh: refused
        kept = checkout.settle(repo, target, other, aside, ["run.sh", "old.sh", "new.sh"])
        assert kept == ["new.sh"]
        assert (aside / "new.sh").read_text(encoding="utf-8") == "#!/bin/sh\nexec ./ru"
        assert git(repo, "status", "--porcelain") == "?? notes.txt\n"
        assert git(repo, "diff", "--stat", target) == ""
        assert (repo / ".env").read_text(encoding="utf-8") == "TOKEN=secret\n"
    assert (repo / "old.sh").exists() and not (repo / "new.sh").exists()
    assert os.stat(repo / "run.sh").st_mode & 0o777 == 0o755


def test_settle_refuses_a_file_where_a_folder_belongs(tmp_path: Path) -> None:
    repo = user_repo(tmp_path)
    base = head(repo)
    tree = tmp_path / "wt"
    gitwrite.add_worktree(repo, tree, BRANCH, base)
    (tree / "lib").mkdir()
    (tree / "lib" / "x.sh").write_text("#!/bin/sh\n", encoding="utf-8")
    new = gitwrite.commit_all(tree, "adds lib/x.sh")
    gitwrite.cas_ref(repo, "refs/heads/main", new, base, "test")
    (repo / "lib").write_text("the user's own file\n", encoding="utf-8")
    with pytest.raises(BadInput, match="in the way"):
        checkout.settle(repo, new, base, tmp_path / "aside", ["lib/x.sh"])
    assert (repo / "lib").read_text(encoding="utf-8") == "the user's own file\n"


def test_user_hooks_never_run(tmp_path: Path) -> None:
    repo = user_repo(tmp_path)
    marker = tmp_path / "hook-ran"
    hooks = repo / ".git" / "hooks"
    for name in ["post-checkout", "pre-commit", "commit-msg", "post-commit",
                 "reference-transaction"]:
        (hooks / name).write_text(f"#!/bin/sh\necho {name} >> '{marker}'\n", encoding="utf-8")
        (hooks / name).chmod(0o755)
    base = head(repo)
    new = batch_commit(repo, tmp_path / "wt", base)
    checkout.promote(repo, "main", new, base)
    gitwrite.remove_worktree(repo, tmp_path / "wt")
    assert not marker.exists()


