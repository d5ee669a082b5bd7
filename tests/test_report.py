from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from runbook_lib.archive import htmlexport, report
from runbook_lib.archive.report import ReportParams

CDN_HOSTS = ("cdn.plot.ly", "cdnjs", "unpkg", "jsdelivr", "googleapis")


def _check(name: str, status: str, details: Any = None) -> dict[str, Any]:
    return {"name": name, "status": status, "details": details}


def _perf(ratio: float, old: float = 1.0) -> dict[str, Any]:
    return _check("performance", "pass", {"min_seconds": 0.05, "scripts": [
        {"script": "a.sh", "old_s": old, "new_s": old * ratio, "ratio": ratio}]})


def _coverage(share: float) -> dict[str, Any]:
    return _check("coverage", "pass", {"batch": share, "statements": 40, "run": int(40 * share)})


def write_campaign(ws: Path, *, reverted: bool = True) -> Path:
    """A workspace as batches leave it: 1 promoted, 2 rolled back, 3 promoted then reverted,
    4 promoted, 5 never run. No repo needed: the report reads only the workspace."""
    ws.mkdir(parents=True, exist_ok=True)
    sizes = [3, 2, 2, 1, 1]
    left, batches = 20, []
    for number, size in enumerate(sizes, 1):
        left -= size
        batches.append({"batch": number, "scripts": size, "projected_scripts": left,
                        "actions": [], "risky": [], "flags": []})
    plan = {"repo": "", "scripts_before": 20, "target_scripts": 14, "batches": batches}
    (ws / "plan.json").write_text(json.dumps(plan), "utf-8")
    refs = "source,line,target,kind,status,live\nREADME.md,1,gone.sh,docs,missing,false\n"
    (ws / "references.csv").write_text(refs, "utf-8")
    results = {
        1: ("promoted", [_check("references", "pass", []), _perf(1.02), _coverage(0.975),
                         _check("behaviour", "pass", {"different": []})], {}),
        2: ("rolled_back", [_check("references", "fail", ["x.sh: tools/a.sh"])],
            {"rollback_s": 0.4}),
        3: ("promoted", [_check("references", "pass", []), _perf(1.5)], {}),
        4: ("promoted", [_check("references", "pass", []), _coverage(0.96)], {}),
    }
    for number, (status, checks, timings) in results.items():
        folder = ws / "batches" / f"{number:03d}"
        folder.mkdir(parents=True)
        (folder / "validation.json").write_text(json.dumps({
            "batch": number, "status": status, "message": f"batch {number} {status}",
            "checks": checks, "commit": "c0ffee" * 7 if status == "promoted" else "",
            "timings": {"total_s": 1.0, **timings}, "finished": f"2026-01-0{number}T00:00:00Z",
        }), "utf-8")
    (ws / "batches" / "004" / "references.csv").write_text(
        refs + "docs/ops.md,3,tools/old.sh,docs,missing,false\n", "utf-8")
    if reverted:
        (ws / "batches" / "003" / "rollback.json").write_text(
            json.dumps({"reverted_by": "abc", "seconds": 2.5}), "utf-8")
    (ws / "audit.jsonl").write_text("", "utf-8")
    return ws


@pytest.fixture
def camp(tmp_path: Path) -> report.Campaign:
    return report.load(write_campaign(tmp_path / "ws"), running=())


def measured(frame: Any, name: str) -> tuple[str, str]:
    row = frame[frame["criterion"] == name].iloc[0]
    return str(row["measured"]), str(row["result"])


def test_timeline_names_what_became_of_each_batch(camp: report.Campaign) -> None:
    frame = report.timeline(camp)
    assert list(frame["status"]) == ["promoted", "rolled back", "reverted", "promoted",
                                     "not run"]


def test_a_batch_rolled_back_and_run_again_is_listed_once_with_its_history(
        tmp_path: Path) -> None:
    ws = write_campaign(tmp_path / "ws")
    folder = ws / "batches" / "004"
    # what `runbook rollback` then `runbook batch` leave: the first run's journal and
    # rollback record set aside beside the second run's validation.json
    (folder / "journal-20260103T000000-000000Z.jsonl").write_text("", "utf-8")
    (folder / "journal.jsonl").write_text("", "utf-8")
    (folder / "rollback-20260103T000000-000000Z.json").write_text(
        json.dumps({"at": "2026-01-03T00:00:00.000000Z", "seconds": 0.3}), "utf-8")
    plan = json.loads((ws / "plan.json").read_text("utf-8"))
    plan["batches"][3]["actions"] = [
        {"action": "rewrite_reference", "file": "Makefile", "path": "a.sh"},
        {"action": "rewrite_reference", "file": "ci.yml", "path": "a.sh"}]
    plan["batches"][3]["scripts"] = 0
    (ws / "plan.json").write_text(json.dumps(plan), "utf-8")
    frame = report.timeline(report.load(ws, running=()))
    assert list(frame["batch"]) == [1, 2, 3, 4, 5]  # each batch once
    row = frame[frame["batch"] == 4].iloc[0]
    assert row["status"] == "promoted" and row["runs"] == 2
    assert row["history"] == ("promoted, rolled back at 2026-01-03T00:00:00 (0.30 s), "
                              "then promoted")
    assert (row["actions"], row["files changed"], row["scripts removed"]) == (2, 2, 0)


def test_performance_says_why_a_batch_was_not_measured(camp: report.Campaign) -> None:
    frame = report.performance(camp).set_index("batch")
    assert frame.loc[1, "note"] == "" and frame.loc[1, "change"] == pytest.approx(0.02)
    assert frame.loc[2, "note"] == "not measured: the batch stopped before the performance check"
    assert frame.loc[5, "note"] == "not measured: the batch has not run"


def test_criteria_are_measured_from_the_batches(camp: report.Campaign) -> None:
    frame = report.criteria(camp, ReportParams(camp.ws))
    # 20 scripts, batches 1 (3) and 4 (1) are live: 16 left against a target of 14
    assert measured(frame, "scripts before and after") == ("20 to 16", "fail")
    # batch 2's broken caller was rolled back, not promoted
    assert measured(frame, "callers broken") == ("0", "pass")
    assert measured(frame, "behaviour differences promoted") == ("0", "pass")
    # batch 3's +50% is listed, but batch 3 is reverted: only batch 1 counts as slower or not
    perf, result = measured(frame, "performance change per batch")
    assert "batch 1 +2.0%" in perf and "batch 3 +50.0%" in perf and result == "pass"
    assert measured(frame, "rollback time") == ("2.50 s (slowest of 2)", "pass")
    assert measured(frame, "coverage of consolidated scripts") == ("96% (lowest batch)", "pass")
    assert measured(frame, "docs references updated") == ("1 stale", "fail")
    assert measured(frame, "audit trail complete") == ("intact", "pass")


def test_nothing_measured_is_na_not_pass(tmp_path: Path) -> None:
    ws = write_campaign(tmp_path / "ws", reverted=False)
    for folder in (ws / "batches").iterdir():
        data = json.loads((folder / "validation.json").read_text("utf-8"))
        data["checks"], data["timings"] = [], {}
        (folder / "validation.json").write_text(json.dumps(data), "utf-8")
    frame = report.criteria(report.load(ws, running=()), ReportParams(ws, target_scripts=0))
    for name in ("behaviour differences promoted", "performance change per batch",
                 "rollback time", "coverage of consolidated scripts", "callers broken"):
        assert measured(frame, name) == ("n/a", "n/a"), name


def test_target_parameter_overrides_the_plan(camp: report.Campaign) -> None:
    frame = report.criteria(camp, ReportParams(camp.ws, target_scripts=16))
    assert measured(frame, "scripts before and after") == ("20 to 16", "pass")


def test_reality_follows_promoted_batches_only(camp: report.Campaign) -> None:
    frame = report.reality(camp)
    assert list(frame["projected"]) == [20, 17, 15, 13, 12, 11]
    assert list(frame["actual"]) == [20, 17, 17, 17, 16, 16]


def test_a_broken_audit_trail_fails_the_criterion(tmp_path: Path) -> None:
    ws = write_campaign(tmp_path / "ws")
    (ws / "audit.jsonl").write_text('{"prev": "nope"}\n', "utf-8")
    frame = report.criteria(report.load(ws, running=()), ReportParams(ws))
    assert measured(frame, "audit trail complete") == ("1 problem(s)", "fail")


def runbook(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "runbook_lib.cli", *args], capture_output=True,
                          text=True, check=False, cwd=cwd)


@pytest.mark.slow
def test_report_command_archives_an_offline_html_report(tmp_path: Path) -> None:
    ws = write_campaign(tmp_path / "ws")
    done = runbook("report", "--workspace", str(ws))
    assert done.returncode == 1, done.stderr  # some criteria fail on purpose
    html_path = Path(done.stdout.split("report: ", 1)[1].split()[0])
    assert html_path.parent.parent == ws / "archive" and html_path.suffix == ".html"
    body = html_path.read_text("utf-8")
    # chart data is there (both report charts), plotly.js is embedded once
    assert body.count("Plotly.newPlot") >= 2 and body.count("plotly.js v") == 1
    assert "Batches in order" in body and "projected by the plan" in body
    assert "callers broken" in body and "rollback time" in body
    # code cells are not shown
    assert "report.criteria(campaign, checked)" not in body
    # nothing is fetched from the network when it is opened ...
    assert htmlexport.external_resources(body) == []
    # ... and outside plotly.js's own source text no CDN host appears at all
    library = re.compile(r"<script[^>]*>(?:(?!</script>).)*plotly\.js v.*?</script>", re.S)
    rest = library.sub("", body)
    assert len(rest) < len(body) - 1_000_000
    for host in CDN_HOSTS:
        assert host not in rest, host


@pytest.mark.slow
def test_report_links_every_archived_run(tmp_path: Path) -> None:
    ws = write_campaign(tmp_path / "ws")
    first = runbook("report", "--workspace", str(ws))
    second = runbook("report", "--workspace", str(ws))
    html_path = Path(second.stdout.split("report: ", 1)[1].split()[0])
    earlier = Path(first.stdout.split("report: ", 1)[1].split()[0])
    body = html_path.read_text("utf-8")
    link = f'href="../{earlier.parent.name}/{earlier.name}"'
    assert link in body
    assert (html_path.parent / f"../{earlier.parent.name}/{earlier.name}").resolve() == earlier
