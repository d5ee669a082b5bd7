from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from runbook_lib.cli.main import build_parser

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def runbook(*args: str, user: str | None = None) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-m", "runbook_lib.cli", *args]
    if user:
        cmd = ["setpriv", f"--reuid={user}", f"--regid={user}", "--clear-groups", *cmd]
    return subprocess.run(cmd, capture_output=True, text=True, check=False)


def subcommands() -> dict[str, str]:
    parser = build_parser()
    action = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    return {c.dest: c.help or "" for c in action._choices_actions}


def test_every_subcommand_has_help_and_is_in_readme() -> None:
    found = subcommands()
    assert {"sample", "discover", "demo"} <= set(found)
    for name, text in found.items():
        assert text, f"{name} has no help text"
        assert f"runbook {name}" in README, f"runbook {name} is not in the README"
        done = runbook(name, "--help")
        assert done.returncode == 0 and "usage: runbook" in done.stdout


def test_no_command_prints_help_and_exits_2() -> None:
    done = runbook()
    assert done.returncode == 2 and "commands" in done.stdout


def assert_one_line_refusal(done: subprocess.CompletedProcess[str], words: str) -> None:
    assert done.returncode == 2, done.stderr
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    assert words in done.stderr


def test_discover_missing_repo(tmp_path: Path) -> None:
    done = runbook("discover", "--direct", "--repo", str(tmp_path / "nope"),
                   "--workspace", str(tmp_path / "ws"))
    assert_one_line_refusal(done, "no such folder")
    assert not (tmp_path / "ws").exists()


def test_discover_repo_is_a_file(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x", "utf-8")
    done = runbook("discover", "--direct", "--repo", str(tmp_path / "file"),
                   "--workspace", str(tmp_path / "ws"))
    assert_one_line_refusal(done, "is a file")


@pytest.fixture
def shared_tmp() -> Iterator[Path]:
    """A folder another user can reach (pytest's tmp_path is private to root)."""
    folder = Path(tempfile.mkdtemp(prefix="runbook-cli-"))
    folder.chmod(0o755)
    yield folder
    shutil.rmtree(folder)


@pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("setpriv"),
                    reason="needs root and setpriv to run as another user")
def test_discover_unreadable_repo(shared_tmp: Path) -> None:
    locked = shared_tmp / "locked"
    locked.mkdir(mode=0o700)
    ws = shared_tmp / "ws"
    ws.mkdir(mode=0o777)
    done = runbook("discover", "--direct", "--repo", str(locked), "--workspace", str(ws / "w"),
                   user="65534")
    assert_one_line_refusal(done, "not readable")


def test_workspace_inside_repo_is_refused(tmp_path: Path) -> None:
    (tmp_path / "repo").mkdir()
    done = runbook("discover", "--direct", "--repo", str(tmp_path / "repo"),
                   "--workspace", str(tmp_path / "repo" / "ws"))
    assert_one_line_refusal(done, "inside the repo")


def test_unknown_parameter_is_refused(tmp_path: Path) -> None:
    (tmp_path / "repo").mkdir()
    done = runbook("discover", "--direct", "--repo", str(tmp_path / "repo"), "--workspace",
                   str(tmp_path / "ws"), "-p", "max_byte", "10")
    assert_one_line_refusal(done, "unknown parameter(s) max_byte")


def test_commands_on_a_workspace_are_recorded_in_the_audit_log(tmp_path: Path) -> None:
    import json

    ws = tmp_path / "ws"
    ws.mkdir()
    done = runbook("approve", "--workspace", str(ws))
    assert done.returncode == 2 and "plan.json is missing" in done.stderr
    records = [json.loads(x) for x in (ws / "audit.jsonl").read_text("utf-8").splitlines()]
    assert records[-1]["event"] == "command" and records[-1]["result"] == "refused"
    assert records[-1]["argv"] == ["approve", "--workspace", str(ws)]


def test_a_closed_output_pipe_cuts_the_output_not_the_work(tmp_path: Path) -> None:
    """`runbook ... | head`: once the reader has gone, the command's work stands and it says
    so in one line, with no traceback."""
    read, write = os.pipe()
    os.close(read)  # the reader is gone before the first line is written
    try:
        done = subprocess.run([sys.executable, "-m", "runbook_lib.cli", "sample", "--out",
                               str(tmp_path / "repo"), "--scripts", "20"], stdout=write,
                              stderr=subprocess.PIPE, text=True, check=False)
    finally:
        os.close(write)
    assert done.returncode == 141, done.stderr
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    assert "pipe was closed" in done.stderr
    assert len(list((tmp_path / "repo").rglob("*.sh"))) >= 10
