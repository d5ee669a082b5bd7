"""The clusters and pairs tables: one row per member, one row per alike pair inside a cluster.

Cluster ids are C0001, C0002, ... biggest cluster first, ties by first member path: the same
input always gives the same ids. Each member's `similarity` and `clone_type` are measured
against the canonical member; `pairs` lists every pair of members whose similarity reaches
the threshold (for clusters over MAX_PAIR_MEMBERS members, only the pairs with the canonical,
so a cluster of 1,000 identical files does not write half a million rows).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pandas as pd

from runbook_lib.similarity import verify
from runbook_lib.similarity.canonical import Choice
from runbook_lib.similarity.corpus import Corpus
from runbook_lib.similarity.matching import Matches, similarity

CLUSTER_COLUMNS = (
    "cluster_id", "path", "canonical", "similarity", "clone_type", "cluster_size", "language",
    "lines", "archived", "backup_of", "live_callers", "evidence",
)
PAIR_COLUMNS = ("a", "b", "similarity", "clone_type", "cluster_id")
CLONE_TYPES = ("exact", "normalised", "renamed", "near")
MAX_PAIR_MEMBERS = 200


@dataclass(frozen=True)
class Link:
    similarity: float
    clone_type: str


def cluster_id(n: int) -> str:
    return f"C{n:04d}"


def link(corpus: Corpus, found: Matches, a: int, b: int, weight: float) -> Link:
    sa, sb = corpus.scripts[a], corpus.scripts[b]
    kind = verify.same_kind(sa.sha256, sb.sha256, corpus.form(sa), corpus.form(sb))
    if kind:
        return Link(1.0, kind)
    return Link(round(similarity(found, found.rep[a], found.rep[b], weight), 4), "near")


def cluster_frame(corpus: Corpus, found: Matches, choices: list[Choice],
                  weight: float) -> pd.DataFrame:
    rows: list[tuple[object, ...]] = []
    for n, (members, choice) in enumerate(zip(found.clusters, choices, strict=True), start=1):
        keep = choice.canonical
        links = {i: link(corpus, found, keep, i, weight) for i in members if i != keep}
        strongest = min(CLONE_TYPES.index(lk.clone_type) for lk in links.values())
        for i in members:
            sc = corpus.scripts[i]
            lk = links.get(i, Link(1.0, CLONE_TYPES[strongest]))
            evidence = choice.evidence if i == keep else _copy_note(lk, corpus.scripts[keep].path)
            rows.append((cluster_id(n), sc.path, i == keep, lk.similarity, lk.clone_type,
                         len(members), sc.language, sc.lines, sc.archived, sc.backup_of,
                         sc.live_callers, evidence))
    return pd.DataFrame(rows, columns=list(CLUSTER_COLUMNS))


def _copy_note(lk: Link, canonical: str) -> str:
    if lk.clone_type == "near":
        return f"near copy of {canonical} ({lk.similarity:.0%} alike)"
    return f"{lk.clone_type} copy of {canonical}"


def pair_frame(corpus: Corpus, found: Matches, choices: list[Choice], threshold: float,
               weight: float) -> pd.DataFrame:
    rows: list[tuple[object, ...]] = []
    for n, (members, choice) in enumerate(zip(found.clusters, choices, strict=True), start=1):
        for a, b in _member_pairs(members, choice.canonical):
            lk = link(corpus, found, a, b, weight)
            if lk.similarity >= threshold:
                pa, pb = sorted((corpus.scripts[a].path, corpus.scripts[b].path))
                rows.append((pa, pb, lk.similarity, lk.clone_type, cluster_id(n)))
    rows.sort(key=lambda r: (str(r[0]), str(r[1])))
    return pd.DataFrame(rows, columns=list(PAIR_COLUMNS))


def _member_pairs(members: list[int], keep: int) -> Iterator[tuple[int, int]]:
    if len(members) > MAX_PAIR_MEMBERS:
        yield from ((keep, i) for i in members if i != keep)
        return
    for x, a in enumerate(members):
        for b in members[x + 1 :]:
            yield a, b
