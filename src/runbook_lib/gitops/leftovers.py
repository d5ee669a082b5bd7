"""What a killed git command leaves in a repository, found without changing anything.

git writes every file it replaces (index, HEAD, refs, config) to `<name>.lock` first and
renames it into place; a process killed in between leaves the `.lock`, and every later git
command that needs that file refuses. `git worktree add` marks its new worktree locked
("initializing") until its checkout ends; killed in between, the worktree stays registered
and locked, `worktree prune` skips it and its branch counts as checked out. A ref file
written by anything but git's lock discipline (or torn by a power cut) can be empty.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from runbook_lib.gitops import gitrepo
from runbook_lib.gitops.runner import git
from runbook_lib.proc import procfs

# git's own marker in worktrees/<id>/locked while `worktree add` runs
INITIALIZING = "initializing"
OUR_REFS = ("refs/heads/runbook/", "refs/tags/runbook/")


@dataclass(frozen=True)
class Leftover:
    kind: str  # lock, busy, worktree, admin, folder, ref
    path: Path  # the file or folder concerned
    detail: str = ""  # the worktree's path, a ref's name, the busy pid


def common_dir(repo: Path) -> Path:
    done = git(repo, "rev-parse", "--path-format=absolute", "--git-common-dir")
    return Path(done.stdout.strip())


def find(repo: Path, ours: Path) -> list[Leftover]:
    """Every leftover in `repo`; `ours` is the folder that holds runbook's worktrees."""
    common = common_dir(repo)
    return [*_locks(repo, common), *_worktrees(repo, common, ours.resolve()),
            *_folders(repo, ours.resolve()), *_broken_refs(common)]


def lock_files(common: Path) -> list[Path]:
    """`*.lock` where git keeps them: beside HEAD and index (also of each linked worktree)
    and under refs/. Objects are never locked this way."""
    found = list(common.glob("*.lock")) + list(common.glob("worktrees/*/*.lock"))
    found += [p for p in (common / "refs").rglob("*.lock") if p.is_file()]
    return sorted(found)


def _locks(repo: Path, common: Path) -> list[Leftover]:
    files = lock_files(common)
    if not files:
        return []
    if not procfs.available():  # no way to tell a stale lock from a held one
        return [Leftover("busy", path, "unknown: no /proc") for path in files]
    workers = git_processes([repo, common, *_worktree_paths(common)])
    holders = open_by_others({str(f) for f in files})
    out = []
    for path in files:
        pid = holders.get(str(path)) or (workers[0] if workers else None)
        out.append(Leftover("busy", path, str(pid)) if pid else Leftover("lock", path))
    return out


def _worktree_paths(common: Path) -> list[Path]:
    return [p for p in map(worktree_of, common.glob("worktrees/*")) if p is not None]


def worktree_of(admin: Path) -> Path | None:
    """The folder of the linked worktree whose admin folder is `admin` (None: not written)."""
    text = _read(admin / "gitdir").strip()
    return (admin / text).resolve().parent if text else None


def _worktrees(repo: Path, common: Path, ours: Path) -> list[Leftover]:
    """Linked worktrees inside `ours`, and admin folders a killed `worktree add` left
    without a path (no `gitdir` yet) that only its lock keeps from `prune`."""
    out = []
    for admin in sorted(p for p in common.glob("worktrees/*") if p.is_dir()):
        path = worktree_of(admin)
        if path is None:
            if _read(admin / "locked").strip() == INITIALIZING:
                out.append(Leftover("admin", admin))
        elif _inside(path, ours):
            out.append(Leftover("worktree", admin, str(path)))
    return out


def _folders(repo: Path, ours: Path) -> list[Leftover]:
    """Folders in `ours` that git does not know as worktrees (its registration is gone)."""
    if not ours.is_dir():
        return []
    known = {Path(w["worktree"]).resolve() for w in gitrepo.worktrees(repo)}
    return [Leftover("folder", p) for p in sorted(ours.iterdir())
            if p.resolve() not in known]


def _broken_refs(common: Path) -> list[Leftover]:
    """Loose refs of ours whose file does not hold an object id (empty or torn)."""
    out = []
    for prefix in OUR_REFS:
        folder = common / prefix
        for path in sorted(folder.rglob("*")) if folder.is_dir() else []:
            if path.is_file() and path.suffix != ".lock" and not _holds_id(_read(path)):
                out.append(Leftover("ref", path, path.relative_to(common).as_posix()))
    return out


def _holds_id(text: str) -> bool:
    value = text.strip()
    if value.startswith("ref: "):
        return True
    return len(value) in (40, 64) and all(c in "0123456789abcdef" for c in value)


def git_processes(places: list[Path]) -> list[int]:
    """Live git processes (other than this one) whose working folder is inside one of
    `places`: a git command at work there."""
    roots = [p.resolve() for p in places]
    found = []
    for pid in procfs.others():
        folder = procfs.working_folder(pid)
        if folder is None or not procfs.name(pid).startswith("git"):
            continue
        if any(_inside(folder, root) for root in roots) and procfs.alive(pid):
            found.append(pid)
    return found


def open_by_others(paths: set[str]) -> dict[str, int]:
    """Path -> pid of a live process (other than this one) that has it open."""
    held: dict[str, int] = {}
    for pid in procfs.others():
        for target in set(procfs.open_files(pid)) & paths:
            if procfs.alive(pid):
                held[target] = pid
    return held


def _inside(path: Path, root: Path) -> bool:
    return path == root or root in path.parents


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
