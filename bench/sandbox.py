"""Sandbox overhead per run and the performance check's noise floor; prints figures.

    .venv/bin/python bench/sandbox.py [--runs N]
"""

from __future__ import annotations

import argparse
import functools
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from runbook_lib.sandbox import isolate
from runbook_lib.sandbox.cases import Case


def wall(fn: Callable[[], object], runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    box = isolate.find()
    if box is None:
        raise SystemExit(isolate.unavailable_reason())
    with tempfile.TemporaryDirectory() as tmp:
        tree = Path(tmp) / "tree"
        tree.mkdir()
        (tree / "true.sh").write_text("#!/bin/bash\ntrue\n", "utf-8")
        (tree / "true.sh").chmod(0o755)
        case = Case("true.sh")
        direct = wall(lambda: subprocess.run([str(tree / "true.sh")], check=True), args.runs)
        for label, options in (("plain", isolate.Options(observe=False)),
                               ("strace", isolate.Options()),
                               ("strace+trace", isolate.Options(trace=True))):
            inside = wall(functools.partial(box.run, tree, case, options), args.runs)
            print(f"{box.kind} {label:13s} median {statistics.median(inside) * 1000:7.1f} ms, "
                  f"direct {statistics.median(direct) * 1000:5.1f} ms, overhead "
                  f"{(statistics.median(inside) - statistics.median(direct)) * 1000:7.1f} ms")
        noise(box, tree, args.runs)


def noise(box: isolate.Sandbox, tree: Path, runs: int) -> None:
    """Identical old and new: the spread of median ratios is what the threshold must exceed."""
    (tree / "work.sh").write_text("#!/bin/bash\nfor i in $(seq 2000); do :; done\n", "utf-8")
    (tree / "work.sh").chmod(0o755)
    case, quiet = Case("work.sh"), isolate.Options(observe=False)
    ratios: list[float] = []
    gaps: list[float] = []
    for _ in range(max(runs // 5, 3)):
        old: list[float] = []
        new: list[float] = []
        for index in range(5):  # perf_runs default, interleaved as the check does
            pair = (old, new) if index % 2 == 0 else (new, old)
            for side in pair:
                side.append(box.run(tree, case, quiet).seconds)
        ratios.append(statistics.median(new) / statistics.median(old))
        gaps.append(abs(statistics.median(new) - statistics.median(old)))
    print(f"noise floor over {len(ratios)} checks of identical scripts "
          f"(median {statistics.median(old) * 1000:.1f} ms): ratio min {min(ratios):.3f} "
          f"max {max(ratios):.3f} stdev {statistics.stdev(ratios):.3f}; largest absolute gap "
          f"{max(gaps) * 1000:.1f} ms")


if __name__ == "__main__":
    main()
