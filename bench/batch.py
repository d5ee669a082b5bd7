"""Batch speed: checkpoint + apply + static validation + promote for batches of 10, 50 and 200
scripts in a 10,000-script sample repo, and the time to roll each back. The behaviour checks
(declared cases in the sandbox) are left out here, as issue 4 measures static validation;
bench/sandbox.py measures a sandbox run.

Usage: .venv/bin/python bench/batch.py [REPO_SIZE] [BATCH_SIZES...]
Prints one line per batch size (timings from the batch's validation.json).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

CACHE = Path("/tmp/runbook-bench")
RUNBOOK = str(Path(sys.executable).with_name("runbook"))


def runbook(*args: str) -> str:
    done = subprocess.run([RUNBOOK, *args], capture_output=True, text=True, check=False)
    if done.returncode not in (0, 1):
        raise SystemExit(f"runbook {args[0]} failed: {done.stderr.strip()}")
    return done.stdout


def prepared(size: int) -> Path:
    """A sample repo with discovery and similarity done, cached; copied for each run."""
    base = CACHE / f"batch-{size}"
    if not (base / "ws" / "clusters.csv").exists():
        shutil.rmtree(base, ignore_errors=True)
        base.mkdir(parents=True)
        runbook("sample", "--out", str(base / "repo"), "--scripts", str(size))
        runbook("discover", "--direct", "--no-progress", "--repo", str(base / "repo"),
                "--workspace", str(base / "ws"), "--deploy-root", "/opt/app")
        runbook("similarity", "--direct", "--no-progress", "--workspace", str(base / "ws"))
    return base


def one(base: Path, batch_size: int) -> str:
    run = CACHE / f"run-{batch_size}"
    shutil.rmtree(run, ignore_errors=True)
    shutil.copytree(base, run, symlinks=True)
    info = json.loads((run / "ws" / "discovery.json").read_text())
    info["repo"] = str(run / "repo")
    (run / "ws" / "discovery.json").write_text(json.dumps(info))
    ws = str(run / "ws")
    runbook("plan", "--direct", "--workspace", ws, "--batch-size", str(batch_size))
    runbook("approve", "--workspace", ws, "--allow-risk")
    start = time.perf_counter()
    runbook("batch", "--direct", "--workspace", ws, "--batch", "1", "-p", "skip_checks",
            "[behaviour, coverage, performance, containers]")
    wall = time.perf_counter() - start
    result = json.loads((run / "ws" / "batches" / "001" / "validation.json").read_text())
    t = result["timings"]
    start = time.perf_counter()
    out = runbook("rollback", "--workspace", ws, "--to", "1") if result["status"] == "promoted" \
        else ""
    back = time.perf_counter() - start
    scripts = json.loads((run / "ws" / "plan.json").read_text())["batches"][0]["scripts"]
    shutil.rmtree(run, ignore_errors=True)
    return (f"{batch_size:>6} {scripts:>8} {result['status']:>11} {t.get('checkpoint_s', 0):>7.2f}"
            f" {t.get('apply_s', 0):>6.2f} {t.get('validate_s', 0):>9.2f}"
            f" {t.get('promote_s', 0):>8.2f} {t.get('total_s', 0):>6.2f} {wall:>7.2f}"
            f" {back:>9.2f}" + ("" if out else " (not promoted)"))


def main(size: int, sizes: list[int]) -> None:
    base = prepared(size)
    print(f"repo of {size} scripts; seconds")
    print(f"{'batch':>6} {'scripts':>8} {'status':>11} {'checkpt':>7} {'apply':>6} "
          f"{'validate':>9} {'promote':>8} {'total':>6} {'process':>7} {'rollback':>9}")
    for batch_size in sizes:
        print(one(base, batch_size), flush=True)


if __name__ == "__main__":
    args = [int(a) for a in sys.argv[1:]]
    main(args[0] if args else 10000, args[1:] or [10, 50, 200])
