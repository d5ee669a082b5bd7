"""Exact similarity of two scripts, and the clone type of a pair.

similarity = min(statements, literals):
- statements = 2 * W(A ∩ B) / (W(A) + W(B)), a weighted Sørensen–Dice coefficient over the
  multisets of T1 (layout-normalised) statements of the two scripts, where a boilerplate
  statement weighs `boilerplate_weight` and every other statement 1. Without boilerplate it
  equals difflib's ratio for scripts whose common lines keep their order.
- literals = Dice over the distinct literals (strings, numbers, paths, hosts) of their
  non-boilerplate statements, or 1 when both hold fewer than MIN_LITERALS. A copy edited by
  hand keeps its literals; one template filled in for another service does not, however
  alike its lines are.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from runbook_lib.similarity.normalise import Form, Hashes

MIN_LITERALS = 3
_SPREAD = np.uint64(0x9E3779B97F4A7C15)  # the k-th copy of a statement is a different element


@dataclass(frozen=True, slots=True)
class Profile:
    content: frozenset[int]  # distinctive statements, each copy its own element
    boiler: frozenset[int]  # boilerplate statements, likewise
    weight: float  # W of the whole script
    literals: frozenset[int] = frozenset()

    @property
    def distinctive(self) -> int:
        return len(self.content)


def occurrences(hashes: Hashes) -> Hashes:
    """A multiset as a set: the k-th equal hash is shifted by k * a large odd constant."""
    if len(hashes) == 0:
        return hashes
    ordered = np.sort(hashes)
    first = np.r_[True, ordered[1:] != ordered[:-1]]
    run_start = np.maximum.accumulate(np.where(first, np.arange(len(ordered)), 0))
    rank = (np.arange(len(ordered)) - run_start).astype(np.uint64)
    with np.errstate(over="ignore"):
        return ordered + rank * _SPREAD


def split(form: Form, boiler: Hashes) -> tuple[Hashes, Hashes]:
    """(distinctive, boilerplate) T1 statements, occurrence-encoded."""
    mask = np.isin(form.t1, boiler) if len(boiler) else np.zeros(form.size, dtype=bool)
    return occurrences(form.t1[~mask]), occurrences(form.t1[mask])


def make_profile(form: Form, content: Hashes, common: Hashes, boiler_weight: float) -> Profile:
    return Profile(frozenset(content.tolist()), frozenset(common.tolist()),
                   len(content) + boiler_weight * len(common), frozenset(form.literals.tolist()))


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
