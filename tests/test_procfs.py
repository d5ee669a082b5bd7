"""What /proc says about processes: a zombie or a process being killed is not alive."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

from runbook_lib.proc import procfs


def test_alive_running_zombie_and_gone(tmp_path: Path) -> None:
    child = subprocess.Popen(["sleep", "60"], cwd=tmp_path)
    try:
        assert procfs.alive(child.pid)
        for _ in range(500):  # the name changes when exec is done, which may lag a moment
            if procfs.name(child.pid) == "sleep":
                break
            time.sleep(0.01)
        assert procfs.name(child.pid) == "sleep"
        assert procfs.working_folder(child.pid) == tmp_path
        assert child.pid in procfs.others()
    finally:
        child.kill()
    # killed but not waited for: a zombie until reaped
    assert not procfs.alive(child.pid)
    child.wait()
    assert not procfs.alive(child.pid) and procfs.working_folder(child.pid) is None


def test_open_files_of_a_process(tmp_path: Path) -> None:
    held = tmp_path / "index.lock"
    held.write_text("", encoding="utf-8")
    with open(held, "rb") as fh:
        child = subprocess.Popen(["sleep", "60"], stdin=fh)
    try:
        assert str(held) in procfs.open_files(child.pid)
    finally:
        child.kill()
        child.wait()
