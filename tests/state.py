"""The user-visible state of a repo checkout, for before/after comparisons in tests."""

from __future__ import annotations

import hashlib
import os
import stat
import subprocess
from pathlib import Path


def snapshot(repo: Path) -> dict[str, tuple[str, str]]:
    """Every path outside .git: (kind and mode, sha256 or link target)."""
    found: dict[str, tuple[str, str]] = {}
    for folder, dirs, files in os.walk(repo):
        dirs[:] = [d for d in dirs if not (folder == str(repo) and d == ".git")]
        for name in files + [d for d in dirs if Path(folder, d).is_symlink()]:
            path = Path(folder, name)
            rel = path.relative_to(repo).as_posix()
            st = path.lstat()
            if stat.S_ISLNK(st.st_mode):
                found[rel] = ("link", os.readlink(path))
            else:
                digest = hashlib.sha256(path.read_bytes()).hexdigest()
                found[rel] = (f"file {st.st_mode & 0o7777:o}", digest)
    return found


def refs(repo: Path) -> dict[str, str]:
    out = subprocess.run(["git", "-C", str(repo), "for-each-ref",
                          "--format=%(refname) %(objectname)"], capture_output=True, text=True,
                         check=True).stdout
    return dict(line.split(" ", 1) for line in out.splitlines())


def head(repo: Path, ref: str = "HEAD") -> str:
    return subprocess.run(["git", "-C", str(repo), "rev-parse", ref], capture_output=True,
                          text=True, check=True).stdout.strip()


def status(repo: Path) -> str:
    return subprocess.run(["git", "-C", str(repo), "status", "--porcelain", "--ignored"],
                          capture_output=True, text=True, check=True).stdout
