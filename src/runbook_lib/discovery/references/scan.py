"""Scanning one file: pick the extractor for its kind, turn its hits into reference rows."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from .ansible import extract_ansible
from .buildcontext import all_contexts
from .ci import extract_ci
from .compose import extract_compose
from .cron import extract_cron
from .dockerfile import extract_dockerfile, scan_dockerfile
from .entrypoints import extract_config, extract_procfile
from .facts import FileNotes
from .lines import Hit
from .lookup import lookup_for
from .make import extract_make
from .model import CERTAIN, LIKELY, LIVE_KINDS, RESOLVED, Reference, RepoIndex
from .package_json import extract_package_json
from .packer import extract_packer
from .pyfile import extract_python, scan_python
from .s6 import extract_s6
from .shell import scan_shell
from .source import Extractor, Source
from .systemd import extract_systemd
from .text import extract_text

EXTRACTORS: dict[str, Extractor] = {
    "script": lambda src: scan_shell(src)[0],
    "python": extract_python,
    "dockerfile": extract_dockerfile,
    "compose": extract_compose,
    "ci": extract_ci,
    "cron": extract_cron,
    "make": extract_make,
    "systemd": extract_systemd,
    "package_json": extract_package_json,
    "procfile": extract_procfile,
    "config": extract_config,
    "ansible": extract_ansible,
    "packer": extract_packer,
    "s6": extract_s6,
    "docs": extract_text,
    "data": extract_text,
}
_TEXT_MAX = 300


def prepare(index: RepoIndex, root: Path) -> None:
    """Build what every scan of `index` shares (basename tables, compose build contexts, images,
    import roots) once, in this process: call it before forking workers so they inherit it."""
    from .runwide import prepare_lookup

    lk = lookup_for(index)
    if lk.compose_contexts is None:
        lk.compose_contexts = all_contexts(lk, Source("", "", [], lk, root).read)
    prepare_lookup(lk, root)


def scan_file(
    path: str, text: str, kind: str, index: RepoIndex, root: Path, archived: bool,
) -> list[Reference]:
    """Every reference `path` makes to a script, one row per (line, target)."""
    return scan_file_notes(path, text, kind, index, root, archived)[0]


def scan_file_notes(
    path: str, text: str, kind: str, index: RepoIndex, root: Path, archived: bool,
) -> tuple[list[Reference], FileNotes]:
    """scan_file, and what the scan learnt for other files (sourced libraries, runners)."""
    extractor = EXTRACTORS.get(kind)
    notes = FileNotes()
    if extractor is None:
        return [], notes
    lines = [line[:-1] if line.endswith("\r") else line for line in text.split("\n")]
    lk = lookup_for(index)
    if lk.root is None:
        lk.root = root
    src = Source(path, kind, lines, lk, root)
    live = kind in LIVE_KINDS and not archived
    try:
        if kind == "script":
            hits, notes = scan_shell(src)
        elif kind == "python":
            hits, notes = scan_python(src)
        elif kind == "dockerfile":
            hits, notes = scan_dockerfile(src)
        else:
            hits = list(extractor(src))
    except Exception:  # odd input never stops discovery: its mentions are evidence only
        hits = [Hit(h.line, h.status, h.target, h.comment, "unparsed", LIKELY, live=False)
                for h in extract_text(src)]
    if any(h.via for h in hits):  # rows kept only if the script they pass through runs them
        for via in sorted({h.via for h in hits if h.via}):
            notes.pending += [(via, r) for r in _rows(src, (h for h in hits if h.via == via),
                                                      live)]
        hits = [h for h in hits if not h.via]
    return _rows(src, hits, live), notes


def _rows(src: Source, hits: Iterable[Hit], live: bool) -> list[Reference]:
    rows: dict[tuple[int, str], Reference] = {}
    for hit in hits:
        if hit.status == RESOLVED and hit.target == src.path:
            continue
        if hit.line < 1 or hit.line > len(src.lines):
            continue
        key = (hit.line, hit.target)
        known = rows.get(key)
        here = live and not hit.comment and hit.live
        if known is None or _better(here, hit.confidence, known):
            text = src.lines[hit.line - 1].strip()[:_TEXT_MAX]
            rows[key] = Reference(src.path, hit.line, hit.target, hit.kind or src.kind,
                                  hit.status, here, text, hit.rule, hit.confidence)
    return sorted(rows.values(), key=lambda r: (r.line, r.target))


def _better(live: bool, confidence: str, known: Reference) -> bool:
    if live != known.live:
        return live
    return confidence == CERTAIN and known.confidence != CERTAIN
