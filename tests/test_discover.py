from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from conftest import make_repo
from runbook_lib.discovery.discover import DiscoveryParams, DiscoveryResult, run_discovery
from runbook_lib.sample import SampleResult, generate
from runbook_lib.views.graph import dangling, orphans, reference_graph


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> SampleResult:
    return generate(tmp_path_factory.mktemp("sample") / "repo", scripts=400, seed=3)


@pytest.fixture(scope="module")
def found(sample: SampleResult, tmp_path_factory: pytest.TempPathFactory) -> DiscoveryResult:
    ws = tmp_path_factory.mktemp("ws")
    return run_discovery(DiscoveryParams(repo=sample.repo, workspace=ws,
                                         deploy_roots=["/opt/app"]))


def truth(sample: SampleResult) -> dict[str, object]:
    data: dict[str, object] = json.loads(sample.truth.read_text("utf-8"))
    return data


def key(row: dict[str, object]) -> tuple[object, ...]:
    target = row["target"] if row["status"] != "missing" else "?"
    return (row["source"], int(str(row["line"])), target, row["status"])


def test_recall_and_precision_against_the_ground_truth(sample: SampleResult,
                                                       found: DiscoveryResult) -> None:
    expected = {key(r) for r in truth(sample)["references"]}  # type: ignore[attr-defined]
    got = {key(r) for r in found.references.to_dict("records")}
    hits = len(expected & got)
    assert hits / len(expected) >= 0.99, sorted(expected - got)[:10]
    assert hits / len(got) >= 0.99, sorted(got - expected)[:10]


def test_live_flags_match_the_ground_truth(sample: SampleResult, found: DiscoveryResult) -> None:
    expected = {key(r): r["live"] for r in truth(sample)["references"]}  # type: ignore[attr-defined]
    wrong = [k for k, live in ((key(r), r["live"]) for r in found.references.to_dict("records"))
             if k in expected and bool(live) != expected[k]]
    assert not wrong


def test_every_script_is_inventoried(sample: SampleResult, found: DiscoveryResult) -> None:
    scripts = {s["path"] for s in truth(sample)["scripts"]}  # type: ignore[attr-defined]
    assert set(found.inventory["path"]) == scripts
    row = found.inventory.set_index("path")
    assert (row["sha256"].str.len() == 64).all()
    assert set(row["language"]) <= {"sh", "bash", "ksh", "zsh", "python"}


def test_odd_inputs_are_skipped_with_their_reason(sample: SampleResult,
                                                  found: DiscoveryResult) -> None:
    skipped = dict(zip(found.skipped["path"], found.skipped["reason"], strict=True))
    for item in truth(sample)["skipped"]:  # type: ignore[attr-defined]
        assert skipped.get(item["path"]) == item["reason"]
    for tree in truth(sample)["vendored"]:  # type: ignore[attr-defined]
        assert tree in skipped, tree
    inventory = found.inventory.set_index("path")
    empty = [p for p, n in inventory["bytes"].items() if n == 0]
    assert empty and inventory.loc[empty[0], "lines"] == 0
    assert (inventory["encoding"] == "invalid-utf8").sum() >= 1
    assert any(" " in p for p in inventory.index)


def test_orphans_and_dangling_match_the_ground_truth(sample: SampleResult,
                                                     found: DiscoveryResult) -> None:
    scripts = truth(sample)["scripts"]  # type: ignore[index]
    expected = {s["path"] for s in scripts if s["orphan"] and not s["archived"]}
    assert set(orphans(found.inventory)["path"]) == expected
    missing = [r for r in truth(sample)["references"] if r["status"] == "missing"]  # type: ignore
    assert len(dangling(found.references)) == len(missing)
    graph = reference_graph(found.references)
    assert graph.number_of_edges() > 0


def test_written_tables_and_a_second_run_is_identical(sample: SampleResult, found: DiscoveryResult,
                                                      tmp_path: Path) -> None:
    ws = found.workspace
    columns = set(pd.read_csv(ws / "inventory.csv").columns)
    assert {"path", "language", "lines", "bytes", "sha256", "mode", "executable", "shebang",
            "archived", "last_commit", "risks", "env_vars"} <= columns
    again = run_discovery(DiscoveryParams(repo=sample.repo, workspace=tmp_path / "ws2",
                                          deploy_roots=["/opt/app"]))
    for name in ("inventory.csv", "references.csv", "skipped.csv"):
        assert (ws / name).read_bytes() == (again.workspace / name).read_bytes()


def test_flags_from_callers(found: DiscoveryResult) -> None:
    risks = found.inventory.set_index("path")["risks"]
    assert risks.str.contains("scheduled").any()
    assert risks.str.contains("ci").any()


def test_plain_folder_without_git(tmp_path: Path) -> None:
    repo = tmp_path / "plain"
    (repo / "bin").mkdir(parents=True)
    (repo / "bin" / "tool").write_text("#!/usr/bin/env bash\necho hi\n", "utf-8")
    (repo / "run.sh").write_text("#!/bin/sh\nset -e\n./bin/tool\n", "utf-8")
    result = run_discovery(DiscoveryParams(repo=repo, workspace=tmp_path / "ws"))
    assert sorted(result.inventory["path"]) == ["bin/tool", "run.sh"]
    assert set(result.inventory["last_commit"]) == {""}
    assert list(result.references["target"]) == ["bin/tool"]


def test_gitignore_is_honoured(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "r", {".gitignore": "build/\n", "a.sh": "#!/bin/sh\necho a\n",
                                      "build/gen.sh": "#!/bin/sh\necho generated\n"})
    result = run_discovery(DiscoveryParams(repo=repo, workspace=tmp_path / "ws"))
    assert list(result.inventory["path"]) == ["a.sh"]


def test_odd_files_are_recorded_skips_not_errors(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "r", {
        "ok.sh": "#!/bin/sh\necho ok\n",
        "big.sh": "#!/bin/sh\n" + "echo x\n" * 2000,
        "odd\nname.sh": "#!/bin/sh\necho odd\n",
        "latin1.sh": b"#!/bin/sh\necho caf\xe9\n",
    })
    (repo / "loop-a.sh").symlink_to("loop-b.sh")
    (repo / "loop-b.sh").symlink_to("loop-a.sh")
    (repo / "gone.sh").symlink_to("nowhere/missing.sh")
    result = run_discovery(DiscoveryParams(repo=repo, workspace=tmp_path / "ws",
                                           max_bytes=10_000))
    reasons = dict(zip(result.skipped["path"], result.skipped["reason"], strict=True))
    assert reasons["big.sh"] == "too_large"
    assert reasons["loop-a.sh"] == reasons["loop-b.sh"] == "symlink_loop"
    assert reasons["gone.sh"] == "broken_symlink"
    inventory = result.inventory.set_index("path")
    assert "odd\nname.sh" in inventory.index
    assert inventory.loc["latin1.sh", "encoding"] == "invalid-utf8"
    written = pd.read_csv(result.workspace / "inventory.csv", keep_default_na=False)
    assert "odd\nname.sh" in set(written["path"])


def test_rule_and_confidence_columns(found: DiscoveryResult, tmp_path: Path) -> None:
    refs = found.references
    assert {"rule", "confidence"} <= set(refs.columns)
    assert set(refs["confidence"]) == {"certain", "likely"}
    assert (refs["rule"] != "").all()
    header = (found.workspace / "references.csv").read_text("utf-8").split("\n", 1)[0]
    assert header.endswith(",rule,confidence")


def test_a_folder_an_enclosing_repository_ignores_is_walked(tmp_path: Path) -> None:
    import subprocess
    import sys

    outer = make_repo(tmp_path / "outer", {".gitignore": "inner/\n", "a.txt": "x\n"})
    inner = outer / "inner"
    inner.mkdir()
    (inner / "run.sh").write_text("./tools/x.sh\n")
    (inner / "tools").mkdir()
    (inner / "tools/x.sh").write_text("echo\n")
    done = subprocess.run([sys.executable, "-m", "runbook_lib.cli", "discover", "--direct",
                           "--no-progress", "--repo", str(inner), "--workspace",
                           str(tmp_path / "ws")], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert "git listed no file here" in done.stderr and "ignores it" in done.stderr
    info = json.loads((tmp_path / "ws" / "discovery.json").read_text("utf-8"))
    assert info["listing"].startswith("walk: git listed no file here")
    assert info["scripts"] == 2


def test_zero_scripts_is_a_warning_not_a_silent_success(tmp_path: Path) -> None:
    import subprocess
    import sys

    repo = make_repo(tmp_path / "repo", {"README.md": "nothing here\n"})
    done = subprocess.run([sys.executable, "-m", "runbook_lib.cli", "discover", "--direct",
                           "--no-progress", "--repo", str(repo), "--workspace",
                           str(tmp_path / "ws")], capture_output=True, text=True, check=False)
    assert done.returncode == 0
    assert "runbook: warning: no script found" in done.stderr
