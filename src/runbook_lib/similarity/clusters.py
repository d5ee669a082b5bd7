"""The clusters and pairs tables: one row per member, one row per alike pair inside a cluster.

Cluster ids are C0001, C0002, ... biggest cluster first, ties by first member path: the same
input always gives the same ids. Each member's `similarity` (of statements, literals blinded),
`literals` (share of rare literals in common) and `clone_type` are measured against the
canonical member; variants also get `parameters` (variants.py). `pairs` lists every pair of
members that are copies by the measure (for clusters over MAX_PAIR_MEMBERS members, only the
pairs with the canonical, so a cluster of 1,000 identical files does not write half a million
rows).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass

import pandas as pd

from runbook_lib.similarity import verify
from runbook_lib.similarity.canonical import Choice
from runbook_lib.similarity.corpus import Corpus
from runbook_lib.similarity.matching import Matches, Settings, similarity
from runbook_lib.similarity.variants import parameters

CLUSTER_COLUMNS = (
    "cluster_id", "path", "canonical", "similarity", "clone_type", "cluster_size", "language",
    "lines", "archived", "backup_of", "live_callers", "evidence", "literals", "parameters",
)
PAIR_COLUMNS = ("a", "b", "similarity", "clone_type", "cluster_id", "literals")
CLONE_TYPES = ("exact", "normalised", "renamed", "variant", "near")
SHIMMABLE = ("exact", "normalised", "renamed")  # interchangeable: a shim can stand in
MAX_PAIR_MEMBERS = 200


@dataclass(frozen=True)
class Link:
    similarity: float
    clone_type: str
    literals: float  # -1 when neither holds a rare literal
    shared: int = 1 << 30  # distinctive statements in common (near copies)

    def alike(self, threshold: float, min_statements: float, min_lines: int) -> bool:
        return self.clone_type != "near" or verify.alike(
            verify.Score(self.similarity, self.literals, self.shared), threshold,
            min_statements, min_lines)


def cluster_id(n: int) -> str:
    return f"C{n:04d}"


def link(corpus: Corpus, found: Matches, a: int, b: int, weight: float,
         min_lines: int) -> Link:
    sa, sb = corpus.scripts[a], corpus.scripts[b]
    kind = verify.same_kind(sa.sha256, sb.sha256, corpus.form(sa), corpus.form(sb), min_lines)
    if kind in SHIMMABLE:
        return Link(1.0, kind, 1.0)
    score = similarity(found, found.rep[a], found.rep[b], weight)
    return Link(1.0 if kind else round(score.statements, 4), kind or "near",
                round(score.literals, 4), score.shared)


def cluster_frame(corpus: Corpus, found: Matches, choices: list[Choice], weight: float,
                  min_lines: int) -> pd.DataFrame:
    rows: list[tuple[object, ...]] = []
    for n, (members, choice) in enumerate(zip(found.clusters, choices, strict=True), start=1):
        keep = choice.canonical
        links = {i: link(corpus, found, keep, i, weight, min_lines)
                 for i in members if i != keep}
        strongest = min(CLONE_TYPES.index(lk.clone_type) for lk in links.values())
        variants = [i for i, lk in links.items() if lk.clone_type == "variant"]
        params = parameters(corpus, keep, variants) if variants else {}
        for i in members:
            sc = corpus.scripts[i]
            lk = links.get(i, Link(1.0, CLONE_TYPES[strongest], 1.0))
            evidence = choice.evidence if i == keep else \
                _copy_note(lk, corpus.scripts[keep].path, params.get(i, ""))
            rows.append((cluster_id(n), sc.path, i == keep, lk.similarity, lk.clone_type,
                         len(members), sc.language, sc.lines, sc.archived, sc.backup_of,
                         sc.live_callers, evidence, lk.literals, params.get(i, "")))
    return pd.DataFrame(rows, columns=list(CLUSTER_COLUMNS))


def _copy_note(lk: Link, canonical: str, params: str) -> str:
    shared = f"{lk.literals:.0%} of its rare literals shared" if lk.literals >= 0 else \
        "no rare literals"
    if lk.clone_type == "near":
        return (f"near copy of {canonical}: {lk.similarity:.0%} of statements alike with "
                f"literals blinded, {shared}")
    if lk.clone_type == "variant":
        count = len(json.loads(params)) if params else 0
        return (f"variant of {canonical}: the same statements, {count} literal"
                f"{'s' if count != 1 else ''} differ ({shared}); merge with parameters")
    return f"{lk.clone_type} copy of {canonical}"


def pair_frame(corpus: Corpus, found: Matches, choices: list[Choice], s: Settings
               ) -> pd.DataFrame:
    rows: list[tuple[object, ...]] = []
    for n, (members, choice) in enumerate(zip(found.clusters, choices, strict=True), start=1):
        for a, b in _member_pairs(members, choice.canonical):
            lk = link(corpus, found, a, b, s.boilerplate_weight, s.min_lines)
            if lk.alike(s.threshold, s.min_statements, s.min_lines):
                pa, pb = sorted((corpus.scripts[a].path, corpus.scripts[b].path))
                rows.append((pa, pb, lk.similarity, lk.clone_type, cluster_id(n), lk.literals))
    rows.sort(key=lambda r: (str(r[0]), str(r[1])))
    return pd.DataFrame(rows, columns=list(PAIR_COLUMNS))


def _member_pairs(members: list[int], keep: int) -> Iterator[tuple[int, int]]:
    if len(members) > MAX_PAIR_MEMBERS:
        yield from ((keep, i) for i in members if i != keep)
        return
    for x, a in enumerate(members):
        for b in members[x + 1 :]:
            yield a, b
