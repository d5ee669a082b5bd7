"""A full campaign on a copy of a real repository: two cycles (quarantine, then retire what
recorded no use), every check of every batch, and what the campaign broke, measured apart from
runbook's own checks.

Usage: .venv/bin/python bench/campaign.py PATH [BATCH_SIZE]

The repository is copied to a temporary folder (the original is never changed). The second
plan runs with observe_days 0 and no usage records, as if the window had passed with no use:
the most the campaign can retire. Prints the actions planned and promoted per cycle, batches
rolled back and why, then: Python import statements of the remaining tree that name a deleted
module and whose dotted name no remaining file ends with (broken imports; those naming a
deleted module's name that a namesake still serves are counted apart), test modules deleted
(tests lost: what discovery's pytest rules collect, and any test_*.py or *_test.py that
defines a test), and the seconds taken.
"""

from __future__ import annotations

import fnmatch
import posixpath
import re
import shutil
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from runbook_lib.checks.importers import imported, module_parts, reaches
from runbook_lib.discovery.discover import DiscoveryParams, run_discovery
from runbook_lib.discovery.references.pytests import collected_tests
from runbook_lib.discovery.treeindex import tree_lookup
from runbook_lib.execution.batch import BatchParams, run_batch
from runbook_lib.gitops import gitrepo
from runbook_lib.planning.approve import ApproveParams, approve
from runbook_lib.planning.plan import PlanParams, build_plan
from runbook_lib.similarity import SimilarityParams, run_similarity

DEFINES_TEST = re.compile(r"^(?:async def test|def test|class Test)", re.MULTILINE)


def cycle(repo: Path, ws: Path, size: int, days: float) -> dict[str, Any]:
    start = time.perf_counter()
    run_discovery(DiscoveryParams(repo=repo, workspace=ws, containers=False))
    run_similarity(ws, SimilarityParams(workspace=ws))
    plan = build_plan(PlanParams(workspace=ws, batch_size=size, observe_days=days))
    approve(ApproveParams(ws, "bench", allow_risk=True))
    planned: Counter[str] = Counter()
    promoted: Counter[str] = Counter()
    failed: list[str] = []
    paths: list[str] = []
    for batch in plan["batches"]:
        outcome = run_batch(BatchParams(ws, int(batch["batch"])))
        kinds = Counter(a["action"] for a in batch["actions"])
        planned.update(kinds)
        if outcome.status == "promoted":
            promoted.update(kinds)
            paths += [f"{a['action']} {a.get('path') or a.get('file')}" for a in batch["actions"]]
        else:
            why = [f"{c['name']}: {str(c['details'])[:200]}" for c in outcome.checks
                   if c["status"] == "fail"]
            failed.append(f"batch {batch['batch']}: {'; '.join(why)}")
    return {"planned": planned, "promoted": promoted, "failed": failed, "paths": paths,
            "batches": len(plan["batches"]), "seconds": time.perf_counter() - start,
            "kept": Counter(k["reason"].split(":")[0] for k in plan["kept"])}


def damage(repo: Path, before: str) -> tuple[list[str], list[str], list[str]]:
    """(import statements naming a deleted module, those of them whose dotted name no file
    left in the tree ends with, test modules deleted) since `before`."""
    gone = [p for p, s in gitrepo_changes(repo, before).items() if s == "D"]
    collected = collected_tests(tree_lookup(repo, gitrepo.tree_modes(repo, before)))
    # discovery's pytest rules, and any file with pytest's default name that defines a test
    tests = [p for p in gone if p in collected or (
        (p.endswith("_test.py") or fnmatch.fnmatch(posixpath.basename(p), "test_*.py"))
        and DEFINES_TEST.search(gitrepo.show_file(repo, before, p) or ""))]
    targets = [module_parts(p) for p in gone if p.endswith(".py")]
    left = [p for p in gitrepo.tree_modes(repo, "HEAD") if p.endswith(".py")]
    tails = {module_parts(p)[-k:] for p in left for k in range(1, len(module_parts(p)) + 1)}
    named, unresolved = [], []
    for path in left:
        text = (repo / path).read_text("utf-8", "replace")
        if not (targets and any(t[-1] in text for t in targets)):
            continue
        names = imported(path, text)
        for t in targets:
            if ("*",) in names or not reaches(names, t):
                continue
            named.append(f"{path} -> {'/'.join(t)}")
            matched = [n for n in names if len(n) <= len(t) and t[-len(n):] == n
                       and n[0] not in sys.stdlib_module_names]
            if any(n not in tails for n in matched):
                unresolved.append(f"{path} -> {'/'.join(t)}")
    return named, unresolved, tests


def gitrepo_changes(repo: Path, before: str) -> dict[str, str]:
    from runbook_lib.gitops import gitwrite

    return gitwrite.changed_paths(repo, before, "HEAD")


def main(source: Path, size: int) -> None:
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="runbook-campaign-") as tmp:
        repo, ws = Path(tmp) / "repo", Path(tmp) / "ws"
        shutil.copytree(source, repo, symlinks=True)
        before = gitrepo.head_commit(repo)
        first = cycle(repo, ws, size, 30.0)
        second = cycle(repo, ws, size, 0.0)
        named, broken, tests = damage(repo, before)
    total = time.perf_counter() - start
    for name, result in (("first", first), ("second", second)):
        print(f"{name} cycle: {result['batches']} batches in {result['seconds']:.0f} s; "
              f"planned {dict(result['planned'])}; promoted {dict(result['promoted'])}")
        print(f"  kept: {dict(result['kept'])}")
        for line in result["failed"]:
            print(f"  rolled back: {line}")
        for line in result["paths"] if len(result["paths"]) <= 12 else []:
            print(f"  {line}")
    print(f"quarantined {first['promoted']['quarantine']}, shimmed "
          f"{first['promoted']['shim'] + second['promoted']['shim']}, retired "
          f"{first['promoted']['retire'] + second['promoted']['retire']}; broken imports "
          f"{len(broken)} (statements naming a deleted module's name: {len(named)}, the others "
          f"have a namesake left); tests lost {len(tests)}; total {total:.0f} s")
    for line in broken[:20] + tests[:20]:
        print(f"  {line}")


if __name__ == "__main__":
    main(Path(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 25)
