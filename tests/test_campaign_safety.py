"""A full campaign on a service repository deletes nothing in use: roles, declared cases and
quarantine keep what discovery cannot prove unused, and the checks that do not trust discovery
(tests, mentions) roll back batches that would break what it missed."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from appfixture import FILES, app_repo
from runbook_lib.core.workspace import sha256_file
from runbook_lib.discovery.discover import DiscoveryParams, run_discovery
from runbook_lib.execution.batch import BatchOutcome, BatchParams, run_batch
from runbook_lib.planning.approve import ApproveParams, approve
from runbook_lib.planning.plan import PlanParams, build_plan
from runbook_lib.planning.usagelog import QUARANTINE
from runbook_lib.sandbox import isolate
from runbook_lib.similarity import SimilarityParams, run_similarity

KEPT = [p for p in FILES if p.startswith("backend/")]  # library, tests, markers, config
ORPHANS = ["tools/documented.sh", "tools/hand_cleanup.sh", "tools/old_rotate.sh",
           "tools/stats.py"]


def cycle(repo: Path, ws: Path, log: Path, **values: Any) -> tuple[dict[str, Any],
                                                                 list[BatchOutcome]]:
    run_discovery(DiscoveryParams(repo=repo, workspace=ws, deploy_roots=["/opt/app"],
                                  containers=False))
    run_similarity(ws, SimilarityParams(workspace=ws))
    plan = build_plan(PlanParams(workspace=ws, usage_log=str(log), usage_sinks=["file"],
                                 **values))
    approve(ApproveParams(ws, "tester", allow_risk=True))
    # performance has tests of its own; on a loaded machine its timing must not decide here
    return plan, [run_batch(BatchParams(ws, b["batch"], perf_min_seconds=1.0))
                  for b in plan["batches"]]


def actions(plan: dict[str, Any], kind: str) -> list[str]:
    return sorted(a["path"] for b in plan["batches"] for a in b["actions"]
                  if a["action"] == kind)


@pytest.fixture(scope="module")
def campaign(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    if isolate.find() is None:
        pytest.skip(isolate.unavailable_reason())
    root = tmp_path_factory.mktemp("campaign")
    repo, ws, log = app_repo(root / "repo"), root / "ws", root / "usage.log"
    first, first_runs = cycle(repo, ws, log)
    after_first = {p: (repo / p).read_text("utf-8") for p in FILES if (repo / p).exists()}
    # a person runs one quarantined script by hand, then the uses are gathered
    subprocess.run(["bash", "tools/hand_cleanup.sh", "tmp"], cwd=repo, check=True,
                   capture_output=True)
    done = subprocess.run([sys.executable, "-m", "runbook_lib.cli", "usage", "--workspace",
                           str(ws), "--from", str(log)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    waiting, _ = cycle(repo, ws, log, observe_days=30)  # inside the window: nothing retired
    assert actions(waiting, "retire") == [] and waiting["batches"] == []
    second, second_runs = cycle(repo, ws, log, observe_days=0, batch_size=1)
    return {"repo": repo, "ws": ws, "first": first, "first_runs": first_runs,
            "after_first": after_first, "waiting": waiting, "second": second,
            "second_runs": second_runs}


def test_first_plan_quarantines_orphans_and_shims_declared_copies(campaign: dict[str, Any]
                                                                 ) -> None:
    first = campaign["first"]
    assert actions(first, "quarantine") == ORPHANS
    assert actions(first, "retire") == []
    assert actions(first, "shim") == ["tools/report.sh"]
    assert all(o.status == "promoted" for o in campaign["first_runs"]), \
        [o.checks for o in campaign["first_runs"]]
    kept = {k["path"]: k["reason"] for k in first["kept"]}
    assert kept["backend/app/core/legacy.py"].startswith("role library")  # nothing imports it
    with open(campaign["ws"] / "inventory.csv", encoding="utf-8") as fh:
        roles = {r["path"]: r["role"] for r in csv.DictReader(fh)}
    assert {p: roles[p] for p in ("backend/app/core/audit.py", "backend/tests/test_util.py",
                                  "backend/tests/conftest.py", "backend/app/__init__.py")} == {
        "backend/app/core/audit.py": "library", "backend/tests/test_util.py": "test",
        "backend/tests/conftest.py": "package_marker",
        "backend/app/__init__.py": "package_marker"}
    touched = {a.get("path") or a.get("file") for b in first["batches"] for a in b["actions"]}
    assert not {p for p in touched if str(p).startswith("backend/")}
    for path in ORPHANS:
        assert QUARANTINE in campaign["after_first"][path]


def test_the_window_keeps_used_scripts_and_retires_the_rest(campaign: dict[str, Any]) -> None:
    repo, second = campaign["repo"], campaign["second"]
    observing = {o["path"]: o for o in second["observing"]}
    assert observing["tools/hand_cleanup.sh"]["decision"] == "in use"
    assert observing["tools/hand_cleanup.sh"]["uses"] == 1
    assert observing["tools/documented.sh"]["decision"] == "docs"  # a person updates them first
    assert any(w["cluster"] == "tools/documented.sh" and "docs/runbook.md:1" in w["reason"]
               for w in second["waiting"])
    assert actions(second, "retire") == ["tools/old_rotate.sh", "tools/stats.py"]
    results = {o.batch: o for o in campaign["second_runs"]}
    statuses = {a["path"]: results[b["batch"]].status for b in second["batches"]
                for a in b["actions"]}
    assert statuses == {"tools/old_rotate.sh": "promoted", "tools/stats.py": "promoted"}
    assert not (repo / "tools/old_rotate.sh").exists() and not (repo / "tools/stats.py").exists()
    for path in ("tools/hand_cleanup.sh", "tools/sync.sh", "tools/documented.sh"):
        assert (repo / path).exists()
    for path in [*KEPT, "tools/report.sh", "ops/report.sh", "scripts/deploy.sh"]:
        assert (repo / path).exists(), f"{path} was deleted"
    for path in KEPT:
        assert (repo / path).read_text("utf-8") == FILES[path], f"{path} was changed"


def test_a_runner_discovery_cannot_read_keeps_the_script_from_any_batch(
        campaign: dict[str, Any]) -> None:
    # the plan finds the line discovery cannot read and leaves the script to a person
    for plan in (campaign["first"], campaign["second"]):
        assert "tools/sync.sh" not in actions(plan, "quarantine") + actions(plan, "retire")
        assert any(w["members"] == ["tools/sync.sh"] and w["reason"].startswith(
            "deploy/supervisord.conf:2 names it on a line discovery did not read as a call "
            "(command=/opt/app/tools/sync.sh)") for w in plan["waiting"])
    assert (campaign["repo"] / "tools/sync.sh").read_text("utf-8") == FILES["tools/sync.sh"]
    # and a retirement planned anyway is rolled back by the batch's own search
    repo, ws = campaign["repo"], campaign["ws"]
    outcome = run_batch(BatchParams(ws, append_retire(ws, repo, "tools/sync.sh")))
    assert outcome.status == "rolled_back" and (repo / "tools/sync.sh").exists()
    failed = [c for c in outcome.checks if c["status"] == "fail"]
    assert [c["name"] for c in failed] == ["mentions"]
    assert failed[0]["details"] == ["deploy/supervisord.conf:2: names tools/sync.sh (removed): "
                                    "command=/opt/app/tools/sync.sh"]


def append_retire(ws: Path, repo: Path, path: str) -> int:
    """A batch the planner would never make: retire `path` (a library or a test)."""
    plan = json.loads((ws / "plan.json").read_text("utf-8"))
    number = max([b["batch"] for b in plan["batches"]], default=0) + 1
    number = max(number, 1 + max(int(f.name) for f in (ws / "batches").iterdir()))
    plan["batches"].append({"batch": number, "risky": [], "flags": [], "scripts": 1,
                            "projected_scripts": 0, "actions": [
                                {"action": "retire", "path": path, "id": f"{number:03d}-001",
                                 "reason": "deliberately wrong (test)"}]})
    plan["files"][path] = sha256_file(repo / path)
    (ws / "plan.json").write_text(json.dumps(plan), "utf-8")
    approve(ApproveParams(ws, "tester", allow_risk=True))
    return number


@pytest.mark.parametrize(("path", "failed"), [
    ("backend/app/core/util.py", {  # imported by the app, and by a test module
        "imports": ["backend/app/main.py:1: `from app.core import util` imports "
                    "backend/app/core/util.py (removed by the batch)",
                    "backend/tests/test_util.py:1: `from app.core.util import double` imports "
                    "backend/app/core/util.py (removed by the batch)"],
        "tests": ["backend/tests/test_util.py: new collection error: "
                  "backend/tests/test_util.py:1: ModuleNotFoundError: No module named "
                  "'app.core.util'"]}),
    ("backend/app/core/audit.py", {  # imported by the application only: no test sees it
        "imports": ["backend/app/worker.py:3: `from app.core import audit` imports "
                    "backend/app/core/audit.py (removed by the batch)"]}),
    ("backend/tests/test_util.py", {
        "tests": ["backend/tests/test_util.py: test module gone (2 tests)"]}),
])
def test_removing_an_imported_module_or_a_test_rolls_back(campaign: dict[str, Any], path: str,
                                                          failed: dict[str, list[str]]) -> None:
    repo, ws = campaign["repo"], campaign["ws"]
    head = subprocess.run(["git", "-C", str(repo), "rev-parse", "HEAD"], capture_output=True,
                          text=True, check=True).stdout
    outcome = run_batch(BatchParams(ws, append_retire(ws, repo, path)))
    assert outcome.status == "rolled_back" and (repo / path).exists()
    checks = {c["name"]: c for c in outcome.checks}
    # (the references check, which trusts discovery's rows, may fail too: not asked here)
    assert set(failed) <= {n for n, c in checks.items() if c["status"] == "fail"}
    if "imports" in failed:
        assert checks["imports"]["details"] == failed["imports"]
    else:
        assert checks["imports"]["status"] == "pass"
    if "tests" in failed:
        problems = checks["tests"]["details"]["problems"]
        assert set(failed["tests"]) <= set(problems)
    if path == "backend/app/core/util.py":  # through app.main, the line of the import that broke
        assert any(p.startswith("backend/tests/test_main.py: new collection error: "
                                "backend/app/main.py:1: ImportError")
                   for p in checks["tests"]["details"]["problems"])
    assert subprocess.run(["git", "-C", str(repo), "rev-parse", "HEAD"], capture_output=True,
                          text=True, check=True).stdout == head
