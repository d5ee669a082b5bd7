"""Discovery (notebook 01): inventory, reference graph and risk flags of a repo."""

from __future__ import annotations

import fnmatch
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from runbook_lib.core import auditlog, workspace
from runbook_lib.core.parallel import Progress
from runbook_lib.discovery import classify, inventory, risks, roles, scancache
from runbook_lib.discovery.listing import Listing, list_repo
from runbook_lib.discovery.probe import Probe
from runbook_lib.discovery.references import Reference
from runbook_lib.discovery.references.containers import container_references
from runbook_lib.discovery.scanning import build_index, probe_all, scan_all
from runbook_lib.gitops import gitrepo

if TYPE_CHECKING:
    import pandas as pd

REFERENCE_COLUMNS = ("source", "line", "target", "kind", "status", "resolved", "live", "text",
                     "rule", "confidence")
SKIPPED_COLUMNS = ("path", "reason", "detail", "files")


@dataclass(frozen=True)
class DiscoveryParams:
    repo: Path
    workspace: Path
    include: list[str] = field(default_factory=list)  # globs; empty = everything
    exclude: list[str] = field(default_factory=list)
    max_bytes: int = 1_000_000
    deploy_roots: list[str] = field(default_factory=list)  # e.g. ["/opt/app"]
    workers: int = 0  # 0 = one per core
    containers: bool = True  # references from running containers, when an engine answers
    focus_script: str = ""  # notebook 01 explains this script in full (empty: most referenced)
    cache: bool = True  # reuse the last run's scans of unchanged files (WS/cache)


Rows = list[list[Any]]


@dataclass(frozen=True)
class DiscoveryResult:
    """The three tables as rows (written to CSV as they are); as pandas frames on first use,
    so a run that only writes its files never loads pandas."""

    repo: Path
    workspace: Path
    inventory_rows: Rows = field(repr=False)
    reference_rows: Rows = field(repr=False)
    skipped_rows: Rows = field(repr=False)
    seconds: float
    notes: list[str] = field(default_factory=list)  # e.g. why container references are absent
    warnings: list[str] = field(default_factory=list)  # a listing that was not git's, no script
    reused: int = 0  # scans taken from the workspace cache
    scanned: int = 0  # scans run (files and rescans)

    @cached_property
    def inventory(self) -> pd.DataFrame:
        return _frame(self.inventory_rows, inventory.COLUMNS)

    @cached_property
    def references(self) -> pd.DataFrame:
        return _frame(self.reference_rows, REFERENCE_COLUMNS)

    @cached_property
    def skipped(self) -> pd.DataFrame:
        return _frame(self.skipped_rows, SKIPPED_COLUMNS)

    def orphans(self) -> int:
        """Scripts without a live caller that are not archived."""
        live, archived = (inventory.COLUMNS.index(c) for c in ("live_callers", "archived"))
        return sum(1 for row in self.inventory_rows if row[live] == 0 and not row[archived])

    def dangling(self) -> int:
        status = REFERENCE_COLUMNS.index("status")
        return sum(1 for row in self.reference_rows if row[status] == "missing")


def _frame(rows: Rows, columns: Sequence[str]) -> pd.DataFrame:
    import pandas as pd

    return pd.DataFrame(rows, columns=list(columns))


def run_discovery(params: DiscoveryParams, progress: Progress | None = None) -> DiscoveryResult:
    start = time.perf_counter()
    root = workspace.check_repo(params.repo)
    ws = workspace.prepare(params.workspace, root)
    listing = list_repo(root)
    paths = _filtered(listing.files, params.include, params.exclude)
    probes = probe_all(root, paths, params.max_bytes, params.deploy_roots, params.workers,
                       progress)
    index = build_index(probes, params.deploy_roots)
    cache = scancache.load(ws, scancache.run_key(root, index, probes)) if params.cache else None
    rows, refs = scan_all(root, index, probes, params.workers, progress, cache)
    if cache is not None:
        scancache.save(ws, cache)  # before any row is changed below
    warnings = [] if listing.how in ("walk (not a git repository)", "git") else [listing.how]
    if not rows:
        warnings.append(f"no script found in {root}: nothing to consolidate (check the folder, "
                        "--include and --exclude)")
    notes: list[str] = []
    if params.containers:
        found, note = container_references(root, index)
        refs.extend(found)
        notes += [note] if note else []
    refs.sort(key=lambda r: (r.source, r.line, r.target))
    dates = gitrepo.last_commit_dates(root) if listing.in_git else {}
    _finish_rows(rows, refs, _timer_units(root, paths), dates)
    _assign_roles(root, rows, refs, index.files)
    result = DiscoveryResult(
        root, ws, _inventory_rows(rows), reference_rows(refs),
        _skipped_rows(listing, probes, index.scripts), time.perf_counter() - start, notes,
        warnings, cache.hits if cache else 0, cache.misses if cache else 0,
    )
    _write(result, params, listing)
    return result


def _filtered(paths: list[str], include: Sequence[str], exclude: Sequence[str]) -> list[str]:
    def keep(path: str) -> bool:
        if include and not any(fnmatch.fnmatchcase(path, g) for g in include):
            return False
        return not any(fnmatch.fnmatchcase(path, g) for g in exclude)

    return [p for p in paths if keep(p)]


def _finish_rows(rows: list[inventory.ScriptRow], refs: list[Reference], timers: set[str],
                 dates: dict[str, str]) -> None:
    """Caller counts, last commit dates and the flags that come from callers: scheduled, ci."""
    callers: Counter[str] = Counter()
    live: Counter[str] = Counter()
    derived: dict[str, set[str]] = {}
    for ref in refs:
        if not ref.resolved:
            continue
        callers[ref.target] += 1
        if "+shadows" in ref.rule:  # a file beside a script hides a stdlib or installed module
            derived.setdefault(ref.source, set()).add("shadows_module")
        if ref.live:
            live[ref.target] += 1
            derived.setdefault(ref.target, set()).update(_derived_flags(ref, timers))
    for row in rows:
        row.callers, row.live_callers = callers[row.path], live[row.path]
        row.last_commit = dates.get(row.path, "")
        extra = derived.get(row.path, set())
        if extra:
            row.risks = risks.join(set(filter(None, row.risks.split(";"))) | extra)


def _assign_roles(root: Path, rows: list[inventory.ScriptRow], refs: list[Reference],
                  files: frozenset[str]) -> None:
    facts = roles.repo_facts(files, refs, lambda p: _read_text(root / p))
    for row in rows:
        row.role = roles.role(row.path, row.language, row.traits, facts)


def _read_text(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None


def _timer_units(root: Path, paths: list[str]) -> set[str]:
    """Service units (repo path without `.service`) that a .timer unit of the repo starts."""
    units: set[str] = set()
    for path in paths:
        if not path.endswith(".timer"):
            continue
        stem = path[: -len(".timer")]
        units.add(stem)
        try:
            text = (root / path).read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        folder = path.rsplit("/", 1)[0] + "/" if "/" in path else ""
        for line in text.splitlines():
            key, _, value = line.strip().partition("=")
            if key.strip() == "Unit" and value.strip().endswith(".service"):
                units.add(folder + value.strip()[: -len(".service")])
    return units


def _derived_flags(ref: Reference, timers: set[str]) -> set[str]:
    if ref.kind == "cron":
        return {"scheduled"}
    if ref.kind == "systemd" and ref.source.removesuffix(".service") in timers:
        return {"scheduled"}
    return {"ci"} if ref.kind == "ci" else set()


def _inventory_rows(rows: list[inventory.ScriptRow]) -> Rows:
    rows.sort(key=lambda r: r.path)
    return [[getattr(r, c) for c in inventory.COLUMNS] for r in rows]


def reference_rows(refs: list[Reference]) -> Rows:
    return [[r.source, r.line, r.target, r.kind, r.status, r.resolved, r.live, r.text, r.rule,
             r.confidence] for r in refs]


def references_frame(refs: list[Reference]) -> pd.DataFrame:
    return _frame(reference_rows(refs), REFERENCE_COLUMNS)


def _skipped_rows(listing: Listing, probes: list[Probe], scripts: frozenset[str]) -> Rows:
    data: list[list[object]] = [[tree, reason, "", n] for tree, (reason, n)
                                in listing.vendored.items()]
    for p in probes:
        if p.skip and _worth_recording(p, scripts):
            data.append([p.path, p.skip, p.detail, 1])
    data.sort(key=lambda r: str(r[0]))
    return data


def _worth_recording(p: Probe, scripts: frozenset[str]) -> bool:
    """Every skipped candidate, but symlinks only when they lead to or look like a script."""
    if p.skip != "symlink":
        return True
    return p.link_target in scripts or PurePosixPath(p.path).suffix in classify.EXTENSION_LANGUAGE


def _write(result: DiscoveryResult, params: DiscoveryParams, listing: Listing) -> None:
    in_git = listing.in_git
    ws = result.workspace
    workspace.write_csv(ws / "inventory.csv", inventory.COLUMNS, result.inventory_rows)
    workspace.write_csv(ws / "references.csv", REFERENCE_COLUMNS, result.reference_rows)
    workspace.write_csv(ws / "skipped.csv", SKIPPED_COLUMNS, result.skipped_rows)
    summary = {
        "repo": str(result.repo), "commit": gitrepo.head_commit(result.repo) if in_git else "",
        "in_git": in_git, "scripts": len(result.inventory_rows),
        "references": len(result.reference_rows), "skipped": len(result.skipped_rows),
        "seconds": round(result.seconds, 3),
        "deploy_roots": list(params.deploy_roots), "max_bytes": params.max_bytes,
        "include": list(params.include), "exclude": list(params.exclude),
        "listing": listing.how, "notes": result.notes, "warnings": result.warnings,
        "scans": {"cache": params.cache, "reused": result.reused,
                  "run": result.scanned if params.cache else None},
    }
    workspace.write_json(ws / "discovery.json", summary)
    auditlog.append(ws, "discover", result="ok", scripts=summary["scripts"],
                 references=summary["references"], commit=summary["commit"])
