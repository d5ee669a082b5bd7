"""Which scripts are copies of which: hash groups first, then verified near-miss pairs.

Exact, normalised and renamed copies are found by grouping equal hashes of the whole text in
each form (no index needed). Only one representative per distinct T1 form goes to the MinHash
index for near-miss copies, and every candidate pair it proposes is verified exactly. Clusters
are the connected groups of these links, so they are N-way and independent of input order.

Near-miss similarity is measured on T1 (names kept), not T2: a near-miss copy is a copy that
was edited, while scripts that share a skeleton but every name and literal (one template
filled in for two services) are different jobs; T2 would make those look 70-80% alike.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from runbook_lib.similarity import index, verify
from runbook_lib.similarity.columns import Column
from runbook_lib.similarity.corpus import Corpus
from runbook_lib.similarity.normalise import Hashes
from runbook_lib.similarity.verify import Profile

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class Settings:
    threshold: float
    min_lines: int
    boilerplate_weight: float
    boilerplate_min_scripts: int
    boilerplate_fraction: float
    num_perm: int
    lsh_rows: int


@dataclass
class Matches:
    clusters: list[list[int]]  # script indices; each sorted by path, biggest cluster first
    rep: list[int]  # script index -> content index of its T1 representative (-1: empty)
    # representative content index -> (distinctive, boilerplate, rare literals) as arrays,
    # compact for 100,000 scripts; turned into a set-based Profile when first compared
    parts: dict[int, tuple[Hashes, Hashes, Hashes]]
    near: dict[tuple[int, int], float] = field(default_factory=dict)  # verified rep pairs
    candidates: int = 0
    weight: float = 0.2
    cache: dict[int, Profile] = field(default_factory=dict)

    def weight_of(self, rep: int) -> float:
        content, common, _ = self.parts[rep]
        return len(content) + self.weight * len(common)

    def profile(self, rep: int) -> Profile:
        found = self.cache.get(rep)
        if found is None:
            found = self.cache[rep] = verify.make_profile(*self.parts[rep], self.weight)
        return found


class _UnionFind:
    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, x: int) -> int:
        root = x
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[x] != root:
            self.parent[x], x = root, self.parent[x]
        return root

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def match(corpus: Corpus, s: Settings, progress: Progress | None = None) -> Matches:
    scripts = corpus.scripts
    live = [i for i, sc in enumerate(scripts) if corpus.form(sc).size > 0]
    reps = _representatives(corpus, live)
    found = Matches([], [-1] * len(scripts), {}, weight=s.boilerplate_weight)
    for i in live:
        found.rep[i] = reps[(scripts[i].group, corpus.form(scripts[i]).t1_digest)]
    for group in sorted({scripts[i].group for i in live}):
        members = sorted({found.rep[i] for i in live if scripts[i].group == group})
        _match_group(corpus, members, s, found, progress)
    found.clusters = regroup(corpus, found, live, s.min_lines)
    return found


def regroup(corpus: Corpus, found: Matches, items: list[int], min_lines: int) -> list[list[int]]:
    """Connected groups of `items` (script indices) by every kind of link among them."""
    scripts = corpus.scripts
    uf = _UnionFind(len(scripts))
    _union_by(uf, items, lambda i: (scripts[i].group, scripts[i].sha256))
    _union_by(uf, items, lambda i: (scripts[i].group, corpus.form(scripts[i]).t1_digest))
    # renamed copies: equal T2 text, and enough of it that is not set-up (a two-line body
    # under the standard header is alike every other one once names are blinded)
    eligible = [i for i in items if corpus.form(scripts[i]).content_lines >= min_lines]
    _union_by(uf, eligible, lambda i: (scripts[i].group, corpus.form(scripts[i]).blind_digest))
    first_script = {found.rep[i]: i for i in reversed(items)}
    for a, b in found.near:
        if a in first_script and b in first_script:
            uf.union(first_script[a], first_script[b])
    return _components(uf, items)


def _union_by(uf: _UnionFind, items: list[int], key: Callable[[int], object]) -> None:
    first: dict[object, int] = {}
    for i in items:
        uf.union(first.setdefault(key(i), i), i)


def _representatives(corpus: Corpus, live: list[int]) -> dict[tuple[str, bytes], int]:
    reps: dict[tuple[str, bytes], int] = {}
    for i in live:
        sc = corpus.scripts[i]
        reps.setdefault((sc.group, corpus.form(sc).t1_digest), sc.content)
    return reps


def _match_group(corpus: Corpus, reps: list[int], s: Settings, found: Matches,
                 progress: Progress | None) -> None:
    forms = [corpus.forms[r] for r in reps]
    at_least = max(s.boilerplate_min_scripts, s.boilerplate_fraction * len(forms))
    statements = Column.of([f.t1 for f in forms])
    flagged = statements.where(np.concatenate([f.boiler for f in forms]) if forms
                               else np.zeros(0, dtype=bool)).values
    boiler = np.union1d(flagged, statements.spread(at_least))
    common = np.isin(statements.values, boiler)
    contents = statements.where(~common).occurrences().split()
    commons = statements.where(common).occurrences().split()
    literals = Column.of([f.literals for f in forms])
    rares = literals.where(~np.isin(literals.values, literals.spread(at_least))).split()
    shingles: list[Hashes] = []
    indexed: list[int] = []
    for r, content, boilerplate, rare in zip(reps, contents, commons, rares, strict=True):
        found.parts[r] = (content, boilerplate, rare)
        if len(content) >= s.min_lines:
            shingles.append(np.concatenate([content, rare ^ index.LITERAL_SALT]))
            indexed.append(r)
    if progress:
        progress("index", 0, len(indexed))
    pairs = index.candidates(index.signatures(shingles, s.num_perm), s.lsh_rows)
    if progress:
        progress("index", len(indexed), len(indexed))
    found.candidates += len(pairs)
    for n, (i, j) in enumerate(pairs):
        if progress and n % 20000 == 0:
            progress("verify", n, len(pairs))
        a, b = indexed[i], indexed[j]
        sim = _bounded_dice(found, a, b, s)
        if sim >= s.threshold:
            found.near[(min(a, b), max(a, b))] = sim
    if progress:
        progress("verify", len(pairs), len(pairs))


def _bounded_dice(found: Matches, a: int, b: int, s: Settings) -> float:
    # Dice can be no higher than 2 * min / (wa + wb): skip the set work for unequal sizes.
    wa, wb = found.weight_of(a), found.weight_of(b)
    if 2 * min(wa, wb) < s.threshold * (wa + wb):
        return 0.0
    return verify.similarity(found.profile(a), found.profile(b), s.boilerplate_weight)


def _components(uf: _UnionFind, live: list[int]) -> list[list[int]]:
    groups: dict[int, list[int]] = {}
    for i in live:
        groups.setdefault(uf.find(i), []).append(i)
    found = [sorted(g) for g in groups.values() if len(g) > 1]
    found.sort(key=lambda g: (-len(g), g[0]))
    return found


def similarity(found: Matches, a: int, b: int, weight: float) -> float:
    """Exact similarity of two representatives (1.0 when they are the same one)."""
    if a == b:
        return 1.0
    known = found.near.get((min(a, b), max(a, b)))
    if known is not None:
        return known
    return verify.similarity(found.profile(a), found.profile(b), weight)
