"""Which files discovery looks at: git's view when there is one, vendored trees set aside."""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from runbook_lib.gitops import gitrepo

VENDOR_DIRS = frozenset(
    {"site-packages", "node_modules", "vendor", "third_party", ".git", "__pycache__", ".tox",
     ".venv", ".mypy_cache"}
)


@dataclass
class Listing:
    files: list[str]  # repo-relative POSIX paths, sorted, vendored trees removed
    in_git: bool
    vendored: dict[str, tuple[str, int]] = field(default_factory=dict)  # tree -> (reason, files)
    how: str = ""  # how the files were listed: "git", "walk", or why git's listing was not used


def list_repo(root: Path) -> Listing:
    in_git = gitrepo.is_git_repo(root)
    paths = gitrepo.listed_files(root) if in_git else _walk(root)
    how = "git" if in_git else "walk (not a git repository)"
    if in_git and not paths:
        walked = _walk(root)
        if walked:
            # git lists nothing in a folder that has files: an enclosing repository ignores it
            # (or it is an export with a stray .git); its files are still the ones to look at
            top = gitrepo.toplevel(root)
            how = (f"walk: git listed no file here although the folder has {len(walked)}; "
                   f"the enclosing repository {top or '?'} ignores it or does not track it")
            paths, in_git = walked, False
    venvs = {str(PurePosixPath(p).parent) for p in paths if PurePosixPath(p).name == "pyvenv.cfg"}
    kept: list[str] = []
    trees: Counter[tuple[str, str]] = Counter()
    for path in paths:
        tree = _vendored_tree(path, venvs)
        if tree is None:
            kept.append(path)
        else:
            trees[tree] += 1
    vendored = {t: (reason, n) for (t, reason), n in sorted(trees.items())}
    return Listing(files=kept, in_git=in_git, vendored=vendored, how=how)


def _vendored_tree(path: str, venvs: set[str]) -> tuple[str, str] | None:
    parts = path.split("/")[:-1]
    for depth in range(1, len(parts) + 1):
        prefix = "/".join(parts[:depth])
        if prefix in venvs:
            return prefix, "virtualenv (pyvenv.cfg)"
        if parts[depth - 1] in VENDOR_DIRS:
            return prefix, f"vendored folder {parts[depth - 1]}"
    return None


def _walk(root: Path) -> list[str]:
    found: list[str] = []
    for folder, dirs, files in os.walk(root, followlinks=False):
        rel = Path(folder).relative_to(root).as_posix()
        prefix = "" if rel == "." else rel + "/"
        dirs[:] = sorted(d for d in dirs if d != ".git")
        # symlinks to folders are listed as entries, not followed, so loops cannot trap us
        found.extend(prefix + name for name in files if name != ".git")
        found.extend(prefix + d for d in list(dirs) if Path(folder, d).is_symlink())
        dirs[:] = [d for d in dirs if not Path(folder, d).is_symlink()]
    return sorted(found)
