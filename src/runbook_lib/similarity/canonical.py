"""Which member of a cluster to keep, by one documented rule, with the deciding reason.

Rule, first difference wins:
  1. not archived and not a backup copy (archived copies are evidence, not homes);
  2. most live callers (fewest references to rewrite later);
  3. fewest risk flags (`no_errexit` counted separately, next);
  4. `set -e` present (shell);
  5. fewest shellcheck findings (shell; run only for members still tied here);
  6. shortest path, then first path by name.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from runbook_lib.core import workspace
from runbook_lib.similarity import lint
from runbook_lib.similarity.corpus import Corpus, Script

RULE = ("not archived > most live callers > fewest risk flags > set -e > "
        "fewest shellcheck findings > shortest path > name")
Key = tuple[int, int, int, int, int, int, str]


@dataclass(frozen=True)
class Choice:
    canonical: int  # script index
    evidence: str


@dataclass
class Linter:
    """shellcheck findings per text (sha256), kept in the workspace (`store`) so a text is
    checked once across runs; the files still to check go to one shellcheck call, at most
    `budget` files per run."""

    repo: Path
    budget: int
    store: Path | None = None
    found: dict[str, int] = field(default_factory=dict)
    broken: bool = False

    def __post_init__(self) -> None:
        if self.store is not None and self.store.is_file():
            kept = workspace.read_json(self.store)
            if isinstance(kept, dict):
                self.found = {str(k): int(v) for k, v in kept.items()}

    def counts(self, scripts: list[Script]) -> dict[str, int] | None:
        todo = {sc.sha256: sc.path for sc in scripts if sc.sha256 not in self.found}
        if self.broken or len(todo) > self.budget:
            return None
        if todo:
            fresh = lint.findings(self.repo, sorted(todo.values()))
            if fresh is None:
                self.broken = True
                return None
            self.found.update({sha: fresh[path] for sha, path in todo.items()})
            self.budget -= len(todo)
            if self.store is not None:
                self.store.parent.mkdir(parents=True, exist_ok=True)
                workspace.write_json(self.store, self.found)
        return {sc.path: self.found[sc.sha256] for sc in scripts}


def choose(clusters: list[list[int]], corpus: Corpus, linter: Linter | None) -> list[Choice]:
    scripts = corpus.scripts
    need = sorted({i for c in clusters for i in _tied(c, scripts)})
    counts = linter.counts([scripts[i] for i in need]) if linter and need else None
    note = "" if counts is not None or not need else "; shellcheck not run"
    choices: list[Choice] = []
    for cluster in clusters:
        keyed = sorted((_key(scripts[i], counts), i) for i in cluster)
        (best, winner), (second, runner) = keyed[0], keyed[1]
        reason = _reason(best, second, scripts[runner])
        choices.append(Choice(winner, f"kept by rule: {reason}{note}"))
    return choices


def _prefix(sc: Script) -> tuple[int, int, int, int]:
    flags = [f for f in sc.risks if f != "no_errexit"]
    return (int(sc.archived or bool(sc.backup_of)), -sc.live_callers, len(flags),
            int("no_errexit" in sc.risks))


def _tied(cluster: list[int], scripts: list[Script]) -> list[int]:
    """Shell members that tie on rules 1-4 and whose texts differ: shellcheck decides."""
    best = min(_prefix(scripts[i]) for i in cluster)
    tied = [i for i in cluster if _prefix(scripts[i]) == best and scripts[i].group == "shell"]
    return tied if len({scripts[i].sha256 for i in tied}) > 1 else []


def _key(sc: Script, counts: dict[str, int] | None) -> Key:
    found = counts.get(sc.path, 0) if counts else 0
    return (*_prefix(sc), found, len(sc.path), sc.path)


def _reason(best: Key, second: Key, runner: Script) -> str:
    other = runner.path
    if best[0] != second[0]:
        return f"not archived or a backup, unlike {other}"
    if best[1] != second[1]:
        return f"{-best[1]} live callers, {other} has {-second[1]}"
    if best[2] != second[2]:
        return f"{best[2]} risk flags, {other} has {second[2]}"
    if best[3] != second[3]:
        return f"has set -e, {other} has not"
    if best[4] != second[4]:
        return f"{best[4]} shellcheck findings, {other} has {second[4]}"
    if best[5] != second[5]:
        return f"shorter path than {other} (tied on callers, risks, set -e, shellcheck)"
    return f"first by name before {other} (tied on every other rule)"
