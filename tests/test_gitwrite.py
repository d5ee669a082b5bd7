from __future__ import annotations

import hashlib
import os
import shutil
import stat
from pathlib import Path

import pytest

from conftest import git, make_repo
from runbook_lib.core.errors import BadInput, RunbookError
from runbook_lib.gitops import gitwrite

BRANCH = "runbook/batch-001"


def user_repo(tmp_path: Path) -> Path:
    repo = make_repo(tmp_path / "repo", {
        "run.sh": "#!/bin/sh\necho run\n", "old.sh": "#!/bin/sh\necho old\n",
        "data.txt": "data\n", ".gitignore": ".env\ngenerated.sh\n"})
    (repo / "notes.txt").write_text("untracked work\n", encoding="utf-8")
    (repo / ".env").write_text("TOKEN=secret\n", encoding="utf-8")
    (repo / ".env").chmod(0o600)
    return repo


def state(root: Path) -> dict[str, tuple[int, str, int]]:
    """path -> (mode, sha256 or link target, mtime_ns) of everything outside .git."""
    result = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        if rel == ".git" or rel.startswith(".git/"):
            continue
        st = os.lstat(path)
        if stat.S_ISLNK(st.st_mode):
            result[rel] = (0, os.readlink(path), 0)
        elif stat.S_ISREG(st.st_mode):
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            result[rel] = (stat.S_IMODE(st.st_mode), digest, st.st_mtime_ns)
    return result


def head(repo: Path, ref: str = "HEAD") -> str:
    return git(repo, "rev-parse", ref).strip()


def batch_commit(repo: Path, tree: Path, base: str) -> str:
    """A batch in its own worktree: edit run.sh, delete old.sh, add new.sh."""
    gitwrite.add_worktree(repo, tree, BRANCH, base)
    (tree / "run.sh").write_text("#!/bin/sh\necho consolidated\n", encoding="utf-8")
    (tree / "old.sh").unlink()
    (tree / "new.sh").write_text("#!/bin/sh\nexec ./run.sh \"$@\"\n", encoding="utf-8")
    (tree / "new.sh").chmod(0o755)
    return gitwrite.commit_all(tree, "batch 1\n\n- shim new.sh\n- retire old.sh\n# kept\n")


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

    gitwrite.promote(repo, "main", new, base)

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
    repo = user_repo(tmp_path)
    base = head(repo)
    new = batch_commit(repo, tmp_path / "wt", base)
    (repo / "data.txt").write_text("user commit meanwhile\n", encoding="utf-8")
    git(repo, "commit", "-qam", "user work")
    moved = head(repo)
    before = state(repo)
    with pytest.raises(RunbookError) as failed:
        gitwrite.promote(repo, "refs/heads/main", new, base)
    assert str(failed.value) == (f"branch main moved since the checkpoint (expected "
                                 f"{base[:12]}, found {moved[:12]}); nothing promoted")
    assert head(repo, "main") == moved
    assert state(repo) == before
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
    before = state(repo)
    with pytest.raises(BadInput, match=r"in the way of the batch.*generated\.sh"):
        gitwrite.promote(repo, "main", head(tree), base)
    assert head(repo, "main") == base and state(repo) == before


def test_promote_refuses_an_uncommitted_edit_to_a_changed_file(tmp_path: Path) -> None:
    repo = user_repo(tmp_path)
    base = head(repo)
    new = batch_commit(repo, tmp_path / "wt", base)
    (repo / "run.sh").write_text("#!/bin/sh\necho my edit\n", encoding="utf-8")
    before = state(repo)
    with pytest.raises(BadInput, match=r"run\.sh"):
        gitwrite.promote(repo, "main", new, base)
    assert head(repo, "main") == base and state(repo) == before


def test_promote_refuses_a_non_fast_forward(tmp_path: Path) -> None:
    repo = user_repo(tmp_path)
    base = head(repo)
    new = batch_commit(repo, tmp_path / "wt", base)
    with pytest.raises(BadInput, match="not a fast-forward"):
        gitwrite.promote(repo, "main", base, new)
    assert head(repo, "main") == base


def test_promote_of_a_branch_not_checked_out_leaves_the_checkout(tmp_path: Path) -> None:
    repo = user_repo(tmp_path)
    base = head(repo)
    new = batch_commit(repo, tmp_path / "wt", base)
    git(repo, "checkout", "-q", "-b", "feature")
    before = state(repo)
    gitwrite.promote(repo, "main", new, base)
    assert head(repo, "main") == new and head(repo) == base and state(repo) == before


def test_failed_checkout_update_puts_the_branch_back(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = user_repo(tmp_path)
    base = head(repo)
    new = batch_commit(repo, tmp_path / "wt", base)
    before = state(repo)
    real = gitwrite.git

    def failing(cwd: Path, *args: str, **kw: object) -> object:
        if args[:3] == ("read-tree", "-m", "-u") and "-n" not in args:
            raise RunbookError("git read-tree failed (exit 128): disk full")
        return real(cwd, *args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(gitwrite, "git", failing)
    with pytest.raises(RunbookError, match="put back"):
        gitwrite.promote(repo, "main", new, base)
    assert head(repo, "main") == base and state(repo) == before


def test_sync_checkout_finishes_an_interrupted_promotion(tmp_path: Path) -> None:
    repo = user_repo(tmp_path)
    base = head(repo)
    new = batch_commit(repo, tmp_path / "wt", base)
    gitwrite.cas_ref(repo, "refs/heads/main", new, base, "test")  # crash after the ref moved
    assert gitwrite.sync_checkout(repo, base, new) == "merged"
    assert git(repo, "status", "--porcelain") == "?? notes.txt\n"
    assert gitwrite.sync_checkout(repo, base, new) == "merged"  # twice is safe
    assert (repo / ".env").read_text(encoding="utf-8") == "TOKEN=secret\n"


def test_sync_checkout_falls_back_to_declared_paths_only(tmp_path: Path) -> None:
    repo = user_repo(tmp_path)
    base = head(repo)
    new = batch_commit(repo, tmp_path / "wt", base)
    gitwrite.cas_ref(repo, "refs/heads/main", new, base, "test")
    # A crash half way through writing files: run.sh is new, the index still old.
    (repo / "run.sh").write_text("#!/bin/sh\necho consolidated\n", encoding="utf-8")
    with pytest.raises(RunbookError):
        gitwrite.sync_checkout(repo, base, new)
    with pytest.raises(RunbookError):
        gitwrite.sync_checkout(repo, base, new, declared=["run.sh"])  # old.sh undeclared
    assert gitwrite.sync_checkout(repo, base, new, ["run.sh", "old.sh", "new.sh"]) == "restored"
    assert git(repo, "status", "--porcelain") == "?? notes.txt\n"
    assert os.stat(repo / "new.sh").st_mode & 0o777 == 0o755


def test_sync_checkout_refuses_content_that_is_neither_version(tmp_path: Path) -> None:
    repo = user_repo(tmp_path)
    base = head(repo)
    new = batch_commit(repo, tmp_path / "wt", base)
    gitwrite.cas_ref(repo, "refs/heads/main", new, base, "test")
    (repo / "run.sh").write_text("a user edit\n", encoding="utf-8")
    with pytest.raises(BadInput, match=r"run\.sh"):
        gitwrite.sync_checkout(repo, base, new, ["run.sh", "old.sh", "new.sh"])
    assert (repo / "run.sh").read_text(encoding="utf-8") == "a user edit\n"


def test_revert_commits_restores_old_content_keeping_history(tmp_path: Path) -> None:
    repo = user_repo(tmp_path)
    base = head(repo)
    first = batch_commit(repo, tmp_path / "wt1", base)
    gitwrite.promote(repo, "main", first, base)
    gitwrite.add_worktree(repo, tmp_path / "wt2", "runbook/batch-002", first)
    (tmp_path / "wt2" / "data.txt").write_text("batch 2\n", encoding="utf-8")
    second = gitwrite.commit_all(tmp_path / "wt2", "batch 2")
    gitwrite.promote(repo, "main", second, first)
    before = state(repo)

    reverted = gitwrite.revert_in_index(repo, second, [first, second])  # newest first
    assert git(repo, "rev-parse", f"{reverted}^{{tree}}") == git(repo, "rev-parse",
                                                                 f"{base}^{{tree}}")
    history = git(repo, "rev-list", reverted).split()
    assert history[2:] == [second, first, base]  # nothing rewritten, two new commits
    subjects = git(repo, "log", "--format=%s", "-2", reverted).splitlines()
    assert subjects == ['Revert "batch 1"', 'Revert "batch 2"']
    gitwrite.promote(repo, "main", reverted, second)
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
    gitwrite.promote(repo, "main", first, base)
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
    gitwrite.promote(repo, "main", new, base)
    gitwrite.remove_worktree(repo, tmp_path / "wt")
    assert not marker.exists()


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
