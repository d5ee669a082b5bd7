"""Wall time, CPU time and peak memory (summed over the whole process tree) of one command.

CPU seconds are user + sys of the command and every descendant it waited for (the
machine's cores are shared, so wall time alone says little); `load` is the 1-minute load
average when the command ended."""

from __future__ import annotations

import os
import resource
import subprocess
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Measured:
    seconds: float
    peak_mb: float
    returncode: int
    stdout: str
    cpu_seconds: float = 0.0
    load: float = 0.0


def _children(pid: int) -> list[int]:
    kids: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        try:
            kids += [int(k) for k in task.read_text().split()]
        except OSError:
            continue
    return kids


def _rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        return 0
    return 0


def tree_rss_kb(pid: int) -> int:
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        total += _rss_kb(current)
        todo += _children(current)
    return total


def _children_cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def measure(cmd: Sequence[str], cwd: Path | None = None) -> Measured:
    cpu = _children_cpu()
    start = time.perf_counter()
    # Python's default: compiled modules are cached (this machine's environment turns that
    # off, which would charge every run for compiling the package again)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    proc = subprocess.Popen(list(cmd), cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=env)
    peak = 0
    while proc.poll() is None:
        peak = max(peak, tree_rss_kb(proc.pid))
        time.sleep(0.05)
    out, err = proc.communicate()
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        print(err.strip().splitlines()[-1:] or "failed")
    return Measured(seconds, peak / 1024, proc.returncode, out, _children_cpu() - cpu,
                    os.getloadavg()[0])


def load() -> str:
    """The 1-minute load average: wall times on a shared machine mean little without it."""
    return f"{os.getloadavg()[0]:.1f}"
