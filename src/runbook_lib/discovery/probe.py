"""First look at one listed file: what it is, and whether discovery must skip it."""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from runbook_lib.discovery import classify
from runbook_lib.discovery.references import source_kind

PEEK = 8192


@dataclass(frozen=True, slots=True)
class Probe:
    path: str
    kind: str | None  # "script"/"python" for scripts, a caller kind, or None (not scanned)
    language: str | None  # set for scripts
    mode: int = 0
    skip: str = ""  # reason when skipped
    detail: str = ""  # e.g. a symlink's target
    link_target: str = ""  # repo-relative target of a symlink inside the repo
    size: int = 0  # of a regular file, as the probe saw it (the scan cache's stamp)
    mtime_ns: int = 0


def probe(root: Path, path: str, max_bytes: int,
          deployed: Callable[[str], str | None] = lambda raw: None) -> Probe:
    """`deployed` maps an absolute symlink target under a deploy root onto a repo path."""
    full = os.path.join(root, path)  # str paths: pathlib costs more than the stat itself
    try:
        st = os.lstat(full)
    except OSError as exc:
        return Probe(path, None, None, skip="unreadable", detail=exc.strerror or "")
    if stat.S_ISLNK(st.st_mode):
        found = _symlink(root, path)
        mapped = deployed(found.detail) if found.detail.startswith("/") else None
        if not found.link_target and mapped is not None and (root / mapped).is_file():
            return Probe(path, None, None, skip="symlink", detail=found.detail,
                         link_target=mapped)
        return found
    if not stat.S_ISREG(st.st_mode):
        return Probe(path, None, None, skip="not_a_file" if not stat.S_ISDIR(st.st_mode)
                     else "submodule")
    try:
        with open(full, "rb") as fh:
            head = fh.read(PEEK)
    except OSError as exc:
        return Probe(path, None, None, skip="unreadable", detail=exc.strerror or "")
    found = _classify(path, head, st.st_mode, st.st_size, max_bytes)
    return replace(found, size=st.st_size, mtime_ns=st.st_mtime_ns)


def _classify(path: str, head: bytes, mode: int, size: int, max_bytes: int) -> Probe:
    first = head.split(b"\n", 1)[0].decode("utf-8", errors="replace")
    language = classify.script_language(path, first)
    if language is None and first.startswith("#") and "." not in path.rpartition("/")[2]:
        language = classify.script_language(path, _late_shebang(head))
    kind = ("python" if language == "python" else "script") if language else source_kind(path)
    if kind is None:
        return Probe(path, None, None, mode=mode)
    if b"\0" in head:
        return Probe(path, None, None, skip="binary", detail="NUL byte in the first 8 KiB")
    if size > max_bytes:
        return Probe(path, None, None, skip="too_large", detail=f"{size} bytes > {max_bytes}")
    return Probe(path, kind, language, mode=mode)


def _late_shebang(head: bytes) -> str:
    """A `#!` line under a licence header that a tool put above it (the kernel ignores it, but
    the file is still a script its users run with that interpreter): the first `#!` line of the
    leading comment block, or ""."""
    for raw in head.split(b"\n", 24)[1:24]:
        line = raw.decode("utf-8", errors="replace").strip()
        if line.startswith("#!"):
            return line
        if line and not line.startswith("#"):
            return ""
    return ""


def _symlink(root: Path, path: str) -> Probe:
    full = root / path
    raw = os.readlink(full)
    try:
        target = full.resolve(strict=True)
    except RuntimeError:
        return Probe(path, None, None, skip="symlink_loop", detail=raw)
    except OSError as exc:
        reason = "symlink_loop" if exc.errno == errno.ELOOP else "broken_symlink"
        return Probe(path, None, None, skip=reason, detail=raw)
    try:
        rel = target.relative_to(root.resolve()).as_posix()
    except ValueError:
        return Probe(path, None, None, skip="symlink", detail=raw)
    return Probe(path, None, None, skip="symlink", detail=raw, link_target=rel)
