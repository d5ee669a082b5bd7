"""Shared fragments: identical function bodies, and runs of at least `min_lines` normalised
statements, found in two or more scripts that are not copies of each other.

Function bodies are compared in T1 form with numbers blinded, whatever the function is called
(`log` pasted as `_log`, or with `>&2` edited to `>&5`, is the same fragment). Runs come from
hashing every window of `min_lines` statements; consecutive shared windows carried by the same
set of scripts merge into one run, so a pasted 20-line block is one fragment, not fifteen.
Runs that lie inside a shared function are left to the function's fragment. Windows of set-up
and structure statements alone are ignored.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from runbook_lib.similarity.corpus import Corpus
from runbook_lib.similarity.normalise import Form, stable_hash

FRAGMENT_COLUMNS = ("fragment_id", "path", "start_line", "end_line", "name", "lines", "copies",
                    "kind", "language")
_MIX = np.uint64(0x9E3779B97F4A7C15)
Covered = dict[int, list[tuple[int, int]]]  # content -> statement spans of shared functions


@dataclass(frozen=True)
class Occurrence:
    content: int
    first: int  # statement indices, inclusive
    last: int
    name: str
    kind: str  # function or run


def find(corpus: Corpus, units: list[int], min_lines: int) -> pd.DataFrame:
    """units: per content, the cluster (or own) id: copies inside one cluster do not count."""
    groups = _function_groups(corpus, units)
    covered: Covered = {}
    for occ in groups:
        for o in occ:
            covered.setdefault(o.content, []).append((o.first, o.last))
    groups += _run_groups(corpus, units, min_lines, covered)
    return _frame(corpus, groups)


def content_units(corpus: Corpus, clusters: list[list[int]]) -> list[int]:
    unit = [-1] * len(corpus.forms)
    for n, members in enumerate(clusters):
        for i in members:
            unit[corpus.scripts[i].content] = n
    return [u if u >= 0 else len(clusters) + c for c, u in enumerate(unit)]


def _function_groups(corpus: Corpus, units: list[int]) -> list[list[Occurrence]]:
    by_body: dict[tuple[str, int], list[Occurrence]] = {}
    groups = {sc.content: sc.group for sc in corpus.scripts}
    for c, form in enumerate(corpus.forms):
        for name, first, last, body in form.functions:
            if last <= first or bool(np.all(form.boiler[first + 1 : last + 1])):
                continue
            key = (groups.get(c, ""), body)
            by_body.setdefault(key, []).append(Occurrence(c, first, last, name, "function"))
    return [occ for _, occ in sorted(by_body.items()) if len({units[o.content] for o in occ}) > 1]


def _windows(form: Form, size: int, salt: np.uint64) -> npt.NDArray[np.uint64]:
    n = form.size - size + 1
    keys = np.full(n, salt, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for k in range(size):
            keys = (keys * _MIX) ^ form.t1[k : k + n]
    return keys


def _run_groups(corpus: Corpus, units: list[int], size: int,
                covered: Covered) -> list[list[Occurrence]]:
    salts = {sc.content: np.uint64(stable_hash(sc.group)) for sc in corpus.scripts}
    keys, owners, spots = [], [], []
    for c, form in enumerate(corpus.forms):
        if form.size < size or c not in salts:
            continue
        content = np.convolve(~form.boiler, np.ones(size, dtype=np.int64), "valid")
        w = np.flatnonzero(content >= (size + 1) // 2)
        keys.append(_windows(form, size, salts[c])[w])
        owners.append(np.full(len(w), c, dtype=np.int64))
        spots.append(w.astype(np.int64))
    if not keys:
        return []
    key, owner, spot = np.concatenate(keys), np.concatenate(owners), np.concatenate(spots)
    signature = _shared_signatures(key, np.asarray(units, dtype=np.int64)[owner])
    return _merge_runs(corpus, key, owner, spot, signature, size, units, covered)


def _shared_signatures(key: npt.NDArray[np.uint64],
                       unit: npt.NDArray[np.int64]) -> dict[int, int]:
    """Window key -> a hash of the set of units carrying it, for keys carried by >= 2 units."""
    pairs = np.unique(np.stack([key, unit.astype(np.uint64)], axis=1), axis=0)
    values, starts, counts = np.unique(pairs[:, 0], return_index=True, return_counts=True)
    with np.errstate(over="ignore"):
        mixed = (pairs[:, 1] + np.uint64(1)) * _MIX
        sums = np.add.reduceat(mixed, starts) if len(starts) else mixed
    shared = counts > 1
    return dict(zip(values[shared].tolist(), sums[shared].tolist(), strict=True))


def _merge_runs(corpus: Corpus, key: npt.NDArray[np.uint64], owner: npt.NDArray[np.int64],
                spot: npt.NDArray[np.int64], signature: dict[int, int], size: int,
                units: list[int], covered: Covered) -> list[list[Occurrence]]:
    runs: dict[bytes, list[Occurrence]] = {}
    current: tuple[int, int, int, int] | None = None  # content, first window, last window, sig
    for k, c, p in zip(key.tolist(), owner.tolist(), spot.tolist(), strict=True):
        sig = signature.get(k)
        if sig is not None and current and current[0] == c and current[2] == p - 1 \
                and current[3] == sig:
            current = (c, current[1], p, sig)
            continue
        _close(corpus, current, size, runs, covered)
        current = (c, p, p, sig) if sig is not None else None
    _close(corpus, current, size, runs, covered)
    return [occ for _, occ in sorted(runs.items()) if len({units[o.content] for o in occ}) > 1]


def _close(corpus: Corpus, run: tuple[int, int, int, int] | None, size: int,
           runs: dict[bytes, list[Occurrence]], covered: Covered) -> None:
    if run is None:
        return
    c, first, last = run[0], run[1], run[2] + size - 1
    form = corpus.forms[c]
    if any(f <= first and last <= la for f, la in covered.get(c, ())):
        return
    name = next((n for n, f, la, _ in form.functions if f <= first and last <= la), "")
    runs.setdefault(form.t1[first : last + 1].tobytes(), []).append(
        Occurrence(c, first, last, name, "run"))


def _frame(corpus: Corpus, groups: list[list[Occurrence]]) -> pd.DataFrame:
    paths: dict[int, list[str]] = {}
    language: dict[str, str] = {}
    for sc in corpus.scripts:
        paths.setdefault(sc.content, []).append(sc.path)
        language[sc.path] = sc.language
    ranked = []
    for occ in groups:
        carriers = sorted(((p, o) for o in occ for p in paths[o.content]),
                          key=lambda po: (po[0], po[1].first))
        copies = len({p for p, _ in carriers})
        lines = occ[0].last - occ[0].first + 1
        ranked.append(((-(copies - 1) * lines, -copies, carriers[0][0], carriers[0][1].first),
                       occ, carriers, lines, copies))
    ranked.sort(key=lambda r: r[0])
    rows: list[tuple[object, ...]] = []
    for n, (_, occ, carriers, lines, copies) in enumerate(ranked, start=1):
        name = _common_name(occ)
        for path, o in carriers:
            start, end = corpus.forms[o.content].start, corpus.forms[o.content].end
            rows.append((f"F{n:04d}", path, int(start[o.first]), int(end[o.last]), name, lines,
                         copies, o.kind, language[path]))
    return pd.DataFrame(rows, columns=list(FRAGMENT_COLUMNS))


def _common_name(occ: list[Occurrence]) -> str:
    names = Counter(o.name for o in occ if o.name)
    return min(names, key=lambda n: (-names[n], n)) if names else ""
