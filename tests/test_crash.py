"""Kill batch, rollback and recover at every git command and every journal step they run,
then `recover`: the campaign is exactly as before or exactly as after the killed operation,
and a second `recover` changes nothing.

The kills do not depend on timing: RUNBOOK_KILL_GIT stops the run right after a named git
command started (or ended), RUNBOOK_FAULT_AT right after a journal step's start is on disk,
and a smudge filter that kills its own process group stops git in the middle of writing the
files of a checkout.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from campaign import batch_of, campaign_from, make_template, shimmed
from crashkit import Stages, kill_points, runbook
from runbook_lib.core.workspace import sha256_file
from runbook_lib.planning.approve import ApproveParams, approve
from state import campaign_state, differences

# Commands that may change a ref, an index, a worktree or a file: killed at every run, and
# right after each one ends unless the next command's start is killed anyway. Commands that
# only read are killed at their first run.
WRITES = {"update-ref", "worktree add", "worktree remove", "worktree prune", "worktree unlock",
          "add", "commit", "update-index", "read-tree", "restore", "apply", "write-tree",
          "commit-tree"}
# containers off: what runs then does not depend on the containers this machine runs
LIGHT = ["-p", "containers", "false"]
BATCH_STEPS = ["checkpoint", "worktree", "apply", "commit", "validate", "promote", "cleanup"]


@dataclass
class World:
    stages: Stages
    number: str
    states: dict[str, dict[str, object]] = field(default_factory=dict)
    shim: str = ""  # a shim the batch writes

    def load(self, stage: str) -> None:
        self.stages.load(stage)

    def state(self) -> dict[str, object]:
        return campaign_state(self.stages.repo, self.stages.ws)

    def save(self, stage: str) -> None:
        self.stages.save(stage)
        self.states[stage] = self.state()

    def run(self, op: str, kill: str | None = None, fault: str | None = None,
            trace: Path | None = None) -> subprocess.CompletedProcess[str]:
        ws = str(self.stages.ws)
        args = {"batch": ["batch", "--direct", "--workspace", ws, "--batch", self.number, *LIGHT],
                "rollback": ["rollback", "--workspace", ws, "--to", self.number],
                "recover": ["recover", "--workspace", ws]}[op]
        return runbook(*args, kill=kill, fault=fault, trace=trace)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    root = tmp_path_factory.mktemp("crash")
    template = make_template(root / "template", scripts=30)
    stages = Stages(root)
    camp = campaign_from(template, stages.work)
    (stages.repo / "scratch.txt").write_text("untracked work\n", "utf-8")
    (stages.repo / ".env").write_text("SECRET=1\n", "utf-8")  # ignored by the sample
    (stages.repo / ".env").chmod(0o600)
    shim = shimmed(camp.plan, "echo_args.sh")[0]
    world = World(stages, str(batch_of(camp.plan, shim)), shim=shim)
    world.save("pristine")
    _done(world.run("batch"))
    world.save("promoted")
    _done(world.run("rollback"))
    world.save("rolled")
    _done(world.run("batch"))
    world.save("rerun")
    return world


def _done(result: subprocess.CompletedProcess[str]) -> None:
    assert result.returncode == 0, result.stderr


def _killed(result: subprocess.CompletedProcess[str], what: str) -> None:
    assert result.returncode == -9, (what, result.stdout, result.stderr)


def recovered_to(world: World, expected: list[str]) -> str:
    """Run recover, then again: the first leaves one of the expected states, the second
    changes nothing. Returns the stage it matched ("" and the differences when none)."""
    first = world.run("recover")
    if first.returncode != 0:
        return f"recover failed: {first.stderr}"
    now = world.state()
    match = next((name for name in expected if world.states[name] == now), "")
    if not match:
        return f"neither {expected}: {[differences(now, world.states[n]) for n in expected]}"
    again = world.run("recover")
    if "nothing to recover" not in again.stdout or world.state() != now:
        return f"a second recover changed something: {again.stdout}"
    return match


def points(trace: Path, only_until: str | None = None) -> list[str]:
    """The kill points of a run: see WRITES."""
    names = kill_points(trace)
    if only_until is not None:
        names = names[:names.index(only_until) + 1]
    chosen: list[str] = []
    for i, point in enumerate(names):
        name, _, nth = point.partition("#")
        if name in WRITES or nth == "1":
            chosen.append(point)
        follower = names[i + 1] if i + 1 < len(names) else ""
        if name in WRITES and follower not in chosen and not _starts(follower):
            chosen.append(f"{point}@end")
    return chosen


def _starts(point: str) -> bool:
    name, _, nth = point.partition("#")
    return bool(point) and (name in WRITES or nth == "1")


def traced(world: World, stage: str, op: str, tmp: Path) -> Path:
    world.load(stage)
    trace = tmp / f"{stage}-{op}.trace"
    trace.unlink(missing_ok=True)
    world.run(op, trace=trace)
    return trace


def sweep(world: World, stage: str, op: str, kills: list[str], expected: list[str],
          prepare: dict[str, str] | None = None) -> dict[str, str]:
    """Kill `op` at each point, from `stage`, then recover; failures by point."""
    failures = {}
    for point in kills:
        world.load(stage)
        if prepare:  # the crash that recover starts from
            _killed(world.run(prepare["op"], kill=prepare["kill"]), prepare["kill"])
        _killed(world.run(op, kill=point), point)
        outcome = recovered_to(world, expected)
        if outcome not in expected:
            failures[point] = outcome
    return failures


def test_batch_killed_at_every_git_command(world: World, tmp_path: Path) -> None:
    kills = points(traced(world, "pristine", "batch", tmp_path))
    assert {"worktree add#1", "commit#1", "update-ref#2", "read-tree#2"} <= set(kills)
    assert sweep(world, "pristine", "batch", kills, ["pristine", "promoted"]) == {}


def test_rerun_killed_while_it_renames_the_earlier_branch_and_tag(world: World,
                                                                   tmp_path: Path) -> None:
    kills = [p for p in points(traced(world, "rolled", "batch", tmp_path), "worktree add#1")
             if p.partition("#")[0] in WRITES]
    assert "update-ref#3" in kills  # tag kept, tag made, branch kept
    assert sweep(world, "rolled", "batch", kills, ["rolled", "rerun"]) == {}


def test_rollback_killed_at_every_git_command(world: World, tmp_path: Path) -> None:
    kills = points(traced(world, "promoted", "rollback", tmp_path))
    assert {"commit-tree#1", "update-ref#1", "read-tree#3"} <= set(kills)
    assert sweep(world, "promoted", "rollback", kills, ["promoted", "rolled"]) == {}


# The crashes recover starts from, and the stage it must reach.
CRASHES = {
    "batch killed in its checkout": ("pristine", "batch", "read-tree#2", "promoted"),
    "batch killed with its worktree": ("pristine", "batch", "commit#1", "pristine"),
    "rerun killed after renaming": ("rolled", "batch", "worktree add#1", "rolled"),
    "rollback killed in its checkout": ("promoted", "rollback", "read-tree#3", "rolled"),
}


@pytest.mark.parametrize("crash", sorted(CRASHES))
def test_recover_killed_at_every_git_command(world: World, tmp_path: Path, crash: str) -> None:
    stage, op, kill, target = CRASHES[crash]
    world.load(stage)
    _killed(world.run(op, kill=kill), kill)
    world.save("crashed")
    trace = traced(world, "crashed", "recover", tmp_path)
    assert world.state() == world.states[target]
    kills = points(trace)
    assert any(p.partition("#")[0] in WRITES for p in kills), kills
    assert sweep(world, "crashed", "recover", kills, [target]) == {}


@pytest.mark.parametrize("step", [*BATCH_STEPS, "snapshots", "monitor"])
def test_batch_killed_at_every_journal_step(world: World, step: str) -> None:
    world.load("pristine")
    extra = {"snapshots": ["-p", "snapshots", "[db=pg_dumpall]"],
             "monitor": ["-p", "monitor_seconds", "1"]}.get(step, [])
    ws = str(world.stages.ws)
    killed = runbook("batch", "--direct", "--workspace", ws, "--batch", world.number, *LIGHT,
                     *extra, fault=step)
    _killed(killed, step)
    expected = ["promoted"] if step in ("cleanup", "monitor") else ["pristine"]
    assert recovered_to(world, expected) in expected


def test_failed_batch_killed_while_rolling_back(world: World) -> None:
    world.load("pristine")
    _break_batch(world)
    world.save("broken")
    _run_failing(world)
    world.save("broken-after")
    for step in ("rollback", "cleanup"):
        world.load("broken")
        _killed(_run_failing(world, fault=step), step)
        assert recovered_to(world, ["broken", "broken-after"]) in ("broken", "broken-after")


def _run_failing(world: World, fault: str | None = None) -> subprocess.CompletedProcess[str]:
    ws = str(world.stages.ws)
    done = runbook("batch", "--direct", "--workspace", ws, "--batch", world.number, *LIGHT,
                   fault=fault)
    if fault is None:  # the run ends, rolled back: exit 1
        assert done.returncode == 1 and "references" in done.stdout, done.stdout + done.stderr
    return done


def _break_batch(world: World) -> None:
    """Batch N also retires a library that live callers still source: validation fails."""
    ws, repo = world.stages.ws, world.stages.repo
    plan = json.loads((ws / "plan.json").read_text("utf-8"))
    victim = "lib/greet.sh"
    batch = next(b for b in plan["batches"] if str(b["batch"]) == world.number)
    batch["actions"].append({"action": "retire", "path": victim, "reason": "wrong", "id": "bad"})
    plan["files"][victim] = sha256_file(repo / victim)
    (ws / "plan.json").write_text(json.dumps(plan), "utf-8")
    approve(ApproveParams(ws, "tester", allow_risk=True))


@pytest.mark.parametrize("step", ["revert", "promote"])
def test_rollback_killed_at_every_journal_step(world: World, step: str) -> None:
    world.load("promoted")
    _killed(runbook("rollback", "--workspace", str(world.stages.ws), "--to", world.number,
                    fault=step), step)
    assert recovered_to(world, ["promoted", "rolled"]) in ("promoted", "rolled")


@pytest.mark.parametrize("step", ["repair", "settle", "tidy"])
def test_recover_killed_at_every_journal_step(world: World, step: str) -> None:
    world.load("pristine")
    _killed(world.run("batch", kill="read-tree#2"), "read-tree#2")
    _killed(runbook("recover", "--workspace", str(world.stages.ws), fault=step), step)
    assert recovered_to(world, ["promoted"]) == "promoted"


@contextlib.contextmanager
def crash_filter(repo: Path, path: str, during: str) -> Iterator[None]:
    """While in the block, git runs a smudge filter whenever it writes `path` out; when the
    git command doing so matches the shell pattern `during`, the filter kills its own process
    group there (runbook, git and itself), half-way through that command."""
    attributes = repo / ".git" / "info" / "attributes"
    attributes.parent.mkdir(exist_ok=True)
    attributes.write_text(f"/{path} filter=crash\n", "utf-8")
    env = {"GIT_CONFIG_COUNT": "1", "GIT_CONFIG_KEY_0": "filter.crash.smudge",
           "GIT_CONFIG_VALUE_0": f"case \"$(tr '\\0' ' ' < /proc/$PPID/cmdline)\" in "
                                 f"{during}) kill -KILL 0;; *) cat;; esac"}
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        yield
    finally:
        for key, value in saved.items():
            os.environ.pop(key, None) if value is None else os.environ.update({key: value})
        attributes.unlink()


def test_kill_inside_worktree_add_leaves_a_locked_worktree_recover_clears(
        world: World) -> None:
    """The crash of the issue: `git worktree add` killed while it checks out the new tree
    leaves it registered and locked ("initializing"), its branch checked out there."""
    world.load("pristine")
    with crash_filter(world.stages.repo, "tools/echo_args.sh", "*reset*"):
        _killed(world.run("batch"), "inside worktree add")
    listing = _git_out(world.stages.repo, "worktree", "list", "--porcelain")
    assert "locked initializing" in listing and "runbook/batch-" in listing
    done = world.run("recover")
    assert "unlocked (initializing) and removed the worktree" in done.stdout
    assert "deleted branch runbook/batch-" in done.stdout
    assert world.state() == world.states["pristine"]
    _done(world.run("batch"))
    assert world.state() == world.states["promoted"]


def test_kill_inside_the_promotions_checkout_is_finished(world: World) -> None:
    """`read-tree -m -u` killed while writing the checkout's files: the branch has moved,
    the index is old, some files are new, one is gone, index.lock is left."""
    world.load("pristine")
    with crash_filter(world.stages.repo, world.shim, "*read-tree*"):  # a shim of batch N
        _killed(world.run("batch"), "inside read-tree")
    assert (world.stages.repo / ".git" / "index.lock").exists()
    done = world.run("recover")
    out = done.stdout
    assert "removed the stale lock .git/index.lock" in out, out
    assert "state after the run" in out
    assert world.state() == world.states["promoted"]


def _git_out(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True,
                          check=True).stdout
