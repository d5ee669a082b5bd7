"""git, read-only side: is this a repo, which files does it list, when did each change."""

from __future__ import annotations

import hashlib
import os
import tarfile
from pathlib import Path

from runbook_lib.core.errors import BadInput, RunbookError
from runbook_lib.gitops.runner import git


def is_git_repo(root: Path) -> bool:
    done = git(root, "rev-parse", "--is-inside-work-tree", check=False)
    return done.returncode == 0 and done.stdout.strip() == "true"


def listed_files(root: Path) -> list[str]:
    """Tracked files plus untracked ones that .gitignore does not exclude, relative to root."""
    done = git(root, "ls-files", "-z", "--cached", "--others", "--exclude-standard",
               "--deduplicate")
    return sorted({p for p in done.stdout.split("\0") if p})


def head_commit(root: Path) -> str:
    done = git(root, "rev-parse", "--verify", "-q", "HEAD", check=False)
    return done.stdout.strip() if done.returncode == 0 else ""


def last_commit_dates(root: Path) -> dict[str, str]:
    """Path (relative to root) -> ISO date of the newest commit that touched it, in one git log."""
    if not head_commit(root):
        return {}
    done = git(root, "log", "--no-renames", "--relative", "-z", "--name-only",
               "--pretty=format:%x01%cs")
    dates: dict[str, str] = {}
    current = ""
    for chunk in done.stdout.split("\0"):
        if "\x01" in chunk:
            _, _, rest = chunk.partition("\x01")
            current, _, first = rest.partition("\n")
            chunk = first
        chunk = chunk.strip("\n")
        if chunk and chunk not in dates:
            dates[chunk] = current
    return dates


def toplevel(root: Path) -> Path | None:
    """The work tree's top folder, or None when root is not inside one."""
    done = git(root, "rev-parse", "--show-toplevel", check=False)
    return Path(done.stdout.strip()) if done.returncode == 0 and done.stdout.strip() else None


def current_branch(root: Path) -> str | None:
    """The checked-out branch name (e.g. `main`), None when HEAD is detached."""
    done = git(root, "symbolic-ref", "-q", "--short", "HEAD", check=False)
    return (done.stdout.strip() or None) if done.returncode == 0 else None


def resolve_commit(root: Path, rev: str) -> str | None:
    """The full sha of the commit `rev` names (a tag is peeled), None when there is none."""
    done = git(root, "rev-parse", "--verify", "-q", "--end-of-options", f"{rev}^{{commit}}",
               check=False)
    return (done.stdout.strip() or None) if done.returncode == 0 else None


def branch_exists(root: Path, branch: str) -> bool:
    return resolve_commit(root, f"refs/heads/{branch}") is not None


def dirty_paths(root: Path) -> list[str]:
    """Tracked paths with staged or unstaged changes (untracked files do not count)."""
    done = git(root, "status", "--porcelain=v1", "-z", "--no-renames", "--untracked-files=no",
               "--ignore-submodules=none")
    return sorted({entry[3:] for entry in done.stdout.split("\0") if len(entry) > 3})


def operation_in_progress(root: Path) -> str | None:
    """A merge, rebase, cherry-pick, revert or bisect that was started and not finished."""
    names = {"MERGE_HEAD": "merge", "rebase-merge": "rebase", "rebase-apply": "rebase",
             "CHERRY_PICK_HEAD": "cherry-pick", "REVERT_HEAD": "revert",
             "BISECT_LOG": "bisect"}
    for name, what in names.items():
        done = git(root, "rev-parse", "--git-path", name)
        path = Path(done.stdout.strip())
        if (path if path.is_absolute() else root / path).exists():
            return what
    return None


def untracked_and_ignored(root: Path) -> list[str]:
    """Every file and symlink git does not hold (no exclude rules: ignored ones too).

    A nested repository shows up once, as its folder with a trailing slash.
    """
    done = git(root, "ls-files", "-z", "--others")
    return sorted({p for p in done.stdout.split("\0") if p})


def worktrees(root: Path) -> list[dict[str, str]]:
    """`git worktree list --porcelain`, one dict per worktree (the main one first)."""
    done = git(root, "worktree", "list", "--porcelain", "-z")
    result: list[dict[str, str]] = []
    for field in done.stdout.split("\0"):
        if not field:
            continue
        key, _, value = field.partition(" ")
        if key == "worktree":
            result.append({})
        if result:
            result[-1][key] = value
    return result


REGULAR = ("100644", "100755")
SYMLINK = "120000"


def tree_entries(root: Path, commit: str, paths: list[str]) -> dict[str, tuple[str, str]]:
    """Path -> (mode, blob sha) in `commit` for the given paths (missing ones left out)."""
    if not paths:
        return {}
    done = git(root, "ls-tree", "-r", "-z", "--full-tree", commit, "--", *paths)
    wanted = set(paths)
    entries: dict[str, tuple[str, str]] = {}
    for line in done.stdout.split("\0"):
        meta, _, path = line.partition("\t")
        if path in wanted:
            mode, _, sha = meta.split(" ")
            entries[path] = (mode, sha)
    return entries


def tree_modes(root: Path, commit: str) -> dict[str, str]:
    """Path -> mode of every file in `commit` (100644, 100755, 120000, 160000)."""
    done = git(root, "ls-tree", "-r", "-z", "--full-tree", commit)
    modes: dict[str, str] = {}
    for entry in filter(None, done.stdout.split("\0")):
        meta, _, path = entry.partition("\t")
        modes[path] = meta.split()[0]
    return modes


def show_file(root: Path, commit: str, path: str) -> str | None:
    """The text of `path` in `commit`, None when it is not there."""
    done = git(root, "show", f"{commit}:{path}", check=False)
    return done.stdout if done.returncode == 0 else None


def grep_fixed(root: Path, commit: str, words: list[str]) -> list[tuple[str, int, str]]:
    """(path, line, text) of every line of `commit`'s text files holding one of `words`
    (fixed strings; binary files left out)."""
    if not words:
        return []
    patterns = [arg for w in words for arg in ("-e", w)]
    done = git(root, "grep", "-n", "-I", "-F", "-z", *patterns, commit, "--", check=False)
    if done.returncode not in (0, 1):  # 1: nothing found
        detail = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise RunbookError(f"git grep failed: {detail}")
    hits = []
    for record in done.stdout.split("\n"):
        fields = record.split("\0", 2)
        if len(fields) == 3 and fields[1].isdigit():
            hits.append((fields[0].partition(":")[2], int(fields[1]), fields[2]))
    return hits


def disk_blob(path: Path) -> str | None:
    """The git blob id the file or symlink at path would have (no filters), None if absent."""
    try:
        data = os.fsencode(os.readlink(path)) if path.is_symlink() else path.read_bytes()
    except (FileNotFoundError, NotADirectoryError):
        return None
    except IsADirectoryError:
        return "folder"
    return hashlib.sha1(b"blob %d\0" % len(data) + data, usedforsecurity=False).hexdigest()


def is_ancestor(root: Path, older: str, newer: str) -> bool:
    done = git(root, "merge-base", "--is-ancestor", older, newer, check=False)
    return done.returncode == 0


def check_clean_branch(repo: Path) -> tuple[str, str]:
    """(HEAD commit, branch) of a repo fit for a batch; BadInput with what to do otherwise."""
    top = toplevel(repo)
    if top is None:
        raise BadInput(f"{repo} is not a git repository (or its work tree)")
    if top.resolve() != repo.resolve():
        raise BadInput(f"{repo} is inside the git repository {top}: pass its top folder")
    branch = current_branch(repo)
    commit = head_commit(repo)
    if branch is None:
        raise BadInput(f"{repo} has a detached HEAD: check out a branch first")
    if not commit:
        raise BadInput(f"{repo}: branch {branch} has no commits yet: commit first")
    operation = operation_in_progress(repo)
    if operation:
        raise BadInput(f"{repo} is in the middle of a {operation}: finish or abort it first")
    dirty = dirty_paths(repo)
    if dirty:
        more = f" and {len(dirty) - 5} more" if len(dirty) > 5 else ""
        raise BadInput(f"{repo} has uncommitted changes to tracked files: "
                       f"{', '.join(dirty[:5])}{more}; commit or stash them first")
    return commit, branch


def export_tree(root: Path, commit: str, dest: Path) -> Path:
    """The tree of `commit` as plain files in a new folder `dest` (modes and symlinks kept);
    the repo is only read."""
    dest.mkdir(parents=True)
    archive = dest.with_name(dest.name + ".tar")
    git(root, "archive", "--format=tar", "-o", str(archive), commit)
    # a tree with no file (every script retired) archives to a tar with no header
    if git(root, "ls-tree", "--name-only", commit).stdout:
        with tarfile.open(archive) as tar:
            tar.extractall(dest, filter="tar")
    archive.unlink()
    return dest
