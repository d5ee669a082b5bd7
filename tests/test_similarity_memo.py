"""A rerun on unchanged input reads the last run's tables back; any change computes again."""

from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path

import pandas as pd

from runbook_lib.similarity import SimilarityParams, run_similarity
from test_similarity import SCRIPTS, _workspace

TABLES = ("clusters", "pairs", "fragments", "families", "opportunities")


def _tables(ws: Path) -> dict[str, bytes]:
    return {n: (ws / f"{n}.csv").read_bytes() for n in TABLES}


def _summary(ws: Path) -> dict[str, object]:
    data = json.loads((ws / "similarity.json").read_text("utf-8"))
    assert isinstance(data, dict)
    return data


def _audit(ws: Path) -> list[dict[str, object]]:
    lines = (ws / "audit.jsonl").read_text("utf-8").splitlines()
    return [json.loads(line) for line in lines if '"similarity"' in line]


def test_a_rerun_on_unchanged_input_reuses_the_tables(tmp_path: Path) -> None:
    ws = _workspace(tmp_path, SCRIPTS)
    params = SimilarityParams(workspace=ws, shellcheck=False)
    first = run_similarity(ws, params)
    tables = _tables(ws)
    again = run_similarity(ws, params)
    assert again.reused and not first.reused
    assert _tables(ws) == tables
    for name in TABLES:  # the frames a notebook charts are the first run's, dtypes and all
        pd.testing.assert_frame_equal(getattr(again, name), getattr(first, name))
    assert again.counts == first.counts
    assert _summary(ws)["reused"] is True
    assert [r["reused"] for r in _audit(ws)] == [False, True]


def test_an_edited_script_a_changed_parameter_or_table_computes_again(tmp_path: Path) -> None:
    ws = _workspace(tmp_path, SCRIPTS)
    params = SimilarityParams(workspace=ws, shellcheck=False)
    run_similarity(ws, params)
    stricter = SimilarityParams(workspace=ws, shellcheck=False, threshold=0.9)
    assert not run_similarity(ws, stricter).reused
    assert run_similarity(ws, stricter).reused
    # a table edited or deleted by hand is written again
    (ws / "pairs.csv").write_text("edited\n", encoding="utf-8")
    assert not run_similarity(ws, stricter).reused
    assert (ws / "pairs.csv").read_text("utf-8") != "edited\n"
    (ws / "families.csv").unlink()
    assert not run_similarity(ws, stricter).reused
    assert (ws / "families.csv").exists()
    # the kept frames gone: computed again, never a reuse without them
    (ws / "cache" / "similarity-frames.pickle").unlink()
    assert not run_similarity(ws, stricter).reused
    assert run_similarity(ws, stricter).reused
    # a script edited and discovered again: its new sha256 in the inventory
    repo = tmp_path / "repo"
    path = next(p for p in SCRIPTS if p.endswith("deploy_web.sh"))
    text = (repo / path).read_text("utf-8") + 'echo "one more step"\n'
    (repo / path).write_text(text, encoding="utf-8")
    _set_sha(ws, path, hashlib.sha256(text.encode()).hexdigest())
    result = run_similarity(ws, params)
    assert not result.reused
    assert run_similarity(ws, params).reused


def test_no_cache_computes_and_keeps_nothing(tmp_path: Path) -> None:
    ws = _workspace(tmp_path, SCRIPTS)
    params = SimilarityParams(workspace=ws, shellcheck=False)
    run_similarity(ws, params)
    tables = _tables(ws)
    uncached = run_similarity(ws, SimilarityParams(workspace=ws, shellcheck=False, cache=False))
    assert not uncached.reused and _tables(ws) == tables
    assert not (ws / "cache" / "similarity-tables.pickle").exists()
    assert not (ws / "cache" / "similarity-frames.pickle").exists()
    assert not run_similarity(ws, params).reused


def test_an_inventory_without_sha256_is_never_reused(tmp_path: Path) -> None:
    ws = _workspace(tmp_path, SCRIPTS)
    _set_sha(ws, next(iter(SCRIPTS)), "")
    params = SimilarityParams(workspace=ws, shellcheck=False)
    run_similarity(ws, params)
    assert not run_similarity(ws, params).reused


def _set_sha(ws: Path, path: str, sha: str) -> None:
    with open(ws / "inventory.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    at = rows[0].index("sha256")
    for row in rows[1:]:
        if row[0] == path:
            row[at] = sha
    with open(ws / "inventory.csv", "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)
