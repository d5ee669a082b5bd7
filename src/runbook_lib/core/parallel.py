"""Work spread over processes (never threads: the work is CPU-bound Python)."""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterator, Sequence
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")

Progress = Callable[[str, int, int], None]
SERIAL_BELOW = 3000  # small inputs: a process pool costs more than it saves


def workers_for(requested: int, items: int) -> int:
    if items < SERIAL_BELOW:
        return 1
    return requested if requested > 0 else max(1, min(os.cpu_count() or 1, 8))


def map_chunks(
    fn: Callable[[Sequence[T]], list[R]],
    items: Sequence[T],
    workers: int,
    stage: str,
    progress: Progress | None = None,
    chunk: int = 400,
) -> Iterator[R]:
    """fn over chunks of items, in order. With fork, workers see the parent's module globals."""
    chunks = [items[i : i + chunk] for i in range(0, len(items), chunk)]
    if progress:
        progress(stage, 0, len(items))
    if workers_for(workers, len(items)) == 1:
        results: Iterator[list[R]] = map(fn, chunks)
        yield from _report(results, chunks, stage, progress, len(items))
        return
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(workers_for(workers, len(items))) as pool:
        yield from _report(pool.imap(fn, chunks), chunks, stage, progress, len(items))


def _report(results: Iterator[list[R]], chunks: list[Sequence[T]], stage: str,
            progress: Progress | None, total: int) -> Iterator[R]:
    done = 0
    for part, chunk in zip(results, chunks, strict=True):
        done += len(chunk)
        if progress:
            progress(stage, done, total)
        yield from part
