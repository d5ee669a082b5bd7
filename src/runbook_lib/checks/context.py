"""What every batch check gets (the batch, its trees and commits) and what it returns."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Check:
    name: str
    status: str  # pass, fail or skip
    details: Any = None

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "status": self.status, "details": self.details}


@dataclass
class BatchContext:
    repo: Path
    ws: Path
    worktree: Path
    batch: dict[str, Any]
    old: str  # checkpoint commit
    new: str  # the batch commit
    baseline: Path  # references.csv of the state the batch starts from
    changed: dict[str, str] = field(default_factory=dict)  # path -> git status letter
    params: Any = None  # the BatchParams of the run (checks read their settings there)
    memo: dict[str, Any] = field(default_factory=dict)  # what several checks derive once


CheckFn = Callable[[BatchContext], Check]


def touched_paths(batch: dict[str, Any]) -> list[str]:
    """Every repo path a batch changes (shims, merges, retires, rewritten callers)."""
    paths = {str(a.get("file") or a["path"]) for a in batch["actions"]}
    return sorted(paths)
