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
from runbook_lib.similarity.normalise import stable_hash

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
            if last <= first or form.boiler[first + 1 : last + 1].all():
                continue
            key = (groups.get(c, ""), body)
            by_body.setdefault(key, []).append(Occurrence(c, first, last, name, "function"))
    return [occ for _, occ in sorted(by_body.items()) if len({units[o.content] for o in occ}) > 1]


def _run_groups(corpus: Corpus, units: list[int], size: int,
                covered: Covered) -> list[list[Occurrence]]:
    key, owner, spot = _windows(corpus, size)
    if not len(key):
        return []
    signature = _shared_signatures(key, np.asarray(units, dtype=np.int64)[owner])
    return _merge_runs(corpus, key, owner, spot, signature, size, units, covered)


def _windows(corpus: Corpus, size: int) -> tuple[npt.NDArray[np.uint64], npt.NDArray[np.int64],
                                                  npt.NDArray[np.int64]]:
    """Every window of `size` statements that is at least half content, over all forms at
    once: its key (a hash of its T1 statements, salted by language group), its form and its
    first statement."""
    salts = {sc.content: stable_hash(sc.group) for sc in corpus.scripts}
    chosen = [c for c, form in enumerate(corpus.forms) if form.size >= size and c in salts]
    if not chosen:
        empty = np.zeros(0, dtype=np.int64)
        return np.zeros(0, dtype=np.uint64), empty, empty
    forms = [corpus.forms[c] for c in chosen]
    lengths = np.array([f.size for f in forms], dtype=np.int64)
    count = lengths - size + 1  # windows per form
    t1 = np.concatenate([f.t1 for f in forms])
    at = np.repeat(np.cumsum(lengths) - lengths, count)  # each window's form start
    spot = np.arange(int(count.sum()), dtype=np.int64) - np.repeat(np.cumsum(count) - count,
                                                                    count)
    start = at + spot
    keys = np.repeat(np.array([salts[c] for c in chosen], dtype=np.uint64), count)
    with np.errstate(over="ignore"):
        for k in range(size):
            keys = (keys * _MIX) ^ t1[start + k]
    content = np.concatenate([[0], np.cumsum(~np.concatenate([f.boiler for f in forms]))])
    keep = content[start + size] - content[start] >= (size + 1) // 2
    owner = np.repeat(np.array(chosen, dtype=np.int64), count)
    return keys[keep], owner[keep], spot[keep]


def _shared_signatures(key: npt.NDArray[np.uint64], unit: npt.NDArray[np.int64]
                       ) -> tuple[npt.NDArray[np.uint64], npt.NDArray[np.uint64]]:
    """The window keys carried by >= 2 units (sorted), and for each a hash of that set."""
    # distinct (key, unit) pairs in (key, unit) order: two sort keys, not a sort of rows
    order = np.lexsort((unit, key))
    keys, owners = key[order], unit.astype(np.uint64)[order]
    first = np.ones(len(keys), dtype=bool)
    first[1:] = (keys[1:] != keys[:-1]) | (owners[1:] != owners[:-1])
    keys, owners = keys[first], owners[first]
    values, starts, counts = np.unique(keys, return_index=True, return_counts=True)
    with np.errstate(over="ignore"):
        mixed = (owners + np.uint64(1)) * _MIX
        sums = np.add.reduceat(mixed, starts) if len(starts) else mixed
    shared = counts > 1
    return values[shared], sums[shared]


def _merge_runs(corpus: Corpus, key: npt.NDArray[np.uint64], owner: npt.NDArray[np.int64],
                spot: npt.NDArray[np.int64],
                signature: tuple[npt.NDArray[np.uint64], npt.NDArray[np.uint64]], size: int,
                units: list[int], covered: Covered) -> list[list[Occurrence]]:
    """Runs of shared windows: consecutive windows of one script carried by the same set of
    units. Windows carried by one unit only end a run; so does a gap between two windows
    (found as arrays: only the runs are visited in Python)."""
    shared_keys, sums = signature
    at = np.minimum(np.searchsorted(shared_keys, key), max(len(shared_keys) - 1, 0))
    hit = shared_keys[at] == key if len(shared_keys) else np.zeros(len(key), dtype=bool)
    c, p, sig = owner[hit], spot[hit], sums[at[hit]]
    runs: dict[bytes, list[Occurrence]] = {}
    if not len(c):
        return []
    new = np.ones(len(c), dtype=bool)
    new[1:] = (c[1:] != c[:-1]) | (p[1:] != p[:-1] + 1) | (sig[1:] != sig[:-1])
    starts = np.flatnonzero(new)
    ends = np.append(starts[1:] - 1, len(c) - 1)
    for first, last in zip(starts.tolist(), ends.tolist(), strict=True):
        _close(corpus, (int(c[first]), int(p[first]), int(p[last])), size, runs, covered)
    return [occ for _, occ in sorted(runs.items()) if len({units[o.content] for o in occ}) > 1]


def _close(corpus: Corpus, run: tuple[int, int, int], size: int,
           runs: dict[bytes, list[Occurrence]], covered: Covered) -> None:
    """A run of windows (content, first and last window) as the statements it spans."""
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
        # by path and first statement (n: as found, for equal ones; no key function to call)
        ordered = sorted((p, o.first, n, o) for n, o in enumerate(occ) for p in paths[o.content])
        carriers = [(p, o) for p, _, _, o in ordered]
        copies = len({p for p, _ in carriers})
        lines = occ[0].last - occ[0].first + 1
        ranked.append(((-(copies - 1) * lines, -copies, carriers[0][0], carriers[0][1].first),
                       occ, carriers, lines, copies))
    ranked.sort(key=lambda r: r[0])
    rows: list[tuple[object, ...]] = []
    spans: dict[int, tuple[list[int], list[int]]] = {}  # content -> its statements' lines
    for n, (_, occ, carriers, lines, copies) in enumerate(ranked, start=1):
        name = _common_name(occ)
        for path, o in carriers:
            start, end = spans.get(o.content) or spans.setdefault(o.content, (
                corpus.forms[o.content].start.tolist(), corpus.forms[o.content].end.tolist()))
            rows.append((f"F{n:04d}", path, start[o.first], end[o.last], name, lines, copies,
                         o.kind, language[path]))
    return pd.DataFrame(rows, columns=list(FRAGMENT_COLUMNS))


def _common_name(occ: list[Occurrence]) -> str:
    names = Counter(o.name for o in occ if o.name)
    return min(names, key=lambda n: (-names[n], n)) if names else ""
