"""Hand-check same-job families on real repos: draw what to judge, then score the verdicts.

Usage:
  .venv/bin/python bench/families_check.py draw OUT.csv WS...   20 suggested families and 20
      pairs of scripts whose names share a job token that is not generic and half their job
      tokens (drawn reproducibly), with an empty `verdict` column: write `same` or
      `different` (the same job done twice, or not)
  .venv/bin/python bench/families_check.py score OUT.csv
      precision = families judged `same` / families judged; recall = same-job name pairs that
      the step grouped (one family, or one cluster of copies) / name pairs judged `same`.
"""

from __future__ import annotations

import csv
import itertools
import random
import sys
from pathlib import Path

from runbook_lib.similarity.names import job_tokens, name_similarity

FIELDS = ("kind", "workspace", "id", "members", "grouped", "evidence", "verdict", "why")
GENERIC = {"run", "main", "test", "tests", "setup", "init", "install", "config", "utils",
           "common", "start", "build", "update", "check", "deploy", "get", "create"}


def _rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def draw(out: Path, workspaces: list[Path], count: int = 20, seed: int = 12) -> None:
    rng = random.Random(seed)
    families, pairs = [], []
    for ws in workspaces:
        fam: dict[str, list[dict[str, str]]] = {}
        for row in _rows(ws / "families.csv"):
            fam.setdefault(row["family_id"], []).append(row)
        families += [("family", ws.name, fid, ";".join(r["path"] for r in rows), "yes",
                      rows[0]["evidence"]) for fid, rows in sorted(fam.items())]
        pairs += _name_pairs(ws, fam)
    chosen = rng.sample(families, min(count, len(families)))
    chosen += rng.sample(pairs, min(count, len(pairs)))
    with open(out, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(FIELDS)
        writer.writerows([*row, "", ""] for row in chosen)


def _name_pairs(ws: Path, fam: dict[str, list[dict[str, str]]]) -> list[tuple[str, ...]]:
    """Pairs of live (not archived) scripts whose names share a job token that is not a
    generic word, and whether the step put them in one family or one cluster."""
    group: dict[str, set[str]] = {}
    for fid, rows in fam.items():
        for r in rows:
            group.setdefault(r["path"], set()).add(fid)
    for r in _rows(ws / "clusters.csv"):
        group.setdefault(r["path"], set()).add(r["cluster_id"])
    inventory = [r["path"] for r in _rows(ws / "inventory.csv") if r["archived"] != "true"]
    by_token: dict[str, list[str]] = {}
    for path in inventory:
        for token in set(job_tokens(Path(path).name)) - GENERIC:
            if len(token) > 2 and not token.isdigit():
                by_token.setdefault(token, []).append(path)
    found = set()
    for paths in by_token.values():
        if 2 <= len(paths) <= 12:
            found.update((a, b) for a, b in itertools.combinations(sorted(paths), 2)
                         if name_similarity(job_tokens(Path(a).name),
                                            job_tokens(Path(b).name)) >= 0.5)
    return [("name_pair", ws.name, f"{a}|{b}", f"{a};{b}",
             "yes" if group.get(a, set()) & group.get(b, set()) else "no", "")
            for a, b in sorted(found)]


def score(out: Path) -> None:
    rows = _rows(out)
    fams = [r for r in rows if r["kind"] == "family" and r["verdict"]]
    same = [r for r in rows if r["kind"] == "name_pair" and r["verdict"] == "same"]
    judged = [r for r in rows if r["kind"] == "name_pair" and r["verdict"]]
    good = sum(r["verdict"] == "same" for r in fams)
    grouped = sum(r["grouped"] == "yes" for r in same)
    grouped_all = [r for r in judged if r["grouped"] == "yes"]
    print(f"families judged {len(fams)}: same job {good}, precision "
          f"{good / len(fams) if fams else 0:.2f}")
    print(f"name pairs judged {len(judged)}: same job {len(same)}, grouped {grouped}, recall "
          f"{grouped / len(same) if same else 0:.2f}; grouped pairs that are the same job "
          f"{sum(r['verdict'] == 'same' for r in grouped_all)}/{len(grouped_all)}")


if __name__ == "__main__":
    if sys.argv[1] == "draw":
        draw(Path(sys.argv[2]), [Path(p) for p in sys.argv[3:]])
    else:
        score(Path(sys.argv[2]))
