"""The would-be parameters of a variant cluster: the literals in which its members differ.

Variants have the same statements once names and literals are blinded, so their statements
line up one to one; at each place where a member's literal differs from the canonical's, the
canonical's literal becomes a parameter (P1, P2, ... in the canonical's order; one literal
changed everywhere alike is one parameter). Each row gets a JSON object of every parameter of
the cluster with that member's value, the canonical's row its own values:
`{"P1": "8080", "P2": "web-01.internal"}` beside `{"P1": "9090", "P2": "api-01.internal"}`.
"""

from __future__ import annotations

import json

from runbook_lib.similarity.corpus import Corpus, read_text
from runbook_lib.similarity.normalise import statements_of

MAX_VALUE = 120  # characters of a value shown


def parameters(corpus: Corpus, keep: int, variants: list[int]) -> dict[int, str]:
    base = _literals(corpus, keep)
    names: dict[str, str] = {}  # canonical literal -> parameter name
    values: dict[int, dict[str, str]] = {}
    for i in variants:
        mine: dict[str, str] = {}
        for ours, theirs in zip(base, _literals(corpus, i), strict=False):
            if ours != theirs:
                name = names.setdefault(ours, f"P{len(names) + 1}")
                mine.setdefault(name, theirs[:MAX_VALUE])
        values[i] = mine
    if not names:
        return {}
    own = {name: literal[:MAX_VALUE] for literal, name in names.items()}
    rows = {keep: own} | {i: {n: found.get(n, own[n]) for n in own} for i, found in
                          values.items()}
    return {i: json.dumps(row, ensure_ascii=False, sort_keys=False) for i, row in rows.items()}


def _literals(corpus: Corpus, i: int) -> list[str]:
    """Every literal of the script, statement by statement, in order."""
    sc = corpus.scripts[i]
    st = statements_of(read_text(corpus.repo, sc.path), sc.language)
    out: list[str] = []
    for lits in st.literals:
        out.extend(lits)
    return out

