"""The scan passes of discovery, spread over processes: probe every listed file, scan each one
that may refer to scripts, then rescan the shell files that other files tell more about (the
variables their sourcing callers set, functions elsewhere that run their arguments)."""

from __future__ import annotations

import hashlib
import os
import posixpath
import sys
from collections.abc import Sequence
from pathlib import Path

from runbook_lib.core.gcquiet import quiet_gc
from runbook_lib.core.parallel import Progress, map_chunks
from runbook_lib.discovery import classify, inventory, roles, scancache
from runbook_lib.discovery.probe import Probe, probe
from runbook_lib.discovery.references import Reference, RepoIndex, prepare
from runbook_lib.discovery.references.dispatch import DISPATCH, dispatched
from runbook_lib.discovery.references.facts import (
    FileNotes,
    inherit,
    runner_functions,
    sourced_functions,
)
from runbook_lib.discovery.references.imageinstalled import image_copies, image_rows
from runbook_lib.discovery.references.installed import (
    install_table,
    installable_name,
    installed_rows,
)
from runbook_lib.discovery.references.kinds import source_kind
from runbook_lib.discovery.references.lookup import lookup_for
from runbook_lib.discovery.references.members import member_rows, roots_of
from runbook_lib.discovery.references.model import CERTAIN, RESOLVED
from runbook_lib.discovery.references.pathflow import handed
from runbook_lib.discovery.references.scan import scan_file_notes

ROUNDS = 8  # sourcing chains deeper than this keep what they had
# Set in the parent before the pool forks, so workers share them without pickling.
_ROOT = Path()
_MAX_BYTES = 0
_INDEX: RepoIndex | None = None
_DEPLOY: tuple[str, ...] = ()
_CACHE: scancache.ScanCache | None = None  # the last run's scans (None: no cache)
_ROUND = ""  # what every file of this pass is told (runner functions, sys.path folders)
Scanned = tuple[str, inventory.ScriptRow | None, list[Reference], FileNotes]
# a worker's answer: the path, its cache key, the file's (size, mtime_ns, sha256) as read, and
# its scan (None: the parent's cache has it)
Answer = tuple[str, scancache.EntryKey, scancache.Stamp | None, Scanned | None]


def probe_all(root: Path, paths: list[str], max_bytes: int, deploy_roots: Sequence[str],
              workers: int, progress: Progress | None) -> list[Probe]:
    global _ROOT, _MAX_BYTES, _DEPLOY
    _ROOT, _MAX_BYTES, _DEPLOY = root, max_bytes, tuple(deploy_roots)
    return list(map_chunks(_probe_chunk, paths, workers, "probe", progress))


def _probe_chunk(paths: Sequence[str]) -> list[Probe]:
    return [probe(_ROOT, p, _MAX_BYTES, lambda raw: deploy_target(raw, _DEPLOY)) for p in paths]


def build_index(probes: list[Probe], deploy_roots: Sequence[str]) -> RepoIndex:
    scripts = {p.path for p in probes if p.language}
    files = {p.path for p in probes if not p.skip}
    links = {p.path: p.link_target for p in probes if p.link_target in scripts}
    archived = {p.path for p in probes if p.kind and classify.is_archived(p.path)}
    runnable = {p.path for p in probes if p.language and p.mode & 0o111}
    return RepoIndex.build(scripts, files, links, archived, tuple(deploy_roots), runnable)


def scan_all(root: Path, index: RepoIndex, probes: list[Probe], workers: int,
             progress: Progress | None, cache: scancache.ScanCache | None = None,
             ) -> tuple[list[inventory.ScriptRow], list[Reference]]:
    """Every scan, and the rescans that what other files tell makes necessary; with a cache,
    a file whose bytes, probe and inputs are unchanged is not scanned again (and `cache.used`
    holds this run's scans when this returns, before any caller changes a row)."""
    global _INDEX, _CACHE
    _INDEX, _CACHE = index, cache
    prepare(index, root)  # shared lookup tables, built once before the workers fork
    scanned = [p for p in probes if p.kind is not None]
    rows: dict[str, inventory.ScriptRow] = {}
    refs: dict[str, list[Reference]] = {}
    notes: dict[str, FileNotes] = {}
    facts = lookup_for(index).facts
    assert facts is not None

    def scan(files: list[Probe], stage: str) -> None:
        global _ROUND
        _ROUND = _digest(repr((sorted(facts.runners.items()), facts.sys_paths)))
        # hits are found here, before a pool forks: a worker never maps the loaded cache
        hits = [(p.path, key, None, None) for p in files if (key := _hit(p))]
        done = {path for path, _, _, _ in hits}
        todo = [p for p in files if p.path not in done]
        _collect(hits, rows, refs, notes)
        _collect(map_chunks(_scan_chunk, todo, workers, stage, progress), rows, refs, notes)

    scan(scanned, "scan")
    facts.sys_paths = sorted({p for note in notes.values() for p in note.sys_paths if p[1]})
    if facts.sys_paths:  # modules below a script that extends sys.path import through it
        scan([p for p in scanned if p.kind == "python" and any(
            p.path.startswith(scope + "/") for _, scope in facts.sys_paths)], "rescan")
    shells = {p.path for p in scanned if p.kind == "script"}
    for _ in range(ROUNDS):
        inherited, runners = inherit(notes), runner_functions(notes)
        given = handed(notes, refs, shells)
        functions, callers = sourced_functions(notes)
        direct = frozenset().union(*(n.direct_runners for n in notes.values()))
        again = [p for p in scanned if p.kind == "script" and (
            inherited.get(p.path) != facts.inherited.get(p.path)
            or given.get(p.path) != facts.path_given.get(p.path)
            or _told(functions, facts.sourced_functions, notes[p.path].names, p.path, index)
            or _told(callers, facts.caller_functions, notes[p.path].names, p.path, index)
            or (direct != facts.direct_runners
                and bool((notes[p.path].names & direct) - notes[p.path].runners.keys()))
            or (bool((notes[p.path].names & runners.keys()) - notes[p.path].runners.keys())
                and runners != facts.runners))]
        facts.inherited, facts.runners, facts.path_given = inherited, runners, given
        facts.sourced_functions, facts.caller_functions = functions, callers
        facts.direct_runners = direct
        if os.environ.get("RUNBOOK_DEBUG_RESCAN"):
            print(f"rescan {len(again)}", file=sys.stderr)
        if not again:
            break
        scan(again, "rescan")
    listed = {p: p for p in index.scripts}  # a link to a script is run as that script
    listed.update({link: t for link, t in index.symlinks.items() if t in index.scripts})
    _through_runners(refs, notes, listed)
    found = [r for path in sorted(refs) for r in refs[path]]
    return [rows[p] for p in sorted(rows)], found + symlink_references(probes, index)


def _through_runners(refs: dict[str, list[Reference]], notes: dict[str, FileNotes],
                     scripts: dict[str, str]) -> None:
    """The rows of words handed to a repo script, where that script runs its arguments
    (references/runargs.py), and of folders handed to a Python function that loads each
    module of its folder (references/pyloaders.py); a (line, target) the file already has
    keeps its own row. Rows through a plugin's install folder go to the member roots' files
    (references/members.py)."""
    runners = {path for path, note in notes.items() if note.runs_args}
    runners |= {tag for note in notes.values() for tag in note.loaders}
    lk = lookup_for(_INDEX) if _INDEX is not None else None
    images = lk.facts.images if lk is not None and lk.facts is not None else []
    dockerfiles = {img.dockerfile for img in images}
    installs = install_table(note.installs for path, note in notes.items()
                             if source_kind(path) != "dockerfile")  # a RUN copy is its image's
    copies = image_copies((p, notes[p].installs) for p in sorted(dockerfiles) if p in notes)
    roots = roots_of(p for note in notes.values() for p in note.pending)
    for path, note in notes.items():
        extra = [r for via, r in note.pending if via in runners and r.status != DISPATCH]
        extra += installed_rows(note.pending, path, installs) if installs else []
        extra += member_rows(note.pending, path, roots, scripts) if roots else []
        if images and lk is not None and note.pending:
            extra += image_rows(note.pending, path, installs, copies, images, lk)
        extra += [d for via, r in note.pending if r.status == DISPATCH and via in notes
                  and (d := dispatched(r, notes[via].families)) is not None and d.target != path]
        if extra:
            have = {(r.line, r.target) for r in refs[path]}
            new = {(r.line, r.target): r for r in extra if (r.line, r.target) not in have}
            refs[path] = sorted([*refs[path], *new.values()], key=lambda r: (r.line, r.target))


def _collect(results: object, rows: dict[str, inventory.ScriptRow],
             refs: dict[str, list[Reference]], notes: dict[str, FileNotes]) -> None:
    for path, key, stamp, answer in results:  # type: ignore[attr-defined]
        if _CACHE is not None and key:
            if answer is None:
                answer = _CACHE.get(path, key)
            else:
                _CACHE.keep(path, key, answer)
                _CACHE.new_stamps[path] = stamp
                _CACHE.misses += 1
        _, row, found, note = answer
        if row is not None:
            rows[path] = row
        refs[path], notes[path] = found, note


def _key(p: Probe, sha: str, index: RepoIndex) -> scancache.EntryKey:
    """A scan's inputs besides the run key: the bytes, the probe, what other files told it."""
    facts = lookup_for(index).facts
    assert facts is not None
    inherited = facts.inherited.get(p.path)
    given = facts.path_given.get(p.path)
    told = _digest(repr(sorted(inherited.items()))) if inherited else ""
    if given:  # PATH folders handed by other files (references/pathflow.py)
        told = _digest(told + repr(given))
    functions = sorted(facts.sourced_functions.get(p.path, ())) + sorted(
        facts.caller_functions.get(p.path, ()))
    if functions:  # functions of the files it sources and of those that source it
        told = _digest(told + repr(functions) + repr(sorted(facts.direct_runners)))
    return sha, p.kind, p.language, p.mode, _ROUND, told


def _told(new: dict[str, frozenset[str]], old: dict[str, frozenset[str]], names: set[str],
          path: str, index: RepoIndex) -> bool:
    """Whether the functions other files hand a script changed for a name it calls that a
    repo script also has (only those change its rows: most scripts call their libraries'
    `log` and `die`, which no script is named, and need no second scan)."""
    changed = (new.get(path, frozenset()) ^ old.get(path, frozenset())) & names
    return any(installable_name(n, index.by_basename) for n in changed)


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _hit(p: Probe) -> scancache.EntryKey:
    """The key of a scan the cache holds for `p` as it is now, or (). The file is read and
    hashed only when the cache has an entry for it and its size or time (as probed) changed;
    a rescan takes the sha256 this run already learnt."""
    if _CACHE is None or _INDEX is None or p.path not in _CACHE.known:
        return ()
    now = _CACHE.new_stamps.get(p.path)
    if now is None:
        stamp = _CACHE.stamps.get(p.path)
        if stamp is not None and stamp[:2] == (p.size, p.mtime_ns):
            now = stamp
        else:
            try:
                with open(os.path.join(_ROOT, p.path), "rb") as fh:
                    st = os.fstat(fh.fileno())
                    now = (st.st_size, st.st_mtime_ns, hashlib.sha256(fh.read()).hexdigest())
            except OSError:
                return ()
        _CACHE.new_stamps[p.path] = now
    key = _key(p, now[2], _INDEX)
    return key if key in _CACHE.known[p.path] else ()


def _scan_chunk(probes: Sequence[Probe]) -> list[Answer]:
    assert _INDEX is not None
    with quiet_gc():
        return [_scan(p, _INDEX) for p in probes]


def _scan(p: Probe, index: RepoIndex) -> Answer:
    try:
        with open(os.path.join(_ROOT, p.path), "rb") as fh:
            st = os.fstat(fh.fileno())  # before the read: a later edit changes the stamp
            data = fh.read()
    except OSError:
        return p.path, (), None, (p.path, None, [], FileNotes())
    sha = hashlib.sha256(data).hexdigest()
    key = _key(p, sha, index) if _CACHE is not None else ()
    stamp = (st.st_size, st.st_mtime_ns, sha)
    text, encoding = inventory.decode(data)
    row = None
    if p.language:
        row = inventory.script_row(p.path, data, text, encoding, p.language, p.mode,
                                   index.scripts, sha)
        row.traits = roles.traits(text, p.language)
    assert p.kind is not None
    found, notes = scan_file_notes(p.path, text, p.kind, index, _ROOT, p.path in index.archived)
    return p.path, key, stamp, (p.path, row, found, notes)


def symlink_references(probes: list[Probe], index: RepoIndex) -> list[Reference]:
    """A symlink in the repo is a live reference from the link to the script it points at."""
    out = []
    for p in probes:
        if p.link_target and p.link_target in index.scripts:
            live = not classify.is_archived(p.path)
            out.append(Reference(p.path, 1, p.link_target, "symlink", RESOLVED, live,
                                 f"symlink -> {p.detail}", "symlink", CERTAIN))
    return out


def deploy_target(raw: str, deploy_roots: Sequence[str]) -> str | None:
    """An absolute symlink target under a deploy root, as a repo path."""
    for root in deploy_roots:
        root = root.rstrip("/")
        if raw.startswith(root + "/"):
            return posixpath.normpath(raw[len(root) + 1:])
    return None


