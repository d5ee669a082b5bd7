"""Consolidation opportunities, ranked by the scripts and lines each would remove.

Kinds: backup_copy (a `*.backup_*`/`.bak`/`.orig`/`~` copy beside its original), duplicate
(exact, normalised and renamed copies: the rest become shims of the canonical),
near_duplicate (variants and near-miss copies: a person merges them, with parameters for
variants), family (the same job written twice),
shared_fragment (a block pasted into many scripts: lines, not scripts, go), orphan (not
archived, no live caller). A script is counted as removed by the first kind that claims it,
in that order, so the totals per kind add up without double counting; it is still listed as a
member of every opportunity it belongs to (an orphan duplicate is both).

risk is the highest risk flag among the members and the scripts that call them, by severity:
RISK_ORDER, most severe first.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

import pandas as pd

from runbook_lib.core.workspace import lists
from runbook_lib.similarity.corpus import Corpus, Script

OPPORTUNITY_COLUMNS = (
    "opportunity_id", "kind", "members", "keep", "scripts_removed", "lines_removed", "risk",
    "evidence", "rank", "member_count", "folder", "source_id",
)
KINDS = ("backup_copy", "duplicate", "near_duplicate", "family", "shared_fragment", "orphan")
RISK_ORDER = ("destructive", "privileged", "stateful", "scheduled", "ci", "docker", "network",
              "location_sensitive", "hardcoded_path", "env", "no_errexit", "timing")


@dataclass
class Opportunity:
    kind: str
    members: list[str]
    keep: str
    removable: list[str]  # members this opportunity would remove
    evidence: str
    source_id: str = ""
    lines_override: int | None = None  # shared fragments remove lines, not scripts
    removed: list[str] = field(default_factory=list)


def build(corpus: Corpus, clusters: pd.DataFrame, fragments: pd.DataFrame,
          families: pd.DataFrame) -> pd.DataFrame:
    by_path = {sc.path: sc for sc in corpus.scripts}
    found = [*_backups(corpus, clusters), *_from_clusters(clusters),
             *_from_families(families, by_path), *_from_fragments(fragments),
             *_orphans(corpus)]
    claimed: set[str] = set()
    for opp in sorted(found, key=lambda o: KINDS.index(o.kind)):
        opp.removed = [m for m in opp.removable if m not in claimed]
        claimed.update(opp.removed)
    return _frame(found, by_path, _flags(corpus, by_path))


def _backups(corpus: Corpus, clusters: pd.DataFrame) -> Iterable[Opportunity]:
    note = {str(path): str(evidence) for path, evidence, canonical
            in zip(*lists(clusters, "path", "evidence", "canonical"), strict=True)
            if not canonical}
    for sc in corpus.scripts:
        if sc.backup_of:
            how = note.get(sc.path, "not a copy of any script by the similarity measure")
            yield Opportunity("backup_copy", [sc.path], sc.backup_of, [sc.path],
                              f"backup copy of {sc.backup_of}; {how}")


def _from_clusters(clusters: pd.DataFrame) -> Iterable[Opportunity]:
    groups: dict[str, list[tuple[str, bool, str, float]]] = {}
    for row in zip(*lists(clusters, "cluster_id", "path", "canonical", "clone_type",
                          "similarity"), strict=True):
        groups.setdefault(str(row[0]), []).append((str(row[1]), bool(row[2]), str(row[3]),
                                                   float(row[4])))
    for cid, rows in sorted(groups.items()):
        keep = next(path for path, canonical, _, _ in rows if canonical)
        for kind, types in (("duplicate", ("exact", "normalised", "renamed")),
                            ("near_duplicate", ("variant", "near"))):
            part = [r for r in rows if not r[1] and r[2] in types]
            if not part:
                continue
            paths = [r[0] for r in part]
            counts = Counter(r[2] for r in part)
            what = ", ".join(f"{counts[t]} {t}" for t in sorted(counts))
            low = min(r[3] for r in part)
            yield Opportunity(kind, [keep, *paths], keep, paths,
                              f"cluster {cid}: {what} cop{'y' if len(paths) == 1 else 'ies'} "
                              f"of {keep} (lowest similarity {low:.0%})", cid)


def _from_families(families: pd.DataFrame, by_path: dict[str, Script]) -> Iterable[Opportunity]:
    groups: dict[str, list[tuple[float, str, str]]] = {}
    for fid, path, score, evidence in zip(
            *lists(families, "family_id", "path", "score", "evidence"), strict=True):
        groups.setdefault(str(fid), []).append((float(score), str(path), str(evidence)))
    for fid, rows in sorted(groups.items()):
        paths = sorted(path for _, path, _ in rows)
        keep = min(paths, key=lambda p: _keep_key(by_path[p]))
        best = min(rows, key=lambda r: (-r[0], r[1]))
        yield Opportunity("family", paths, keep, [p for p in paths if p != keep],
                          f"same job {len(paths)} times: {best[2]}", fid)


def _keep_key(sc: Script) -> tuple[int, int, int, int, str]:
    return (int(sc.archived), -sc.live_callers, len(sc.risks), len(sc.path), sc.path)


def _from_fragments(fragments: pd.DataFrame) -> Iterable[Opportunity]:
    groups: dict[str, list[str]] = {}
    first: dict[str, tuple[str, int, int, str]] = {}
    for fid, path, name, lines, copies, kind in zip(
            *lists(fragments, "fragment_id", "path", "name", "lines", "copies", "kind"),
            strict=True):
        groups.setdefault(str(fid), []).append(str(path))
        first.setdefault(str(fid), (str(name), int(lines), int(copies), str(kind)))
    for fid, paths in sorted(groups.items()):
        name, lines, copies, kind = first[fid]
        label = f"function {name}" if kind == "function" else (
            f"block of {lines} lines" + (f" in {name}" if name else ""))
        yield Opportunity("shared_fragment", sorted(set(paths)), "", [],
                          f"{label} pasted into {copies} scripts", fid,
                          lines_override=(copies - 1) * lines)


def _orphans(corpus: Corpus) -> Iterable[Opportunity]:
    for sc in corpus.scripts:
        if sc.live_callers == 0 and not sc.archived:
            seen = (f"{sc.callers} non-running mention{'s' if sc.callers != 1 else ''} "
                    "(docs, data, comments or archived files)") if sc.callers else "no mention"
            yield Opportunity("orphan", [sc.path], "", [sc.path], f"no live caller; {seen}")


def _flags(corpus: Corpus, by_path: dict[str, Script]) -> dict[str, frozenset[str]]:
    """Per script: its own risk flags and those of the scripts that call it."""
    refs = corpus.references
    callers: dict[str, set[str]] = {}
    ok = refs[refs["status"] == "resolved"]
    for source, target in zip(*lists(ok, "source", "target"), strict=True):
        callers.setdefault(str(target), set()).add(str(source))
    return {path: frozenset(sc.risks).union(*(by_path[c].risks for c in callers.get(path, ())
                                              if c in by_path))
            for path, sc in by_path.items()}


def _risk(members: list[str], flags: dict[str, frozenset[str]]) -> str:
    found = frozenset().union(*(flags.get(m, frozenset()) for m in members))
    return next((f for f in RISK_ORDER if f in found), "")


def _folder(members: list[str]) -> str:
    parts = [m.split("/")[:-1] for m in members]
    common: list[str] = []
    for level in zip(*parts, strict=False):
        if len(set(level)) != 1:
            break
        common.append(level[0])
    return "/".join(common) or "."


def _frame(found: list[Opportunity], by_path: dict[str, Script],
           flags: dict[str, frozenset[str]]) -> pd.DataFrame:
    def lines(o: Opportunity) -> int:
        if o.lines_override is not None:
            return o.lines_override
        return sum(by_path[m].lines for m in o.removed if m in by_path)

    ranked = sorted(found, key=lambda o: (-len(o.removed), -lines(o), KINDS.index(o.kind),
                                          o.members))
    rows = [(f"O{n:05d}", o.kind, ";".join(o.members), o.keep, len(o.removed), lines(o),
             _risk(o.members, flags), o.evidence, n, len(o.members),
             _folder(o.members), o.source_id) for n, o in enumerate(ranked, start=1)]
    return pd.DataFrame(rows, columns=list(OPPORTUNITY_COLUMNS))
