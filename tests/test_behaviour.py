from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from campaign import git
from runbook_lib.checks import behaviour
from runbook_lib.checks.context import BatchContext
from runbook_lib.core.errors import BadInput
from runbook_lib.core.workspace import batch_dir
from runbook_lib.discovery.discover import DiscoveryParams, run_discovery
from runbook_lib.execution.batch import BatchOutcome, BatchParams, run_batch
from runbook_lib.planning.approve import ApproveParams, approve
from runbook_lib.planning.plan import PlanParams, build_plan
from runbook_lib.sandbox import isolate
from runbook_lib.similarity import SimilarityParams, run_similarity
from state import head, snapshot

# An exact copy in two folders, each with its own settings.conf beside the script.
SHOW = """#!/bin/bash
set -euo pipefail
conf="$(dirname "$0")/settings.conf"
. "$conf"
if [ "${1:-}" = "--help" ]; then
  echo "usage: show.sh [NAME]"
  exit 0
fi
echo "site=$site greeting=${1:-world}"
"""
USAGE = '#!/bin/bash\necho "usage: $0 NAME" >&2\nexit 64\n'
SETTINGS = {"alpha/show.sh": SHOW, "beta/show.sh": SHOW, "alpha/settings.conf": "site=alpha\n",
            "beta/settings.conf": "site=beta\n",
            "Makefile": "all:\n\tbash alpha/show.sh\n\tbash beta/show.sh\n"}
CASES = "- script: alpha/show.sh\n  args: [there]\n- script: beta/show.sh\n"


def needs_sandbox() -> None:
    if isolate.find() is None:
        pytest.skip(isolate.unavailable_reason())


def campaign(root: Path, files: dict[str, str], cases: str | None) -> tuple[Path, Path]:
    """A repo of `files` (plus the cases file), discovered, planned and approved for real."""
    repo, ws = root / "repo", root / "ws"
    repo.mkdir(parents=True)
    subprocess.run(["git", "init", "-q", "-b", "main", str(repo)], check=True)
    for rel, text in {**files, **({"runbook-cases.yaml": cases} if cases else {})}.items():
        (repo / rel).parent.mkdir(parents=True, exist_ok=True)
        (repo / rel).write_text(text, "utf-8")
        (repo / rel).chmod(0o755 if rel.endswith(".sh") else 0o644)
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "initial")
    run_discovery(DiscoveryParams(repo=repo, workspace=ws))
    run_similarity(ws, SimilarityParams(workspace=ws))
    build_plan(PlanParams(workspace=ws))
    approve(ApproveParams(ws, "tester", allow_risk=True))
    return repo, ws


def force_style(ws: Path, style: str) -> dict[str, Any]:
    plan = json.loads((ws / "plan.json").read_text("utf-8"))
    action = plan["batches"][0]["actions"][0]
    action["style"] = style
    (ws / "plan.json").write_text(json.dumps(plan), "utf-8")
    approve(ApproveParams(ws, "tester", allow_risk=True))
    return dict(action)


def check(outcome: BatchOutcome, name: str) -> dict[str, Any]:
    return next(c for c in outcome.checks if c["name"] == name)


def test_planner_keeps_dollar0_readers_and_behaviour_passes(tmp_path: Path) -> None:
    needs_sandbox()
    _repo, ws = campaign(tmp_path, SETTINGS, CASES)
    action = json.loads((ws / "plan.json").read_text("utf-8"))["batches"][0]["actions"][0]
    assert action["style"] == "source-keep-0"
    outcome = run_batch(BatchParams(ws, 1, perf_runs=3))
    assert outcome.status == "promoted", outcome.checks
    result = check(outcome, "behaviour")
    assert result["status"] == "pass" and result["details"]["cases"] == 1
    assert result["details"]["results"][0]["status"] == "same"
    assert "site=alpha greeting=there" in result["details"]["results"][0]["stdout"][1]
    cover = check(outcome, "coverage")["details"]
    canonical = next(r for r in cover["scripts"] if r["script"] == action["canonical"])
    assert 0 < canonical["coverage"] < 1  # the --help branch was not run
    assert check(outcome, "performance")["details"]["scripts"][0]["ratio"] > 0


def test_exec_shim_to_a_copy_reading_its_own_settings_is_rolled_back(tmp_path: Path) -> None:
    needs_sandbox()
    repo, ws = campaign(tmp_path, SETTINGS, CASES)
    action = force_style(ws, "exec")
    before, main = snapshot(repo), head(repo)
    outcome = run_batch(BatchParams(ws, 1))
    assert outcome.status == "rolled_back" and "behaviour" in outcome.message
    assert snapshot(repo) == before and head(repo) == main
    saved = json.loads((batch_dir(ws, 1) / "validation.json").read_text("utf-8"))
    result = next(c for c in saved["checks"] if c["name"] == "behaviour")
    assert result["status"] == "fail"
    assert result["details"]["different"] == [f"{action['path']}#1"]
    diff = result["details"]["results"][0]["differences"][0]
    own, other = action["path"].split("/")[0], action["canonical"].split("/")[0]
    assert diff["what"] == "stdout" and diff["kind"] == "behaviour"
    assert f"-site={own} greeting=there" in diff["diff"]
    assert f"+site={other} greeting=there" in diff["diff"]


def test_a_pure_path_difference_is_shown_as_location_and_passes(tmp_path: Path) -> None:
    needs_sandbox()
    files = {"one/usage.sh": USAGE, "two/usage.sh": USAGE,
             "Makefile": "all:\n\tbash one/usage.sh\n\tbash two/usage.sh\n"}
    cases = "- {script: one/usage.sh, expect_exit: 64}\n- {script: two/usage.sh}\n"
    _repo, ws = campaign(tmp_path, files, cases)
    action = force_style(ws, "exec")
    outcome = run_batch(BatchParams(ws, 1))
    assert outcome.status == "promoted", outcome.checks
    details = check(outcome, "behaviour")["details"]
    assert details["location"] == [f"{action['path']}#{1 if action['path'] < 'two' else 2}"]
    diff = details["results"][0]["differences"][0]
    assert (diff["what"], diff["kind"]) == ("stderr", "location")
    assert any(line.startswith("+usage: ") and action["canonical"] in line
               for line in diff["diff"])


def test_minimum_coverage_blocks_promotion(tmp_path: Path) -> None:
    needs_sandbox()
    repo, ws = campaign(tmp_path, SETTINGS, CASES)
    main = head(repo)
    outcome = run_batch(BatchParams(ws, 1, min_coverage=95, perf_runs=1))
    assert outcome.status == "rolled_back" and head(repo) == main
    result = check(outcome, "coverage")
    assert result["status"] == "fail" and result["details"]["minimum"] == 0.95
    assert check(outcome, "behaviour")["status"] == "pass"


def test_without_cases_nothing_runs_unless_probe(tmp_path: Path) -> None:
    needs_sandbox()
    _repo, ws = campaign(tmp_path, SETTINGS, None)
    outcome = run_batch(BatchParams(ws, 1, perf_runs=1, probe=True, probe_timeout=3))
    assert outcome.status == "promoted", outcome.checks
    probed = check(outcome, "behaviour")["details"]["results"]
    assert [r["probe"] for r in probed] == [True] and probed[0]["status"] == "same"
    assert check(outcome, "performance")["status"] == "skip"


def test_no_cases_is_a_skip_and_a_bad_cases_file_fails(tmp_path: Path) -> None:
    needs_sandbox()
    _repo, ws = campaign(tmp_path / "a", SETTINGS, None)
    outcome = run_batch(BatchParams(ws, 1))
    assert check(outcome, "behaviour")["status"] == "skip"
    assert "no declared cases" in check(outcome, "behaviour")["details"]
    bad = "- script: alpha/show.sh\n  argz: [1]\n"
    with pytest.raises(BadInput, match=r"unknown key\(s\) argz"):  # the plan reads them too
        campaign(tmp_path / "b", SETTINGS, bad)
    repo, ws = campaign(tmp_path / "c", SETTINGS, CASES)
    (repo / "runbook-cases.yaml").write_text(bad, "utf-8")
    git(repo, "commit", "-qam", "a bad cases file after planning")
    outcome = run_batch(BatchParams(ws, 1))
    assert outcome.status == "rolled_back"
    assert "unknown key(s) argz" in check(outcome, "behaviour")["details"]


def test_no_sandbox_means_skip_with_the_reason(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    _repo, ws = campaign(tmp_path, SETTINGS, CASES)
    monkeypatch.setattr(isolate, "find", lambda prefer="": None)
    monkeypatch.setattr("runbook_lib.sandbox.isolate.shutil.which", lambda name: None)
    outcome = run_batch(BatchParams(ws, 1))
    result = check(outcome, "behaviour")
    assert result["status"] == "skip" and "no sandbox" in result["details"]


def direct_context(tmp_path: Path, old: str, new: str, perf_threshold: float = 0.05
                   ) -> BatchContext:
    """Two commits of one script and a merge action between them, checked without a batch."""
    repo = tmp_path / "repo"
    repo.mkdir()
    subprocess.run(["git", "init", "-q", "-b", "main", str(repo)], check=True)
    commits = []
    for text in (old, new):
        (repo / "job.sh").write_text(text, "utf-8")
        (repo / "job.sh").chmod(0o755)
        (repo / "runbook-cases.yaml").write_text("- script: job.sh\n", "utf-8")
        git(repo, "add", "-A")
        git(repo, "commit", "-qm", "x", "--allow-empty")
        commits.append(git(repo, "rev-parse", "HEAD").strip())
    params = BatchParams(tmp_path / "ws", 1, perf_runs=3, perf_threshold=perf_threshold,
                         perf_min_seconds=0.05)
    batch = {"batch": 1, "actions": [{"action": "merge", "path": "job.sh", "merged": ""}]}
    return BatchContext(repo, tmp_path / "ws", repo, batch, commits[0], commits[1],
                        tmp_path / "refs.csv", {"job.sh": "M"}, params)


def test_performance_fails_a_slower_new_and_reports_the_ratio(tmp_path: Path) -> None:
    needs_sandbox()
    ctx = direct_context(tmp_path, "#!/bin/bash\necho hi\n", "#!/bin/bash\nsleep 0.3\necho hi\n")
    result = behaviour.performance(ctx)
    assert result.status == "fail" and result.details["slower"] == ["job.sh"]
    assert result.details["scripts"][0]["ratio"] > 1.5


def test_performance_passes_identical_scripts(tmp_path: Path) -> None:
    needs_sandbox()
    ctx = direct_context(tmp_path, "#!/bin/bash\necho hi\n", "#!/bin/bash\necho hi\n")
    result = behaviour.performance(ctx)
    assert result.status == "pass", result.details


def test_file_effects_and_exit_codes_are_compared(tmp_path: Path) -> None:
    needs_sandbox()
    ctx = direct_context(tmp_path, "#!/bin/bash\necho a > out.txt\n",
                         "#!/bin/bash\necho b > out.txt\nexit 2\n")
    result = behaviour.behaviour(ctx)
    assert result.status == "fail"
    whats = {d["what"] for d in result.details["results"][0]["differences"]}
    assert whats == {"exit_code", "files"}
