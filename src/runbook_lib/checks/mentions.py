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
MAX_PATTERNS = 2000  # git grep takes them on its command line


def mentions(ctx: BatchContext) -> Check:
    removed = sorted(p for p, status in ctx.changed.items() if status == "D")
    if not removed:
        return Check("mentions", "pass", "the batch removes no file")
    names = _patterns(removed, list(gitrepo.tree_modes(ctx.repo, ctx.old)))
    seen = _explained(ctx.baseline)
    hits = [h for h in gitrepo.grep_fixed(ctx.repo, ctx.new, sorted(names)[:MAX_PATTERNS])
            if _runnable(h[0])]
    problems = [f"{path}:{line}: names {names[word]} (removed): {text.strip()[:200]}"
                for path, line, text in hits for word in _words_in(text, names)
                if not _is_explained(path, text, names[word], word, seen)]
    problems = list(dict.fromkeys(problems))
    return Check("mentions", "fail" if problems else "pass",
                 problems or {"removed": len(removed), "searched": sorted(names)})


def _patterns(removed: list[str], files: list[str]) -> dict[str, str]:
    """Word searched -> the removed path it names: the path, and its unique file name."""
    counts = Counter(posixpath.basename(f) for f in files)
    out = {path: path for path in removed}
    for path in removed:
        name = posixpath.basename(path)
        if counts[name] == 1 and name not in out:
            out[name] = path
    return out


def _runnable(path: str) -> bool:
    return source_kind(path) != "docs" and not path.lower().endswith(DATA)


def _words_in(text: str, names: dict[str, str]) -> list[str]:
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
