"""What parsing alone costs discovery: the floor under a first run's time.

Usage: .venv/bin/python bench/parse_floor.py [SIZE] (default 10000; the sample repo of that
size from bench/discover.py's cache, /tmp/runbook-bench/repo-SIZE, generated when missing).
Reads every shell and Python script of the sample once, then times (CPU seconds of this
process, no pool) reading the bytes, tree-sitter-bash on the shell scripts and `ast.parse` on
the Python ones: the two parses discovery cannot skip on a first run, since a script's callers
and imports are only known from its syntax. Prints milliseconds per script and what 100,000
such scripts cost on this machine's cores, beside the 60 s goal of issue 10.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from discover import sample
from runbook_lib.discovery.references import shparse

GOAL_SECONDS = 60.0
TARGET_SCRIPTS = 100_000


def scripts(repo: Path) -> tuple[list[Path], list[Path]]:
    listed = subprocess.run(["git", "-C", str(repo), "ls-files", "-z"], capture_output=True,
                            check=True).stdout.decode().split("\0")
    shell = [repo / p for p in listed if p.endswith(".sh")]
    python = [repo / p for p in listed if p.endswith(".py")]
    return shell, python


def cpu() -> float:
    return time.process_time()


def main(size: int) -> None:
    shell, python = scripts(sample(size))
    start = cpu()
    shell_bytes = [p.read_bytes() for p in shell]
    python_bytes = [p.read_bytes() for p in python]
    read = cpu() - start
    start = cpu()
    for raw in shell_bytes:
        shparse.parse(raw.decode("utf-8", "replace"))
    tree_sitter = cpu() - start
    start = cpu()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # invalid escapes in the sample's strings
        for raw in python_bytes:
            try:
                ast.parse(raw)
            except SyntaxError:
                continue
    python_ast = cpu() - start
    count = len(shell) + len(python)
    per_script = (read + tree_sitter + python_ast) / count
    cores = os.cpu_count() or 1
    floor = per_script * TARGET_SCRIPTS / cores
    print(f"{len(shell)} shell scripts: tree-sitter {1000 * tree_sitter / len(shell):.2f} ms each")
    print(f"{len(python)} Python scripts: ast.parse {1000 * python_ast / len(python):.2f} ms each")
    print(f"reading: {1000 * read / count:.2f} ms a script")
    print(f"read + parse: {1000 * per_script:.2f} ms of CPU a script; {TARGET_SCRIPTS:,} scripts "
          f"on {cores} cores: {floor:.0f} s of wall at the least, leaving "
          f"{1000 * max(GOAL_SECONDS - floor, 0) * cores / TARGET_SCRIPTS:.2f} ms of CPU a "
          f"script for everything else within {GOAL_SECONDS:.0f} s")
    print(f"(load {os.getloadavg()[0]:.1f})")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000)
