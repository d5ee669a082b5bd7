"""The campaign the crash tests kill (tests/test_crash.py, tests/test_crash_points.py): its
saved stages, the kill points of a traced run, the sweeps (one operation killed at each of
its points from one stage, then recovered) and the crashes recover starts from.

Every sweep is named in SWEEPS, so the coverage test can trace the same runs and check that
every git command batch, rollback and recover run is killed by one of them.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

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


@dataclass
class World:
    stages: Stages
    number: str
    shim: str  # the last file batch N turns into a shim: its checkout writes others first
    states: dict[str, dict[str, object]] = field(default_factory=dict)

    def load(self, stage: str) -> None:
        self.stages.load(stage)

    def state(self) -> dict[str, object]:
        return campaign_state(self.stages.repo, self.stages.ws)

    def save(self, stage: str) -> None:
        self.stages.save(stage)
        self.states[stage] = self.state()

    def run(self, op: str, kill: str | None = None, fault: str | None = None,
            trace: Path | None = None, extra: list[str] | None = None
            ) -> subprocess.CompletedProcess[str]:
        ws = str(self.stages.ws)
        args = {"batch": ["batch", "--direct", "--workspace", ws, "--batch", self.number,
                          *(LIGHT if extra is None else extra)],
                "rollback": ["rollback", "--workspace", ws, "--to", self.number],
                "recover": ["recover", "--workspace", ws]}[op]
        return runbook(*args, kill=kill, fault=fault, trace=trace)


def build_world(root: Path) -> World:
    """A 30-script sample with untracked and ignored files; stages pristine, promoted (batch
    N ran), rolled (then rolled back), rerun (then run again)."""
    template = make_template(root / "template", scripts=30)
    stages = Stages(root)
    camp = campaign_from(template, stages.work)
    (stages.repo / "scratch.txt").write_text("untracked work\n", "utf-8")
    (stages.repo / ".env").write_text("SECRET=1\n", "utf-8")  # ignored by the sample
    (stages.repo / ".env").chmod(0o600)
    number = batch_of(camp.plan, shimmed(camp.plan, "echo_args.sh")[0])
    shims = [p for p in shimmed(camp.plan, "echo_args.sh") if batch_of(camp.plan, p) == number]
    world = World(stages, str(number), shims[-1])
    world.save("pristine")
    done(world.run("batch"))
    world.save("promoted")
    done(world.run("rollback"))
    world.save("rolled")
    done(world.run("batch"))
    world.save("rerun")
    return world


def done(result: subprocess.CompletedProcess[str]) -> None:
    assert result.returncode == 0, result.stderr


def killed(result: subprocess.CompletedProcess[str], what: str) -> None:
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


def traced(world: World, stage: str, op: str, tmp: Path, extra: list[str] | None = None
           ) -> Path:
    """The trace of a clean run of `op` from `stage` (extra: a batch's parameters)."""
    world.load(stage)
    trace = tmp / f"{stage}-{op}-{len(list(tmp.glob('*.trace')))}.trace"
    world.run(op, trace=trace, extra=extra)
    return trace


def sweep(world: World, stage: str, op: str, kills: list[str], expected: list[str],
          extra: list[str] | None = None) -> dict[str, str]:
    """Kill `op` at each point, from `stage`, then recover; failures by point."""
    failures = {}
    for point in kills:
        world.load(stage)
        killed(world.run(op, kill=point, extra=extra), point)
        outcome = recovered_to(world, expected)
        if outcome not in expected:
            failures[point] = outcome
    return failures


@dataclass(frozen=True)
class Sweep:
    """`op` killed at each of its kill points, from the saved `stage`."""
    stage: str
    op: str
    expected: tuple[str, ...]
    only_until: str | None = None  # kill only up to this point
    writes_only: bool = False  # kill only the commands in WRITES
    extra: tuple[str, ...] | None = None  # a batch's parameters (None: LIGHT)
    commands: frozenset[str] = frozenset()  # kill only these commands (empty: all)

    def parameters(self) -> list[str] | None:
        return None if self.extra is None else list(self.extra)


# The crashes recover starts from: (stage, op, kill, the stage recover must reach). A kill
# "filter:PATH:PATTERN" stops git half-way through writing PATH (see crash_filter); SHIM
# stands for World.shim. "fault:STEP" stops the run as that journal step starts.
CRASHES = {
    "batch killed in its checkout": ("pristine", "batch", "read-tree#2", "promoted"),
    "batch killed with its worktree": ("pristine", "batch", "commit#1", "pristine"),
    "rerun killed after renaming": ("rolled", "batch", "worktree add#1", "rolled"),
    "rollback killed in its checkout": ("promoted", "rollback", "read-tree#3", "rolled"),
    "batch killed inside worktree add": ("pristine", "batch",
                                         "filter:SHIM:*reset*", "pristine"),
    "batch killed inside read-tree": ("pristine", "batch",
                                      "filter:SHIM:*read-tree*", "promoted"),
    # nothing of the promotion done: the checkout is compared with both commits (git status)
    "batch killed as its promotion starts": ("pristine", "batch", "fault:promote", "pristine"),
}

SWEEPS = {
    "batch": Sweep("pristine", "batch", ("pristine", "promoted")),
    "rerun renaming the earlier branch and tag": Sweep("rolled", "batch", ("rolled", "rerun"),
                                                       "worktree add#1", writes_only=True),
    # the default checks (a container reaches the batch) export the trees with git archive
    "batch with every check": Sweep("pristine", "batch", ("pristine", "promoted"), extra=(),
                                    commands=frozenset({"archive"})),
    "rollback": Sweep("promoted", "rollback", ("promoted", "rolled")),
    "failing batch rolling itself back": Sweep("broken", "batch", ("broken", "broken-after")),
    **{f"recover, {name}": Sweep(f"crashed: {name}", "recover", (target,))
       for name, (_, _, _, target) in CRASHES.items()},
}


def sweep_points(world: World, name: str, tmp: Path) -> tuple[list[str], Path]:
    """The stage of sweep `name` made ready; its kill points from a traced clean run, and
    that run's trace."""
    chosen = SWEEPS[name]
    ready(world, chosen.stage)
    trace = traced(world, chosen.stage, chosen.op, tmp, extra=chosen.parameters())
    kills = points(trace, chosen.only_until)
    if chosen.writes_only:
        kills = [p for p in kills if p.partition("#")[0] in WRITES]
    if chosen.commands:
        kills = [p for p in kills if p.partition("#")[0].partition("@")[0] in chosen.commands]
    return kills, trace


def ready(world: World, stage: str) -> None:
    """Make the stages built on demand: broken (batch N made to fail validation),
    broken-after (its failed run), and the crash stages of CRASHES."""
    if stage in world.states:
        return
    if stage in ("broken", "broken-after"):
        world.load("pristine")
        break_batch(world)
        world.save("broken")
        run_failing(world)
        world.save("broken-after")
        return
    name = stage.removeprefix("crashed: ")
    start, op, kill, _ = CRASHES[name]
    world.load(start)
    if kill.startswith("filter:"):
        _, path, pattern = kill.split(":", 2)
        with crash_filter(world.stages.repo, path.replace("SHIM", world.shim), pattern):
            killed(world.run(op), name)
    elif kill.startswith("fault:"):
        killed(world.run(op, fault=kill.removeprefix("fault:")), kill)
    else:
        killed(world.run(op, kill=kill), kill)
    world.save(stage)


def run_failing(world: World, fault: str | None = None) -> subprocess.CompletedProcess[str]:
    result = world.run("batch", fault=fault)
    if fault is None:  # the run ends, rolled back: exit 1
        assert result.returncode == 1 and "references" in result.stdout, \
            result.stdout + result.stderr
    return result


def break_batch(world: World) -> None:
    """Batch N also retires a library that live callers still source: validation fails."""
    ws, repo = world.stages.ws, world.stages.repo
    plan = json.loads((ws / "plan.json").read_text("utf-8"))
    victim = "lib/greet.sh"
    batch = next(b for b in plan["batches"] if str(b["batch"]) == world.number)
    batch["actions"].append({"action": "retire", "path": victim, "reason": "wrong", "id": "bad"})
    plan["files"][victim] = sha256_file(repo / victim)
    (ws / "plan.json").write_text(json.dumps(plan), "utf-8")
    approve(ApproveParams(ws, "tester", allow_risk=True))


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
