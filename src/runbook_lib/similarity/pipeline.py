"""The similarity step in order: read, match, choose canonicals, tabulate, rank, write."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from runbook_lib.core import auditlog, workspace
from runbook_lib.core.errors import BadInput
from runbook_lib.similarity import (
    canonical,
    chains,
    clusters,
    corpus,
    families,
    fragments,
    matching,
    memo,
    opportunities,
)
from runbook_lib.similarity.settings import SimilarityParams, SimilarityResult

Progress = Callable[[str, int, int], None]
TABLES = ("clusters", "pairs", "fragments", "families", "opportunities")


def run_similarity(workspace: Path, params: SimilarityParams,
                   progress: Progress | None = None) -> SimilarityResult:
    """Read the discovery tables of `workspace`, write the five similarity tables there."""
    check(params)
    start = time.perf_counter()
    ws = Path(workspace)
    if not (ws / "inventory.csv").is_file():
        raise BadInput(f"no inventory.csv in {ws}: run `runbook discover` first")
    run_key = memo.key(ws, params) if params.cache else ""
    kept = memo.load(ws, run_key, TABLES) if run_key else None
    if kept is not None:  # nothing the tables are computed from changed since they were
        f = kept.frames
        result = SimilarityResult(ws, f["clusters"], f["pairs"], f["fragments"], f["families"],
                                  f["opportunities"], kept.counts,
                                  round(time.perf_counter() - start, 3), reused=True)
        _record(result, params)
        return result
    if not params.cache:
        memo.drop(ws)
    found_corpus = corpus.load(ws, params.workers, progress, params.cache)
    found = matching.match(found_corpus, _settings(params), progress)
    cluster_table, pair_table = _clusters(found_corpus, found, params)
    _report(progress, "fragments")
    units = fragments.content_units(found_corpus, found.clusters)
    fragment_table = fragments.find(found_corpus, units, params.min_fragment_lines)
    _report(progress, "families")
    family_table = families.find(found_corpus, _cluster_of(found), params.family_threshold)
    opportunity_table = opportunities.build(found_corpus, cluster_table, fragment_table,
                                            family_table)
    counts = _counts(cluster_table, pair_table, fragment_table, family_table, opportunity_table)
    counts.update(scripts=len(found_corpus.scripts), lsh_candidates=found.candidates)
    result = SimilarityResult(ws, cluster_table, pair_table, fragment_table, family_table,
                              opportunity_table, counts, round(time.perf_counter() - start, 3))
    _write(result, params)
    if run_key:
        memo.save(ws, run_key, _frames(result), counts)
    return result


def _clusters(found_corpus: corpus.Corpus, found: matching.Matches,
              params: SimilarityParams) -> tuple[pd.DataFrame, pd.DataFrame]:
    linter = canonical.Linter(found_corpus.repo, params.shellcheck_max_files,
                              params.workspace / "cache" / "shellcheck.json") \
        if params.shellcheck else None

    def choose(groups: list[list[int]]) -> list[canonical.Choice]:
        return canonical.choose(groups, found_corpus, linter)

    settings = _settings(params)
    choices = chains.settle(found_corpus, found, choose, settings)
    return (clusters.cluster_frame(found_corpus, found, choices, params.boilerplate_weight,
                                   params.min_lines),
            clusters.pair_frame(found_corpus, found, choices, settings))


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


def _settings(p: SimilarityParams) -> matching.Settings:
    return matching.Settings(p.threshold, p.min_statements, p.min_lines, p.boilerplate_weight,
                             p.boilerplate_min_scripts, p.boilerplate_fraction, p.num_perm,
                             p.lsh_rows)


def _report(progress: Progress | None, stage: str) -> None:
    if progress:
        progress(stage, 1, 1)


def _cluster_of(found: matching.Matches) -> list[int]:
    cluster_of = [-1] * len(found.rep)
    for n, members in enumerate(found.clusters):
        for i in members:
            cluster_of[i] = n
    return cluster_of


def _counts(cl: pd.DataFrame, pairs: pd.DataFrame, frags: pd.DataFrame, fams: pd.DataFrame,
            opps: pd.DataFrame) -> dict[str, int]:
    counts = {
        "clusters": cl["cluster_id"].nunique(), "clustered_scripts": len(cl),
        "pairs": len(pairs), "fragments": frags["fragment_id"].nunique(),
        "families": fams["family_id"].nunique(), "opportunities": len(opps),
        "scripts_removable": opps["scripts_removed"].sum(),
    }
    members = cl[cl["canonical"] == False]  # noqa: E712 (an empty frame has object dtype)
    for kind in clusters.CLONE_TYPES:
        counts[f"{kind}_copies"] = (members["clone_type"] == kind).sum()
    return {k: int(v) for k, v in counts.items()}


def _frames(r: SimilarityResult) -> dict[str, pd.DataFrame]:
    return {name: getattr(r, name) for name in TABLES}


def _write(r: SimilarityResult, params: SimilarityParams) -> None:
    for name, frame in _frames(r).items():
        workspace.write_frame(r.workspace / f"{name}.csv", frame)
    _record(r, params)


def _record(r: SimilarityResult, params: SimilarityParams) -> None:
    """similarity.json and the audit line (`reused`: the tables are the last run's)."""
    workspace.write_json(r.workspace / "similarity.json",
                         {"counts": r.counts, "seconds": r.seconds, "reused": r.reused,
                          "params": {k: v for k, v in vars(params).items() if k != "workspace"}})
    auditlog.append(r.workspace, "similarity", result="ok", reused=r.reused, **r.counts)
