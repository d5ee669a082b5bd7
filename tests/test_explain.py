"""runbook explain: one script's inventory row, callers with their rule, copies and plan action."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from conftest import make_repo
from runbook_lib.discovery.discover import DiscoveryParams, run_discovery
from runbook_lib.planning.plan import PlanParams, build_plan
from runbook_lib.similarity import SimilarityParams, run_similarity

BODY = ("#!/bin/bash\nset -euo pipefail\nbackup_dir=/srv/backup\nmkdir -p \"$backup_dir\"\n"
        "tar -czf \"$backup_dir/etc.tgz\" /etc\nls -l \"$backup_dir\"\n"
        "find \"$backup_dir\" -mtime +7 -delete\necho done\n")


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("explain")
    repo = make_repo(root / "repo", {
        "scripts/backup.sh": BODY, "ops/backup-copy.sh": BODY,
        "Makefile": "backup:\n\t./scripts/backup.sh\n", "tools/lonely.sh": "#!/bin/sh\nuptime\n",
    })
    workspace = root / "ws"
    run_discovery(DiscoveryParams(repo, workspace))
    run_similarity(workspace, SimilarityParams(workspace))
    build_plan(PlanParams(workspace))
    return workspace


def explain(ws: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "runbook_lib.cli", "explain", "--workspace",
                           str(ws), *args], capture_output=True, text=True, check=False)


def test_explain_names_callers_copies_and_the_plan(ws: Path) -> None:
    done = explain(ws, "scripts/backup.sh")
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert out.splitlines()[0] == "scripts/backup.sh"
    assert "  language" in out and "bash" in out
    assert "Makefile:2 (make, resolved, live" in out
    assert "copies: cluster C0001: 2 scripts (exact)" in out and "ops/backup-copy.sh" in out
    assert "plan: no action: it is the script the plan keeps" in out


def test_explain_gives_the_action_on_a_copy(ws: Path) -> None:
    out = explain(ws, "ops/backup-copy.sh").stdout
    # no caller: still a shim (it keeps working and records its use), retired after the window
    assert "shim (exec) -> scripts/backup.sh" in out


def test_a_path_inside_the_repo_may_be_absolute(ws: Path) -> None:
    repo = ws.parent / "repo"
    assert explain(ws, str(repo / "tools/lonely.sh")).stdout.startswith("tools/lonely.sh\n")


def test_an_unknown_script_is_refused_with_the_nearest_names(ws: Path) -> None:
    done = explain(ws, "scripts/bakup.sh")
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.strip() == (f"runbook: scripts/bakup.sh is not a script discovery found "
                                   f"in {ws.parent / 'repo'}; did you mean scripts/backup.sh, "
                                   "ops/backup-copy.sh?")


def test_explain_before_discovery_is_refused(tmp_path: Path) -> None:
    done = explain(tmp_path, "a.sh")
    assert done.returncode == 2 and "run `runbook discover` first" in done.stderr
