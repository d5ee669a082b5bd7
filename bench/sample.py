"""Sample generator speed and memory at 1,000, 10,000 and 100,000 scripts.

Usage: .venv/bin/python bench/sample.py [SIZES...]   Prints one line per size; the repos are
written to a temporary folder and removed afterwards.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from measure import measure

RUNBOOK = str(Path(sys.executable).with_name("runbook"))


def main(sizes: list[int]) -> None:
    for size in sizes:
        with tempfile.TemporaryDirectory(prefix="runbook-sample-") as tmp:
            repo = Path(tmp) / "repo"
            got = measure([RUNBOOK, "sample", "--out", str(repo), "--scripts", str(size)])
            status = "ok" if got.returncode == 0 else f"exit {got.returncode}"
            print(f"{size:>7} scripts: {got.seconds:6.1f} s, peak {got.peak_mb:5.0f} MB ({status})")


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [1000, 10000, 100000])
