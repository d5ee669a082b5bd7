"""Candidate pairs of near-miss copies, never from all pairs: a MinHash LSH index over
statements, and the rare literals two scripts share.

One representative per distinct T1 form is indexed, as the set of its distinctive blind
statements (the k-th repeat of a statement counted as its own element); corpus-common and set-up
statements are boilerplate and left out, so short scripts that share only `#!/bin/bash`, `set
-euo pipefail` and `SCRIPT_DIR=...` never become candidates. MinHash signatures and banding are
numpy over the whole corpus (a `MinHashLSH` with per-bucket Python sets would take gigabytes
at 100,000 scripts).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from runbook_lib.similarity.normalise import Hashes

Weights = npt.NDArray[np.float64]

Pairs = npt.NDArray[np.int64]
_MIX = np.array([0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9,
                 0xD6E8FEB86659FD93, 0xFF51AFD7ED558CCD, 0xC4CEB9FE1A85EC53], dtype=np.uint64)
_PRIME = np.uint64((1 << 61) - 1)
CHUNK = 1 << 16  # shingles hashed at once (x 128 permutations x 8 bytes: 64 MB)
MAX_RUN_OFFSET = 64  # in a big bucket, each member is paired with its next 64 only


def signatures(shingles: Sequence[Hashes], num_perm: int) -> npt.NDArray[np.uint32]:
    """One MinHash signature per row: min over its shingles of (a * x + b) mod (2^61 - 1),
    for `num_perm` fixed (a, b); the same every run. Done in chunks over the whole corpus,
    not per script, so 100,000 scripts take seconds."""
    rng = np.random.default_rng(1)
    a = rng.integers(1, 1 << 31, num_perm, dtype=np.uint64)
    b = rng.integers(0, 1 << 31, num_perm, dtype=np.uint64)
    lengths = np.array([len(s) for s in shingles], dtype=np.int64)
    sig = np.full((len(shingles), num_perm), 0xFFFFFFFF, dtype=np.uint32)
    if not len(shingles) or not lengths.sum():
        return sig
    values = np.concatenate(shingles).astype(np.uint64)
    folded = (values ^ (values >> np.uint64(32))) & np.uint64(0xFFFFFFFF)
    owner = np.repeat(np.arange(len(shingles)), lengths)
    for start in range(0, len(folded), CHUNK):
        x, who = folded[start : start + CHUNK], owner[start : start + CHUNK]
        hashed = ((x[:, None] * a[None, :] + b[None, :]) % _PRIME).astype(np.uint32)
        firsts = np.flatnonzero(np.r_[True, who[1:] != who[:-1]])
        mins = np.minimum.reduceat(hashed, firsts, axis=0)
        rows = who[firsts]
        sig[rows] = np.minimum(sig[rows], mins)
    return sig


def candidates(sig: npt.NDArray[np.uint32], rows: int) -> list[tuple[int, int]]:
    """Row pairs (i < j) that agree on all `rows` values of at least one band."""
    n, perms = sig.shape
    found: list[Pairs] = []
    for start in range(0, perms - rows + 1, rows):
        band = sig[:, start : start + rows].astype(np.uint64)
        with np.errstate(over="ignore"):
            keys = (band * _MIX[: band.shape[1]]).sum(axis=1, dtype=np.uint64)
        found.append(_same_key_pairs(keys, n))
    if not found:
        return []
    codes = np.unique(np.concatenate(found))
    return [(int(c) // n, int(c) % n) for c in codes]


def _same_key_pairs(keys: Hashes, n: int) -> Pairs:
    order = np.argsort(keys, kind="stable").astype(np.int64)
    ordered = keys[order]
    parts: list[Pairs] = []
    for offset in range(1, min(MAX_RUN_OFFSET, len(keys) - 1) + 1):
        same = np.flatnonzero(ordered[offset:] == ordered[:-offset])
        if len(same) == 0:
            break
        a, b = order[same], order[same + offset]
        parts.append(np.minimum(a, b) * n + np.maximum(a, b))
    return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)


def literal_pairs(values: Hashes, owner: Pairs, weight: Weights, n: int,
                  most: int) -> tuple[list[tuple[int, int]], Weights]:
    """Pairs of rows that hold a common literal of positive weight (held by fewer than `most`
    rows), with the summed weight of the literals they share."""
    keep = weight > 0
    order = np.lexsort((owner[keep], values[keep]))
    v, o, w = values[keep][order], owner[keep][order], weight[keep][order]
    codes: list[Pairs] = []
    shared: list[Weights] = []
    for offset in range(1, most):
        same = np.flatnonzero(v[offset:] == v[:-offset])
        if len(same) == 0:
            break
        a, b = o[same], o[same + offset]
        codes.append(np.minimum(a, b) * n + np.maximum(a, b))
        shared.append(w[same])
    if not codes:
        return [], np.zeros(0, dtype=np.float64)
    unique, inverse = np.unique(np.concatenate(codes), return_inverse=True)
    sums: Weights = np.bincount(inverse, weights=np.concatenate(shared)).astype(np.float64)
    return [(int(c) // n, int(c) % n) for c in unique], sums
