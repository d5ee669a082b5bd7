"""The similarity step: read the last run's tables back when nothing they come from changed,
else compute them (compute.py), then write and record them. Only the computing loads the
heavy modules (pandas, numpy, the parsers): a rerun on unchanged input does not."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from runbook_lib.core import auditlog
from runbook_lib.core.errors import BadInput
from runbook_lib.core.workspace import write_frame, write_json
from runbook_lib.similarity import memo
from runbook_lib.similarity.settings import TABLES, SimilarityParams, SimilarityResult

Progress = Callable[[str, int, int], None]


def run_similarity(workspace: Path, params: SimilarityParams,
                   progress: Progress | None = None) -> SimilarityResult:
    """Read the discovery tables of `workspace`, write the five similarity tables there."""
    check(params)
    start = time.perf_counter()
    ws = Path(workspace)
    if not (ws / "inventory.csv").is_file():
        raise BadInput(f"no inventory.csv in {ws}: run `runbook discover` first")
    run_key = memo.key(ws, params) if params.cache else ""
    kept = memo.load(ws, run_key) if run_key else None
    if kept is not None:  # nothing the tables are computed from changed since they were
        result = SimilarityResult(ws, kept.frames, kept.counts,
                                  round(time.perf_counter() - start, 3), reused=True)
        _record(result, params)
        return result
    if not params.cache:
        memo.drop(ws)
    from runbook_lib.similarity import compute

    frames, counts = compute.tables(ws, params, progress)
    result = SimilarityResult(ws, frames, counts, round(time.perf_counter() - start, 3))
    for name in TABLES:
        write_frame(ws / f"{name}.csv", frames[name])
    _record(result, params)
    if run_key:
        memo.save(ws, run_key, frames, counts)
    return result


def check(params: SimilarityParams) -> None:
    if not 0 < params.threshold <= 1:
        raise BadInput(f"threshold must be above 0 and at most 1, got {params.threshold}")
    if not 0 < params.min_statements <= 1:
        raise BadInput(f"min_statements must be above 0 and at most 1, got "
                       f"{params.min_statements}")
    if params.min_fragment_lines < 2:
        raise BadInput(f"min_fragment_lines must be at least 2, got {params.min_fragment_lines}")
    if not 0 <= params.boilerplate_weight <= 1:
        raise BadInput(f"boilerplate_weight must be 0 to 1, got {params.boilerplate_weight}")
    if not 1 <= params.lsh_rows <= params.num_perm // 2:
        raise BadInput(f"lsh_rows must be 1 to num_perm/2, got {params.lsh_rows}")


def _record(r: SimilarityResult, params: SimilarityParams) -> None:
    """similarity.json and the audit line (`reused`: the tables are the last run's)."""
    write_json(r.workspace / "similarity.json",
               {"counts": r.counts, "seconds": r.seconds, "reused": r.reused,
                "params": {k: v for k, v in vars(params).items() if k != "workspace"}})
    auditlog.append(r.workspace, "similarity", result="ok", reused=r.reused, **r.counts)
