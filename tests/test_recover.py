"""recover around a live holder and a batch run again after a rollback; the kills at every
journal step and git command are in test_crash.py."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from campaign import Campaign, batch_of, campaign_from, git, make_template, shimmed
from state import snapshot


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_template(tmp_path_factory.mktemp("template"), scripts=30)


def _prepared(template: Path, dest: Path) -> Campaign:
    camp = campaign_from(template, dest)
    (camp.repo / "scratch.txt").write_text("untracked work\n", "utf-8")
    (camp.repo / ".env").write_text("SECRET=1\n", "utf-8")
    (camp.repo / ".env").chmod(0o600)
    return camp


def _number(camp: Campaign) -> int:
    return batch_of(camp.plan, shimmed(camp.plan, "echo_args.sh")[0])


def runbook(*args: str, fault: str | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    if fault:
        env["RUNBOOK_FAULT_AT"] = fault
    return subprocess.run([sys.executable, "-m", "runbook_lib.cli", *args], capture_output=True,
                          text=True, check=False, env=env)


def test_recover_refuses_while_the_holder_runs(template: Path, tmp_path: Path) -> None:
    from runbook_lib.execution import lock

    camp = _prepared(template, tmp_path / "c")
    with lock.workspace_lock(camp.ws, "batch 1"):
        done = runbook("recover", "--workspace", str(camp.ws))
    assert done.returncode == 2 and "still running" in done.stderr
    shutil.rmtree(camp.root)


def test_a_second_run_killed_mid_promotion_is_recovered(template: Path, tmp_path: Path) -> None:
    """A batch rolled back once, then run again and killed: its new journal is settled."""
    camp = _prepared(template, tmp_path / "c")
    number = str(_number(camp))
    first = runbook("batch", "--direct", "--workspace", str(camp.ws), "--batch", number,
                    fault="nothing")
    assert first.returncode == 0
    assert runbook("rollback", "--workspace", str(camp.ws), "--to", number).returncode == 0
    before = snapshot(camp.repo)
    killed = runbook("batch", "--direct", "--workspace", str(camp.ws), "--batch", number,
                     fault="cleanup")
    assert killed.returncode == -9
    done = runbook("recover", "--workspace", str(camp.ws))
    assert done.returncode == 0 and "state after" in done.stdout, done.stdout
    assert snapshot(camp.repo) != before
    assert git(camp.repo, "status", "--porcelain", "--untracked-files=no") == ""
    again = runbook("rollback", "--workspace", str(camp.ws), "--to", number)
    assert again.returncode == 0, again.stderr
    assert snapshot(camp.repo) == before
