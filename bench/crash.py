"""Crash survival: N kills (SIGKILL to the whole process group) at random moments of `batch`,
`rollback` and `recover` on the sample repository (`runbook sample`), each followed by
`runbook recover`. A trial survives when recover succeeds, leaves the campaign exactly as
before or exactly as after the killed operation (tests/state.py's campaign_state: files with
modes, index, HEAD, every ref, worktrees, git's locks, the workspace lock, promoted batches,
open journals), and a second recover says "nothing to recover" and changes nothing.

A recover trial first kills a batch at a random moment, then kills the recover of that crash
at a random moment, then recovers: the end state must be the batch's before or after.

Usage: .venv/bin/python bench/crash.py [N] [--seed S] [--scripts K]
Prints one line per failure (-v: per trial) with the moment: operation, milliseconds after
the start, share of the operation's clean duration, inside which git command or between them,
the last journal step and git command; then where the kills landed, and survived/N. Runs use
--direct and the default batch parameters. The clean duration of each operation, which the
random moments are drawn within, is the shorter of two clean runs.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from crashkit import GIT_ENV, Stages, runbook
from runbook_lib.execution.journal import read_journal
from runbook_lib.gitops.runner import TRACE_ENV
from state import campaign_state, differences

CACHE = Path("/tmp/runbook-bench/crash")
CHECKOUT = "read-tree#2"  # the promotion's checkout (#1 is its dry run)
EXPECTED = {"batch": ("pristine", ["pristine", "promoted"]),
            "rollback": ("promoted", ["promoted", "rolled"]),
            "recover": ("pristine", ["pristine", "promoted"])}


@dataclass
class Bench:
    stages: Stages
    number: str
    states: dict[str, dict[str, object]]
    seconds: dict[str, float]

    def args(self, op: str) -> list[str]:
        ws = str(self.stages.ws)
        return {"batch": ["batch", "--direct", "--workspace", ws, "--batch", self.number],
                "rollback": ["rollback", "--workspace", ws, "--to", self.number],
                "recover": ["recover", "--workspace", ws]}[op]


def cli(*args: str) -> str:
    done = runbook(*args)
    if done.returncode not in (0, 1):
        raise SystemExit(f"runbook {args[0]} failed: {done.stderr.strip()}")
    return done.stdout


def prepare(scripts: int) -> Bench:
    stages = Stages(CACHE / f"sample-{scripts}")
    repo, ws = str(stages.repo), str(stages.ws)
    shutil.rmtree(stages.work, ignore_errors=True)
    cli("sample", "--out", repo, "--scripts", str(scripts))
    cli("discover", "--direct", "--no-progress", "--repo", repo, "--workspace", ws)
    cli("similarity", "--direct", "--no-progress", "--workspace", ws)
    cli("plan", "--direct", "--workspace", ws)
    cli("approve", "--workspace", ws, "--allow-risk")
    (stages.repo / "notes.txt").write_text("untracked work\n", encoding="utf-8")
    (stages.repo / ".env").write_text("SECRET=1\n", encoding="utf-8")  # ignored
    (stages.repo / ".env").chmod(0o600)
    bench = Bench(stages, "", {}, {})
    bench.number = first_promoted(bench)
    return bench


def first_promoted(bench: Bench) -> str:
    """The first batch that promotes; its clean runs give the states and durations."""
    bench.stages.save("start")
    for number in range(1, 50):
        bench.stages.load("start")
        bench.number = str(number)
        bench.seconds.clear()  # a batch that does not promote times nothing
        bench.states["pristine"] = campaign_state(bench.stages.repo, bench.stages.ws)
        bench.stages.save("pristine")
        if "promoted:" not in timed(bench, "batch"):
            continue
        bench.states["promoted"] = campaign_state(bench.stages.repo, bench.stages.ws)
        bench.stages.save("promoted")
        timed(bench, "rollback")
        bench.states["rolled"] = campaign_state(bench.stages.repo, bench.stages.ws)
        crashed_in_checkout(bench)
        timed(bench, "recover")
        warm_timings(bench)
        return str(number)
    raise SystemExit("no batch of the sample promotes")


def warm_timings(bench: Bench) -> None:
    """Each operation once more from its stage: the first runs pay for cold caches (the
    first batch took 15 s where later ones take 5), and a duration too long sends most
    random kills past the end of the operation."""
    for op, stage in (("batch", "pristine"), ("rollback", "promoted"), ("recover", "")):
        if stage:
            bench.stages.load(stage)
        else:
            crashed_in_checkout(bench)
        timed(bench, op)


def crashed_in_checkout(bench: Bench) -> None:
    """The batch killed in its promotion's checkout: a recover that has work to do."""
    bench.stages.load("pristine")
    killed = runbook(*bench.args("batch"), kill=CHECKOUT)
    if killed.returncode != -signal.SIGKILL:
        raise SystemExit(f"the batch did not stop at {CHECKOUT}: {killed.stderr.strip()}")


def timed(bench: Bench, op: str) -> str:
    """Run op; its clean duration is the shortest seen."""
    start = time.perf_counter()
    out = cli(*bench.args(op))
    took = time.perf_counter() - start
    bench.seconds[op] = min(took, bench.seconds.get(op, took))
    return out


def kill_at(bench: Bench, op: str, delay: float) -> tuple[str, str]:
    """Start op, SIGKILL its process group `delay` seconds later: the moment described, and
    where it landed (inside which git command, between them, or after the end)."""
    trace = bench.stages.work / "git.trace"
    trace.unlink(missing_ok=True)
    env = {**os.environ, **GIT_ENV, TRACE_ENV: str(trace)}
    started = time.time()
    proc = subprocess.Popen([sys.executable, "-m", "runbook_lib.cli", *bench.args(op)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    try:
        proc.wait(timeout=delay)
        landed = "after the operation ended"
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        phase, name = last_git(trace)
        landed = f"inside git {name}" if phase == "start" else "between git commands"
    share = delay / bench.seconds[op] * 100
    return (f"{op} at {delay * 1000:.0f} ms ({share:.0f}%, {landed}; last step "
            f"{last_step(bench, started)}, last git command "
            f"{' '.join(last_git(trace)).strip()})"), landed


def last_step(bench: Bench, since: float) -> str:
    """The last record of the newest journal this run wrote to."""
    journals = sorted((p for p in bench.stages.ws.glob("*/*/journal.jsonl")
                       if p.stat().st_mtime >= since), key=lambda p: p.stat().st_mtime)
    records = read_journal(journals[-1]) if journals else []
    return f"{records[-1]['step']} {records[-1]['phase']}" if records else "none yet"


def last_git(trace: Path) -> tuple[str, str]:
    """(start or end, NAME) of the last git command traced."""
    lines = trace.read_text(encoding="utf-8").splitlines() if trace.exists() else []
    if not lines:
        return "", "none"
    _, _, phase, name = lines[-1].split(" ", 3)
    return phase, name


def trial(bench: Bench, rng: random.Random, op: str, landed: Counter[str]) -> tuple[bool, str]:
    stage, expected = EXPECTED[op]
    bench.stages.load(stage)
    moment = ""
    if op == "recover":
        moment = kill_at(bench, "batch", rng.uniform(0, bench.seconds["batch"]))[0] + "; then "
    text, where = kill_at(bench, op, rng.uniform(0, bench.seconds[op]))
    moment += text
    landed[where] += 1
    first = runbook(*bench.args("recover"))
    if first.returncode != 0:
        return False, f"{moment}: recover failed: {first.stderr.strip()}"
    now = campaign_state(bench.stages.repo, bench.stages.ws)
    if not any(now == bench.states[name] for name in expected):
        diff = {n: sorted(differences(now, bench.states[n])) for n in expected}
        return False, f"{moment}: neither before nor after (differs in {diff})"
    again = runbook(*bench.args("recover"))
    if "nothing to recover" not in again.stdout or \
            campaign_state(bench.stages.repo, bench.stages.ws) != now:
        return False, f"{moment}: a second recover changed something: {again.stdout.strip()}"
    return True, moment


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", type=int, nargs="?", default=200)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--scripts", type=int, default=300)
    parser.add_argument("-v", "--verbose", action="store_true", help="print every trial")
    args = parser.parse_args()
    bench = prepare(args.scripts)
    rng = random.Random(args.seed)
    print(f"sample of {args.scripts} scripts, batch {bench.number}; clean runs: "
          + ", ".join(f"{op} {s:.2f} s" for op, s in bench.seconds.items()), flush=True)
    survived, by_op, landed = 0, {op: [0, 0] for op in EXPECTED}, Counter[str]()
    for i in range(args.n):
        op = rng.choice(sorted(EXPECTED))
        ok, moment = trial(bench, rng, op, landed)
        survived += ok
        by_op[op][0] += ok
        by_op[op][1] += 1
        if not ok or args.verbose:
            print(f"{'survived' if ok else 'FAILED'} trial {i + 1}: {moment}", flush=True)
    print("by operation: " + ", ".join(f"{op} {s}/{n}" for op, (s, n) in by_op.items()))
    print("the kills landed: " + ", ".join(f"{where} {n}" for where, n in sorted(
        landed.items(), key=lambda item: -item[1])))
    print(f"survived {survived}/{args.n}")


if __name__ == "__main__":
    main()
