"""Crash survival: N kills (SIGKILL to the whole process group) at random moments of `batch`,
`rollback` and `recover` on the sample repository (`runbook sample`), each followed by
`runbook recover`. A trial survives when recover succeeds, leaves the campaign exactly as
before or exactly as after the killed operation (tests/state.py's campaign_state: files with
modes, index, HEAD, every ref, worktrees, git's locks, the workspace lock, promoted batches,
open journals), and a second recover says "nothing to recover" and changes nothing.

A recover trial first kills a batch at a random moment, then kills the recover of that crash
at a random moment, then recovers: the end state must be the batch's before or after.

Usage: .venv/bin/python bench/crash.py [N] [--seed S] [--scripts K]
Prints one line per failure (the moment: operation, milliseconds after the start, share of
the operation's clean duration, the last journal step and git command started) and
survived/N. Runs use --direct and the default batch parameters.
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
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from crashkit import GIT_ENV, Stages, runbook
from runbook_lib.execution.journal import read_journal
from runbook_lib.gitops.runner import TRACE_ENV
from state import campaign_state, differences

CACHE = Path("/tmp/runbook-bench/crash")
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
        bench.states["pristine"] = campaign_state(bench.stages.repo, bench.stages.ws)
        bench.stages.save("pristine")
        if "promoted:" not in timed(bench, "batch"):
            continue
        bench.states["promoted"] = campaign_state(bench.stages.repo, bench.stages.ws)
        bench.stages.save("promoted")
        timed(bench, "rollback")
        bench.states["rolled"] = campaign_state(bench.stages.repo, bench.stages.ws)
        bench.stages.load("pristine")
        kill_at(bench, "batch", bench.seconds["batch"] * 0.95)
        timed(bench, "recover")
        return str(number)
    raise SystemExit("no batch of the sample promotes")


def timed(bench: Bench, op: str) -> str:
    start = time.perf_counter()
    out = cli(*bench.args(op))
    bench.seconds[op] = time.perf_counter() - start
    return out


def kill_at(bench: Bench, op: str, delay: float) -> str:
    """Start op, SIGKILL its process group `delay` seconds later; the moment, described."""
    trace = bench.stages.work / "git.trace"
    trace.unlink(missing_ok=True)
    env = {**os.environ, **GIT_ENV, TRACE_ENV: str(trace)}
    proc = subprocess.Popen([sys.executable, "-m", "runbook_lib.cli", *bench.args(op)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    try:
        proc.wait(timeout=delay)
        ended = "it had ended"
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        ended = "killed"
    share = delay / bench.seconds[op] * 100
    return (f"{op} at {delay * 1000:.0f} ms ({share:.0f}%, {ended}; last step "
            f"{last_step(bench)}, last git command {last_git(trace)})")


def last_step(bench: Bench) -> str:
    journals = sorted(bench.stages.ws.glob("*/*/journal.jsonl"), key=lambda p: p.stat().st_mtime)
    records = read_journal(journals[-1]) if journals else []
    return f"{records[-1]['step']} {records[-1]['phase']}" if records else "none"


def last_git(trace: Path) -> str:
    lines = trace.read_text(encoding="utf-8").splitlines() if trace.exists() else []
    return lines[-1].split(" ", 2)[2] if lines else "none"


def trial(bench: Bench, rng: random.Random, op: str) -> tuple[bool, str]:
    stage, expected = EXPECTED[op]
    bench.stages.load(stage)
    moment = ""
    if op == "recover":
        moment = kill_at(bench, "batch", rng.uniform(0, bench.seconds["batch"])) + "; then "
    moment += kill_at(bench, op, rng.uniform(0, bench.seconds[op]))
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
    args = parser.parse_args()
    bench = prepare(args.scripts)
    rng = random.Random(args.seed)
    print(f"sample of {args.scripts} scripts, batch {bench.number}; clean runs: "
          + ", ".join(f"{op} {s:.2f} s" for op, s in bench.seconds.items()), flush=True)
    survived, by_op = 0, {op: [0, 0] for op in EXPECTED}
    for i in range(args.n):
        op = rng.choice(sorted(EXPECTED))
        ok, moment = trial(bench, rng, op)
        survived += ok
        by_op[op][0] += ok
        by_op[op][1] += 1
        if not ok:
            print(f"FAILED trial {i + 1}: {moment}", flush=True)
    print("by operation: " + ", ".join(f"{op} {s}/{n}" for op, (s, n) in by_op.items()))
    print(f"survived {survived}/{args.n}")


if __name__ == "__main__":
    main()
