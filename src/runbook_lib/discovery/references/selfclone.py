"""A fresh clone of this repository into a folder the script names: `git clone --depth=1
"$REPO_URL" "$INSTALL_DIR"` with a URL whose last part is the repo's own name, then
`cd "$INSTALL_DIR" && exec ./setup` (an installer that fetches the checkout it belongs to).
From there on in the file that absolute folder stands for the repo root, as a deploy root does
(resolve.py reads `Where.clones`). Every row of the file after the clone is `likely`: the
clone is of the remote, perhaps of another branch (`--branch "$BRANCH"`), whose files a
rewrite of this file's lines would not match. A clone of another repository, or into a
relative folder (resolve.py's own_checkout reads a relative path that starts with the repo's
name), adds nothing; so does a clone of a repository of the same name that is not this
checkout's `origin` (where the origin is a hosted URL), and a `--bare` or `--mirror` clone."""

from __future__ import annotations

import posixpath
import re
from pathlib import Path
from typing import TYPE_CHECKING

from .argv import Word

if TYPE_CHECKING:
    from .shwalk import Shell

_HOSTED = re.compile(r"^(?:[a-z+]+://(?:[^@/]+@)?[^/]+/|[^@\s]+@[^:\s]+:)(?:.*/)?"
                     r"([^/\s]+)/([^/\s]+?)(?:\.git)?/?$")
# `git clone` options that take the next word as their value
_VALUED = frozenset({"-b", "--branch", "--depth", "-o", "--origin", "-c", "--config",
                     "--reference", "--reference-if-able", "-j", "--jobs", "--filter",
                     "--template", "--separate-git-dir", "-u", "--upload-pack",
                     "--shallow-since", "--shallow-exclude", "--server-option"})


def _owner_name(url: str) -> tuple[str, str] | None:
    """(owner, name) of a hosted repository's URL (`https://host/owner/name.git`,
    `git@host:owner/name.git`), lower case; None for a local path or anything else."""
    match = _HOSTED.match(url.strip())
    return (match.group(1).lower(), match.group(2).lower()) if match else None


def origin_of(root: Path | None) -> tuple[str, str] | None:
    """The checkout's own `origin` (owner, name) from its git config, if it is a hosted URL."""
    config = root / ".git" / "config" if root is not None else None
    if config is None or not config.is_file():
        return None
    text = config.read_text(encoding="utf-8", errors="replace")
    section = text.partition('[remote "origin"]')[2].partition("\n[")[0]
    url = next((line.partition("=")[2] for line in section.splitlines()
                if line.strip().startswith("url")), "")
    return _owner_name(url)


def _origin(sh: Shell) -> tuple[str, str] | None:
    """The checkout's own `origin` (owner, name), read once per run."""
    memo = sh.lk.memo
    if "origin" not in memo:
        memo["origin"] = origin_of(sh.lk.root)
    found: tuple[str, str] | None = memo["origin"]
    return found


def cloned(words: list[Word], sh: Shell) -> None:
    """Note the folder a `git clone` of this repo puts its checkout in (words[0] is `git`, or
    `sudo` with its options before it)."""
    if words and words[0].value == "sudo":
        i = 1
        while i < len(words) and (words[i].value or "").startswith("-"):
            i += 2 if words[i].value in ("-u", "-g") else 1
        words = words[i:]
    if not words or words[0].value != "git":
        return
    i = 1
    while i < len(words) and (words[i].value or "").startswith("-"):  # `git -C DIR clone`
        i += 2 if words[i].value in ("-C", "-c") else 1
    if i >= len(words) or words[i].value != "clone":
        return
    plain: list[Word] = []
    i += 1
    while i < len(words):
        value = words[i].value or ""
        if value == "--":
            plain += words[i + 1:]
            break
        if value in ("--bare", "--mirror"):
            return  # no work tree: nothing there runs
        if value.startswith("-"):
            i += 2 if value in _VALUED else 1
            continue
        plain.append(words[i])
        i += 1
    if not plain or plain[0].value is None:
        return
    name = plain[0].value.rstrip("/").rpartition("/")[2].rpartition(":")[2]
    dest = plain[1].value if len(plain) > 1 else name.removesuffix(".git")
    if dest is None:
        return
    origin, url = _origin(sh), _owner_name(plain[0].value)
    own = name.removesuffix(".git") in sh.lk.repo_names and not (
        origin is not None and url is not None and origin != url)
    if not own:  # another repository's checkout: nothing under it is this repo's
        _foreign(dest, sh)
    if len(plain) < 2 or not own:
        return  # (a namesake elsewhere: a fork's upstream; the default folder is relative)
    if name.removesuffix(".git") in sh.lk.repo_names and dest.startswith("/"):
        folder = posixpath.normpath(dest)
        if folder != "/" and folder not in sh.where.clones:
            sh.where.clones = (folder, *sh.where.clones)


def _foreign(dest: str, sh: Shell) -> None:
    """`git clone https://host/other/tools.git official-images`: paths below that folder (from
    where the clone ran) are that repository's files, neither this repo's nor missing ones."""
    if dest.startswith(("/", "~", "$")) or not dest.strip("./"):
        return
    folder = posixpath.normpath(dest)
    if folder.startswith("..") or folder in sh.where.foreign:
        return
    if sh.cd and sh.cd[0]:
        folder = posixpath.join(sh.cd[0], folder)
    sh.where.foreign = (*sh.where.foreign, folder)
