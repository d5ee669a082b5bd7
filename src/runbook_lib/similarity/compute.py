"""The similarity tables computed: read, match, choose canonicals, tabulate, rank."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd

from runbook_lib.similarity import (
    canonical,
    chains,
    clusters,
    corpus,
    families,
    fragments,
    matching,
    opportunities,
)
from runbook_lib.similarity.settings import SimilarityParams

Progress = Callable[[str, int, int], None]


def tables(ws: Path, params: SimilarityParams, progress: Progress | None
           ) -> tuple[dict[str, pd.DataFrame], dict[str, int]]:
    """The five tables by name, and their counts."""
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
    frames = {"clusters": cluster_table, "pairs": pair_table, "fragments": fragment_table,
              "families": family_table, "opportunities": opportunity_table}
    return frames, counts


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
        "fragment_copies": len(frags),
        "families": fams["family_id"].nunique(), "opportunities": len(opps),
        "scripts_removable": opps["scripts_removed"].sum(),
    }
    members = cl[cl["canonical"] == False]  # noqa: E712 (an empty frame has object dtype)
    for kind in clusters.CLONE_TYPES:
        counts[f"{kind}_copies"] = (members["clone_type"] == kind).sum()
    return {k: int(v) for k, v in counts.items()}
