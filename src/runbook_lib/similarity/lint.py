"""shellcheck findings per script, used only to break ties between canonical candidates."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from runbook_lib import proc
from runbook_lib.core.errors import RunbookError
from runbook_lib.proc import shellcheck


def findings(repo: Path, paths: Sequence[str]) -> dict[str, int] | None:
    """Number of findings per repo-relative path, all files in one shellcheck call; None
    when shellcheck cannot run."""
    binary = shellcheck.binary()
    if binary is None:
        return None
    try:
        done = proc.run([binary, "-f", "json1", "-S", "style", "--", *paths], cwd=repo,
                        check=False, timeout=600)
        comments = json.loads(done.stdout or "{}").get("comments", [])
    except (RunbookError, ValueError):
        return None
    if not isinstance(comments, list):
        return None
    counts = {p: 0 for p in paths}
    for c in comments:
        name = str(c.get("file", ""))
        if name in counts:
            counts[name] += 1
    return counts
