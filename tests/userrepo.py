"""A small user repo with untracked and ignored files, and a batch commit made in a worktree:
shared by the gitops tests."""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from conftest import git, make_repo
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


def batched_repo(tmp_path: Path) -> tuple[Path, str, str]:
    """The user repo, the commit its main branch is at, and a batch commit on top of it made in
    the worktree tmp_path/wt."""
    repo = user_repo(tmp_path)
    base = head(repo)
    return repo, base, batch_commit(repo, tmp_path / "wt", base)


@contextmanager
def left_alone(repo: Path, main_at: str) -> Iterator[None]:
    """Asserts that the block leaves branch main at `main_at` and every file outside .git
    (content, mode and mtime) as it found them."""
    before = state(repo)
    yield
    assert head(repo, "main") == main_at and state(repo) == before
