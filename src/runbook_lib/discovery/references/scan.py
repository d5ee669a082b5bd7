"""Scanning one file: pick the extractor for its kind, turn its hits into reference rows."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from .ci import extract_ci
from .compose import extract_compose
from .composefile import compose_contexts
from .cron import extract_cron
from .dockerfile import extract_dockerfile
from .lines import Hit
from .lookup import lookup_for
from .make import extract_make
from .model import LIVE_KINDS, RESOLVED, Reference, RepoIndex
from .package_json import extract_package_json
from .python import extract_python
from .shell import extract_shell
from .source import Extractor, Source
from .systemd import extract_systemd
from .text import extract_lines, extract_text

EXTRACTORS: dict[str, Extractor] = {
    "script": extract_shell,
    "python": extract_python,
    "dockerfile": extract_dockerfile,
    "compose": extract_compose,
    "ci": extract_ci,
    "cron": extract_cron,
    "make": extract_make,
    "systemd": extract_systemd,
    "package_json": extract_package_json,
    "docs": extract_text,
    "data": extract_text,
}
_TEXT_MAX = 300


def prepare(index: RepoIndex, root: Path) -> None:
    """Build what every scan of `index` shares (basename tables, compose build contexts) once,
    in this process: call it before forking workers so they inherit it."""
    lk = lookup_for(index)
    if lk.compose_contexts is None:
        lk.compose_contexts = compose_contexts(lk, Source("", "", [], lk, root).read)


def scan_file(
    path: str, text: str, kind: str, index: RepoIndex, root: Path, archived: bool,
) -> list[Reference]:
    """Every reference `path` makes to a script, one row per (line, target)."""
    extractor = EXTRACTORS.get(kind)
    if extractor is None:
        return []
    lines = [line[:-1] if line.endswith("\r") else line for line in text.split("\n")]
    src = Source(path, kind, lines, lookup_for(index), root)
    try:
        hits = list(extractor(src))
    except Exception:  # odd input never stops discovery: fall back to plain lines
        hits = list(extract_lines(src))
    return _rows(src, hits, kind in LIVE_KINDS and not archived)


def _rows(src: Source, hits: Iterable[Hit], live: bool) -> list[Reference]:
    rows: dict[tuple[int, str], Reference] = {}
    for hit in hits:
        if hit.status == RESOLVED and hit.target == src.path:
            continue
        key = (hit.line, hit.target)
        known = rows.get(key)
        here = live and not hit.comment
        if known is None or (here and not known.live):
            text = src.lines[hit.line - 1].strip()[:_TEXT_MAX]
            rows[key] = Reference(src.path, hit.line, hit.target, src.kind, hit.status, here, text)
    return sorted(rows.values(), key=lambda r: (r.line, r.target))
