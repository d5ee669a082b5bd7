"""Clusters without chains: every member is a copy of the canonical or a near copy of one.

Linked groups can chain: A ~ B and B ~ C with A and C only 50% alike, and in a large repo
thousands of scripts of one template chain into one group; a script that took lines from two
others links both. So each group's canonical is chosen; its core is itself and its exact,
normalised, renamed and variant copies; a member stays when it is in the core, a near copy of
the canonical, or a verified near copy of a core member, and its own exact, normalised, renamed
and variant copies stay with it (NEAR_HOPS rounds of this). The others leave and are grouped
again among themselves, until nothing moves.
"""

from __future__ import annotations

from collections.abc import Callable

from runbook_lib.similarity import verify
from runbook_lib.similarity.canonical import Choice
from runbook_lib.similarity.clusters import link
from runbook_lib.similarity.corpus import Corpus
from runbook_lib.similarity.matching import Matches, Settings, regroup

Choose = Callable[[list[list[int]]], list[Choice]]
# one round: a near copy of the canonical's core belongs, a near copy of that near copy does
# not (measured on the sample benchmark: two rounds let copies that took lines from another
# script bridge two clusters, pair precision .979 against .994, for 3 points of MT3 recall)
NEAR_HOPS = 1


def settle(corpus: Corpus, found: Matches, choose: Choose, s: Settings) -> list[Choice]:
    """Replace found.clusters by chain-free clusters; return their canonical choices."""
    near: dict[int, set[int]] = {}
    for a, b in found.near:
        near.setdefault(a, set()).add(b)
        near.setdefault(b, set()).add(a)
    pending = found.clusters
    settled: list[tuple[list[int], Choice, bool]] = []  # members, choice, members changed
    while pending:
        again: list[int] = []
        for members, choice in zip(pending, choose(pending), strict=True):
            close = _close(corpus, found, near, members, choice.canonical, s)
            if len(close) > 1:
                settled.append((close, choice, len(close) < len(members)))
            # a canonical alone is dropped: every link it had was through a chain
            kept = set(close)
            again += [i for i in members if i not in kept]
        pending = regroup(corpus, found, sorted(again), s.min_lines) if again else []
    settled.sort(key=lambda s: (-len(s[0]), s[0][0]))
    found.clusters = [m for m, _, _ in settled]
    # the reason names the runner-up: choose again where members left
    changed = [i for i, (_, _, moved) in enumerate(settled) if moved]
    fresh = dict(zip(changed, choose([settled[i][0] for i in changed]), strict=True))
    return [fresh.get(i, c) for i, (_, c, _) in enumerate(settled)]


def _close(corpus: Corpus, found: Matches, near: dict[int, set[int]], members: list[int],
           keep: int, s: Settings) -> list[int]:
    """Members that stay; copies of one another (one hash class) stay or leave together."""
    scripts = corpus.scripts
    canonical = scripts[keep]
    key = {i: _hash_class(corpus, i, s.min_lines) for i in members}
    staying = {key[i] for i in members if verify.same_kind(
        canonical.sha256, scripts[i].sha256, corpus.form(canonical), corpus.form(scripts[i]),
        s.min_lines)}
    for _ in range(NEAR_HOPS):
        core = {found.rep[i] for i in members if key[i] in staying}
        joining = {key[i] for i in members if key[i] not in staying and (
            not near.get(found.rep[i], set()).isdisjoint(core)
            or link(corpus, found, keep, i, s.boilerplate_weight, s.min_lines).alike(
                s.threshold, s.min_statements, s.min_lines))}
        if not joining:
            break
        staying |= joining
    return [i for i in members if key[i] in staying]


def _hash_class(corpus: Corpus, i: int, min_lines: int) -> tuple[str, bytes]:
    sc = corpus.scripts[i]
    form = corpus.form(sc)
    if form.distinct >= min_lines:
        return (sc.group, form.blind_digest)
    return (sc.group, form.named_digest if form.content_lines >= min_lines else form.t1_digest)
