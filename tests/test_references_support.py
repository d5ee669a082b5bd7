"""Building small real repos and scanning every file the way discovery does."""

from __future__ import annotations

from pathlib import Path

from runbook_lib.discovery.references import RepoIndex, scan_file, source_kind
from runbook_lib.discovery.references.model import SCRIPT_EXTENSIONS

Row = tuple[str, int, str, str, bool]  # source, line, target, status, live


def make_repo(root: Path, files: dict[str, str], links: dict[str, str] | None = None) -> None:
    for path, text in files.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text)
    for link, target in (links or {}).items():
        (root / link).parent.mkdir(parents=True, exist_ok=True)
        (root / link).symlink_to(target)


def kind_of(path: str, text: str) -> str | None:
    if path.endswith(".py") or text.startswith("#!/usr/bin/env python"):
        return "python"
    if path.endswith(SCRIPT_EXTENSIONS) or text.startswith("#!/bin/"):
        return "script"
    return source_kind(path)


def scan_repo(
    root: Path, files: dict[str, str], links: dict[str, str] | None = None,
    archived: set[str] | None = None, deploy_roots: tuple[str, ...] = ("/opt/app",),
    only: str | None = None,
) -> set[Row]:
    make_repo(root, files, links)
    scripts = {p for p, t in files.items() if kind_of(p, t) in ("script", "python")}
    index = RepoIndex.build(
        scripts, set(files), symlinks=links and {k: _target(k, v) for k, v in links.items()},
        archived=archived, deploy_roots=deploy_roots,
    )
    rows: set[Row] = set()
    for path, text in files.items():
        kind = kind_of(path, text)
        if kind is None or (only is not None and path != only):
            continue
        for ref in scan_file(path, text, kind, index, root, path in (archived or set())):
            rows.add((ref.source, ref.line, ref.target, ref.status, ref.live))
    return rows


def _target(link: str, target: str) -> str:
    parent = link.rpartition("/")[0]
    return f"{parent}/{target}" if parent and not target.startswith("/") else target
