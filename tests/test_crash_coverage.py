"""Every git command that batch, rollback and recover run is killed by a crash sweep.

The runner's trace (RUNBOOK_GIT_TRACE) lists the git commands a run starts. This test traces
the sweeps of crashworld.SWEEPS (what test_crash.py kills) and more runs of the same
operations (default checks, containers on; a recover after every journal-step crash), and
fails when an operation runs a git command that no sweep of that operation kills. It also
reads every git call of the source: a command that no traced run starts must be one the
table below places outside batch, rollback and recover, so a git command added later (a check
running `git grep`, say) is either killed by a sweep or explained here.
"""

from __future__ import annotations

import ast
import re
from collections import defaultdict
from pathlib import Path

import pytest

from crashkit import kill_points
from crashworld import LIGHT, SWEEPS, World, build_world, killed, ready, sweep_points, traced
from runbook_lib.gitops import runner

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "runbook_lib"
# git commands of the product that batch, rollback and recover never start, and who does
OUTSIDE = {
    "init": "runbook sample (creates its repository)",
}
# Calls whose command is not written in the call (its words are passed in): where and why
PASSED_IN = {"sample/gitrepo.py": "runbook sample's own helper (init, update-index, commit)"}
# Journal steps a crash stops at, and the recover that follows
FAULTS = {"batch": ["checkpoint", "snapshots", "worktree", "apply", "commit", "validate",
                    "promote", "monitor", "cleanup"],
          "rollback": ["revert", "promote"]}
# what the snapshots and monitor steps need to run (a snapshot needs its container: the
# snapshots step is only killed at its start)
EXTRA = {"snapshots": ["-p", "snapshots", "[db=pg_dumpall]"],
         "monitor": ["-p", "monitor_seconds", "1"]}


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    return build_world(tmp_path_factory.mktemp("coverage"))


def names(trace: Path) -> set[str]:
    return {point.partition("#")[0] for point in kill_points(trace)}


def test_every_git_command_of_the_operations_has_a_kill_point(world: World,
                                                              tmp_path: Path) -> None:
    killed_by: dict[str, set[str]] = defaultdict(set)
    ran: dict[str, set[str]] = defaultdict(set)
    for name, chosen in SWEEPS.items():
        kills, trace = sweep_points(world, name, tmp_path)
        killed_by[chosen.op] |= {p.partition("#")[0] for p in kills}
        ran[chosen.op] |= names(trace)
    ran["batch"] |= names(traced(world, "pristine", "batch", tmp_path, extra=[]))
    ran["batch"] |= names(traced(world, "pristine", "batch", tmp_path,
                                 extra=[*LIGHT, *EXTRA["monitor"]]))
    for op, steps in FAULTS.items():
        for step in steps:
            ran["recover"] |= names(_recover_after(world, op, step, tmp_path))
    ready(world, "broken")
    ran["recover"] |= names(_recover_after(world, "batch", "rollback", tmp_path, "broken"))
    missing = {op: sorted(ran[op] - killed_by[op]) for op in ran if ran[op] - killed_by[op]}
    assert missing == {}, "git commands no sweep kills (add a sweep to crashworld.SWEEPS)"
    started = set().union(*ran.values())
    in_source = source_commands()
    unexplained = {n: where for n, where in in_source.items()
                   if n not in started and n not in OUTSIDE}
    assert unexplained == {}, "git commands no traced batch, rollback or recover starts"
    assert set(OUTSIDE) <= set(in_source) and not set(OUTSIDE) & started


def _recover_after(world: World, op: str, step: str, tmp: Path, stage: str = "") -> Path:
    """The trace of recover after `op` was killed at journal step `step`."""
    world.load(stage or ("promoted" if op == "rollback" else "pristine"))
    extra = [*LIGHT, *EXTRA.get(step, [])] if op == "batch" else None
    killed(world.run(op, fault=step, extra=extra), f"{op} at {step}")
    trace = tmp / f"recover-after-{op}-{step}.trace"
    world.run("recover", trace=trace)
    return trace


def source_commands() -> dict[str, list[str]]:
    """Command name -> the places in src that run it through the runner (`git(cwd, ...)`
    or `git_bytes(cwd, ...)`, the words of the command written in the call)."""
    found: dict[str, list[str]] = defaultdict(list)
    for path in sorted(SRC.rglob("*.py")):
        rel = path.relative_to(SRC).as_posix()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and _callee(node.func) in ("git", "git_bytes")):
                continue
            name = runner.command_name(_words(node.args[1:]))
            if name == "git":
                assert rel in PASSED_IN, f"{rel}:{node.lineno}: a git call whose command " \
                                         "is not written in it; name its commands in PASSED_IN"
                continue
            found[name].append(f"{rel}:{node.lineno}")
    return dict(found)


def _callee(func: ast.expr) -> str:
    if isinstance(func, ast.Name):
        return func.id
    return func.attr if isinstance(func, ast.Attribute) else ""


def _words(args: list[ast.expr]) -> list[str]:
    """The leading literal words of a call's arguments (a literal list counts as its words)."""
    if args and isinstance(args[0], ast.List | ast.Tuple):
        args = list(args[0].elts)
    words = []
    for arg in args:
        if not (isinstance(arg, ast.Constant) and isinstance(arg.value, str)):
            break
        words.append(arg.value)
    return words


def test_the_source_scan_finds_the_commands_of_the_operations() -> None:
    """A guard on the scan itself: it sees the commands the runner's callers write."""
    found = source_commands()
    assert {"worktree add", "read-tree", "update-ref", "restore", "commit-tree",
            "worktree unlock", "init"} <= set(found)
    assert any(p.startswith("gitops/checkout.py:") for p in found["read-tree"])


def test_every_repair_in_the_docs_names_a_test_that_exists() -> None:
    """docs/recovery.md lists each repair recover makes with the test that checks it."""
    text = (ROOT / "docs" / "recovery.md").read_text(encoding="utf-8")
    table = text[text.index("### Each repair"):]
    rows = [line for line in table.splitlines() if line.startswith("| ") and "::" in line]
    assert len(rows) >= 20
    for row in rows:
        named = re.findall(r"`(tests/\w+\.py)::(\w+)`", row)
        assert named, row
        for file, test in named:
            assert f"def {test}(" in (ROOT / file).read_text(encoding="utf-8"), (file, test)
