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

# shellcheck is one single-threaded process per call: a long list is split so that each core
# runs one call at once (about 50 files a second each); short lists stay one call.
PER_CALL_AT_LEAST = 40


def findings(repo: Path, paths: Sequence[str], processes: int = 0) -> dict[str, int] | None:
    """Number of findings per repo-relative path; the files in one shellcheck call per core
    (`processes`, 0 = one per core) run side by side; None when shellcheck cannot run."""
    binary = shellcheck.binary()
    if binary is None:
        return None
    calls = _split(list(paths), processes or os.cpu_count() or 1)
    with ThreadPoolExecutor(max_workers=len(calls)) as pool:  # threads that wait on processes
        found = list(pool.map(lambda part: _one_call(binary, repo, part), calls))
    if any(part is None for part in found):
        return None
    return {path: n for part in found if part is not None for path, n in part.items()}


def _split(paths: list[str], processes: int) -> list[list[str]]:
    calls = max(1, min(processes, len(paths) // PER_CALL_AT_LEAST))
    return [paths[n::calls] for n in range(calls)]


def _one_call(binary: str, repo: Path, paths: list[str]) -> dict[str, int] | None:
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
