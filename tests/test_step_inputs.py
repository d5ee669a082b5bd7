"""A step whose inputs are missing is refused before its notebook starts: exit 2, one line on
stderr, and nothing written (no workspace folder made, no archived run)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from conftest import make_repo
from runbook_lib.archive import runner
from runbook_lib.core.errors import BadInput
from runbook_lib.discovery.discover import DiscoveryParams, run_discovery


def runbook(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "runbook_lib.cli", *args],
                          capture_output=True, text=True, check=False)


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file() and p.name != "audit.jsonl"}


@pytest.mark.parametrize("step, extra", [("similarity", []), ("plan", []), ("report", []),
                                         ("batch", ["--batch", "1"])])
@pytest.mark.parametrize("direct", [False, True])
def test_a_step_before_its_inputs_exist_creates_nothing(tmp_path: Path, step: str,
                                                        extra: list[str], direct: bool) -> None:
    ws = tmp_path / "ws"
    done = runbook(step, "--workspace", str(ws), *extra, *(["--direct"] if direct else []))
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "run `runbook " in lines[0] and "first" in lines[0], done.stderr
    assert not ws.exists()


def test_plan_before_similarity_is_refused_and_archives_nothing(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", {"a.sh": "#!/bin/sh\necho a\n"})
    ws = tmp_path / "ws"
    run_discovery(DiscoveryParams(repo, ws))
    before = _snapshot(ws)
    done = runbook("plan", "--workspace", str(ws))
    assert done.returncode == 2
    assert "has no similarity.json, clusters.csv; run `runbook similarity` first" in done.stderr
    assert _snapshot(ws) == before and not (ws / "archive").exists()


def test_the_runner_itself_refuses_a_step_without_inputs(tmp_path: Path) -> None:
    (tmp_path / "ws").mkdir()
    with pytest.raises(BadInput, match=r"similarity: .* has no discovery.json"):
        runner.run_step("similarity", {"workspace": str(tmp_path / "ws")}, tmp_path / "ws")
    assert list((tmp_path / "ws").iterdir()) == []
