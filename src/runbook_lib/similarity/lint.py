"""shellcheck findings per script, used only to break ties between canonical candidates."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from runbook_lib import proc, shellcheck
from runbook_lib.errors import RunbookError

BATCH = 200  # files per shellcheck call: one process start per batch, not per file


def findings(repo: Path, paths: Sequence[str]) -> dict[str, int] | None:
    """Number of findings per repo-relative path; None when shellcheck cannot run."""
    binary = shellcheck.binary()
    if binary is None:
        return None
    counts = {p: 0 for p in paths}
    for start in range(0, len(paths), BATCH):
        batch = list(paths[start : start + BATCH])
        try:
            done = proc.run([binary, "-f", "json1", "-S", "style", "--", *batch], cwd=repo,
                            check=False, timeout=300)
        except RunbookError:
            return None
        try:
            comments = json.loads(done.stdout or "{}").get("comments", [])
        except ValueError:
            return None
        for c in comments:
            name = str(c.get("file", ""))
            if name in counts:
                counts[name] += 1
    return counts
