"""Discovery of references agrees with the sample generator's ground truth."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from runbook_lib.discovery.references import RepoIndex, scan_file, source_kind

sample = pytest.importorskip("runbook_lib.sample")
Row = tuple[str, int, str, str, bool, str]


def _listed(repo: Path) -> list[str]:
    out = subprocess.run(["git", "-C", str(repo), "ls-files", "-co", "--exclude-standard", "-z"],
                         capture_output=True, check=True).stdout.decode()
    return [p for p in out.split("\0") if p]


def _link_target(repo: Path, path: str, deploy_root: str) -> str:
    target = os.readlink(repo / path)
    if target.startswith(deploy_root + "/"):
        return target[len(deploy_root) + 1:]
    return os.path.normpath(os.path.join(os.path.dirname(path), target))


def _index(repo: Path, truth: dict[str, object]) -> tuple[RepoIndex, dict[str, str], set[str]]:
    scripts = {s["path"]: s["language"] for s in truth["scripts"]}  # type: ignore[attr-defined]
    vendored = tuple(truth["vendored"])  # type: ignore[call-overload]
    files, links = set(), {}
    for path in _listed(repo):
        if any(path.startswith(v + "/") for v in vendored):
            continue
        if (repo / path).is_symlink():
            links[path] = _link_target(repo, path, str(truth["deploy_root"]))
        elif (repo / path).is_file():
            files.add(path)
    archived = {s["path"] for s in truth["scripts"] if s["archived"]}  # type: ignore[attr-defined]
    links = {k: v for k, v in links.items() if v in scripts}
    index = RepoIndex.build(set(scripts), files, symlinks=links, archived=archived,
                            deploy_roots=(str(truth["deploy_root"]),))
    return index, scripts, archived


def _scan(repo: Path, truth: dict[str, object]) -> set[Row]:
    index, scripts, archived = _index(repo, truth)
    skipped = {s["path"] for s in truth["skipped"]}  # type: ignore[attr-defined]
    rows: set[Row] = set()
    for path in sorted(index.files - skipped):
        language = scripts.get(path)
        kind = source_kind(path) if language is None else (
            "python" if language == "python" else "script")
        data = (repo / path).read_bytes()
        if kind is None or b"\0" in data[:8192]:
            continue
        text = data.decode("utf-8", errors="replace")
        for ref in scan_file(path, text, kind, index, repo, path in archived):
            rows.add((ref.source, ref.line, ref.target, ref.status, ref.live, ref.kind))
    return rows


@pytest.mark.parametrize("seed", [7, 11])
def test_sample_truth_is_found(tmp_path: Path, seed: int) -> None:
    result = sample.generate(tmp_path / "repo", scripts=300, seed=seed)
    truth = json.loads(Path(result.truth).read_text())
    want = {(r["source"], r["line"], r["target"], r["status"], r["live"], r["kind"])
            for r in truth["references"]}
    got = _scan(Path(result.repo), truth)
    found = len(got & want)
    assert found / len(want) >= 0.99, sorted(want - got)[:20]
    assert found / len(got) >= 0.99, sorted(got - want)[:20]
