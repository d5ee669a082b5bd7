"""Discovery speed and memory on sample repos of 1,000, 10,000 and 100,000 scripts.

Usage: .venv/bin/python bench/discover.py [SIZES...]   (sample repos are cached in
/tmp/runbook-bench, or $RUNBOOK_BENCH_CACHE; delete it to regenerate). Prints one line per size:
wall and CPU seconds (user + system of the whole process tree) and the load average before and
after, since other work on the machine stretches the wall time; then a second line for a rerun
on the unchanged tree (the workspace's scan cache) and its share of the first run.
"""

from __future__ import annotations

import csv
import os
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from measure import load, measure

CACHE = Path(os.environ.get("RUNBOOK_BENCH_CACHE", "/tmp/runbook-bench"))
RUNBOOK = str(Path(sys.executable).with_name("runbook"))


def sample(size: int) -> Path:
    repo = CACHE / f"repo-{size}"
    if not (repo / ".git").exists():
        shutil.rmtree(repo, ignore_errors=True)
        got = measure([RUNBOOK, "sample", "--out", str(repo), "--scripts", str(size)])
        print(f"  (generated {size} in {got.seconds:.1f} s, peak {got.peak_mb:.0f} MB)")
    return repo


def rows(path: Path) -> int:
    with open(path, encoding="utf-8", newline="") as fh:
        return sum(1 for _ in csv.reader(fh)) - 1


def main(sizes: list[int]) -> None:
    print(f"{'requested':>9} {'scripts':>8} {'references':>10} {'wall s':>7} {'CPU s':>7} "
          f"{'peak MB':>8} {'load':>9}")
    for size in sizes:
        repo = sample(size)
        ws = CACHE / f"ws-{size}"
        shutil.rmtree(ws, ignore_errors=True)
        first = 0.0
        for run in ("first", "rerun"):
            before = load()
            got = measure([RUNBOOK, "discover", "--direct", "--no-progress", "--repo", str(repo),
                           "--workspace", str(ws), "--deploy-root", "/opt/app"])
            if got.returncode != 0:
                print(f"{size:>9} failed")
                break
            first = first or got.seconds
            share = f" ({got.seconds / first:.0%})" if run == "rerun" else ""
            print(f"{size if run == 'first' else 'rerun':>9} {rows(ws / 'inventory.csv'):>8} "
                  f"{rows(ws / 'references.csv'):>10} {got.seconds:>7.1f} {got.cpu_seconds:>7.1f} "
                  f"{got.peak_mb:>8.0f} {before + '-' + load():>9}{share}")


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [1000, 10000, 100000])
