"""discover + similarity against jscpd: wall time and peak memory on sample repos.

Usage: .venv/bin/python bench/similarity.py [SIZES...]   (default 1000 10000 100000)
Per size: discovery, similarity (first run, empty workspace cache), the whole process, a rerun
of both on the unchanged tree (similarity then reads its cache of normalised forms and
shellcheck findings), and jscpd 5.3.2 with its defaults on the same tree. jscpd is used when
found in $JSCPD, on PATH, in /work/tools/jscpd or /tmp/jscpd (`npm i -E jscpd@5.3.2` in a
scratch folder outside the repo). Sample repos are cached in /tmp/runbook-bench.
"""

from __future__ import annotations

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


def main(sizes: list[int]) -> None:
    peer = jscpd()
    print(f"{'scripts':>8} {'disc s':>7} {'sim s':>7} {'total s':>8} {'peak MB':>8} "
          f"{'rerun disc':>10} {'rerun sim':>9} {'rerun %':>8} {'clusters':>8} "
          f"{'jscpd s':>8} {'jscpd MB':>9} {'total/jscpd':>11} {'sim/jscpd':>9}")
    for size in sizes:
        repo = sample(size)
        ws = CACHE / f"sim-ws-{size}"
        shutil.rmtree(ws, ignore_errors=True)
        first = (discover(repo, ws), similarity(ws))
        again = (discover(repo, ws), similarity(ws))
        if any(m.returncode for m in (*first, *again)):
            print(f"{size:>8} failed")
            continue
        total = first[0].seconds + first[1].seconds
        rerun = again[0].seconds + again[1].seconds
        peak = max(m.peak_mb for m in first)
        theirs = measure([peer, "--format", "bash,python", "--reporters", "silent",
                          "--no-gitignore", str(repo)]) if peer else None
        peer_cols = (f"{theirs.seconds:>8.1f} {theirs.peak_mb:>9.0f} "
                     f"{total / theirs.seconds:>11.1f} {first[1].seconds / theirs.seconds:>9.1f}"
                     ) if theirs else f"{'n/a':>8} {'n/a':>9} {'n/a':>11} {'n/a':>9}"
        print(f"{size:>8} {first[0].seconds:>7.1f} {first[1].seconds:>7.1f} {total:>8.1f} "
              f"{peak:>8.0f} {again[0].seconds:>10.1f} {again[1].seconds:>9.1f} "
              f"{100 * rerun / total:>7.0f}% {rows(ws / 'clusters.csv'):>8} {peer_cols}",
              flush=True)


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [1000, 10000, 100000])
