"""Scripts that a command copies, moves or links (`cp`, `mv`, `install`, `rsync`, `scp`, `ln`).

`install -m 755 bin/backup.sh /usr/local/bin/backup` (a Makefile's install target, a
provisioning script) or a test that moves `config/x/user-patches.sh` into the folder its
container mounts: nothing runs the script at that line, but the command fails without it, and
the copy runs away from the checkout (a shim there has no canonical beside it). So each source
that is a repo script is a `likely` row, rule `file-op>PROGRAM`, which planning reads as
carried (planning/carried.py). A folder source (`cp -r scripts/ /opt/app/`) stands for every
script under it, except the repo root and the current folder (`cp -r . /backup`: everything).

A source with an unknown start (`"${TMP_CONFIG}/junk-mailbox/user-patches.sh"`, the copy of a
repo folder the test made) is the one script whose path ends with the known folder and name;
a glob there (`"${TMP}"/rspamd_full/*`) matches in the one folder that ends so; with no folder
known, or several scripts (folders) that fit, it is no row.
"""

from __future__ import annotations

import bisect
import fnmatch
import posixpath
from typing import TYPE_CHECKING

from .argv import UNKNOWN, Word
from .lookup import Lookup
from .model import LIKELY, RESOLVED
from .resolve import GONE, OUTSIDE, Found, absolute, locate
from .shglob import glob
from .values import ANCHOR, evaluate, norm

if TYPE_CHECKING:
    from .shwalk import Shell

COPIED = "file-op"


def copied(w: Word, rule: str, sh: Shell) -> str | None:
    """Rows for the repo scripts one source word of a file command names; the repo folder it
    names, when it names one (its scripts keep their places below the copy)."""
    if w.value is None:
        for target in _by_tail(w.text, sh):
            sh.add(w.line, Found(RESOLVED, target, LIKELY), f"{rule}+suffix")
        return None
    if "*" in w.value or "?" in w.value:
        for target in glob(w.value, sh, strict=True):
            sh.add(w.line, Found(RESOLVED, target, LIKELY), f"{rule}+glob")
        return None
    written = w.text.replace('"', "").replace("'", "")
    found = locate(w.value, written, sh.where, sh.lk, sh.cd)
    if found is not None:
        if found.status == RESOLVED:
            sh.add(w.line, Found(RESOLVED, found.target, LIKELY), rule)
        return None
    folder = _folder(w.value, sh)
    for target in under(folder, sh.lk) if folder else ():
        if target != sh.where.file:
            sh.add(w.line, Found(RESOLVED, target, LIKELY), f"{rule}+folder")
    return folder


def _by_tail(text: str, sh: Shell) -> list[str]:
    value = evaluate("/" + text, sh.where.variables, sh.where.file, unknown=UNKNOWN)
    if value is None or UNKNOWN not in value:
        return []
    tail = value.rpartition(UNKNOWN)[2].strip("/")
    folder, _, name = tail.rpartition("/")
    if not folder or any(c in folder for c in "*?["):
        return []
    if any(c in name for c in "*?["):  # `"${TMP}"/rspamd_full/*`: one folder's scripts
        found = [p for p in sh.lk.sorted_scripts()
                 if _in(posixpath.dirname(p), folder) and fnmatch.fnmatchcase(
                     posixpath.basename(p), name)]
        return found if len({posixpath.dirname(p) for p in found}) == 1 else []
    found = sh.lk.ending_with(tail)
    return found if len(found) == 1 else []


def _in(folder: str, tail: str) -> bool:
    return folder == tail or folder.endswith("/" + tail)


def _folder(value: str, sh: Shell) -> str | None:
    """The repo folder (not the root) a source names: from the repo root, or relative to the
    folders a `cd` led to or that relative paths are tried from."""
    value = value.rstrip("/").removesuffix("/.")
    if value.startswith(ANCHOR):
        candidates = [norm(value[1:])]
    elif value.startswith("/"):  # a deploy root's or a clone's folder (`/usr/local/src/tool/x`)
        mapped = absolute(value, sh.where, sh.lk)
        candidates = [mapped if mapped != GONE else None]
    elif not value or value in (".", "..") or sh.cd == OUTSIDE:
        return None
    else:
        candidates = [norm(base + "/" + value) for base in (sh.cd or sh.where.bases)]
    return next((c for c in candidates if c and c in sh.lk.index.dirs), None)


def under(folder: str, lk: Lookup) -> list[str]:
    """Every script below a repo folder, at any depth ("", the root: every script)."""
    scripts = lk.sorted_scripts()
    prefix = folder + "/" if folder else ""
    at = bisect.bisect_left(scripts, prefix)
    out: list[str] = []
    while at < len(scripts) and scripts[at].startswith(prefix):
        out.append(lk.real.get(scripts[at], scripts[at]))
        at += 1
    return sorted(set(out))
