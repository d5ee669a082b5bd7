"""git, the user's checkout: promotion (move the branch, then its files) and settling a
checkout that a killed update left half-way between two commits."""

from __future__ import annotations

import os
import shutil
from pathlib import Path, PurePosixPath

from runbook_lib.core.errors import BadInput, RunbookError
from runbook_lib.gitops import gitrepo
from runbook_lib.gitops.gitwrite import cas_ref, changed_paths, checkout_of, short
from runbook_lib.gitops.runner import git


def promote(repo: Path, branch_ref: str, new: str, expected_old: str) -> None:
    """Move the branch from expected_old to new atomically, then fast-forward its checkout.

    Untracked and ignored files are never touched; any doubt refuses before a ref moves.
    """
    branch = branch_ref.removeprefix("refs/heads/")
    ref = f"refs/heads/{branch}"
    if not gitrepo.is_ancestor(repo, expected_old, new):
        raise BadInput(f"{short(new)} does not descend from {short(expected_old)}: not a "
                       "fast-forward; nothing promoted")
    checkout = checkout_of(repo, branch)
    if checkout is not None:
        _check_checkout(checkout, expected_old, new)
    cas_ref(repo, ref, new, expected_old, "promote")
    if checkout is None:
        return
    try:
        git(checkout, "read-tree", "-m", "-u", expected_old, new)
    except RunbookError as exc:
        cas_ref(repo, ref, expected_old, new, "promote undone")
        settle(checkout, expected_old, new)
        raise RunbookError(f"could not update the checkout {checkout} ({exc}); branch {branch} "
                           f"put back at {short(expected_old)} with its files") from exc


def settle(repo: Path, target: str, other: str, aside: Path | None = None,
           declared: list[str] | None = None) -> list[str]:
    """Make the index and the files that differ between `other` and `target` match `target`
    (HEAD is already at target), whatever mix of the two a killed update left: the way to
    finish or undo an interrupted `read-tree -m -u`. Only those paths are touched, so
    untracked and ignored files elsewhere stay as they are. A file there holding neither
    version (a write cut short, an edit) is first copied into `aside`, or refused when
    aside is None. `declared` (the journal's list) must cover every path. Returns the
    paths copied aside."""
    changed = changed_paths(repo, other, target)
    outside = sorted(set(changed) - set(declared if declared is not None else changed))
    if outside:
        raise RunbookError(f"{repo}: {', '.join(outside[:5])} changed between the two commits "
                           "but are not in the journal; resolve by hand")
    blocked = [p for p in changed if _blocked_parent(repo, p, changed)
               or gitrepo.disk_blob(repo / p) == "folder"]
    if blocked:
        raise BadInput(f"cannot settle {repo}: {', '.join(blocked[:5])} are in the way (a file "
                       "where a folder belongs, or a folder); nothing changed")
    strays = [p for p in _strays(repo, other, target, changed) if p not in blocked]
    _set_aside(repo, strays, aside)
    present = sorted(gitrepo.tree_entries(repo, target, list(changed)))
    if present:
        git(repo, "restore", f"--source={target}", "--staged", "--worktree",
            "--pathspec-from-file=-", "--pathspec-file-nul", input_text="\0".join(present))
    gone = sorted(set(changed) - set(present))  # not in `target`: out of index and disk
    if gone:
        git(repo, "update-index", "--force-remove", "-z", "--stdin",
            input_text="".join(f"{p}\0" for p in gone))
    for path in gone:
        _remove_file(repo, path)
    return strays


def differs(repo: Path, target: str, other: str) -> bool:
    """Whether a path that differs between the two commits is not as in `target` in the
    checkout (file content, or index entry and mode)."""
    changed = changed_paths(repo, other, target)
    if not changed:
        return False
    entries = gitrepo.tree_entries(repo, target, list(changed))
    if any(gitrepo.disk_blob(repo / p) != entries.get(p, ("", None))[1] for p in changed):
        return True
    return bool(set(gitrepo.dirty_paths(repo)) & set(changed))


def _check_checkout(checkout: Path, old: str, new: str) -> None:
    strays = _strays(checkout, old, new, changed_paths(checkout, old, new))
    if strays:
        raise BadInput(f"files in {checkout} are in the way of the batch (untracked, ignored "
                       f"or edited): {', '.join(strays[:5])}; nothing promoted")
    git(checkout, "update-index", "-q", "--refresh", check=False)
    dry = git(checkout, "read-tree", "-m", "-u", "-n", old, new, check=False)
    if dry.returncode != 0:
        detail = (dry.stderr.strip().splitlines() or ["no output"])[0]
        raise BadInput(f"the checkout {checkout} cannot take the batch: {detail}; "
                       "commit or stash local changes first; nothing promoted")


def _strays(root: Path, old: str, new: str, changed: dict[str, str]) -> list[str]:
    """Changed paths whose file on disk is neither the old nor the new version.

    read-tree -m -u would overwrite an ignored file in the way, so we look first.
    """
    before = gitrepo.tree_entries(root, old, list(changed))
    after = gitrepo.tree_entries(root, new, list(changed))
    strays = []
    for path in changed:
        allowed = {before.get(path, ("", None))[1], after.get(path, ("", None))[1], None}
        if gitrepo.disk_blob(root / path) not in allowed or _blocked_parent(root, path, changed):
            strays.append(path)
    return strays


def _blocked_parent(root: Path, path: str, changed: dict[str, str]) -> bool:
    """A file or symlink git does not manage sits where the batch needs a folder."""
    for parent in PurePosixPath(path).parents:
        full = root / parent
        if str(parent) != "." and (full.is_symlink() or full.is_file()):
            return str(parent) not in changed
    return False


def _set_aside(repo: Path, strays: list[str], aside: Path | None) -> None:
    if not strays:
        return
    if aside is None:
        raise BadInput(f"cannot settle {repo}: {', '.join(strays[:5])} hold content that is "
                       "neither before nor after the batch; nothing changed")
    for path in strays:
        (aside / path).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(repo / path, aside / path, follow_symlinks=False)


def _remove_file(repo: Path, path: str) -> None:
    """Delete a file git no longer tracks there, and the folders it leaves empty (as git
    does when a checkout deletes a file)."""
    (repo / path).unlink(missing_ok=True)
    for parent in PurePosixPath(path).parents:
        if str(parent) == ".":
            break
        try:
            os.rmdir(repo / parent)
        except OSError:
            break
