"""Similarity (notebook 02): clone clusters, shared fragments, same-job families, opportunities.

The measure, in short (README has the long form): scripts are compared only inside one
language group; exact copies share a sha256, normalised copies their layout-blind text (T1),
renamed copies their identifier- and literal-blind text (T2); near-miss copies reach
`threshold` similarity, a weighted Dice coefficient over T1 statements in which boilerplate
statements count `boilerplate_weight`. Candidates come from a MinHash LSH index; every pair
reported is verified exactly.
"""

from __future__ import annotations

from runbook_lib.similarity.pipeline import run_similarity
from runbook_lib.similarity.settings import SimilarityParams, SimilarityResult

__all__ = ["SimilarityParams", "SimilarityResult", "run_similarity"]
