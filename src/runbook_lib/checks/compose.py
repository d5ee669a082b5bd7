"""Compose services as check targets: image, command lines and the repo folders they mount."""

from __future__ import annotations

import posixpath
import re
import shlex
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from runbook_lib.containers.sdk import NETWORK_LABEL, Mount
from runbook_lib.discovery.references.containers import Target
from runbook_lib.discovery.references.kinds import source_kind
from runbook_lib.discovery.references.values import norm

_DURATION = re.compile(r"(\d+(?:\.\d+)?)(ms|us|ns|h|m|s)")
_SECONDS = {"h": 3600.0, "m": 60.0, "s": 1.0, "ms": 1e-3, "us": 1e-6, "ns": 1e-9}


def compose_targets(tree: Path, files: list[str], has_image: Callable[[str], bool],
                    repo_name: str) -> list[Target]:
    """Every service of every compose file among `files` (repo-relative paths in `tree`, a
    copy of the repo called `repo_name`, which names the project of a top-level file)."""
    out: list[Target] = []
    for path in sorted(f for f in files if source_kind(f) == "compose"):
        data = _load(tree / path)
        services = data.get("services") if isinstance(data, dict) else None
        if not isinstance(services, dict):
            continue
        project = _project(data, path, repo_name)
        for name, service in sorted(services.items()):
            if isinstance(service, dict):
                out.append(service_target(path, project, str(name), service, has_image))
    return out


def service_target(path: str, project: str, name: str, service: dict[str, Any],
                   has_image: Callable[[str], bool]) -> Target:
    folder = posixpath.dirname(path)
    health, timeout = _healthcheck(service.get("healthcheck"))
    labels = _labels(service.get("labels"))
    return Target(
        label=f"compose {path}#{name}", source=path,
        image=_image(service, project, name, has_image),
        entrypoint=_words(service.get("entrypoint")), command=_words(service.get("command")),
        healthcheck=health, health_timeout=timeout,
        binds=tuple(m for m in map(lambda v: _bind(v, folder), service.get("volumes") or [])
                    if m is not None),
        working_dir=str(service.get("working_dir") or ""), env=_env(service.get("environment")),
        network=labels.get(NETWORK_LABEL) == "needed", service=name,
    )


def _load(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return None  # not a compose file we can read: discovery reports it, not this check


def _project(data: dict[str, Any], path: str, repo_name: str) -> str:
    name = data.get("name") or posixpath.basename(posixpath.dirname(path)) or repo_name
    return re.sub(r"[^a-z0-9_-]", "", str(name).lower())


def _image(service: dict[str, Any], project: str, name: str,
           has_image: Callable[[str], bool]) -> str:
    """The image a service runs: its `image`, else what compose v1 or v2 named its build."""
    if service.get("image"):
        return str(service["image"])
    candidates = [f"{project}_{name}", f"{project}-{name}"]
    return next((c for c in candidates if has_image(c)), candidates[0])


def _words(value: Any) -> list[str]:
    if isinstance(value, list):
        return [str(v) for v in value]
    if isinstance(value, str) and value.strip():
        try:
            return shlex.split(value)
        except ValueError:
            return value.split()
    return []


def _healthcheck(value: Any) -> tuple[list[str], float]:
    if not isinstance(value, dict) or value.get("disable"):
        return [], 30.0
    test = value.get("test")
    timeout = _duration(str(value.get("timeout", "30s")))
    if isinstance(test, str):
        return ["CMD-SHELL", test], timeout
    if isinstance(test, list) and test and test[0] != "NONE":
        return [str(t) for t in test], timeout
    return [], timeout


def _duration(text: str) -> float:
    parts = _DURATION.findall(text)
    return sum(float(n) * _SECONDS[unit] for n, unit in parts) if parts else 30.0


def _bind(volume: Any, folder: str) -> Mount | None:
    """A bind mount whose host side is a repo path (relative to the compose file)."""
    if isinstance(volume, str):
        parts = volume.split(":")
        if len(parts) < 2:
            return None
        source, target, mode = parts[0], parts[1], (parts[2] if len(parts) > 2 else "rw")
    elif isinstance(volume, dict) and volume.get("type", "bind") == "bind":
        source, target = str(volume.get("source", "")), str(volume.get("target", ""))
        mode = "ro" if volume.get("read_only") else "rw"
    else:
        return None
    if not source.startswith(".") or not target.startswith("/"):
        return None  # named volumes, absolute host paths and ~ are not the repo's files
    rel = norm(posixpath.join(folder, source))
    return None if rel is None else Mount(rel, target, "bind", "ro" not in mode.split(","))


def _labels(value: Any) -> dict[str, str]:
    if isinstance(value, dict):
        return {str(k): str(v) for k, v in value.items()}
    if isinstance(value, list):
        return dict(str(v).partition("=")[::2] for v in value)
    return {}


def _env(value: Any) -> tuple[str, ...]:
    if isinstance(value, dict):
        return tuple(f"{k}={'' if v is None else v}" for k, v in value.items())
    if isinstance(value, list):
        return tuple(str(v) for v in value)
    return ()
