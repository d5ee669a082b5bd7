"""Hand-check same-job families on real repos: draw what to judge, then score the verdicts.

Usage:
  .venv/bin/python bench/families_check.py draw OUT.csv WS...
      20 suggested families and 20 pairs of scripts whose names share a job token that is not
      generic and half their job tokens (drawn reproducibly, seed 12), with an empty `verdict`
      column: write `same` or `different` (the same job done twice, or not) and a `why`.
  .venv/bin/python bench/families_check.py draw-equal OUT.csv WS... [--count N]
      N (40) pairs of live scripts whose job-token sets are equal (deploy/run.sh and
      tools/run.sh, sync_users.py and users-sync.sh), names made only of generic words left
      out: a recall sample. Stratified: each name (token set) gives at most one pair, drawn at
      random, and the workspaces take turns, so one large repo or one common name does not
      fill the sample.
  .venv/bin/python bench/families_check.py draw-families OUT.csv WS...
      every suggested family (for a precision over all of them).
  .venv/bin/python bench/families_check.py carry OUT.csv JUDGED.csv...
      copy `verdict` and `why` into OUT.csv from rows of JUDGED.csv with the same members
      (the set of paths: a family of two and a pair of the same scripts ask one question),
      so a redraw after a rule change is judged only where it is new.
  .venv/bin/python bench/families_check.py score OUT.csv... [--workspaces ROOT]
      precision = families judged `same` / families judged; recall = same-job pairs (name
      pairs and equal-name pairs) that the step grouped (one family, or one cluster of
      copies) / pairs judged `same`. With --workspaces, `grouped` is recomputed from
      ROOT/<workspace of the row>, so the verdicts of an old draw score a newer output.
"""

from __future__ import annotations

import argparse
import csv
import itertools
import random
import sys
from pathlib import Path

from runbook_lib.similarity.names import job_tokens, name_similarity

FIELDS = ("kind", "workspace", "id", "members", "grouped", "evidence", "verdict", "why")
PAIR_KINDS = ("name_pair", "equal_pair")
GENERIC = {"run", "main", "test", "tests", "setup", "init", "install", "config", "utils",
           "common", "start", "build", "update", "check", "deploy", "get", "create"}
Row = tuple[str, ...]


def _rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _write(out: Path, rows: list[Row]) -> None:
    with open(out, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(FIELDS)
        writer.writerows([*row, "", ""] for row in rows)


def _families(ws: Path) -> dict[str, list[dict[str, str]]]:
    fam: dict[str, list[dict[str, str]]] = {}
    for row in _rows(ws / "families.csv"):
        fam.setdefault(row["family_id"], []).append(row)
    return fam


def _family_rows(ws: Path) -> list[Row]:
    return [("family", ws.name, fid, ";".join(r["path"] for r in rows), "yes",
             rows[0]["evidence"]) for fid, rows in sorted(_families(ws).items())]


def _groups(ws: Path) -> dict[str, set[str]]:
    """Each path's families and clusters."""
    group: dict[str, set[str]] = {}
    for fid, rows in _families(ws).items():
        for r in rows:
            group.setdefault(r["path"], set()).add(fid)
    for r in _rows(ws / "clusters.csv"):
        group.setdefault(r["path"], set()).add(r["cluster_id"])
    return group


def _live(ws: Path) -> list[str]:
    return [r["path"] for r in _rows(ws / "inventory.csv") if r["archived"] != "true"]


def _pair_row(kind: str, ws: Path, a: str, b: str, group: dict[str, set[str]]) -> Row:
    grouped = "yes" if group.get(a, set()) & group.get(b, set()) else "no"
    return (kind, ws.name, f"{a}|{b}", f"{a};{b}", grouped, "")


def draw(out: Path, workspaces: list[Path], count: int = 20, seed: int = 12) -> None:
    rng = random.Random(seed)
    families = [row for ws in workspaces for row in _family_rows(ws)]
    pairs = [row for ws in workspaces for row in _name_pairs(ws)]
    chosen = rng.sample(families, min(count, len(families)))
    _write(out, chosen + rng.sample(pairs, min(count, len(pairs))))


def _name_pairs(ws: Path) -> list[Row]:
    """Pairs of live (not archived) scripts whose names share a job token that is not a
    generic word, and whether the step put them in one family or one cluster."""
    group = _groups(ws)
    by_token: dict[str, list[str]] = {}
    for path in _live(ws):
        for token in set(job_tokens(Path(path).name)) - GENERIC:
            if len(token) > 2 and not token.isdigit():
                by_token.setdefault(token, []).append(path)
    found = set()
    for paths in by_token.values():
        if 2 <= len(paths) <= 12:
            found.update((a, b) for a, b in itertools.combinations(sorted(paths), 2)
                         if name_similarity(job_tokens(Path(a).name),
                                            job_tokens(Path(b).name)) >= 0.5)
    return [_pair_row("name_pair", ws, a, b, group) for a, b in sorted(found)]


def draw_equal(out: Path, workspaces: list[Path], count: int = 40, seed: int = 12) -> None:
    rng = random.Random(seed)
    queues = [_equal_pairs(ws, rng) for ws in workspaces]
    chosen: list[Row] = []
    while len(chosen) < count and any(queues):
        for queue in queues:
            if queue and len(chosen) < count:
                chosen.append(queue.pop())
    _write(out, chosen)


def _equal_pairs(ws: Path, rng: random.Random) -> list[Row]:
    """One random pair per set of job tokens held by two live scripts or more, shuffled."""
    group = _groups(ws)
    by_name: dict[frozenset[str], list[str]] = {}
    for path in _live(ws):
        tokens = frozenset(job_tokens(Path(path).name))
        if tokens - GENERIC:
            by_name.setdefault(tokens, []).append(path)
    names = sorted(sorted(paths) for paths in by_name.values() if len(paths) > 1)
    rng.shuffle(names)
    return [_pair_row("equal_pair", ws, *sorted(rng.sample(paths, 2)), group)
            for paths in names]


def draw_families(out: Path, workspaces: list[Path]) -> None:
    _write(out, [row for ws in workspaces for row in _family_rows(ws)])


def _key(row: dict[str, str]) -> frozenset[str]:
    """A family of two and a pair of the same scripts ask the same question."""
    return frozenset(row["members"].split(";"))


def carry(out: Path, judged: list[Path]) -> None:
    known = {_key(r): r for path in judged for r in _rows(path) if r["verdict"]}
    rows = _rows(out)
    for r in rows:
        old = known.get(_key(r))
        if old and not r["verdict"]:
            r["verdict"], r["why"] = old["verdict"], old["why"]
    with open(out, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, FIELDS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    print(f"{sum(bool(r['verdict']) for r in rows)} of {len(rows)} rows judged")


def _regroup(row: dict[str, str], root: Path) -> str:
    """Whether the current output of the row's workspace groups the pair (else as drawn)."""
    ws = root / row["workspace"]
    if not (ws / "clusters.csv").exists():
        return row["grouped"]
    a, b = row["members"].split(";")
    group = _groups(ws)
    return "yes" if group.get(a, set()) & group.get(b, set()) else "no"


def score(outs: list[Path], root: Path | None = None) -> None:
    rows = [r for out in outs for r in _rows(out)]
    fams = [r for r in rows if r["kind"] == "family" and r["verdict"]]
    good = sum(r["verdict"] == "same" for r in fams)
    print(f"families judged {len(fams)}: same job {good}, precision "
          f"{good / len(fams) if fams else 0:.2f}")
    for kind in (*PAIR_KINDS, "all pairs"):
        judged = [r for r in rows if r["verdict"] and
                  (r["kind"] == kind or (kind == "all pairs" and r["kind"] in PAIR_KINDS))]
        if root is not None:
            for r in judged:
                r["grouped"] = _regroup(r, root)
        same = [r for r in judged if r["verdict"] == "same"]
        grouped = sum(r["grouped"] == "yes" for r in same)
        grouped_all = [r for r in judged if r["grouped"] == "yes"]
        print(f"{kind} judged {len(judged)}: same job {len(same)}, grouped {grouped}, recall "
              f"{grouped / len(same) if same else 0:.2f}; grouped pairs that are the same job "
              f"{sum(r['verdict'] == 'same' for r in grouped_all)}/{len(grouped_all)}")


def main(args: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("command",
                        choices=("draw", "draw-equal", "draw-families", "carry", "score"))
    parser.add_argument("out", type=Path)
    parser.add_argument("paths", type=Path, nargs="*", help="workspaces, or judged CSVs")
    parser.add_argument("--count", type=int, default=40)
    parser.add_argument("--workspaces", type=Path, help="score: regroup from WS_ROOT/<name>")
    ns = parser.parse_args(args)
    if ns.command == "draw":
        draw(ns.out, ns.paths)
    elif ns.command == "draw-equal":
        draw_equal(ns.out, ns.paths, ns.count)
    elif ns.command == "draw-families":
        draw_families(ns.out, ns.paths)
    elif ns.command == "carry":
        carry(ns.out, ns.paths)
    else:
        score([ns.out, *ns.paths], ns.workspaces)


if __name__ == "__main__":
    main(sys.argv[1:])
