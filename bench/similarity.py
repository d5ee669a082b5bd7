"""discover + similarity against jscpd: wall time and peak memory on sample repos.

Usage: .venv/bin/python bench/similarity.py [SIZES...]   (default 1000 10000 100000)
jscpd is used when found on PATH, in $JSCPD, or in /tmp/jscpd/node_modules/.bin (install it
with `npm i -E jscpd@5.3.2` in a scratch folder). Sample repos are cached in /tmp/runbook-bench.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from discover import CACHE, RUNBOOK, rows, sample
from measure import Measured, measure


def jscpd() -> str | None:
    for candidate in (os.environ.get("JSCPD"), shutil.which("jscpd"),
                      "/tmp/jscpd/node_modules/.bin/jscpd"):
        if candidate and Path(candidate).exists():
            return candidate
    return None


def ours(repo: Path, ws: Path) -> Measured:
    shutil.rmtree(ws, ignore_errors=True)
    first = measure([RUNBOOK, "discover", "--direct", "--no-progress", "--repo", str(repo),
                     "--workspace", str(ws), "--deploy-root", "/opt/app"])
    second = measure([RUNBOOK, "similarity", "--direct", "--no-progress", "--workspace",
                      str(ws)])
    code = first.returncode or second.returncode
    return Measured(first.seconds + second.seconds, max(first.peak_mb, second.peak_mb), code,
                    second.stdout)


def main(sizes: list[int]) -> None:
    peer = jscpd()
    print(f"{'scripts':>8} {'clusters':>8} {'ours s':>7} {'ours MB':>8} {'jscpd s':>8} "
          f"{'jscpd MB':>9} {'ours/jscpd':>10}")
    for size in sizes:
        repo = sample(size)
        mine = ours(repo, CACHE / f"sim-ws-{size}")
        clusters = rows(CACHE / f"sim-ws-{size}" / "clusters.csv") if mine.returncode == 0 else 0
        theirs = measure([peer, "--format", "bash,python", "--reporters", "silent",
                          "--no-gitignore", str(repo)]) if peer else None
        peer_cols = (f"{theirs.seconds:>8.1f} {theirs.peak_mb:>9.0f} "
                     f"{mine.seconds / theirs.seconds:>10.1f}") if theirs else \
            f"{'n/a':>8} {'n/a':>9} {'n/a':>10}"
        print(f"{size:>8} {clusters:>8} {mine.seconds:>7.1f} {mine.peak_mb:>8.0f} {peer_cols}",
              flush=True)


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [1000, 10000, 100000])
