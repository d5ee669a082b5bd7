"""shellcheck findings per script, used only to break ties between canonical candidates."""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from runbook_lib import proc
from runbook_lib.core.errors import RunbookError
from runbook_lib.proc import shellcheck

BATCH = 200  # files per shellcheck call: one process start per batch, not per file


def findings(repo: Path, paths: Sequence[str]) -> dict[str, int] | None:
    """Number of findings per repo-relative path; None when shellcheck cannot run."""
    binary = shellcheck.binary()
    if binary is None:
        return None
    cores = max(1, os.cpu_count() or 1)
    size = max(1, min(BATCH, -(-len(paths) // cores)))
    batches = [list(paths[i : i + size]) for i in range(0, len(paths), size)]
    # shellcheck is a separate process per batch: threads here only wait for them
    with ThreadPoolExecutor(max_workers=cores) as pool:
        results = list(pool.map(lambda batch: _run(binary, repo, batch), batches))
    if any(r is None for r in results):
        return None
    counts = {p: 0 for p in paths}
    for comments in results:
        for c in comments or []:
            name = str(c.get("file", ""))
            if name in counts:
                counts[name] += 1
    return counts


def _run(binary: str, repo: Path, batch: list[str]) -> list[dict[str, object]] | None:
    try:
        done = proc.run([binary, "-f", "json1", "-S", "style", "--", *batch], cwd=repo,
                        check=False, timeout=300)
        found = json.loads(done.stdout or "{}").get("comments", [])
    except (RunbookError, ValueError):
        return None
    return found if isinstance(found, list) else None
