"""Discovery again after a change, incrementally: only the files the change touched and, for
the files it removed, the lines of their callers that named them are scanned; every other row
of the earlier references stands.

What a batch can change is narrow (it rewrites, shims, quarantines or removes listed files and
adds none), so a row can only change where its file changed or where its word named a file
the batch removed (by path, or by a name that may now resolve elsewhere). A caller's other
lines keep their rows: scanned alone, a file would not know what the whole run learnt (the
variables its sourcing callers set, folders other scripts add to sys.path). Symlinks' rows
are made again from the tree.
"""

from __future__ import annotations

import difflib
import posixpath
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from runbook_lib.discovery import classify
from runbook_lib.discovery.discover import references_frame
from runbook_lib.discovery.probe import probe
from runbook_lib.discovery.references import Reference, RepoIndex, prepare, scan_file
from runbook_lib.discovery.scanning import deploy_target, symlink_references


@dataclass(frozen=True)
class Tree:
    """A checkout after the change, as git lists it."""

    root: Path
    files: frozenset[str]  # regular files
    links: frozenset[str]  # symlinks
    scripts_before: frozenset[str]  # the inventory of the state the change started from


def rescan(tree: Tree, baseline: pd.DataFrame, changed: dict[str, str], touched: set[str],
           deploy_roots: Iterable[str], max_bytes: int,
           before: Callable[[str], str | None] | None = None) -> pd.DataFrame:
    """The references of `tree`, from `baseline` (those of the state before the change).
    With `before` (a changed file's text before the change), the rows of a changed file's
    unchanged lines that its scan alone cannot make again are kept, at their new line."""
    present = {p for p, status in changed.items() if status != "D" and p in tree.files}
    roots = tuple(deploy_roots)
    probes = {p: probe(tree.root, p, max_bytes, lambda raw: deploy_target(raw, roots))
              for p in present | tree.links}
    scripts = {p for p in tree.scripts_before if p in tree.files and p not in changed}
    scripts |= {p for p in present if probes[p].language}
    links = {p: probes[p].link_target for p in tree.links if probes[p].link_target in scripts}
    archived = {p for p in tree.files if classify.is_archived(p)}
    index = RepoIndex.build(scripts, set(tree.files), links, archived, roots)
    prepare(index, tree.root)
    # a file the batch changed but kept resolves as before: only removals change callers
    removed = {p for p in touched if changed.get(p) == "D"}
    callers = (_callers(baseline, removed) & tree.files) - present - tree.links
    hit = _lines_naming(baseline, removed, callers)
    fresh = references_frame(
        [r for path in sorted(present) for r in _scan(tree.root, path, index, max_bytes)]
        + [r for path in sorted(callers) for r in _scan(tree.root, path, index, max_bytes)
           if (r.source, r.line) in hit]
        + symlink_references([probes[p] for p in sorted(tree.links)], index))
    if before is not None:
        fresh = _with_kept_lines(fresh, baseline, present, removed, tree, before)
    # an unchanged caller keeps its other rows: a rescan of one file alone does not know what
    # the whole run learnt (variables its sourcing callers set, sys.path from other scripts)
    keys = list(zip(baseline["source"].astype(str), baseline["line"].astype(int), strict=True))
    gone = baseline["source"].isin(present | set(changed) | tree.links) | pd.Series(
        [k in hit for k in keys], index=baseline.index, dtype=bool)
    kept = baseline[~gone]
    frame = pd.concat([kept, fresh], ignore_index=True) if len(fresh) else kept.copy()
    return frame.sort_values(["source", "line", "target"], kind="stable").reset_index(drop=True)


def _with_kept_lines(fresh: pd.DataFrame, baseline: pd.DataFrame, present: set[str],
                     removed: set[str], tree: Tree, before: Callable[[str], str | None]
                     ) -> pd.DataFrame:
    """`fresh`, where each line of a changed file that the change left as it was and that had
    rows has the baseline's rows instead, moved to where the line is now (unless one of them
    named a removed file: that line is the fresh scan's to judge). A file scanned alone does
    not know what the whole run learnt: the variables its sourcing callers set, the host
    paths an installer copies scripts to, the scripts that run their arguments; a line the
    change did not touch still means what it meant."""
    rows = baseline[baseline["source"].isin(present)]
    kept: list[int] = []
    lines: list[int] = []
    taken: set[tuple[str, int]] = set()
    for path, group in rows.groupby("source", sort=True):
        old = before(str(path))
        if old is None:
            continue
        new = (tree.root / str(path)).read_text(encoding="utf-8", errors="replace")
        moved = _same_lines(old, new)
        for line, on_line in group.groupby(group["line"].astype(int), sort=True):
            now = moved.get(int(line))
            if now is None or any(str(t) in removed for t in on_line["target"]):
                continue
            kept += list(on_line.index)
            lines += [now] * len(on_line)
            taken.add((str(path), now))
    if not kept:
        return fresh
    carried = baseline.loc[kept].copy()
    carried["line"] = lines
    mine = pd.Series([k in taken for k in zip(fresh["source"].astype(str),
                                                fresh["line"].astype(int), strict=True)],
                     index=fresh.index, dtype=bool)
    rest = fresh[~mine]
    return pd.concat([rest, carried], ignore_index=True) if len(rest) else carried


def _same_lines(old: str, new: str) -> dict[int, int]:
    """Line numbers (1-based) of the old text's lines that the new text has unchanged, mapped
    to their number there."""
    matcher = difflib.SequenceMatcher(None, old.split("\n"), new.split("\n"))
    return {a + k + 1: b + k + 1 for a, b, size in matcher.get_matching_blocks()
            for k in range(size)}


def _lines_naming(baseline: pd.DataFrame, touched: set[str], callers: set[str]
                  ) -> set[tuple[str, int]]:
    """(source, line) of the callers' rows that named a touched file."""
    names = {posixpath.basename(p) for p in touched}
    rows = baseline[baseline["source"].isin(callers)]
    words = rows["target"].astype(str)
    hit = words.isin(touched) | words.map(lambda w: posixpath.basename(w) in names).astype(bool)
    return set(zip(rows.loc[hit, "source"].astype(str), rows.loc[hit, "line"].astype(int),
                   strict=True))


def _callers(baseline: pd.DataFrame, touched: set[str]) -> set[str]:
    """Sources of rows that named a touched file, by path or by a word ending in its name."""
    names = {posixpath.basename(p) for p in touched}
    words = baseline["target"].astype(str)
    hit = words.isin(touched) | words.map(lambda w: posixpath.basename(w) in names).astype(bool)
    return set(baseline.loc[hit, "source"].astype(str))


def _scan(root: Path, path: str, index: RepoIndex, max_bytes: int) -> list[Reference]:
    found = probe(root, path, max_bytes)
    if found.kind is None or found.skip:
        return []
    try:
        text = (root / path).read_bytes().decode("utf-8", "replace")
    except OSError:
        return []
    return scan_file(path, text, found.kind, index, root, path in index.archived)
