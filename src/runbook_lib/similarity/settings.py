"""Parameters and result of the similarity step."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

TABLES = ("clusters", "pairs", "fragments", "families", "opportunities")


@dataclass(frozen=True)
class SimilarityParams:
    workspace: Path
    # statements alike (literals blinded) that make two scripts near copies when neither holds
    # a rare literal to tell a copy from one template filled in twice; 0.7 is where
    # BigCloneBench's "strong" near-miss clones (70-90% alike after normalisation) begin
    threshold: float = 0.7
    # the least alike statements of near copies that share rare literals: a copy with a third
    # of its statements changed is still about half alike (verify.py has the rule); below a
    # third, scripts of one service for different jobs (restore and vacuum of one database)
    # passed as copies on the sample's truth (precision 0.97 at 0.3, 0.99 at 0.33)
    min_statements: float = 0.33
    min_fragment_lines: int = 6  # shortest shared run of normalised statements
    min_lines: int = 3  # non-boilerplate statements a script needs to be a renamed/near copy
    boilerplate_weight: float = 0.2  # what a boilerplate statement counts, against 1
    boilerplate_min_scripts: int = 10  # a statement in this many distinct scripts ...
    boilerplate_fraction: float = 0.05  # ... and this share of them is boilerplate
    num_perm: int = 128  # MinHash permutations
    # rows per LSH band: 128 // 4 = 32 bands; a pair becomes a candidate with probability
    # 94% at Jaccard 0.54 (Dice 0.7), 99.9% at Jaccard 0.67 (Dice 0.8), 23% at Jaccard 0.3
    lsh_rows: int = 4
    family_threshold: float = 0.45  # see families.py: an equal two-word name alone reaches it
    shellcheck: bool = True  # break canonical ties by shellcheck findings
    shellcheck_max_files: int = 300  # files shellcheck may check per run (~10 ms each)
    workers: int = 0  # processes for reading and normalising; 0 = one per core
    # reuse the last run's normalised forms of unchanged scripts, and its tables when nothing
    # they are computed from changed (WS/cache)
    cache: bool = True
    focus_cluster: str = ""  # notebook 02 explores this cluster (empty: the largest)


@dataclass(frozen=True)
class SimilarityResult:
    workspace: Path
    tables: Mapping[str, pd.DataFrame]  # TABLES by name (kept ones are read on first use)
    counts: dict[str, int]
    seconds: float
    reused: bool = False  # the tables are the last run's: nothing they come from changed

    @property
    def clusters(self) -> pd.DataFrame:
        return self.tables["clusters"]

    @property
    def pairs(self) -> pd.DataFrame:
        return self.tables["pairs"]

    @property
    def fragments(self) -> pd.DataFrame:
        return self.tables["fragments"]

    @property
    def families(self) -> pd.DataFrame:
        return self.tables["families"]

    @property
    def opportunities(self) -> pd.DataFrame:
        return self.tables["opportunities"]
