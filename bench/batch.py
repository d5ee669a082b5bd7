"""Batch speed: checkpoint, apply, every check, promotion and rollback of the first batch of a
plan, on a sample repository or on a real one.

Usage:
  .venv/bin/python bench/batch.py [REPO_SIZE] [BATCH_SIZES...]   a sample of REPO_SIZE scripts
  .venv/bin/python bench/batch.py PATH [BATCH_SIZES...]          a copy of the repository PATH

On the sample, the behaviour checks are left out (bench/sandbox.py measures a sandbox run);
on a repository path every check runs, as `runbook batch` would. The repository is copied
(never changed); discovery and similarity are done once per source and cached in
/tmp/runbook-bench. Prints one line per batch size (timings from the batch's
validation.json), then the seconds of each check.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

# RUNBOOK_BENCH_CACHE: another folder, e.g. after discovery changed (the cache is per source)
CACHE = Path(os.environ.get("RUNBOOK_BENCH_CACHE", "/tmp/runbook-bench"))
RUNBOOK = str(Path(sys.executable).with_name("runbook"))
SAMPLE_SKIP = "[behaviour, coverage, performance, containers]"


def runbook(*args: str) -> str:
    done = subprocess.run([RUNBOOK, *args], capture_output=True, text=True, check=False)
    if done.returncode not in (0, 1):
        raise SystemExit(f"runbook {args[0]} failed: {done.stderr.strip()}")
    return done.stdout


def prepared(source: str) -> Path:
    """The repo (a sample of N scripts, or a copy of PATH) with discovery and similarity done,
    cached; copied for each run."""
    is_path = Path(source).is_dir()
    key = hashlib.sha256(str(Path(source).resolve()).encode()).hexdigest()[:10] if is_path \
        else source
    base = CACHE / f"batch-{key}"
    if not (base / "ws" / "clusters.csv").exists():
        shutil.rmtree(base, ignore_errors=True)
        base.mkdir(parents=True)
        if is_path:
            shutil.copytree(source, base / "repo", symlinks=True)
        else:
            runbook("sample", "--out", str(base / "repo"), "--scripts", source)
        runbook("discover", "--direct", "--no-progress", "--repo", str(base / "repo"),
                "--workspace", str(base / "ws"), "--deploy-root", "/opt/app")
        runbook("similarity", "--direct", "--no-progress", "--workspace", str(base / "ws"))
    return base


def one(base: Path, batch_size: int, skip: str) -> tuple[str, dict[str, float]]:
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
    runbook("batch", "--direct", "--workspace", ws, "--batch", "1",
            *(["-p", "skip_checks", skip] if skip else []))
    wall = time.perf_counter() - start
    result = json.loads((run / "ws" / "batches" / "001" / "validation.json").read_text())
    t = result["timings"]
    start = time.perf_counter()
    out = runbook("rollback", "--workspace", ws, "--to", "1") if result["status"] == "promoted" \
        else ""
    back = time.perf_counter() - start
    batch = json.loads((run / "ws" / "plan.json").read_text())["batches"][0]
    touched = len({a.get("file") or a["path"] for a in batch["actions"]})
    shutil.rmtree(run, ignore_errors=True)
    line = (f"{batch_size:>6} {touched:>8} {result['status']:>11} {t.get('checkpoint_s', 0):>7.2f}"
            f" {t.get('apply_s', 0):>6.2f} {t.get('validate_s', 0):>9.2f}"
            f" {t.get('promote_s', 0):>8.2f} {t.get('total_s', 0):>6.2f} {wall:>7.2f}"
            f" {back:>9.2f}" + ("" if out else " (not promoted)"))
    checks = {k.removeprefix("check_").removesuffix("_s"): v for k, v in t.items()
              if k.startswith("check_")}
    checks["(worktree)"] = t.get("worktree_s", 0.0)
    checks["(cleanup)"] = t.get("cleanup_s", 0.0)
    return line, checks


def main(source: str, sizes: list[int]) -> None:
    is_path = Path(source).is_dir()
    base = prepared(source)
    files = sum(1 for p in (base / "repo").rglob("*") if p.is_file() and ".git" not in p.parts)
    what = f"copy of {source}" if is_path else f"sample of {source} scripts"
    print(f"{what}: {files} files; seconds")
    print(f"{'batch':>6} {'touched':>8} {'status':>11} {'checkpt':>7} {'apply':>6} "
          f"{'validate':>9} {'promote':>8} {'total':>6} {'process':>7} {'rollback':>9}")
    for batch_size in sizes:
        line, checks = one(base, batch_size, "" if is_path else SAMPLE_SKIP)
        print(line, flush=True)
        print("        checks: " + ", ".join(f"{k} {v:.2f}" for k, v in checks.items()),
              flush=True)


if __name__ == "__main__":
    args = sys.argv[1:]
    first = args[0] if args else "10000"
    default = [25] if Path(first).is_dir() else [10, 50, 200]
    main(first, [int(a) for a in args[1:]] or default)
