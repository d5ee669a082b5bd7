"""Discovery of references agrees with the sample generator's ground truth."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from runbook_lib.discovery.discover import DiscoveryParams, run_discovery

sample = pytest.importorskip("runbook_lib.sample")
Row = tuple[str, int, str, str, bool, str]


def _discovered(repo: Path, ws: Path, deploy_root: str) -> set[Row]:
    result = run_discovery(DiscoveryParams(repo=repo, workspace=ws, deploy_roots=[deploy_root],
                                           containers=False))
    refs = result.references
    return {(str(s), int(n), str(t), str(st), bool(lv), str(k)) for s, n, t, st, lv, k in
            zip(refs["source"], refs["line"], refs["target"], refs["status"], refs["live"],
                refs["kind"], strict=True)}


@pytest.mark.parametrize("seed", [7, 11])
def test_sample_truth_is_found(tmp_path: Path, seed: int) -> None:
    result = sample.generate(tmp_path / "repo", scripts=300, seed=seed)
    truth = json.loads(Path(result.truth).read_text())
    want = {(r["source"], r["line"], r["target"], r["status"], r["live"], r["kind"])
            for r in truth["references"]}
    got = _discovered(Path(result.repo), tmp_path / "ws", str(truth["deploy_root"]))
    found = len(got & want)
    assert found / len(want) >= 0.99, sorted(want - got)[:20]
    assert found / len(got) >= 0.99, sorted(got - want)[:20]
