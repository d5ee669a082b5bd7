"""The one module that runs git: its names for commands, its trace, and the crash switch that
kills the process group right after a named git command started (or ended)."""

from __future__ import annotations

import ast
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import make_repo
from runbook_lib.gitops import runner

SRC = Path(__file__).resolve().parents[1] / "src" / "runbook_lib"

# a program that runs three git commands through the runner, printing after each
PROGRAM = """
import sys
from pathlib import Path
from runbook_lib.gitops.runner import git
repo = Path(sys.argv[1])
for args in (["rev-parse", "HEAD"], ["update-ref", "refs/heads/copy", "HEAD"],
             ["update-ref", "refs/heads/second", "HEAD"]):
    git(repo, *args)
    print("after", args[0], flush=True)
"""


def run_program(repo: Path, switch: str, trace: Path, new_session: bool = True
                ) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, runner.KILL_ENV: switch, runner.TRACE_ENV: str(trace)}
    return subprocess.run([sys.executable, "-c", PROGRAM, str(repo)], env=env, text=True,
                          capture_output=True, check=False, timeout=60,
                          start_new_session=new_session)


def test_command_names() -> None:
    assert runner.command_name(["-c", "a=b", "worktree", "add", "x"]) == "worktree add"
    assert runner.command_name(["--literal-pathspecs", "read-tree", "-m", "-u"]) == "read-tree"
    assert runner.command_name(["-C", "/r", "update-ref", "--stdin"]) == "update-ref"


# A kill at a command's start lands once git runs: git may have done its work by then (under
# load, a small update-ref often has), so that command's ref may exist; no later one may.
@pytest.mark.parametrize(("switch", "printed", "refs", "maybe"), [
    ("update-ref", ["after rev-parse"], [], ["copy"]),  # killed as the first update-ref started
    ("update-ref#2", ["after rev-parse", "after update-ref"], ["copy"], ["second"]),
    ("update-ref@end", ["after rev-parse"], ["copy"], []),  # it ran; its caller never knew
    ("commit", ["after rev-parse", "after update-ref", "after update-ref"], ["copy", "second"],
     []),
])
def test_kill_switch_stops_at_the_named_command(tmp_path: Path, switch: str, printed: list[str],
                                                refs: list[str], maybe: list[str]) -> None:
    repo = make_repo(tmp_path / "repo", {"a.txt": "a\n"})
    trace = tmp_path / "trace"
    done = run_program(repo, switch, trace)
    assert done.stdout.splitlines() == printed
    assert done.returncode == (0 if switch == "commit" else -signal.SIGKILL)
    made = subprocess.run(["git", "-C", str(repo), "for-each-ref", "--format=%(refname:short)",
                           "refs/heads"], capture_output=True, text=True, check=True).stdout
    assert {"main", *refs} <= set(made.split()) <= {"main", *refs, *maybe}
    lines = [line.split(" ", 3)[2:] for line in trace.read_text().splitlines()]
    ran = [["start", "rev-parse"], ["end", "rev-parse"], ["start", "update-ref"],
           ["end", "update-ref"], ["start", "update-ref"], ["end", "update-ref"]]
    # killed at a start: that command never ends; at an end: it ended
    assert lines == ran[:2 * len(printed) + (1 if "@end" not in switch else 2)]


def test_the_switch_spares_a_group_it_does_not_lead(tmp_path: Path) -> None:
    """Started without a session of its own, the process kills git and itself only: this
    test (the same process group) goes on."""
    repo = make_repo(tmp_path / "repo", {"a.txt": "a\n"})
    done = run_program(repo, "update-ref", tmp_path / "trace", new_session=False)
    assert done.returncode == -signal.SIGKILL and done.stdout == "after rev-parse\n"


def test_only_gitops_starts_git() -> None:
    """Every git command of the product passes the runner, so the crash switch sees it."""
    starters = []
    for path in SRC.rglob("*.py"):
        if path.parent.name == "gitops":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if _starts_git(node):
                starters.append(f"{path.relative_to(SRC)}:{node.lineno}")
    assert starters == []
    outside = [p for p in (SRC / "gitops").glob("*.py") if p.name != "runner.py"
               and '["git"' in p.read_text(encoding="utf-8")]
    assert outside == []


def _starts_git(node: ast.AST) -> bool:
    """A call whose first argument is a command list or tuple starting with "git" (a tuple
    of names compared against, `how in ("git", "walk")`, starts nothing)."""
    if not (isinstance(node, ast.Call) and node.args):
        return False
    first = node.args[0]
    return isinstance(first, ast.List | ast.Tuple) and bool(first.elts) and \
        isinstance(first.elts[0], ast.Constant) and first.elts[0].value == "git"


def test_the_scan_sees_a_git_call_and_not_a_tuple_of_names() -> None:
    calls = ast.parse('subprocess.run(["git", "status"])\nproc.run(("git", "log"), check=True)')
    names = ast.parse('ok = how in ("git", "walk")\nx = ["git", "svn"]')
    assert sum(_starts_git(n) for n in ast.walk(calls)) == 2
    assert not any(_starts_git(n) for n in ast.walk(names))
