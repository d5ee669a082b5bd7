"""mentions: a removed path must not be named where something may still run it.

Discovery's rules are not trusted here: every path the batch removes, and its file name where
no other file of the repo has it, is searched (`git grep`, fixed strings, through the one git
runner) in every tracked text file of the new tree except docs and data. A hit is explained
only when discovery read that line as a caller's line (a row of a caller kind in the baseline
references.csv: a live one is the references check's, a comment or an archived file's is no
call) or when it sits in a comment by discovery's comment rules; any other hit fails the
batch with file, line and text, for a person to look at.
"""

from __future__ import annotations

import posixpath
import re
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from runbook_lib.checks.context import BatchContext, Check
from runbook_lib.discovery.references.kinds import source_kind
from runbook_lib.discovery.references.words import hash_comment, slash_comment
from runbook_lib.gitops import gitrepo

# data: generated or stored, never run (YAML is not here: k8s and ansible files run things)
DATA = (".json", ".jsonl", ".csv", ".tsv", ".log", ".xml", ".html", ".htm", ".svg", ".lock")
SLASH_COMMENTS = (".js", ".ts", ".groovy", ".java", ".go", ".c", ".h", ".cpp", ".rs")
MAX_PATTERNS = 2000  # per git grep: they go on its command line


def mentions(ctx: BatchContext) -> Check:
    removed = sorted(p for p, status in ctx.changed.items() if status == "D")
    if not removed:
        return Check("mentions", "pass", "the batch removes no file")
    names = patterns(removed, list(gitrepo.tree_modes(ctx.repo, ctx.old)))
    found = unexplained(ctx.repo, ctx.new, names, ctx.baseline)
    problems = [f"{path}:{line}: names {removed} (removed): {text.strip()[:200]}"
                for removed, hits in found.items() for path, line, text in hits]
    problems = list(dict.fromkeys(problems))
    return Check("mentions", "fail" if problems else "pass",
                 problems or {"removed": len(removed), "searched": sorted(names)})


Hit = tuple[str, int, str]  # file, line, text


def unexplained(repo: Path, commit: str, names: dict[str, list[str]], baseline: Path,
                files: list[str] | None = None) -> dict[str, list[Hit]]:
    """Path -> the lines of `commit`'s runnable files holding a word of `names` (from
    `patterns`) that names it, where discovery read no reference and no comment holds the
    word. A file never counts as naming itself, nor one of the same file name (copies name
    themselves in usage text). With `files` (every file of the tree), a bare file name that
    several files have names only those nearest the line's file (`checkSpace.sh` in
    `GDD/19.3.0/Containerfile` is GDD/19.3.0's, not another product's)."""
    by_name: dict[str, list[str]] = {}
    for f in files or []:
        if posixpath.basename(f) in names:
            by_name.setdefault(posixpath.basename(f), []).append(f)
    by_name = {n: found for n, found in by_name.items() if len(found) > 1}
    seen = _explained(baseline)
    words = sorted(names)
    found: dict[str, list[Hit]] = {}
    for start in range(0, len(words), MAX_PATTERNS):
        for hit in gitrepo.grep_fixed(repo, commit, words[start:start + MAX_PATTERNS]):
            if not _runnable(hit[0]):
                continue
            for word in _words_in(hit[2], names):
                near = nearest(hit[0], by_name[word]) if word in by_name else names[word]
                for target in (t for t in names[word] if t in near):
                    if not _own_name(hit[0], target) and \
                            not _is_explained(hit[0], hit[2], target, word, seen):
                        found.setdefault(target, []).append(hit)
    return found


def nearest(path: str, files: list[str]) -> list[str]:
    """The files whose folder shares the longest leading part with `path`'s folder."""
    here = posixpath.dirname(path).split("/")

    def shared(other: str) -> int:
        there = posixpath.dirname(other).split("/")
        return next((i for i, (a, b) in enumerate(zip(here, there, strict=False)) if a != b),
                    min(len(here), len(there)))
    best = max((shared(f) for f in files), default=0)
    return [f for f in files if shared(f) == best]


def _own_name(path: str, target: str) -> bool:
    return posixpath.basename(path) == posixpath.basename(target)


def patterns(paths: list[str], files: list[str], every_name: bool = False
              ) -> dict[str, list[str]]:
    """Word searched -> the paths it names: each path, and its file name where no other file
    has it (with `every_name`, any file name: it names every path given that has it)."""
    counts = Counter(posixpath.basename(f) for f in files)
    out: dict[str, list[str]] = {path: [path] for path in paths}
    for path in paths:
        name = posixpath.basename(path)
        if every_name or (counts[name] == 1 and name not in out):
            out.setdefault(name, [])
            out[name] += [] if path in out[name] else [path]
    return out


def _runnable(path: str) -> bool:
    return source_kind(path) != "docs" and not path.lower().endswith(DATA)


def _words_in(text: str, names: dict[str, list[str]]) -> list[str]:
    """The searched words that stand as a whole path or file name on the line."""
    return [w for w in names if w in text and re.search(
        r"(?<![\w.-])" + re.escape(w) + r"(?![\w.-]|/)", text) is not None]


Seen = dict[tuple[str, str], set[str]]


def _explained(baseline: Path) -> Seen:
    """(source, line text) -> targets of the references discovery found there, any status."""
    import pandas as pd

    seen: Seen = {}
    if not baseline.exists():
        return seen
    frame = pd.read_csv(baseline, keep_default_na=False, dtype=str)
    # a docs or data row explains nothing: that is where discovery's rules stop (a YAML file
    # pre-commit or Ansible runs reads as data to discovery)
    frame = frame[~frame["kind"].isin(["docs", "data"])]
    for source, target, text in zip(frame["source"], frame["target"], frame["text"],
                                    strict=True):
        seen.setdefault((source, text), set()).add(target)
    return seen


def _is_explained(path: str, text: str, removed: str, word: str, seen: Seen) -> bool:
    """Discovery saw a reference on this line to the removed file or naming its file name
    (a dangling one included), or the word sits in a comment."""
    targets = seen.get((path, text.strip()[:300]), set())
    if removed in targets or any(t == word or t.endswith("/" + word) for t in targets):
        return True
    at = min(m.start() for m in re.finditer(re.escape(word), text))
    return at >= _comment(path)(text)


def _comment(path: str) -> Callable[[str], int]:
    return slash_comment if path.endswith(SLASH_COMMENTS) or path.endswith("Jenkinsfile") \
        else hash_comment


CHECKS: dict[str, Callable[[BatchContext], Check]] = {"mentions": mentions}
