"""Kill batch, rollback and recover at every git command and every journal step they run,
then `recover`: the campaign is exactly as before or exactly as after the killed operation,
and a second `recover` changes nothing.

The kills do not depend on timing: RUNBOOK_KILL_GIT stops the run right after a named git
command started (or ended), RUNBOOK_FAULT_AT right after a journal step's start is on disk,
and a smudge filter that kills its own process group stops git in the middle of writing the
files of a checkout. The sweeps are listed in crashworld.SWEEPS; test_crash_coverage.py
checks that they kill every git command the three operations run.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from crashkit import runbook
from crashworld import (
    CRASHES,
    LIGHT,
    SWEEPS,
    WRITES,
    World,
    build_world,
    crash_filter,
    done,
    killed,
    ready,
    recovered_to,
    run_failing,
    sweep,
    sweep_points,
)

BATCH_STEPS = ["checkpoint", "worktree", "apply", "commit", "validate", "promote", "cleanup"]
# Points each sweep must reach (a guard against a trace that stopped early).
MUST = {
    "batch": {"worktree add#1", "commit#1", "update-ref#2", "read-tree#2"},
    "rerun renaming the earlier branch and tag": {"update-ref#3"},  # tag kept, made, branch kept
    "rollback": {"commit-tree#1", "update-ref#1", "read-tree#3"},
    "failing batch rolling itself back": {"commit#1", "worktree prune#2"},  # no promotion
    "recover, batch killed inside worktree add": {"worktree unlock#1", "worktree remove#1"},
    "recover, batch killed inside read-tree": {"restore#1"},
    "recover, batch killed as its promotion starts": {"status#1", "update-ref#1"},
}


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    return build_world(tmp_path_factory.mktemp("crash"))


@pytest.mark.parametrize("crash", sorted(CRASHES))
def test_recover_reaches_the_state_the_crash_decides(world: World, crash: str) -> None:
    stage = f"crashed: {crash}"
    ready(world, stage)
    world.load(stage)
    done(world.run("recover"))
    assert world.state() == world.states[CRASHES[crash][3]]


# Each repair recover makes (docs/recovery.md), a crash that needs it, and the line it says.
# The repairs of leftovers no crash of ours makes on its own (a worktree folder git forgot,
# a torn ref, a worktree entry without a path) are in test_repair.py; setting aside a file
# that holds neither version is in test_checkout.py.
SAID = {
    "the workspace lock of a dead command": ("batch killed with its worktree",
                                             "workspace: removed the lock of `batch "),
    "git's index.lock": ("batch killed inside read-tree",
                         "repository: removed the stale lock .git/index.lock (no live"),
    "a linked worktree's lock": ("batch killed inside worktree add",
                                 "repository: removed the stale lock .git/worktrees/batch-"),
    "a locked half-made worktree": ("batch killed inside worktree add",
                                    "repository: unlocked (initializing) and removed the "
                                    "worktree "),
    "a batch worktree": ("batch killed with its worktree", "repository: removed the worktree "),
    "the run's branch": ("batch killed as its promotion starts",
                         "deleted branch runbook/batch-"),
    "the run's tag": ("batch killed with its worktree", "deleted tag runbook/checkpoint-"),
    "an earlier run's branch given back": ("rerun killed after renaming",
                                           "put branch runbook/batch-"),
    "the name it was kept under": ("rerun killed after renaming", "-rolled-back-"),
    "an earlier run's tag given back": ("rerun killed after renaming",
                                        "put tag runbook/checkpoint-"),
    "the tag's kept name": ("rerun killed after renaming", "-before-"),
    "a checkout finished": ("batch killed inside read-tree", "finished the checkout of main "),
    "a rollback that landed": ("rollback killed in its checkout", "recorded batch "),
}
RECORDED = {"pristine": "rolled_back", "promoted": "promoted"}


@pytest.mark.parametrize("repair", sorted(SAID))
def test_recover_says_each_repair(world: World, repair: str) -> None:
    crash, line = SAID[repair]
    ready(world, f"crashed: {crash}")
    world.load(f"crashed: {crash}")
    out = world.run("recover").stdout
    assert line in out, out
    target = CRASHES[crash][3]
    assert world.state() == world.states[target]
    validation = world.stages.ws / "batches" / f"{int(world.number):03d}" / "validation.json"
    if target in RECORDED:
        assert json.loads(validation.read_text("utf-8"))["status"] == RECORDED[target]


def test_recover_removes_a_half_written_backup_and_temporary_files(world: World) -> None:
    world.load("pristine")
    killed(world.run("batch", kill="ls-files#1"), "ls-files#1")  # writing the backup
    ws = world.stages.ws
    backup = ws / "backups" / f"{int(world.number):03d}.partial"
    assert backup.is_dir()
    torn = f"batches/{backup.name.split('.')[0]}/rollback.json.tmp"  # a rollback's record
    (ws / torn).write_text("{", "utf-8")  # as write_json leaves it when killed
    out = world.run("recover").stdout
    assert f"removed backups/{backup.name} (left by a killed run)" in out, out
    assert f"removed {torn} (left by a killed run)" in out, out
    assert world.state() == world.states["pristine"] and not backup.exists()


@pytest.mark.parametrize("name", sorted(SWEEPS))
def test_killed_at_every_git_command(world: World, tmp_path: Path, name: str) -> None:
    chosen = SWEEPS[name]
    kills, _ = sweep_points(world, name, tmp_path)
    assert MUST.get(name, set()) <= set(kills), kills
    assert chosen.commands or any(p.partition("#")[0] in WRITES for p in kills), kills
    assert kills, name
    assert sweep(world, chosen.stage, chosen.op, kills, list(chosen.expected),
                 chosen.parameters()) == {}


@pytest.mark.parametrize("step", [*BATCH_STEPS, "snapshots", "monitor"])
def test_batch_killed_at_every_journal_step(world: World, step: str) -> None:
    world.load("pristine")
    extra = {"snapshots": ["-p", "snapshots", "[db=pg_dumpall]"],
             "monitor": ["-p", "monitor_seconds", "1"]}.get(step, [])
    killed(world.run("batch", fault=step, extra=[*LIGHT, *extra]), step)
    expected = ["promoted"] if step in ("cleanup", "monitor") else ["pristine"]
    assert recovered_to(world, expected) in expected


def test_failed_batch_killed_while_rolling_back(world: World) -> None:
    ready(world, "broken")
    for step in ("rollback", "cleanup"):
        world.load("broken")
        killed(run_failing(world, fault=step), step)
        assert recovered_to(world, ["broken", "broken-after"]) in ("broken", "broken-after")


@pytest.mark.parametrize("step", ["revert", "promote"])
def test_rollback_killed_at_every_journal_step(world: World, step: str) -> None:
    world.load("promoted")
    killed(runbook("rollback", "--workspace", str(world.stages.ws), "--to", world.number,
                   fault=step), step)
    assert recovered_to(world, ["promoted", "rolled"]) in ("promoted", "rolled")


@pytest.mark.parametrize("step", ["repair", "settle", "tidy"])
def test_recover_killed_at_every_journal_step(world: World, step: str) -> None:
    world.load("pristine")
    killed(world.run("batch", kill="read-tree#2"), "read-tree#2")
    killed(runbook("recover", "--workspace", str(world.stages.ws), fault=step), step)
    out = world.run("recover").stdout
    assert f"was interrupted at {step}: its work is done" in out, out
    assert world.state() == world.states["promoted"]
    assert "nothing to recover" in world.run("recover").stdout
    assert world.state() == world.states["promoted"]


def test_kill_inside_worktree_add_leaves_a_locked_worktree_recover_clears(
        world: World) -> None:
    """The crash of the issue: `git worktree add` killed while it checks out the new tree
    leaves it registered and locked ("initializing"), its branch checked out there."""
    world.load("pristine")
    with crash_filter(world.stages.repo, world.shim, "*reset*"):
        killed(world.run("batch"), "inside worktree add")
    listing = _git_out(world.stages.repo, "worktree", "list", "--porcelain")
    assert "locked initializing" in listing and "runbook/batch-" in listing
    out = world.run("recover").stdout
    assert "unlocked (initializing) and removed the worktree" in out
    assert "deleted branch runbook/batch-" in out
    assert world.state() == world.states["pristine"]
    done(world.run("batch"))
    assert world.state() == world.states["promoted"]


def test_kill_inside_the_promotions_checkout_is_finished(world: World) -> None:
    """`read-tree -m -u` killed while writing the checkout's files: the branch has moved,
    the index is old, some files are new, one is gone, index.lock is left."""
    world.load("pristine")
    with crash_filter(world.stages.repo, world.shim, "*read-tree*"):  # written after others
        killed(world.run("batch"), "inside read-tree")
    assert (world.stages.repo / ".git" / "index.lock").exists()
    out = world.run("recover").stdout
    assert "removed the stale lock .git/index.lock" in out, out
    assert "state after the run" in out
    assert world.state() == world.states["promoted"]


def _git_out(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True,
                          check=True).stdout
