"""Quality gates of issue 12 on the sample benchmark: mutants of the sample's scripts in the
Roy & Cordy taxonomy (runbook_lib.sample.mutants), scored as the field does: recall per
bucket over every cluster tier, and pair precision over clusters.csv. bench/quality.py prints
the same table beside jscpd."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from runbook_lib.discovery.discover import DiscoveryParams, run_discovery
from runbook_lib.sample import benchmark, generate
from runbook_lib.sample.benchmark import Scores
from runbook_lib.similarity import SimilarityParams, run_similarity

TARGETS = {"T1": 1.0, "T2": 1.0, "VST3": 0.99, "ST3": 0.95, "MT3": 0.80}
PRECISION = 0.98


@pytest.fixture(scope="module")
def scores(tmp_path_factory: pytest.TempPathFactory) -> Scores:
    root = tmp_path_factory.mktemp("bench")
    sample = generate(root / "sample", scripts=1000, seed=7)
    rows = json.loads(sample.truth.read_text("utf-8"))["scripts"]
    originals = benchmark.choose([r["path"] for r in rows if r["clone_kind"] == "original"
                                  and not r["archived"]], 150)
    cases = benchmark.build(sample.repo, root / "repo", originals)
    ws = root / "ws"
    run_discovery(DiscoveryParams(repo=root / "repo", workspace=ws))
    result = run_similarity(ws, SimilarityParams(workspace=ws, shellcheck=False))
    related, counted = benchmark.sample_relation(sample.truth, cases)
    groups = dict(zip(result.clusters["path"], result.clusters["cluster_id"], strict=True))
    return benchmark.score(groups, cases, related, counted)


@pytest.mark.parametrize("bucket", list(TARGETS))
def test_recall_per_bucket_reaches_the_target(scores: Scores, bucket: str) -> None:
    assert scores.counts[bucket] >= 100
    assert scores.recall[bucket] >= TARGETS[bucket], scores


def test_pair_precision_reaches_the_target(scores: Scores) -> None:
    assert scores.pairs >= 1000
    assert scores.precision >= PRECISION, scores


def test_mutants_are_bucketed_by_the_share_of_lines_kept(tmp_path: Path) -> None:
    from runbook_lib.sample.mutants import bucket
    assert [bucket("t3-12", s) for s in (0.95, 0.8, 0.6, 0.3)] == ["VST3", "ST3", "MT3", "WT3"]
    assert bucket("t1", 1.0) == "T1" and bucket("t2", 1.0) == "T2"
