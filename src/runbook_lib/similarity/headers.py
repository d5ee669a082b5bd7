"""What a script says it does: its header comment or docstring, and its usage text.

Both are reduced to lower-case words, the script's own file name written as its job tokens,
so `build_all_images.sh` and `build-all-images.sh` with the same header compare equal, while
"Deploy billing-api" and "Deploy orders-web" (one template, two targets) do not, nor do
"Completion for pihole" in pihole.bash and "Completion for pihole-FTL" in pihole-ftl.bash:
a header that names its own script names its target, and two targets are two jobs.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath

from runbook_lib.similarity.names import job_tokens

_WORD = re.compile(r"--?[a-z][\w-]*|[a-z][a-z0-9]+")
_SELF = re.compile(
    r"\$\{?0\}?|\$\(basename [^)]*\)|\$\{0##\*/\}|%\(prog\)s|sys\.argv\[0\]|__file__|\$prog\b"
)
_USAGE = re.compile(r"usage:?\s+(.*)", re.I)
_DESCRIPTION = re.compile(r"description\s*=\s*(?:f?\"([^\"]*)\"|f?'([^']*)')")
_DOCSTRING = re.compile(r"\A(?:#[^\n]*\n|\s)*(?:[rRuU]?)(?:\"\"\"|''')\s*([^\n]*)")
_NOT_DESCRIPTION = re.compile(
    r"author|date|copyright|licen[cs]e|owner|maintainer|shellcheck|vim:|-\*-|usage|created|"
    r"modified|version|spdx|todo|fixme|^#!|"
    # the lines of a licence header: the same in every file of a project, naming no job
    r"you may not use|compliance with|distributed (?:under|on)|warrant|permissions and|"
    r"limitations under|required by applicable law|www\.|https?://|all rights reserved",
    re.I,
)
HEAD_LINES = 40


def describe(text: str, group: str, path: str) -> tuple[str, str]:
    """(description, usage), each normalised, "" when the script has none worth comparing."""
    name = PurePosixPath(path).name.lower()
    own = {name, name.rsplit(".", 1)[0]} if name else set()
    self_word = "self" + "".join(sorted(set(job_tokens(name))))
    head = text[:4000]
    desc = _python_description(head) if group == "python" else _shell_description(head)
    return _clean(desc, own, self_word), _clean(_usage(head), own, self_word)


def _shell_description(head: str) -> str:
    for line in head.split("\n")[:HEAD_LINES]:
        stripped = line.strip()
        if not stripped or stripped.startswith("#!"):
            continue
        if not stripped.startswith("#"):
            break
        body = stripped.lstrip("#").strip(" -=*")
        if len(body.split()) >= 3 and not _NOT_DESCRIPTION.search(body):
            return body
    return ""


def _python_description(head: str) -> str:
    m = _DOCSTRING.match(head)
    if m and len(m.group(1).split()) >= 3:
        return m.group(1)
    m = _DESCRIPTION.search(head)
    if m:
        return m.group(1) or m.group(2) or ""
    return _shell_description(head)


def _usage(head: str) -> str:
    m = _USAGE.search(head)
    return m.group(1)[:200] if m else ""


def _clean(text: str, own: set[str], self_word: str) -> str:
    text = _SELF.sub(" ", text.lower())
    for name in sorted(own, key=len, reverse=True):
        text = text.replace(name, f" {self_word} " if self_word != "self" else " ")
    words = [w for w in _WORD.findall(text) if w not in ("sh", "py", "bash", "python", "python3")]
    return " ".join(words) if len(words) >= 2 else ""
