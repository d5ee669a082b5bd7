"""Recall per clone bucket and pair precision of clusters.csv, beside jscpd, on mutants.

Usage:
  .venv/bin/python bench/quality.py sample [SCRIPTS] [ORIGINALS]   (default 3000 300)
  .venv/bin/python bench/quality.py repos [ORIGINALS_PER_REPO] [REPO...]
                                                          (default 60, every repo in /work/repos)

Mutants (runbook_lib.sample.mutants: T1 layout and comments, T2 half the names renamed and
paths and ports changed, T3 = T2 with statements added, deleted and modified at 12%, 35% and
90%) of ORIGINALS scripts are added to a copy of the tree; discovery and similarity run on it,
and jscpd 5.3.2 with its defaults runs on the same tree. jscpd reports fragment pairs: two
files are one group when the clones between them cover at least half of each (file level, as
clusters are). Mutants below 50% kept (WT3) are outside the buckets. `+ families`
scores clusters.csv with families.csv's suggestions joined in. Sample: precision over
every pair of scripts the ground truth knows. Real repos: over pairs with a mutant in them, a
mutant belonging with its original and with what the run on the untouched repo grouped the
original with. Work folders: /tmp/runbook-bench/quality (never inside the project).
"""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from discover import RUNBOOK
from runbook_lib.sample import benchmark
from runbook_lib.sample.benchmark import BUCKETS, Case, Scores
from similarity import jscpd

WORK = Path("/tmp/runbook-bench/quality")
REPOS = Path("/work/repos")


def run(cmd: list[str], cwd: Path | None = None) -> None:
    done = subprocess.run(cmd, capture_output=True, text=True, check=False, cwd=cwd)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(cmd[:2])} failed: {done.stderr.strip()[-400:]}")


def clusters(repo: Path, ws: Path) -> dict[str, str]:
    shutil.rmtree(ws, ignore_errors=True)
    run([RUNBOOK, "discover", "--direct", "--no-progress", "--repo", str(repo), "--workspace",
         str(ws)])
    run([RUNBOOK, "similarity", "--direct", "--no-progress", "--workspace", str(ws)])
    return _column(ws / "clusters.csv", "cluster_id")


def _column(path: Path, key: str) -> dict[str, str]:
    with open(path, encoding="utf-8", newline="") as fh:
        return {r["path"]: r[key] for r in csv.DictReader(fh)}


def with_families(ws: Path) -> dict[str, str]:
    """clusters.csv and families.csv as one grouping: a family joins its members and the
    clusters they are in (what a person sees who takes the suggestions too)."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.get(x, x) != x:
            x = parent[x]
        return x

    links = [(p, f"cluster {g}") for p, g in _column(ws / "clusters.csv", "cluster_id").items()]
    links += [(p, f"family {g}") for p, g in _column(ws / "families.csv", "family_id").items()]
    for path, group in links:
        ra, rb = find(path), find(group)
        if ra != rb:
            parent[ra] = rb
    return {path: find(path) for path, _ in links}


def jscpd_groups(repo: Path) -> dict[str, str]:
    peer = jscpd()
    if peer is None:
        return {}
    with tempfile.TemporaryDirectory() as out:
        run([peer, "--format", "bash,python", "--reporters", "json", "--output", out,
             "--no-gitignore", "."], cwd=repo)
        report = json.loads((Path(out) / "jscpd-report.json").read_text("utf-8"))
    covered: dict[tuple[str, str], set[int]] = {}
    for dup in report.get("duplicates", []):
        one, two = dup["firstFile"], dup["secondFile"]
        a, b = _name(one["name"]), _name(two["name"])
        if a == b:
            continue
        covered.setdefault((a, b), set()).update(range(one["start"], one["end"] + 1))
        covered.setdefault((b, a), set()).update(range(two["start"], two["end"] + 1))
    return _components(repo, covered)


def _name(name: str) -> str:
    return name[2:] if name.startswith("./") else name


def _components(repo: Path, covered: dict[tuple[str, str], set[int]]) -> dict[str, str]:
    lines: dict[str, int] = {}

    def size(path: str) -> int:
        if path not in lines:
            lines[path] = max(1, len((repo / path).read_bytes().splitlines()))
        return lines[path]

    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.get(x, x) != x:
            x = parent[x]
        return x

    for (a, b), rows in covered.items():
        back = covered.get((b, a), set())
        if a < b and len(rows) >= size(a) / 2 and len(back) >= size(b) / 2:
            ra, rb = find(a), find(b)
            if ra != rb:
                parent[max(ra, rb)] = min(ra, rb)
    return {p: find(p) for p in parent} | {p: p for p in set(parent.values()) if p not in parent}


def _listed(ws: Path) -> set[str]:
    with open(ws / "inventory.csv", encoding="utf-8", newline="") as fh:
        return {r["path"] for r in csv.DictReader(fh)}


def table(rows: list[tuple[str, Scores]], cases: list[Case]) -> None:
    counts = {b: sum(1 for c in cases if c.bucket == b) for b in BUCKETS}
    print(f"{'bucket':<15}" + "".join(f"{name:>14}" for name, _ in rows))
    for b in BUCKETS:
        print(f"{b + f' ({counts[b]})':<15}" + "".join(f"{s.recall[b]:>14.3f}" for _, s in rows))
    print(f"{'pair precision':<15}" + "".join(f"{s.precision:>14.3f}" for _, s in rows))
    print(f"{'pairs counted':<15}" + "".join(f"{s.pairs:>14}" for _, s in rows))


def sample(scripts: int, originals: int) -> None:
    from discover import sample as make_sample

    repo = make_sample(scripts)
    truth = repo.with_name(repo.name + ".truth.json")
    rows = json.loads(truth.read_text("utf-8"))["scripts"]
    chosen = benchmark.choose([r["path"] for r in rows if r["clone_kind"] == "original"
                               and not r["archived"]], originals)
    out = WORK / f"sample-{scripts}"
    shutil.rmtree(out, ignore_errors=True)
    cases = benchmark.build(repo, out, chosen)
    related, counted = benchmark.sample_relation(truth, cases)
    ws = WORK / f"sample-{scripts}-ws"
    ours = benchmark.score(clusters(out, ws), cases, related, counted)
    both = benchmark.score(with_families(ws), cases, related, counted)
    print(f"sample of {scripts} scripts, {len(chosen)} originals, {len(cases)} mutants")
    columns = [("clusters.csv", ours), ("+ families", both)]
    if _peer():
        columns.append(("jscpd 5.3.2", benchmark.score(jscpd_groups(out), cases, related,
                                                       counted)))
    table(columns, cases)


def repos(per_repo: int, names: list[str]) -> None:
    cases: list[Case] = []
    ours: dict[str, str] = {}
    both: dict[str, str] = {}
    theirs: dict[str, str] = {}
    base: dict[str, str] = {}
    for repo in [REPOS / n for n in names] or sorted(REPOS.iterdir()):
        tag = repo.name
        before = clusters(repo, WORK / f"{tag}-base-ws")
        inventory = WORK / f"{tag}-base-ws" / "inventory.csv"
        with open(inventory, encoding="utf-8", newline="") as fh:
            paths = [r["path"] for r in csv.DictReader(fh) if r["archived"] != "true"]
        out = WORK / tag
        shutil.rmtree(out, ignore_errors=True)
        made = benchmark.build(repo, out, benchmark.choose(paths, per_repo))
        grouped = clusters(out, WORK / f"{tag}-ws")
        # mutants the repo's .gitignore hides (devstack ignores local.sh) are not scripts
        listed = _listed(WORK / f"{tag}-ws")
        # one namespace for all repos: prefix every path with the repo's name
        cases += [Case(f"{tag}/{c.path}", f"{tag}/{c.original}", c.operator, c.share, c.bucket)
                  for c in made if c.path in listed]
        base |= {f"{tag}/{p}": f"{tag}/{g}" for p, g in before.items()}
        ours |= {f"{tag}/{p}": f"{tag}/{g}" for p, g in grouped.items()}
        both |= {f"{tag}/{p}": f"{tag}/{g}" for p, g in with_families(WORK / f"{tag}-ws").items()}
        theirs |= {f"{tag}/{p}": f"{tag}/{g}" for p, g in jscpd_groups(out).items()}
    related, counted = benchmark.baseline_relation(base, cases)
    print(f"{len(names) or len(list(REPOS.iterdir()))} fetched repos, "
          f"{len({c.original for c in cases})} originals, {len(cases)} mutants")
    columns = [("clusters.csv", benchmark.score(ours, cases, related, counted)),
               ("+ families", benchmark.score(both, cases, related, counted))]
    if _peer():
        columns.append(("jscpd 5.3.2", benchmark.score(theirs, cases, related, counted)))
    table(columns, cases)


def _peer() -> bool:
    """Whether jscpd is there to compare with; says so when it is not (a column of zeros
    would read as jscpd finding nothing)."""
    if jscpd() is None:
        print("jscpd not found: its column is left out (npm i -E jscpd@5.3.2 in /tmp/jscpd, "
              "or set $JSCPD)")
        return False
    return True


if __name__ == "__main__":
    args = sys.argv[1:] or ["sample"]
    if args[0] == "sample":
        sample(int(args[1]) if len(args) > 1 else 3000, int(args[2]) if len(args) > 2 else 300)
    else:
        repos(int(args[1]) if len(args) > 1 else 60, args[2:])
