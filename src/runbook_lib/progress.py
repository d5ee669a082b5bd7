"""Progress of long steps as tqdm bars, for the terminal and for notebooks."""

from __future__ import annotations

from tqdm.auto import tqdm

from runbook_lib.parallel import Progress


def bars(enabled: bool = True) -> Progress | None:
    """A callback (stage, done, total) that draws one bar per stage."""
    if not enabled:
        return None
    current: dict[str, tqdm] = {}  # type: ignore[type-arg]

    def report(stage: str, done: int, total: int) -> None:
        bar = current.get(stage)
        if bar is None:
            bar = current[stage] = tqdm(total=total, desc=stage, unit="file", leave=False)
        bar.update(done - bar.n)
        if done >= total:
            bar.close()

    return report
