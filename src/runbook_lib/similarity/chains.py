"""Clusters without chains: every member is a copy of the canonical, not of a copy of a copy.

Linked groups can chain: A ~ B and B ~ C with A and C only 50% alike, and in a large repo
thousands of scripts of one template chain into one group. So each group's canonical is
chosen, members that are not within the threshold of it (or an exact, normalised or renamed
copy of it) leave, and those are grouped again among themselves, until nothing moves.
"""

from __future__ import annotations

from collections.abc import Callable

from runbook_lib.similarity.canonical import Choice
from runbook_lib.similarity.clusters import link
from runbook_lib.similarity.corpus import Corpus
from runbook_lib.similarity.matching import Matches, regroup

Choose = Callable[[list[list[int]]], list[Choice]]


def settle(corpus: Corpus, found: Matches, choose: Choose, threshold: float, weight: float,
           min_lines: int) -> list[Choice]:
    """Replace found.clusters by chain-free clusters; return their canonical choices."""
    pending = found.clusters
    settled: list[tuple[list[int], Choice, bool]] = []  # members, choice, members changed
    while pending:
        again: list[int] = []
        for members, choice in zip(pending, choose(pending), strict=True):
            keep = choice.canonical
            close = [i for i in members
                     if i == keep or link(corpus, found, keep, i, weight).similarity >= threshold]
            if len(close) > 1:
                settled.append((close, choice, len(close) < len(members)))
            # a canonical alone is dropped: every link it had was through a chain
            again += [i for i in members if i not in set(close)]
        pending = regroup(corpus, found, sorted(again), min_lines) if again else []
    settled.sort(key=lambda s: (-len(s[0]), s[0][0]))
    found.clusters = [m for m, _, _ in settled]
    # the reason names the runner-up: choose again where members left
    changed = [i for i, (_, _, moved) in enumerate(settled) if moved]
    fresh = dict(zip(changed, choose([settled[i][0] for i in changed]), strict=True))
    return [fresh.get(i, c) for i, (_, c, _) in enumerate(settled)]
