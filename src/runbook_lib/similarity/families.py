"""Same-job families: scripts whose text differs but which look like the same job done twice.

Candidates share a name key (the set of job tokens of the file name, variant words such as
`simple`, `new`, `v2` dropped: build_all_images ~ build-all-images ~ build_all_images_simple),
or the same header or usage text. Names that each hold a token the other lacks name two
targets (deploy_billing_api, deploy_orders_web: one job for two services) and are never a
family (for one-word names, the folders are compared that way). Other pairs are scored

    name_weight * name + 0.20 * header + 0.25 * commands + 0.10 * same folder

(name: Dice of job tokens, weighing 0.45 when the shorter name has two tokens or more, else
0.25; header: 1 when description or usage text is equal; commands: Jaccard of the commands
and `tool verb` pairs used, common built-ins left out; at most 1.0 in all) and kept from
`family_threshold` (0.45) when they also do some of the same work: at least SAME_WORK (20%)
of their commands or of their blind statements in common. Hand-checked on fetched repos, a
name alone (`run_tests.sh`, `training_pipeline.py` in two unrelated projects) named a job
done twice in 2 of 10 families. Statements are compared without set-up and structure
(`set -e`, `trap`, `exit`, `fi`, `done`, `else`: the boilerplate of normalise.py): every
shell script has them, and two start scripts of two products that share only those and one
check were a fifth alike.
A script that only prints (blind `echo "S"`) shares no work with one that does something:
three test hooks, a stub that says hello and two that each patch another file, are three jobs.

One condition keeps a pair: it does some of the same work (SAME_WORK), and either its score
reaches the threshold or the two scripts have the same job tokens and share DIVERGED (30%) of
their blind statements, at least DIVERGED_MIN of them, whatever their score. The second way in
matters for one-word names (`airflow_migration/migration.py` and `misc/migration.py`, an older
and a newer version: a copy edited past the near-copy measure); an equal name of two tokens or
more reaches the threshold by itself, so for it shared work alone decides.

A script that calls or sources the other (a wrapper and the script it runs) is its caller,
never the same job twice. A test's job is its subject: two test files (pytest's `test_*.py`,
`*_test.py`) that import modules of the repo are one job only when a module one tests is, or is
a copy or family member of, a module the other tests (two Beam pipeline tests share their
scaffolding, not their job). One template copied into each product's folder, where each copy
names its own product and the other never does, is one job per product (products.py).
Copies of each other (one clone cluster), backup copies and archived scripts are never
family members. These are suggestions for a person.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from itertools import combinations
from pathlib import PurePosixPath

import numpy as np
import pandas as pd

from runbook_lib.core.workspace import lists
from runbook_lib.similarity import products
from runbook_lib.similarity.corpus import Corpus, Script, read_text
from runbook_lib.similarity.names import job_tokens, name_similarity, name_tokens
from runbook_lib.similarity.normalise import Form, Hashes

FAMILY_COLUMNS = ("family_id", "path", "score", "evidence", "family_size", "language")
SAME_WORK = 0.2  # commands or blind statements in common: a name alone is not a job
DIVERGED = 0.3  # blind statements in common that make same-named scripts one job
DIVERGED_MIN = 6  # ... and at least this many of them
WIDESPREAD, WIDESPREAD_MIN = 0.03, 10  # commands in this share (and number) of scripts
MAX_BUCKET = 8  # a name or header shared by more scripts is generic (run.sh, main.py)
COMMON_COMMANDS = frozenset({
    "echo", "printf", "cd", "set", "exit", "return", "[", "[[", "test", "true", "false",
    "local", "export", "shift", "read", "source", ".", "eval", "exec", "trap", "unset", "cat",
    "mkdir", "rm", "cp", "mv", "date", "basename", "dirname", "pwd", "sleep", "grep", "sed",
    "awk", "os", "sys", "argparse", "pathlib", "Path", "re", "json", "logging", "subprocess",
    "time", "typing", "sys.exit", "sys.stderr", "sys.argv", "os.path", "os.environ",
})


@dataclass(frozen=True)
class Pair:
    a: int
    b: int
    score: float
    evidence: str
    work: float  # the larger of the shares of commands and of blind statements in common
    diverged: bool  # same job tokens and DIVERGED of the blind statements in common

    def kept(self, threshold: float) -> bool:
        return self.work >= SAME_WORK and (self.score >= threshold or self.diverged)


def find(corpus: Corpus, cluster_of: list[int], threshold: float) -> pd.DataFrame:
    scripts = corpus.scripts
    eligible = [i for i, sc in enumerate(scripts)
                if not sc.archived and not sc.backup_of and corpus.form(sc).size > 0]
    common = COMMON_COMMANDS | _widespread(corpus, eligible)
    calls = _calls(corpus)
    pairs = [p for p in (_score(corpus, a, b, common)
                         for a, b in _candidates(corpus, eligible, cluster_of)
                         if frozenset((scripts[a].path, scripts[b].path)) not in calls)
             if p.kept(threshold)]
    return _frame(scripts, _same_subjects(corpus, _one_product(corpus, pairs), cluster_of))


def _one_product(corpus: Corpus, pairs: list[Pair]) -> list[Pair]:
    """The pairs, less one template copied per product (products.py). Only kept pairs whose
    paths part at two folders are read again, and parsed only when both name their folder."""
    texts: dict[int, str] = {}
    words: dict[int, list[set[str]]] = {}

    def text(i: int) -> str:
        if i not in texts:
            texts[i] = read_text(corpus.repo, corpus.scripts[i].path)
        return texts[i]

    def statements(i: int) -> list[set[str]]:
        if i not in words:
            words[i] = products.statement_words(text(i), corpus.scripts[i].language)
        return words[i]

    def two(p: Pair) -> bool:
        a, b = corpus.scripts[p.a].path, corpus.scripts[p.b].path
        own_a, own_b = products.folder_words(a, b), products.folder_words(b, a)
        return bool(own_a and own_b) and products.named(text(p.a), own_a) and \
            products.named(text(p.b), own_b) and \
            products.two_products(own_a, statements(p.a), own_b, statements(p.b))

    return [p for p in pairs if not two(p)]


def _same_subjects(corpus: Corpus, pairs: list[Pair], cluster_of: list[int]) -> list[Pair]:
    """The pairs, less those of two tests whose subjects (the repo modules each imports) are
    neither shared nor one job: a copy (one cluster) or linked by the other pairs."""
    subjects = _subjects(corpus)
    tests = {p for p in pairs if p.a in subjects and p.b in subjects}
    if not tests:
        return pairs
    group = list(range(len(corpus.scripts)))

    def root(x: int) -> int:
        while group[x] != x:
            group[x] = group[group[x]]
            x = group[x]
        return x

    first: dict[int, int] = {}
    for i, cluster in enumerate(cluster_of):
        if cluster >= 0:
            group[root(i)] = root(first.setdefault(cluster, i))
    for p in pairs:
        if not (p.a in subjects and p.b in subjects):
            group[root(p.a)] = root(p.b)
    return [p for p in pairs if p not in tests
            or {root(x) for x in subjects[p.a]} & {root(y) for y in subjects[p.b]}]


def _subjects(corpus: Corpus) -> dict[int, set[int]]:
    """Test file (script index) -> the repo modules it imports, package markers, conftest and
    other tests left out; only tests that import some module."""
    index = {sc.path: i for i, sc in enumerate(corpus.scripts)}
    refs = corpus.references
    found: dict[int, set[int]] = {}
    for source, target, kind in zip(*lists(refs, "source", "target", "kind"), strict=True):
        s, t = index.get(str(source)), index.get(str(target))
        if kind != "import" or s is None or t is None or s == t or not _is_test(str(source)):
            continue
        name = PurePosixPath(str(target)).name
        if name not in ("__init__.py", "conftest.py") and not _is_test(str(target)):
            found.setdefault(s, set()).add(t)
    return found


def _is_test(path: str) -> bool:
    name = PurePosixPath(path).name
    return name.endswith(".py") and (name.startswith("test_") or name.endswith("_test.py"))


def _calls(corpus: Corpus) -> set[frozenset[str]]:
    """Pairs of scripts where one calls or sources the other: caller and callee."""
    refs = corpus.references
    return {frozenset((str(a), str(b)))
            for a, b in zip(*lists(refs, "source", "target"), strict=True) if a != b}


def _keys(corpus: Corpus, sc: Script) -> list[tuple[str, ...]]:
    tokens = job_tokens(PurePosixPath(sc.path).name)
    keys: list[tuple[str, ...]] = []
    if tokens:
        keys.append(("name", *sorted(set(tokens))))
    form = corpus.form(sc)
    keys += [("description", form.description)] if form.description else []
    keys += [("usage", form.usage)] if form.usage else []
    return keys


def _candidates(corpus: Corpus, eligible: list[int],
                cluster_of: list[int]) -> list[tuple[int, int]]:
    buckets: dict[tuple[str, ...], list[int]] = {}
    for i in eligible:
        for key in _keys(corpus, corpus.scripts[i]):
            buckets.setdefault(key, []).append(i)
    found: set[tuple[int, int]] = set()
    for members in buckets.values():
        if len(members) <= MAX_BUCKET:
            found.update((a, b) for a, b in combinations(sorted(set(members)), 2)
                         if (cluster_of[a] < 0 or cluster_of[a] != cluster_of[b])
                         and not _two_targets(corpus.scripts[a], corpus.scripts[b]))
    return sorted(found)


def _two_targets(a: Script, b: Script) -> bool:
    """deploy_billing_api vs deploy_orders_web; for one-word names (services/x/bin/restore.sh
    vs services/y/bin/restore.sh) the folders name the targets."""
    pa, pb = PurePosixPath(a.path), PurePosixPath(b.path)
    ta, tb = set(job_tokens(pa.name)), set(job_tokens(pb.name))
    if len(ta) == 1 and ta == tb:
        ta, tb = set(name_tokens(str(pa.parent))), set(name_tokens(str(pb.parent)))
    return bool(ta - tb) and bool(tb - ta)


def _widespread(corpus: Corpus, eligible: list[int]) -> frozenset[str]:
    """Commands and modules that many scripts use (`typing`, `argparse`, `curl`): sharing
    them says nothing about sharing a job."""
    seen = Counter(c for i in eligible for c in corpus.form(corpus.scripts[i]).commands)
    most = max(WIDESPREAD_MIN, WIDESPREAD * len(eligible))
    return frozenset(c for c, n in seen.items() if n >= most)


def _score(corpus: Corpus, a: int, b: int, common: frozenset[str]) -> Pair:
    sa, sb = corpus.scripts[a], corpus.scripts[b]
    fa, fb = corpus.form(sa), corpus.form(sb)
    ta, tb = job_tokens(PurePosixPath(sa.path).name), job_tokens(PurePosixPath(sb.path).name)
    name = name_similarity(ta, tb)
    same_text = [k for k, x, y in (("description", fa.description, fb.description),
                                   ("usage", fa.usage, fb.usage)) if x and x == y]
    ca, cb = set(fa.commands) - common, set(fb.commands) - common
    shared = sorted(ca & cb)
    commands = len(shared) / len(ca | cb) if ca | cb else 0.0
    folder = PurePosixPath(sa.path).parent == PurePosixPath(sb.path).parent
    name_weight = 0.45 if min(len(set(ta)), len(set(tb))) >= 2 else 0.25
    statements, in_common = _work(fa, fb)
    score = name_weight * name + 0.2 * bool(same_text) + 0.25 * commands + 0.1 * folder
    evidence = [f"name {'-'.join(ta)} ~ {'-'.join(tb)} ({name:.0%})"] if name else []
    evidence += [f"same {k} text" for k in same_text]
    if shared:
        evidence.append(f"{commands:.0%} same commands ({', '.join(shared[:4])})")
    if statements >= SAME_WORK:
        evidence.append(f"{statements:.0%} of statements alike with names and literals blinded"
                        " (set-up and structure left out)")
    evidence += ["same folder"] if folder else []
    # two short scripts sharing `set -e` and `set -x` are not one job: DIVERGED_MIN in common
    diverged = set(ta) == set(tb) and bool(ta) and statements >= DIVERGED and \
        in_common >= DIVERGED_MIN
    return Pair(a, b, round(score, 4), "; ".join(evidence), max(commands, statements), diverged)


def _work(fa: Form, fb: Form) -> tuple[float, int]:
    """Dice over the blind statements of two scripts, set-up and structure left out. A script
    that only prints (a hook stub that says hello: `echo "S"`, blind) shares no work with one
    that does something, whatever messages both print."""
    ca, cb = ~fa.boiler, ~fb.boiler
    size = int(ca.sum() + cb.sum())
    if _only_prints(fa) != _only_prints(fb):
        ca, cb = ca & ~fa.talk, cb & ~fb.talk
    common = _in_common(fa.blind[ca], fb.blind[cb])
    return (2 * common / size if size else 0.0), common


def _only_prints(form: Form) -> bool:
    content = ~form.boiler
    return bool(content.any()) and bool(form.talk[content].all())


def _in_common(a: Hashes, b: Hashes) -> int:
    """How many blind statements two multisets share."""
    if not len(a) or not len(b):
        return 0
    va, ca = np.unique(a, return_counts=True)
    vb, cb = np.unique(b, return_counts=True)
    _, ia, ib = np.intersect1d(va, vb, assume_unique=True, return_indices=True)
    return int(np.minimum(ca[ia], cb[ib]).sum())


def _frame(scripts: list[Script], pairs: list[Pair]) -> pd.DataFrame:
    parent: dict[int, int] = {}

    def root(x: int) -> int:
        while parent.get(x, x) != x:
            x = parent[x]
        return x

    best: dict[int, tuple[float, str]] = {}
    for p in pairs:
        ra, rb = root(p.a), root(p.b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
        for me, other in ((p.a, p.b), (p.b, p.a)):
            mine = (p.score, f"like {scripts[other].path}: {p.evidence}")
            if me not in best or mine[0] > best[me][0]:
                best[me] = mine
    groups: dict[int, list[int]] = {}
    for i in sorted(best):
        groups.setdefault(root(i), []).append(i)
    ordered = sorted(groups.values(), key=lambda g: (-len(g), g[0]))
    rows = [(f"J{n:04d}", scripts[i].path, best[i][0], best[i][1], len(g), scripts[i].language)
            for n, g in enumerate(ordered, start=1) for i in g]
    return pd.DataFrame(rows, columns=list(FAMILY_COLUMNS))
