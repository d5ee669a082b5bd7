"""Exact similarity of two scripts, and the clone type of a pair.

similarity = min(statements, literals):
- statements = 2 * W(A ∩ B) / (W(A) + W(B)), a weighted Sørensen–Dice coefficient over the
  multisets of T1 (layout-normalised) statements of the two scripts, where a boilerplate
  statement weighs `boilerplate_weight` and every other statement 1. Without boilerplate it
  equals difflib's ratio for scripts whose common lines keep their order.
- literals = Dice over the distinct uncommon literals (strings, numbers, paths, hosts) of
  their non-boilerplate statements, or 1 when both hold fewer than MIN_LITERALS; literals
  found in many scripts (`1`, `/dev/null`, a template's fixed strings) are left out. A copy
  edited by hand keeps its literals; one template filled in for another service does not,
  however alike its lines are (measured on the sample: letting half the literals agree
  instead let such siblings in and cost 10 points of precision).
"""

from __future__ import annotations

from dataclasses import dataclass

from runbook_lib.similarity.normalise import Form, Hashes

MIN_LITERALS = 3


@dataclass(frozen=True, slots=True)
class Profile:
    content: frozenset[int]  # distinctive statements, each copy its own element
    boiler: frozenset[int]  # boilerplate statements, likewise
    weight: float  # W of the whole script
    literals: frozenset[int] = frozenset()

    @property
    def distinctive(self) -> int:
        return len(self.content)


def make_profile(content: Hashes, common: Hashes, literals: Hashes,
                 boiler_weight: float) -> Profile:
    return Profile(frozenset(content.tolist()), frozenset(common.tolist()),
                   len(content) + boiler_weight * len(common), frozenset(literals.tolist()))


def similarity(a: Profile, b: Profile, boiler_weight: float) -> float:
    return min(statement_dice(a, b, boiler_weight), literal_dice(a, b))


def statement_dice(a: Profile, b: Profile, boiler_weight: float) -> float:
    total = a.weight + b.weight
    if total == 0:
        return 0.0
    common = len(a.content & b.content) + boiler_weight * len(a.boiler & b.boiler)
    return min(1.0, 2 * common / total)


def literal_dice(a: Profile, b: Profile) -> float:
    if len(a.literals) < MIN_LITERALS and len(b.literals) < MIN_LITERALS:
        return 1.0
    return 2 * len(a.literals & b.literals) / (len(a.literals) + len(b.literals))


def same_kind(a_sha: str, b_sha: str, a: Form, b: Form) -> str:
    """exact, normalised or renamed when the two texts are equal in that form, else ""."""
    if a_sha == b_sha:
        return "exact"
    if a.t1_digest and a.t1_digest == b.t1_digest:
        return "normalised"
    if a.blind_digest and a.blind_digest == b.blind_digest:
        return "renamed"
    return ""
