"""rewrite_reference actions: a caller of a shimmed copy names the canonical instead.

Each action changes one line at its exact site (file, line, old text, new text); the word is
found by the copy's file name on that line and must occur there once. Only `certain` rows of
references.csv are rewritten; `likely` ones (a guessed working folder, a glob, a path ending)
keep their copy as it is. Nothing is replaced
anywhere else, and a rewrite that would not resolve is caught by the references check.
"""

from __future__ import annotations

import posixpath
import re
from typing import Any

from runbook_lib.planning.groups import Group, Tables, caller_flags

REWRITE_KINDS = frozenset({"script", "python", "make", "ci", "cron", "systemd",
                           "package_json", "docs"})
# styles whose callers may call the canonical directly without a change in behaviour
PLAIN_STYLES = frozenset({"exec", "runpy"})
_PATH_CHARS = re.compile(r"[\w./@%+-]*$")


def rewrite_groups(tables: Tables, shim_groups: list[Group], busy: set[str]) -> list[Group]:
    """One group per caller file; files the plan touches otherwise are skipped.

    Callers of plain shims are rewritten wherever they are; docs that mention any shimmed or
    retired copy name its canonical instead (docs are read, not run, so any style will do)."""
    per_file: dict[str, list[dict[str, Any]]] = {}
    for group in shim_groups:
        for action in group.actions:
            if not action.get("canonical") or action["action"] not in ("shim", "retire"):
                continue
            plain = action["action"] == "shim" and action.get("style") in PLAIN_STYLES
            kinds = REWRITE_KINDS if plain else frozenset({"docs"})
            for rewrite in _rewrites(tables, action["path"], action["canonical"], busy, kinds):
                site = per_file.setdefault(rewrite["file"], [])
                if all(r["line"] != rewrite["line"] for r in site):  # one rewrite per line
                    site.append(rewrite)
    groups = []
    for path, actions in sorted(per_file.items()):
        actions.sort(key=lambda a: int(a["line"]))
        groups.append(Group(f"rewrite:{path}", actions, caller_flags(tables, path), 0))
    return groups


def _rewrites(tables: Tables, member: str, canonical: str, busy: set[str],
              kinds: frozenset[str]) -> list[dict[str, Any]]:
    found = []
    for ref in tables.refs_to(member):
        source = str(ref["source"])
        if ref["kind"] not in kinds or source in busy:
            continue
        if str(ref.get("confidence", "certain") or "certain") != "certain":
            continue  # a likely caller is never rewritten: its line may not call this file
        line_no = int(ref["line"])
        old = _line(tables, source, line_no)
        new = rewrite_line(old, source, member, canonical) if old is not None else None
        if new is not None and new != old:
            found.append({"action": "rewrite_reference", "file": source, "line": line_no,
                          "old": old, "new": new, "target": member, "canonical": canonical,
                          "reason": f"call {canonical} directly instead of its shim {member}"})
    return found


def _line(tables: Tables, path: str, number: int) -> str | None:
    try:
        lines = (tables.repo / path).read_bytes().decode("utf-8").split("\n")
    except (OSError, UnicodeDecodeError):
        return None
    return lines[number - 1] if 0 < number <= len(lines) else None


def rewrite_line(line: str, source: str, member: str, canonical: str) -> str | None:
    """The line with its one word naming `member` pointing at `canonical`, or None."""
    name = posixpath.basename(member)
    spots = [m.start() for m in re.finditer(re.escape(name) + r"(?![\w.-])", line)]
    if len(spots) != 1:
        return None
    end = spots[0] + len(name)
    word = _PATH_CHARS.search(line[:end])
    if word is None or (word.start() > 0 and line[word.start() - 1] in "\\"):
        return None
    new_word = _new_word(word.group(0), line[: word.start()], source, member, canonical)
    return None if new_word is None else line[: word.start()] + new_word + line[end:]


def _new_word(word: str, before: str, source: str, member: str, canonical: str) -> str | None:
    folder = posixpath.dirname(source)
    after_var = before.endswith((")", "}", "$", '"')) and word.startswith("/")
    rel = word[1:] if after_var else word
    bare = rel[2:] if rel.startswith("./") else rel
    lead = word[: len(word) - len(bare)]
    if posixpath.normpath(posixpath.join(folder, bare)) == member and (after_var or "/" in bare
                                                                      or folder == ""):
        return lead + posixpath.relpath(canonical, folder or ".")
    if bare.endswith(member) and (bare == member or bare[: -len(member)].endswith("/")):
        return lead + bare[: -len(member)] + canonical
    return None
