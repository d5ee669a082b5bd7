"""Quality gates of issue 3, against the sample generator's ground truth."""

from __future__ import annotations

import difflib
import itertools
import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from runbook_lib.discovery.discover import DiscoveryParams, run_discovery
from runbook_lib.sample import generate
from runbook_lib.similarity import SimilarityParams, SimilarityResult, run_similarity


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], Path,
                                                            SimilarityResult]:
    root = tmp_path_factory.mktemp("gates")
    sample = generate(root / "repo", scripts=3000, seed=5)
    ws = root / "ws"
    run_discovery(DiscoveryParams(repo=sample.repo, workspace=ws, deploy_roots=["/opt/app"]))
    result = run_similarity(ws, SimilarityParams(workspace=ws))
    return json.loads(sample.truth.read_text("utf-8")), sample.repo, result


def groups(truth: dict[str, Any]) -> dict[str, str]:
    """Each script's truth group: copies joined to their origin, transitively."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.get(x, x) != x:
            x = parent[x]
        return x

    for script in truth["scripts"]:
        if script["origin"]:
            a, b = find(script["path"]), find(script["origin"])
            if a != b:
                parent[a] = b
    return {s["path"]: find(s["path"]) for s in truth["scripts"]}


def cluster_of(result: SimilarityResult) -> dict[str, str]:
    return dict(zip(result.clusters["path"], result.clusters["cluster_id"].astype(str),
                    strict=True))


def line_similarity(repo: Path, a: str, b: str) -> float:
    """An independent measure: difflib over lines without comments and blank lines."""
    def lines(path: str) -> list[str]:
        text = (repo / path).read_text("utf-8", errors="replace")
        return [ln.strip() for ln in text.splitlines() if ln.strip() and
                not ln.strip().startswith("#")]

    return difflib.SequenceMatcher(None, lines(a), lines(b)).ratio()


@pytest.mark.parametrize("kind", ["exact", "normalised", "renamed"])
def test_recall_of_copies_is_complete(world: tuple[dict[str, Any], Path, SimilarityResult],
                                      kind: str) -> None:
    truth, _, result = world
    where = cluster_of(result)
    copies = [s for s in truth["scripts"] if s["clone_kind"] == kind]
    assert copies
    missed = [s["path"] for s in copies
              if where.get(s["path"]) is None or where.get(s["path"]) != where.get(s["origin"])]
    assert not missed


def test_recall_of_near_copies(world: tuple[dict[str, Any], Path, SimilarityResult]) -> None:
    truth, repo, result = world
    where = cluster_of(result)
    near = [s for s in truth["scripts"] if s["clone_kind"] == "near"
            and line_similarity(repo, s["path"], s["origin"]) >= 0.7]
    found = [s for s in near
             if where.get(s["path"]) is not None and where.get(s["path"]) == where.get(s["origin"])]
    assert len(near) >= 10
    assert len(found) / len(near) >= 0.95, [s["path"] for s in near if s not in found]


def test_pairwise_precision(world: tuple[dict[str, Any], Path, SimilarityResult]) -> None:
    truth, _, result = world
    group = groups(truth)
    good = bad = 0
    for _, members in result.clusters.groupby("cluster_id"):
        for a, b in itertools.combinations(sorted(members["path"]), 2):
            good, bad = (good + 1, bad) if group[a] == group[b] else (good, bad + 1)
    assert good / (good + bad) >= 0.98


def test_pasted_functions_are_found_with_every_copy(
        world: tuple[dict[str, Any], Path, SimilarityResult]) -> None:
    truth, _, result = world
    for name, paths in truth["fragments"].items():
        rows = result.fragments[result.fragments["name"] == name]
        assert set(paths) <= set(rows["path"]), name
        assert rows["copies"].max() >= len(paths)


def test_backup_copies_and_orphans_are_opportunities(
        world: tuple[dict[str, Any], Path, SimilarityResult]) -> None:
    truth, _, result = world
    ops = result.opportunities
    members = {kind: set(";".join(ops[ops["kind"] == kind]["members"]).split(";"))
               for kind in ("backup_copy", "orphan")}
    backups = {s["path"] for s in truth["scripts"] if s["backup_of"]}
    orphans = {s["path"] for s in truth["scripts"] if s["orphan"] and not s["archived"]}
    assert backups and backups <= members["backup_copy"]
    assert orphans and orphans <= members["orphan"]


@pytest.mark.xfail(strict=True, reason="issue 12 open: the sample's three build-all-images "
                   "scripts share only widespread commands (docker build), which the families "
                   "rule discounts since names alone were wrong 3 times in 5 on fetched repos; "
                   "build_all_images_simple.sh shares no command but `docker` and no statement "
                   "with the other two (docker compose build vs docker build), so only its "
                   "name could join it")
def test_same_job_scripts_are_one_family(
        world: tuple[dict[str, Any], Path, SimilarityResult]) -> None:
    truth, _, result = world
    family = dict(zip(result.families["path"], result.families["family_id"], strict=True))
    for job in truth["same_job"]:
        assert len({family.get(p) for p in job}) == 1 and family.get(job[0]) is not None


def test_columns_named_by_the_issue(world: tuple[dict[str, Any], Path, SimilarityResult]
                                   ) -> None:
    ws = world[2].workspace
    want = {
        "clusters.csv": {"cluster_id", "path", "canonical", "similarity", "clone_type"},
        "pairs.csv": {"a", "b", "similarity", "clone_type"},
        "fragments.csv": {"fragment_id", "path", "start_line", "end_line", "name", "lines",
                          "copies"},
        "families.csv": {"family_id", "path", "score", "evidence"},
        "opportunities.csv": {"opportunity_id", "kind", "members", "keep", "scripts_removed",
                              "lines_removed", "risk", "evidence"},
    }
    for name, columns in want.items():
        assert columns <= set(pd.read_csv(ws / name, nrows=1).columns), name
