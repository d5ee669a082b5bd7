"""Which scripts are copies of which: hash groups first, then verified near-miss pairs.

Exact, normalised, renamed and variant copies are found by grouping equal hashes of the whole
text in each form (no index needed). Only one representative per distinct T1 form is compared
for near-miss copies: candidates come from a MinHash LSH index over blind statements (pairs
alike in statements) and from the literals two scripts share that few others hold (copies
edited so much that only their literals still say where they came from); every candidate is
verified exactly (verify.py). Clusters are the connected groups of these links, so they are
N-way and independent of input order.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from runbook_lib.similarity import index, verify
from runbook_lib.similarity.columns import Column
from runbook_lib.similarity.corpus import Corpus
from runbook_lib.similarity.index import Weights
from runbook_lib.similarity.normalise import Hashes
from runbook_lib.similarity.verify import Profile, Score

Progress = Callable[[str, int, int], None]
BLIND_COMMON = 0.2


@dataclass(frozen=True)
class Settings:
    threshold: float
    min_statements: float
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
    # representative content index -> (distinctive, boilerplate, literals, their weights) as
    # arrays, compact for 100,000 scripts; turned into a set-based Profile when compared
    # and the boilerplate that is common by spread, not by pattern
    parts: dict[int, tuple[Hashes, Hashes, Hashes, Weights, Hashes]]
    near: dict[tuple[int, int], Score] = field(default_factory=dict)  # verified rep pairs
    candidates: int = 0
    weight: float = 0.2
    cache: dict[int, Profile] = field(default_factory=dict)

    def weight_of(self, rep: int) -> float:
        content, common = self.parts[rep][:2]
        return len(content) + self.weight * len(common)

    def profile(self, rep: int) -> Profile:
        found = self.cache.get(rep)
        if found is None:
            content, common, literals, weights, spread = self.parts[rep]
            found = self.cache[rep] = verify.make_profile(
                content, common, literals, weights.tolist(), self.weight, spread)
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
    # renamed copies and variants: equal named or blind text, and enough of it that is not
    # set-up (a two-line body under the standard header is alike every other one once names
    # are blinded; a list of calls of one shape says nothing but its literals)
    named = [i for i in items if corpus.form(scripts[i]).content_lines >= min_lines]
    _union_by(uf, named, lambda i: (scripts[i].group, corpus.form(scripts[i]).named_digest))
    blind = [i for i in items if corpus.form(scripts[i]).distinct >= min_lines]
    _union_by(uf, blind, lambda i: (scripts[i].group, corpus.form(scripts[i]).blind_digest))
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
    # boilerplate: set-up and structure by pattern, and lines (as written, literals and all)
    # that many scripts hold; compared in their blind spelling
    lines = Column.of([f.t1 for f in forms])
    flagged = np.concatenate([f.boiler for f in forms]) if forms else np.zeros(0, dtype=bool)
    statements = Column.of([f.blind for f in forms])
    # ... and statements that a large share of scripts hold in some spelling (a lock block,
    # a usage function): scripts that share only those do different jobs
    shapes = statements.spread(max(s.boilerplate_min_scripts, BLIND_COMMON * len(forms)))
    common = flagged | np.isin(lines.values, lines.spread(at_least)) | \
        np.isin(statements.values, shapes)
    contents = statements.where(~common).occurrences().split()
    common_column = statements.where(common).occurrences()
    commons = common_column.split()
    spreads = common_column.where(~flagged[common]).split()
    literals = Column.of([f.literals for f in forms])
    values, counts = np.unique(literals.values, return_counts=True)
    holders = counts[np.searchsorted(values, literals.values)] if len(values) else counts
    weights = np.maximum(0.0, np.log(verify.RARE_LITERAL / np.maximum(holders, 1)))
    bounds = np.searchsorted(literals.seg, np.arange(len(forms) + 1))
    for n, (r, content, boilerplate, spread) in enumerate(
            zip(reps, contents, commons, spreads, strict=True)):
        a, b = bounds[n], bounds[n + 1]
        found.parts[r] = (content, boilerplate, literals.values[a:b], weights[a:b], spread)
    shingles = [np.concatenate([c, p]) for c, p in zip(contents, spreads, strict=True)]
    pairs = _candidates(found, reps, shingles, literals, weights, s, progress)
    found.candidates += len(pairs)
    for n, (a, b) in enumerate(pairs):
        if progress and n % 20000 == 0:
            progress("verify", n, len(pairs))
        score = _bounded(found, a, b, s)
        if score is not None and verify.alike(score, s.threshold, s.min_statements, s.min_lines):
            found.near[(min(a, b), max(a, b))] = score
    if progress:
        progress("verify", len(pairs), len(pairs))
    found.cache.clear()  # sets of every candidate: rebuilt, as few, when a table asks


def _candidates(found: Matches, reps: list[int], contents: list[Hashes], literals: Column,
                weights: Weights, s: Settings, progress: Progress | None) -> list[tuple[int, int]]:
    """Representative pairs (content indices) worth verifying, both with `min_lines`
    statements that are not set-up or structure by pattern (`contents`): those that share
    enough rare literals, and, among scripts that hold no rare literal (where statements are
    all the evidence), those the LSH index finds alike. A pair where either holds rare
    literals and they share none is never a copy."""
    big = [n for n, c in enumerate(contents) if len(c) >= s.min_lines]
    enough = set(big)
    pairs: set[tuple[int, int]] = set()
    shared, sums = index.literal_pairs(literals.values, literals.seg, weights, len(reps),
                                       verify.RARE_LITERAL)
    for (i, j), weight in zip(shared, sums.tolist(), strict=True):
        if i in enough and j in enough:
            a, b = reps[i], reps[j]
            total = found.profile(a).literal_weight + found.profile(b).literal_weight
            if total and 2 * weight / total >= verify.LITERAL_FLOOR:
                pairs.add((a, b))
    # no rare literal: no weight above 0 (asked of the arrays, not of a profile built for it)
    bare = [n for n in big if not (found.parts[reps[n]][3] > 0).any()]
    if progress:
        progress("index", 0, len(bare))
    by_lsh = index.candidates(index.signatures([contents[n] for n in bare], s.num_perm),
                              s.lsh_rows)
    pairs.update((reps[bare[i]], reps[bare[j]]) for i, j in by_lsh)
    if progress:
        progress("index", len(bare), len(bare))
    return sorted(pairs)


def _bounded(found: Matches, a: int, b: int, s: Settings) -> Score | None:
    # Dice can be no higher than 2 * min / (wa + wb): skip the set work for unequal sizes.
    wa, wb = found.weight_of(a), found.weight_of(b)
    if 2 * min(wa, wb) < s.min_statements * (wa + wb):
        return None
    return verify.score(found.profile(a), found.profile(b), s.boilerplate_weight)


def _components(uf: _UnionFind, live: list[int]) -> list[list[int]]:
    groups: dict[int, list[int]] = {}
    for i in live:
        groups.setdefault(uf.find(i), []).append(i)
    found = [sorted(g) for g in groups.values() if len(g) > 1]
    found.sort(key=lambda g: (-len(g), g[0]))
    return found


def similarity(found: Matches, a: int, b: int, weight: float) -> Score:
    """Exact similarity of two representatives (1.0 when they are the same one)."""
    if a == b:
        return Score(1.0, 1.0, 1 << 30)
    known = found.near.get((min(a, b), max(a, b)))
    if known is not None:
        return known
    if a not in found.parts or b not in found.parts:
        return Score(0.0, -1.0)
    return verify.score(found.profile(a), found.profile(b), weight)
