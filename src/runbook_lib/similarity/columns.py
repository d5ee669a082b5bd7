"""Many small hash arrays as one column with segment ids, so per-script numpy work (isin,
unique, sort) is a few calls over the corpus instead of 100,000 small ones."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

Hashes = npt.NDArray[np.uint64]
Segments = npt.NDArray[np.int64]
_SPREAD = np.uint64(0x9E3779B97F4A7C15)  # the k-th copy of a value is a different element


@dataclass(frozen=True)
class Column:
    values: Hashes
    seg: Segments  # which array each value came from, ascending
    count: int  # number of arrays

    @classmethod
    def of(cls, arrays: Sequence[Hashes]) -> Column:
        lengths = np.array([len(a) for a in arrays], dtype=np.int64)
        values = np.concatenate(arrays) if arrays else np.zeros(0, dtype=np.uint64)
        return cls(values.astype(np.uint64, copy=False),
                   np.repeat(np.arange(len(arrays), dtype=np.int64), lengths), len(arrays))

    def spread(self, at_least: float) -> Hashes:
        """Values found in at least `at_least` of the arrays."""
        if len(self.values) == 0:
            return self.values
        order = np.lexsort((self.seg, self.values))
        v, s = self.values[order], self.seg[order]
        new = np.r_[True, (v[1:] != v[:-1]) | (s[1:] != s[:-1])]
        values, counts = np.unique(v[new], return_counts=True)
        return values[counts >= at_least]

    def where(self, keep: npt.NDArray[np.bool_]) -> Column:
        return Column(self.values[keep], self.seg[keep], self.count)

    def occurrences(self) -> Column:
        """Each array as a set: the k-th equal value is shifted by k * a large odd constant."""
        order = np.lexsort((self.values, self.seg))
        v, s = self.values[order], self.seg[order]
        if len(v) == 0:
            return Column(v, s, self.count)
        first = np.r_[True, (v[1:] != v[:-1]) | (s[1:] != s[:-1])]
        index = np.arange(len(v))
        rank = (index - np.maximum.accumulate(np.where(first, index, 0))).astype(np.uint64)
        with np.errstate(over="ignore"):
            return Column(v + rank * _SPREAD, s, self.count)

    def split(self) -> list[Hashes]:
        bounds = np.searchsorted(self.seg, np.arange(self.count + 1))
        return [self.values[a:b] for a, b in itertools.pairwise(bounds)]
