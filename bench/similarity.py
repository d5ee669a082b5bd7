"""discover + similarity against jscpd: wall and CPU time, peak memory on sample repos.

Usage: .venv/bin/python bench/similarity.py [SIZES...]   (default 1000 10000 100000)
Per size: discovery, similarity (first run, empty workspace cache), the whole process, a rerun
of both on the unchanged tree (similarity then reads back its tables, kept with the digest of
their input), a rerun after one script gained a line (similarity then computes every table,
normalising only that script), and jscpd 5.3.2 with its defaults on the same tree. jscpd is
used when found in $JSCPD, on PATH, in /work/tools/jscpd or /tmp/jscpd (`npm i -E jscpd@5.3.2`
in a scratch folder outside the repo). Sample repos are cached in /tmp/runbook-bench.
"""

from __future__ import annotations

import csv
import os
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from discover import CACHE, RUNBOOK, rows, sample
from measure import Measured, measure

PLACES = ("/work/tools/jscpd/node_modules/.bin/jscpd", "/tmp/jscpd/node_modules/.bin/jscpd")


def jscpd() -> str | None:
    for candidate in (os.environ.get("JSCPD"), shutil.which("jscpd"), *PLACES):
        if candidate and Path(candidate).exists():
            return candidate
    return None


def discover(repo: Path, ws: Path) -> Measured:
    return measure([RUNBOOK, "discover", "--direct", "--no-progress", "--repo", str(repo),
                    "--workspace", str(ws), "--deploy-root", "/opt/app"])


def similarity(ws: Path) -> Measured:
    return measure([RUNBOOK, "similarity", "--direct", "--no-progress", "--workspace",
                    str(ws)])


def _edited_run(repo: Path, ws: Path) -> tuple[Measured, Measured]:
    """discover + similarity after one script gained a line (restored afterwards): what a
    rerun costs when the tables cannot be read back."""
    with open(ws / "inventory.csv", encoding="utf-8", newline="") as fh:
        path = repo / next(csv.DictReader(fh))["path"]
    before = path.read_bytes()
    try:
        path.write_bytes(before + b"\necho one more step\n")
        return discover(repo, ws), similarity(ws)
    finally:
        path.write_bytes(before)


def line(size: int, step: str, wall: float, cpu: float, peak: float, load: float,
         note: str = "") -> None:
    print(f"{size:>8} {step:<18} {wall:>8.1f} {cpu:>8.1f} {peak:>8.0f} {load:>6.2f}  {note}",
          flush=True)


def main(sizes: list[int]) -> None:
    peer = jscpd()
    print(f"{'scripts':>8} {'step':<18} {'wall s':>8} {'cpu s':>8} {'peak MB':>8} {'load':>6}")
    for size in sizes:
        repo = sample(size)
        ws = CACHE / f"sim-ws-{size}"
        shutil.rmtree(ws, ignore_errors=True)
        first = (discover(repo, ws), similarity(ws))
        again = (discover(repo, ws), similarity(ws))
        edited = _edited_run(repo, ws)
        if any(m.returncode for m in (*first, *again, *edited)):
            print(f"{size:>8} failed")
            continue
        for step, m in zip(("discover", "similarity", "rerun discover", "rerun similarity"),
                           (*first, *again), strict=True):
            line(size, step, m.seconds, m.cpu_seconds, m.peak_mb, m.load)
        wall, cpu = (sum(m.seconds for m in first), sum(m.cpu_seconds for m in first))
        rewall, recpu = (sum(m.seconds for m in again), sum(m.cpu_seconds for m in again))
        line(size, "whole process", wall, cpu, max(m.peak_mb for m in first), first[1].load,
             f"clusters.csv rows {rows(ws / 'clusters.csv')}")
        line(size, "rerun", rewall, recpu, max(m.peak_mb for m in again), again[1].load,
             f"rerun/first: wall {rewall / wall:.0%}, cpu {recpu / cpu:.0%}")
        edwall, edcpu = (sum(m.seconds for m in edited), sum(m.cpu_seconds for m in edited))
        line(size, "one script edited", edwall, edcpu, max(m.peak_mb for m in edited),
             edited[1].load, f"edited/first: wall {edwall / wall:.0%}, cpu {edcpu / cpu:.0%}")
        if peer is None:
            print(f"{size:>8} jscpd not found")
            continue
        theirs = measure([peer, "--format", "bash,python", "--reporters", "silent",
                          "--no-gitignore", str(repo)])
        line(size, "jscpd 5.3.2", theirs.seconds, theirs.cpu_seconds, theirs.peak_mb,
             theirs.load, f"ours/jscpd: wall {wall / theirs.seconds:.1f}x, "
             f"cpu {cpu / max(theirs.cpu_seconds, 0.01):.1f}x")


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [1000, 10000, 100000])
