"""Applying a batch's actions to the files of a worktree (never to the user's checkout)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from runbook_lib.core.errors import RunbookError
from runbook_lib.core.workspace import sha256_or_empty
from runbook_lib.planning import quarantine, shims
from runbook_lib.planning.usagelog import Sinks

Applier = Callable[[Path, dict[str, Any], int], None]


def apply_actions(worktree: Path, batch: dict[str, Any]) -> list[str]:
    """Apply every action; return one line per action for the commit message."""
    lines: list[str] = []
    for action in batch["actions"]:
        APPLIERS[action["action"]](worktree, action, int(batch["batch"]))
        lines.append(describe(action))
    return lines


def describe(action: dict[str, Any]) -> str:
    kind = action["action"]
    if kind == "shim":
        return f"shim {action['path']} -> {action['canonical']} ({action['style']})"
    if kind == "retire":
        return f"retire {action['path']}: {action['reason']}"
    if kind == "quarantine":
        return f"quarantine {action['path']}: {action['reason']}"
    if kind == "merge":
        return f"merge {action['merged']} into {action['path']}"
    return f"rewrite {action['file']}:{action['line']} -> {action['new'].strip()}"


def _mode(action: dict[str, Any], current: Path) -> int:
    text = str(action.get("mode") or "")
    return int(text, 8) if text else current.stat().st_mode & 0o7777


def _shim(worktree: Path, action: dict[str, Any], batch: int) -> None:
    target = worktree / action["path"]
    mode = _mode(action, target)
    text = shims.render(action["style"], action["path"], action["canonical"],
                        action.get("shebang", ""), batch, Sinks.of(action))
    target.write_text(text, encoding="utf-8")
    target.chmod(mode)


def _retire(worktree: Path, action: dict[str, Any], batch: int) -> None:
    target = worktree / action["path"]
    if not target.exists() and not target.is_symlink():
        raise RunbookError(f"cannot retire {action['path']}: it is not in the worktree")
    target.unlink()


def _quarantine(worktree: Path, action: dict[str, Any], batch: int) -> None:
    """Usage lines at the top; the rest of the file, its mode and its name stay as they are."""
    target = worktree / action["path"]
    mode = target.stat().st_mode & 0o7777
    data = target.read_bytes()
    problem = quarantine.problem(data, action["language"])
    if problem:
        raise RunbookError(f"cannot quarantine {action['path']}: {problem}")
    note = quarantine.why(batch, float(action.get("observe_days", 0)))
    target.write_bytes(quarantine.add_header(data, action["language"], action["path"],
                                             Sinks.of(action), note))
    target.chmod(mode)


def _merge(worktree: Path, action: dict[str, Any], batch: int) -> None:
    target = worktree / action["path"]
    mode = _mode(action, target)
    merged = Path(action["merged"])
    if sha256_or_empty(merged) != action.get("merged_sha256"):
        raise RunbookError(f"merged script {merged} is gone or changed since it was planned "
                           "and approved: plan and approve again")
    target.write_bytes(merged.read_bytes())
    target.chmod(mode)


def _rewrite(worktree: Path, action: dict[str, Any], batch: int) -> None:
    """Change one line at its exact site, refusing if it no longer reads as planned."""
    target = worktree / action["file"]
    lines = target.read_bytes().decode("utf-8").split("\n")
    index = int(action["line"]) - 1
    if index >= len(lines) or lines[index] != action["old"]:
        raise RunbookError(f"{action['file']}:{action['line']} no longer reads as planned")
    lines[index] = action["new"]
    mode = target.stat().st_mode & 0o7777
    target.write_bytes("\n".join(lines).encode("utf-8"))
    target.chmod(mode)


APPLIERS: dict[str, Applier] = {
    "shim": _shim, "retire": _retire, "merge": _merge, "rewrite_reference": _rewrite,
    "quarantine": _quarantine,
}
