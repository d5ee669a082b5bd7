"""Candidate pairs of near-miss copies from a MinHash LSH index, never from all pairs.

One representative per distinct T1 form is indexed, as the set of its distinctive T1
statements (the k-th repeat of a statement counted as its own element) and its uncommon
literals; corpus-common and set-up statements are boilerplate and left out, so short scripts
that share only `#!/bin/bash`, `set -euo pipefail` and `SCRIPT_DIR=...` never become
candidates. Signatures come from datasketch's `MinHash.generator`; the banding is done with
numpy sorts instead of `MinHashLSH`, whose per-bucket Python sets would need gigabytes at
100,000 scripts.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
from datasketch import MinHash  # type: ignore[import-untyped]

from runbook_lib.similarity.normalise import Hashes

Pairs = npt.NDArray[np.int64]
_MIX = np.array([0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9,
                 0xD6E8FEB86659FD93, 0xFF51AFD7ED558CCD, 0xC4CEB9FE1A85EC53], dtype=np.uint64)
LITERAL_SALT = np.uint64(0x5BD1E9955BD1E995)  # keeps literals apart from statements
MAX_RUN_OFFSET = 64  # in a big bucket, each member is paired with its next 64 only


def signatures(shingles: Sequence[Hashes], num_perm: int) -> npt.NDArray[np.uint32]:
    """One MinHash signature per row (affine32 scheme, fixed seed: the same every run)."""
    sig = np.empty((len(shingles), num_perm), dtype=np.uint32)
    folded = ([int(x) for x in (s ^ (s >> np.uint64(32))) & np.uint64(0xFFFFFFFF)]
              for s in shingles)
    for row, mh in enumerate(MinHash.generator(folded, num_perm=num_perm, seed=1, hashfunc=int)):
        sig[row] = mh.hashvalues
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
