"""Progress of long steps: tqdm bars in a terminal; in a notebook kernel, plain lines (one when
a stage ends, and one every half minute on long stages) so the archived record stays short."""

from __future__ import annotations

import sys
import time

from tqdm import tqdm

from runbook_lib.core.parallel import Progress

KERNEL_EVERY_S = 30.0


def bars(enabled: bool = True) -> Progress | None:
    """A callback (stage, done, total): bars on a terminal, lines in a notebook kernel."""
    if not enabled:
        return None
    return _lines() if "ipykernel" in sys.modules else _bars()


def _bars() -> Progress:
    current: dict[str, tqdm] = {}  # type: ignore[type-arg]

    def report(stage: str, done: int, total: int) -> None:
        bar = current.get(stage)
        if bar is None:
            bar = current[stage] = tqdm(total=total, desc=stage, unit="file", leave=False,
                                        file=sys.stderr, mininterval=0.5)
        bar.update(done - bar.n)
        if done >= total:
            bar.close()

    return report


def _lines() -> Progress:
    """On stdout: tqdm's widget bars need ipywidgets, and stderr would show as errors."""
    started: dict[str, float] = {}
    said: dict[str, float] = {}

    def report(stage: str, done: int, total: int) -> None:
        now = time.monotonic()
        start = started.setdefault(stage, now)
        if done >= total:
            print(f"{stage}: {total} done in {now - start:.1f} s", flush=True)
        elif now - said.get(stage, start) >= KERNEL_EVERY_S:
            said[stage] = now
            print(f"{stage}: {done} of {total} ({now - start:.0f} s)", flush=True)

    return report
