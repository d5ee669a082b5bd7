"""Exact similarity of two scripts, and the clone type of a pair.

- statements S = 2 * W(A ∩ B) / (W(A) + W(B)), a weighted Sørensen–Dice coefficient over the
  multisets of blind statements (names and literals blinded) of the two scripts, where a
  boilerplate statement weighs `boilerplate_weight` and every other statement 1.
- literals L = the same over the two scripts' distinct literals (names blinded inside them),
  each weighing ln(RARE_LITERAL / scripts holding it), so a literal found in RARE_LITERAL or
  more scripts weighs nothing: a copy keeps the hosts, paths, service names and messages of
  its original, while one template filled in for two services shares only the template's
  statements and its constant literals.

Two scripts are near copies when they have at least `min_lines` (3) statements in common that
are not set-up or structure (two scripts that share a pasted `log()` and one log call are not
copies), and (see `alike`):
- S >= min_statements (0.33) and L >= max(LITERAL_FLOOR, LITERAL_SLOPE * (1 - S)): the less
  alike their statements, the more of their rare literals they must share (at S = 0.5, 35%;
  at S = 1/3, 47%: two scripts of one service for different jobs share its host, paths and
  names, so the literals alone must not carry a pair whose statements are mostly different);
- or neither holds a rare literal and S >= threshold (0.7): statements are all there is.
Scripts whose statements are alike but whose rare literals are all different (one template
filled in for two services) are not copies, however alike: they are families, or variants
when every statement is the same. Measured on the sample benchmark (bench/quality.py).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from runbook_lib.similarity.normalise import Form, Hashes

RARE_LITERAL = 32
LITERAL_FLOOR = 0.15
LITERAL_SLOPE = 0.7


@dataclass(frozen=True, slots=True)
class Profile:
    content: frozenset[int]  # distinctive blind statements, each copy its own element
    boiler: frozenset[int]  # boilerplate statements, likewise
    weight: float  # W of the whole script
    literals: dict[int, float]  # literal -> weight (rare ones only)
    literal_weight: float
    spread: frozenset[int] = frozenset()  # boilerplate by spread in the corpus, not by pattern


@dataclass(frozen=True, slots=True)
class Score:
    statements: float  # S
    literals: float  # L (-1 when neither script holds a rare literal)
    shared: int = 0  # statements in common that are not set-up or structure by pattern


def literal_weight(scripts_holding: int) -> float:
    return max(0.0, math.log(RARE_LITERAL / max(1, scripts_holding)))


def make_profile(content: Hashes, common: Hashes, literals: Hashes, weights: list[float],
                 boiler_weight: float, spread: Hashes) -> Profile:
    found = {h: w for h, w in zip(literals.tolist(), weights, strict=True) if w > 0}
    return Profile(frozenset(content.tolist()), frozenset(common.tolist()),
                   len(content) + boiler_weight * len(common), found, sum(found.values()),
                   frozenset(spread.tolist()))


def score(a: Profile, b: Profile, boiler_weight: float) -> Score:
    return Score(statement_dice(a, b, boiler_weight), literal_dice(a, b),
                 len(a.content & b.content) + len(a.spread & b.spread))


def statement_dice(a: Profile, b: Profile, boiler_weight: float) -> float:
    total = a.weight + b.weight
    if total == 0:
        return 0.0
    common = len(a.content & b.content) + boiler_weight * len(a.boiler & b.boiler)
    return min(1.0, 2 * common / total)


def literal_dice(a: Profile, b: Profile) -> float:
    total = a.literal_weight + b.literal_weight
    if total == 0:
        return -1.0
    small, big = (a.literals, b.literals) if len(a.literals) <= len(b.literals) else \
        (b.literals, a.literals)
    return min(1.0, 2 * sum(w for h, w in small.items() if h in big) / total)


def alike(s: Score, threshold: float, min_statements: float, min_lines: int) -> bool:
    if s.shared < min_lines:
        return False
    if s.literals < 0:
        return s.statements >= threshold
    return s.statements >= min_statements and \
        s.literals >= max(LITERAL_FLOOR, LITERAL_SLOPE * (1 - s.statements))


def same_kind(a_sha: str, b_sha: str, a: Form, b: Form, min_lines: int) -> str:
    """exact, normalised, renamed or variant when the two are equal in that form, else ""."""
    if a_sha == b_sha:
        return "exact"
    if a.t1_digest and a.t1_digest == b.t1_digest:
        return "normalised"
    if a.named_digest and a.named_digest == b.named_digest and \
            min(a.content_lines, b.content_lines) >= min_lines:
        return "renamed"
    if a.blind_digest and a.blind_digest == b.blind_digest and \
            min(a.distinct, b.distinct) >= min_lines:
        return "variant"
    return ""
