"""Progress of long steps as tqdm bars, for the terminal and for notebooks."""

from __future__ import annotations

import sys

from tqdm import tqdm

from runbook_lib.core.parallel import Progress


def bars(enabled: bool = True) -> Progress | None:
    """A callback (stage, done, total) that draws one bar per stage.

    In a notebook kernel the bars go to stdout as text: tqdm's widget bars need ipywidgets,
    and on stderr an archived notebook's HTML would show them as errors."""
    if not enabled:
        return None
    in_kernel = "ipykernel" in sys.modules
    stream = sys.stdout if in_kernel else sys.stderr
    current: dict[str, tqdm] = {}  # type: ignore[type-arg]

    def report(stage: str, done: int, total: int) -> None:
        bar = current.get(stage)
        if bar is None:
            bar = current[stage] = tqdm(total=total, desc=stage, unit="file",
                                        leave=in_kernel, file=stream, mininterval=0.5)
        bar.update(done - bar.n)
        if done >= total:
            bar.close()

    return report
