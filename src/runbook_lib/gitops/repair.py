"""Clearing what killed git commands left (found by `leftovers`): one line said per repair."""

from __future__ import annotations

import shutil
from pathlib import Path

from runbook_lib.core.errors import BadInput
from runbook_lib.gitops.leftovers import Leftover, common_dir, find
from runbook_lib.gitops.runner import git


def check_quiet(repo: Path, found: list[Leftover]) -> None:
    """Refuse while a live git process may still own one of the lock files."""
    busy = [f for f in found if f.kind == "busy"]
    if busy:
        raise BadInput(f"git (pid {busy[0].detail}) is still working in {repo} and may hold "
                       f"{busy[0].path.name}: let it finish, then run `runbook recover` again; "
                       "nothing changed")


def repair(repo: Path, found: list[Leftover]) -> list[str]:
    """Remove stale locks, then our worktrees (unlocked first), then broken refs of ours."""
    check_quiet(repo, found)
    common = common_dir(repo)
    said: list[str] = []
    for item in sorted(found, key=lambda f: ORDER.index(f.kind)):
        said.append(DO[item.kind](repo, common, item))
    if any(f.kind in ("worktree", "admin", "folder") for f in found):
        git(repo, "worktree", "prune")
    return said


def repair_all(repo: Path, ours: Path) -> list[str]:
    return repair(repo, find(repo, ours))


def _lock(repo: Path, common: Path, item: Leftover) -> str:
    item.path.unlink(missing_ok=True)
    return f"removed the stale lock {_shown(item.path, common)} (no live process held it)"


def _worktree(repo: Path, common: Path, item: Leftover) -> str:
    path = Path(item.detail)
    said = f"removed the worktree {path}"
    if (item.path / "locked").exists():
        reason = (item.path / "locked").read_text(encoding="utf-8", errors="replace").strip()
        if git(repo, "worktree", "unlock", str(path), check=False).returncode != 0:
            (item.path / "locked").unlink(missing_ok=True)
        said = f"unlocked ({reason or 'locked'}) and removed the worktree {path}"
    done = git(repo, "worktree", "remove", "--force", str(path), check=False)
    if done.returncode != 0:  # half made (no .git file, say): the folder is ours to delete
        shutil.rmtree(path, ignore_errors=True)
    return said


def _admin(repo: Path, common: Path, item: Leftover) -> str:
    # No gitdir yet: no git command can name this worktree. Its lock is all that keeps
    # `worktree prune` from deleting it, as it does with any worktree whose folder is gone.
    (item.path / "locked").unlink(missing_ok=True)
    return (f"cleared the half-made worktree entry {_shown(item.path, common)} (a killed "
            "`git worktree add`)")


def _folder(repo: Path, common: Path, item: Leftover) -> str:
    shutil.rmtree(item.path) if item.path.is_dir() else item.path.unlink(missing_ok=True)
    return f"removed {item.path} (a batch worktree git no longer knows)"


def _ref(repo: Path, common: Path, item: Leftover) -> str:
    item.path.unlink(missing_ok=True)
    return f"removed the broken ref {item.detail} (its file held no commit)"


def _shown(path: Path, common: Path) -> str:
    return f"{common.name}/{path.relative_to(common).as_posix()}"


ORDER = ["lock", "worktree", "admin", "folder", "ref"]
DO = {"lock": _lock, "worktree": _worktree, "admin": _admin, "folder": _folder, "ref": _ref}
