"""The user-visible state of a repo checkout, for before/after comparisons in tests."""

from __future__ import annotations

import hashlib
import json
import os
import re
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


# A stamp in a ref name kept by a re-run (`...-rolled-back-20260101T000000-000000Z`).
STAMP = re.compile(r"\d{8}T\d{6}-\d{6}Z")


def campaign_state(repo: Path, ws: Path) -> dict[str, object]:
    """Everything that must be exactly as before or exactly as after an operation that was
    killed and then recovered (issue 13): the files of the checkout (tracked, untracked and
    ignored, with modes), the index, HEAD, every ref (main, and the tags and branches runbook
    made), worktrees, git's lock files, the workspace lock, and what the workspace records:
    which batches stand promoted (validation.json without a later rollback.json) and whether
    any journal is left unfinished."""
    return {
        "files": snapshot(repo),
        "index": _git(repo, "ls-files", "-s"),
        "head": _git(repo, "symbolic-ref", "-q", "HEAD").strip(),
        "refs": {STAMP.sub("<stamp>", name): sha for name, sha in refs(repo).items()},
        "worktrees": _git(repo, "worktree", "list", "--porcelain").count("worktree "),
        "git_locks": sorted(p.relative_to(repo).as_posix()
                            for p in (repo / ".git").rglob("*.lock")),
        "workspace_lock": (ws / "lock").exists(),
        "batches": _batches(ws),
        "open_journals": sorted(p.relative_to(ws).as_posix() for p in ws.glob("*/*/journal.jsonl")
                                if '"step": "finish"' not in p.read_text(encoding="utf-8")),
    }


def differences(now: dict[str, object], expected: dict[str, object]) -> dict[str, object]:
    """The parts of two campaign states that differ, for a readable assertion message."""
    out: dict[str, object] = {}
    for key in expected:
        if now.get(key) != expected[key]:
            a, b = now.get(key), expected[key]
            if isinstance(a, dict) and isinstance(b, dict):
                out[key] = {k: (a.get(k), b.get(k)) for k in sorted({*a, *b})
                            if a.get(k) != b.get(k)}
            else:
                out[key] = (a, b)
    return out


def _batches(ws: Path) -> dict[str, str]:
    """Batch -> commit of each batch that stands promoted (a batch never run, refused or
    rolled back is not listed: for the repository they are all the same)."""
    found = {}
    for folder in sorted((ws / "batches").glob("[0-9][0-9][0-9]")):
        path = folder / "validation.json"
        record = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
        if record.get("status") == "promoted" and not (folder / "rollback.json").exists():
            found[folder.name] = str(record.get("commit"))
    return found


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True,
                          check=False).stdout
