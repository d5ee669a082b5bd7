"""git, read-only side: is this a repo, which files does it list, when did each change."""

from __future__ import annotations

from pathlib import Path

from runbook_lib.proc import run


def is_git_repo(root: Path) -> bool:
    done = run(["git", "-C", str(root), "rev-parse", "--is-inside-work-tree"], check=False)
    return done.returncode == 0 and done.stdout.strip() == "true"


def listed_files(root: Path) -> list[str]:
    """Tracked files plus untracked ones that .gitignore does not exclude, relative to root."""
    done = run(["git", "-C", str(root), "ls-files", "-z", "--cached", "--others",
                "--exclude-standard", "--deduplicate"])
    return sorted({p for p in done.stdout.split("\0") if p})


def head_commit(root: Path) -> str:
    done = run(["git", "-C", str(root), "rev-parse", "--verify", "-q", "HEAD"], check=False)
    return done.stdout.strip() if done.returncode == 0 else ""


def last_commit_dates(root: Path) -> dict[str, str]:
    """Path (relative to root) -> ISO date of the newest commit that touched it, in one git log."""
    if not head_commit(root):
        return {}
    done = run(["git", "-C", str(root), "log", "--no-renames", "--relative", "-z",
                "--name-only", "--pretty=format:%x01%cs"])
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


def is_dirty(root: Path) -> bool:
    """Tracked changes, staged or not (untracked files do not count)."""
    done = run(["git", "-C", str(root), "status", "--porcelain", "--untracked-files=no"])
    return bool(done.stdout.strip())
