"""The cyclic garbage collector paused over work that makes millions of small objects.

Parsing a chunk of files, or loading or saving a large pickle, builds objects that hold few
cycles: the collector would scan them again and again (measured: a third of a pickle load, 3 to
6% of a scan or normalisation pass) and free next to nothing before the work ends. One
collection runs when the collector is enabled again and its thresholds are next reached.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def quiet_gc() -> Iterator[None]:
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()
