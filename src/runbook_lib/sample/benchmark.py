"""A clone benchmark made from any repo: its scripts plus mutants of some of them, and scores.

`build` copies the repo (with its git folder, so discovery lists it as before) and writes, for
each chosen original of at least MIN_LINES code lines and MIN_STATEMENTS simple statements, one
mutant per operator under `mutants/<operator>/<its path>`, and the truth beside the copy
(`<out>.mutants.json`). `score` measures a grouping of scripts (clusters.csv, or any detector's
groups) as the field does: recall per bucket (a mutant is found when it is in its original's
group) and pair precision (of the pairs grouped together, the share that `related` says belong
together).
"""

from __future__ import annotations

import itertools
import json
import random
import shutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from runbook_lib.sample import anatomy, mutants

BUCKETS = ("T1", "T2", "VST3", "ST3", "MT3")
EXTENSIONS = {".sh": False, ".bash": False, ".py": True}
POOL_SCRIPTS = 200  # scripts whose simple statements T3 mutants may be given
# originals with fewer code lines (BigCloneBench's floor) or simple statements (the
# similarity step's: a copy needs 3 statements that are not set-up) are left out
MIN_LINES, MIN_STATEMENTS = 6, 3


@dataclass(frozen=True)
class Case:
    path: str  # the mutant, repo-relative
    original: str
    operator: str
    share: float
    bucket: str


@dataclass(frozen=True)
class Scores:
    recall: dict[str, float]  # bucket -> share found
    counts: dict[str, int]  # bucket -> mutants in it
    precision: float
    pairs: int  # pairs counted for precision


def truth_path(out: Path) -> Path:
    return out.with_name(out.name + ".mutants.json")


def build(repo: Path, out: Path, originals: list[str], seed: int = 1) -> list[Case]:
    """Copy `repo` to `out` and add the mutants of `originals` (repo-relative .sh/.py)."""
    out = Path(out)
    shutil.copytree(repo, out, symlinks=True)
    rng = random.Random(seed)
    pool = _pool(repo, originals, rng)
    cases: list[Case] = []
    for path in originals:
        python = EXTENSIONS[Path(path).suffix]
        text = (repo / path).read_bytes().decode("utf-8", "replace")
        parts = anatomy.read(text, python)
        if len(parts.code_rows()) < MIN_LINES or len(parts.simple) < MIN_STATEMENTS:
            continue
        donor = rng.choice(pool[python]) if pool[python] else []
        for operator in mutants.OPERATORS:
            made = mutants.mutate(text, python, operator, rng, donor)
            where = f"mutants/{operator}/{path}"
            (out / where).parent.mkdir(parents=True, exist_ok=True)
            (out / where).write_text(made.text, encoding="utf-8")
            cases.append(Case(where, path, operator, made.share, made.bucket))
    truth_path(out).write_text(json.dumps([vars(c) for c in cases], indent=0), "utf-8")
    return cases


def load(out: Path) -> list[Case]:
    return [Case(**row) for row in json.loads(truth_path(out).read_text("utf-8"))]


def choose(paths: Iterable[str], count: int, seed: int = 1) -> list[str]:
    """`count` scripts with an extension jscpd knows too, drawn reproducibly."""
    eligible = sorted(p for p in paths if Path(p).suffix in EXTENSIONS
                      and not p.startswith("mutants/"))
    return sorted(random.Random(seed).sample(eligible, min(count, len(eligible))))


def _pool(repo: Path, originals: list[str],
          rng: random.Random) -> dict[bool, list[list[str]]]:
    """Per language, the simple statements of other scripts, one list per script: a mutant
    pastes lines from one donor, as a person copies a block from one place."""
    others = [p for p in sorted(_scripts(repo)) if p not in set(originals)]
    found: dict[bool, list[list[str]]] = {False: [], True: []}
    for path in rng.sample(others, min(POOL_SCRIPTS, len(others))):
        python = EXTENSIONS[Path(path).suffix]
        text = (repo / path).read_bytes().decode("utf-8", "replace")
        lines = [s for s in mutants.simple_lines(text, python) if len(s) < 120]
        if lines:
            found[python].append(lines)
    return found


def _scripts(repo: Path) -> Iterable[str]:
    for path in repo.rglob("*"):
        if path.suffix in EXTENSIONS and path.is_file() and ".git" not in path.parts:
            yield path.relative_to(repo).as_posix()


def score(groups: dict[str, str], cases: list[Case], related: Callable[[str, str], bool],
          counted: Callable[[str, str], bool]) -> Scores:
    """groups: path -> group id (scripts in no group left out)."""
    found: dict[str, list[bool]] = {b: [] for b in BUCKETS}
    for case in cases:
        if case.bucket in found:
            mine = groups.get(case.path)
            found[case.bucket].append(mine is not None and mine == groups.get(case.original))
    members: dict[str, list[str]] = {}
    for path, gid in groups.items():
        members.setdefault(gid, []).append(path)
    good = bad = 0
    for paths in members.values():
        for a, b in itertools.combinations(sorted(paths), 2):
            if counted(a, b):
                good, bad = (good + 1, bad) if related(a, b) else (good, bad + 1)
    return Scores({b: sum(v) / len(v) if v else 1.0 for b, v in found.items()},
                  {b: len(v) for b, v in found.items()},
                  good / (good + bad) if good + bad else 1.0, good + bad)


Relation = Callable[[str, str], bool]


def sample_relation(truth: Path, cases: list[Case]) -> tuple[Relation, Relation]:
    """(related, counted) for the sample: copies joined to their origin, transitively, and
    mutants to their original; pairs of scripts the truth knows are counted."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.get(x, x) != x:
            x = parent[x]
        return x

    rows = json.loads(Path(truth).read_text("utf-8"))["scripts"]
    edges = [(r["path"], r["origin"]) for r in rows if r["origin"]]
    edges += [(c.path, c.original) for c in cases]
    for a, b in edges:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[ra] = rb
    known = {r["path"] for r in rows} | {c.path for c in cases}
    return (lambda a, b: find(a) == find(b)), (lambda a, b: a in known and b in known)


def baseline_relation(baseline: dict[str, str], cases: list[Case]) -> tuple[Relation, Relation]:
    """(related, counted) for a real repo: a mutant belongs with its original and with what
    the run on the untouched repo grouped the original with (`baseline`: path -> group);
    only pairs with a mutant in them are counted (the rest is the baseline's own call)."""
    base = {c.path: c.original for c in cases}

    def related(a: str, b: str) -> bool:
        oa, ob = base.get(a, a), base.get(b, b)
        return oa == ob or (oa in baseline and baseline.get(oa) == baseline.get(ob))

    return related, (lambda a, b: a in base or b in base)
