from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from runbook_lib.archive import audit, runall
from runbook_lib.core import auditlog
from runbook_lib.core.errors import BadInput
from test_report import write_campaign


def write(folder: Path, name: str, values: dict[str, object]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(yaml.safe_dump(values), "utf-8")
    return path


def runbook(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "runbook_lib.cli", *args], capture_output=True,
                          text=True, check=False, cwd=cwd)


def test_step_files_run_in_campaign_order(tmp_path: Path) -> None:
    for name in ("report.yaml", "batch10.yaml", "batch2.yaml", "plan.yaml", "discovery.yaml",
                 "similarity.yaml", "notes.yaml"):
        write(tmp_path, name, {"workspace": "ws"})
    order = [(step, path.name) for step, path in runall.step_files(tmp_path)]
    assert order == [("discovery", "discovery.yaml"), ("similarity", "similarity.yaml"),
                     ("plan", "plan.yaml"), ("batch", "batch2.yaml"), ("batch", "batch10.yaml"),
                     ("report", "report.yaml")]


def test_parameter_sets_are_the_folder_and_its_subfolders(tmp_path: Path) -> None:
    write(tmp_path, "report.yaml", {"workspace": "a"})
    write(tmp_path / "east", "report.yaml", {"workspace": "b"})
    (tmp_path / "empty").mkdir()
    assert runall.parameter_sets(tmp_path) == [tmp_path, tmp_path / "east"]


def test_sets_sharing_a_workspace_are_refused(tmp_path: Path) -> None:
    write(tmp_path / "a", "report.yaml", {"workspace": "ws"})
    write(tmp_path / "b", "report.yaml", {"workspace": "ws"})
    with pytest.raises(BadInput, match="share workspace"):
        runall.parameter_sets(tmp_path)


def test_no_step_files_is_refused(tmp_path: Path) -> None:
    done = runbook("run-all", "--params-dir", str(tmp_path), cwd=tmp_path)
    assert done.returncode == 2 and "holds no step files" in done.stderr


@pytest.mark.slow
def test_stops_at_the_first_failed_step_with_its_archive(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    ws.mkdir()
    # the plan's inputs are there, but discovery.json is damaged: it fails in its notebook
    for name, text in (("discovery.json", "{half"), ("similarity.json", "{}"),
                       ("clusters.csv", "cluster_id,path\n")):
        (ws / name).write_text(text, "utf-8")
    params = tmp_path / "params"
    write(params, "plan.yaml", {"workspace": "ws"})
    write(params, "report.yaml", {"workspace": "ws"})
    done = runbook("run-all", "--params-dir", "params", cwd=tmp_path)
    assert done.returncode == 2, done.stdout + done.stderr
    folders = sorted((ws / "archive").iterdir())
    assert len(folders) == 1 and "__plan__" in folders[0].name
    assert f"stopped at plan (plan.yaml); archive: {folders[0]}" in done.stdout
    assert "report" not in done.stdout.replace("report.yaml", "")


def test_a_step_without_its_inputs_stops_the_run_before_anything_is_archived(
        tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    ws.mkdir()
    params = tmp_path / "params"
    write(params, "similarity.yaml", {"workspace": "ws"})  # no discovery ran: refused
    write(params, "report.yaml", {"workspace": "ws"})
    done = runbook("run-all", "--params-dir", "params", cwd=tmp_path)
    assert done.returncode == 2, done.stdout + done.stderr
    assert not (ws / "archive").exists()
    assert "run `runbook discover` first" in done.stdout
    assert "stopped at similarity (similarity.yaml); archive: none" in done.stdout


@pytest.mark.slow
def test_parameter_sets_run_in_separate_processes(tmp_path: Path) -> None:
    params = tmp_path / "params"
    for name in ("east", "west"):
        write_campaign(tmp_path / name)
        write(params / name, "report.yaml", {"workspace": name, "target_scripts": 16})
    done = runbook("run-all", "--params-dir", "params", cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    pids = set()
    for name in ("east", "west"):
        records = [ln.record for ln in auditlog.read_lines(tmp_path / name / "audit.jsonl")
                   if ln.record]
        assert [r["event"] for r in records] == ["run-start", "run-end"]
        assert records[-1]["status"] == "ok"
        pids.add(records[0]["pid"])
        assert audit.verify(tmp_path / name) == []
    assert os.getpid() not in pids  # each set ran in a child process, not a thread
    assert done.stdout.count("report (report.yaml) ok") == 2


@pytest.mark.parametrize("args", [("run-all",), ("report",), ("audit",), ("audit", "verify")])
def test_new_commands_have_help(args: tuple[str, ...], tmp_path: Path) -> None:
    done = runbook(*args, "--help", cwd=tmp_path)
    assert done.returncode == 0 and "usage: runbook" in done.stdout
    assert len(done.stdout.split("\n\n", 2)[1].strip()) > 20  # a description, not just usage
