"""What a sandboxed run changed in its copy of the tree: manifests before and after."""

from __future__ import annotations

import hashlib
from pathlib import Path


class Manifest(dict[str, str]):
    """path -> "mode digest" ("dir", "link TARGET"), with each file's (size, mtime) kept so
    that the next manifest of a copy re-reads only the files whose size or mtime changed."""

    stamps: dict[str, tuple[int, int]]


_SOURCES: dict[Path, Manifest] = {}


def source_manifest(tree: Path) -> Manifest:
    """The manifest of a source tree, read once per process (source trees are not written)."""
    if tree not in _SOURCES:
        _SOURCES.clear()  # one old and one new tree at a time: keep memory flat
        _SOURCES[tree] = manifest(tree)
    return _SOURCES[tree]


def manifest(root: Path, known: Manifest | None = None) -> Manifest:
    """Every entry below `root`: its kind, mode and content digest (symlinks: their target).
    A file whose size, mtime and mode equal its entry in `known` keeps that entry unread."""
    entries = Manifest()
    entries.stamps = {}
    old_stamps = known.stamps if known is not None else {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        if path.is_symlink():
            entries[rel] = f"link {path.readlink()}"
        elif path.is_dir():
            entries[rel] = "dir"
        elif path.is_file():
            st = path.stat()
            stamp = (st.st_size, st.st_mtime_ns)
            mode = f"{st.st_mode & 0o7777:o}"
            entries.stamps[rel] = stamp
            cached = known.get(rel, "") if known is not None else ""
            if old_stamps.get(rel) == stamp and cached.split(" ")[0] == mode:
                entries[rel] = cached
            else:
                digest = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
                entries[rel] = f"{mode} {digest}"
    return entries


def effects(before: dict[str, str], after: dict[str, str]) -> dict[str, str]:
    changes = {p: f"created {after[p]}" for p in after.keys() - before.keys()}
    changes.update({p: "deleted" for p in before.keys() - after.keys()})
    changes.update({p: f"changed {after[p]}" for p in before.keys() & after.keys()
                    if before[p] != after[p]})
    return dict(sorted(changes.items()))
