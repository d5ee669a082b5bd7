"""The scans of the last discovery, kept in the workspace so a rerun scans only what changed.

A scan's result depends on the file's bytes and probe, and on everything the run shares: the
repo's file list, the files other scans read (Dockerfiles, compose, project and pytest files,
requirements, Ansible vars: every file that is not a script, and `setup.py`), the folder the
repo is checked out in, the deploy roots and the discovery code itself. All of that makes one
run key; a cache with another run key is dropped whole. Within a run, a file's entry is keyed by
its sha256 and probe and by what other files told its scan (the variables its sourcing callers
set, the functions that run their arguments, sys.path folders), so a rescan after a caller
changed is a miss, never a stale hit.

One pickle file, `WS/cache/discovery-scans.pickle`; only the entries this run used are written
back, so it never grows past the repo.
"""

from __future__ import annotations

import hashlib
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from runbook_lib.core import picklecache
from runbook_lib.core.codedigest import package_digest
from runbook_lib.discovery.probe import Probe
from runbook_lib.discovery.references import RepoIndex

VERSION = 3
RACY_NS = 2_000_000_000  # a stamp this close to the save may hide a later edit: hash again
READ_BY_OTHERS = frozenset({"setup.py"})  # scripts whose text the run-wide tables read
EntryKey = tuple[Any, ...]
Stamp = tuple[int, int, str]


@dataclass(slots=True)
class ScanCache:
    run_key: str
    known: dict[str, dict[EntryKey, Any]] = field(default_factory=dict)  # path -> key -> scan
    used: dict[str, dict[EntryKey, Any]] = field(default_factory=dict)
    # path -> (size, mtime_ns, sha256): a file whose size and time are unchanged is not read
    # again to learn its sha256 (as git's index does), unless the stamp is racy
    stamps: dict[str, Stamp] = field(default_factory=dict)
    new_stamps: dict[str, Stamp] = field(default_factory=dict)
    hits: int = 0
    misses: int = 0

    def get(self, path: str, key: EntryKey) -> Any | None:
        found = self.known.get(path, {}).get(key)
        if found is not None:
            self.keep(path, key, found)
            self.hits += 1
        return found

    @property
    def changed(self) -> bool:
        """Whether this run scanned anything, or left an old entry unused."""
        return self.misses > 0 or self.hits != sum(len(v) for v in self.known.values()) \
            or self.new_stamps != self.stamps

    def keep(self, path: str, key: EntryKey, scanned: Any) -> None:
        self.used.setdefault(path, {})[key] = scanned


def path_of(ws: Path) -> Path:
    return ws / "cache" / "discovery-scans.pickle"


def load(ws: Path, run_key: str) -> ScanCache:
    stored = picklecache.load(path_of(ws), VERSION)
    if not (isinstance(stored, tuple) and len(stored) == 4 and stored[0] == run_key):
        return ScanCache(run_key)
    _, known, stamps, saved = stored
    trusted = {k: v for k, v in stamps.items() if v[1] < saved - RACY_NS}
    return ScanCache(run_key, known, stamps=trusted)


def save(ws: Path, cache: ScanCache) -> None:
    if not cache.changed and path_of(ws).exists():
        return
    picklecache.save(path_of(ws), VERSION,
                     (cache.run_key, cache.used, cache.new_stamps, time.time_ns()))


def run_key(root: Path, index: RepoIndex, probes: list[Probe]) -> str:
    """The digest of everything every scan of this run shares (module docstring)."""
    h = hashlib.sha256()
    h.update(package_digest(str(Path(__file__).parent)).encode())
    h.update(str(root.resolve()).encode() + b"\0")
    h.update(repr(index.deploy_roots).encode())
    for name in ("scripts", "files", "archived"):
        h.update(("\n".join(sorted(getattr(index, name))) + "\0").encode())
    h.update(repr(sorted(index.symlinks.items())).encode())
    for p in probes:
        if p.skip or (p.language and os.path.basename(p.path) not in READ_BY_OTHERS):
            continue
        h.update(f"{p.path}\0{p.size}\0{p.mtime_ns}\0{p.kind}\0".encode())
    return h.hexdigest()


