"""Shell words as values: `$(dirname "$0")`, `${BASH_SOURCE%/*}`, `$SCRIPT_DIR/..`.

A value is a string. It starts with ANCHOR when it is a repo path known exactly (the caller's
folder, a folder derived from it), with `/` when it is absolute, and is relative otherwise.
Unknown values are None.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Mapping

ANCHOR = "\x00"
Vars = Mapping[str, "str | None"]
# Names the checkout goes by: `$(dirname "$0")/../../<name>` climbs out of the repo and back
# in through its own folder. Set once per run (before workers fork) by set_repo_names.
REPO_NAMES: set[str] = set()


def set_repo_names(names: set[str]) -> None:
    REPO_NAMES.clear()
    REPO_NAMES.update(names)

_PART = re.compile(
    r"\$\((?:[^()]|\((?:[^()]|\([^()]*\))*\))*\)|\$\{[^}]{0,256}\}|\$(?:[A-Za-z_]\w*|\d)"
)
_CD_PWD = re.compile(
    r"(?:(?:builtin|command)\s+)?cd\s+(?:-[LP]\s+)?(?:--\s+)?(.+?)\s*"
    r"(?:[12&]?>>?\s*/dev/null\s*|2>&1\s*)*(?:&&|;)\s*(?:(?:builtin|command)\s+)?pwd(?:\s+-[LP])?"
)
_DIRNAME = re.compile(r"dirname\s+(?:--\s+)?(.+)")
_REALPATH = re.compile(r"(?:realpath|readlink\s+-[fem]+)(?:\s+-[-\w]+)*\s+(.+)")
# `${X:?message}` is X or the shell stops: the value where the script goes on
# `${X%/*/*}` drops one folder per `/*`; `${X%/}` only a trailing slash
_BRACED = re.compile(
    r"([A-Za-z_]\w*|\d)(\[[0-9@*]\])?(?:(%(?:/\*)+|%%/\*|%/)|:?-(.*)|:?\?.*)?")
# a function of the file that prints its argument as a canonical path (`readlink_f "$0"`):
# the walker marks it in the variables under this prefix (shwalk.py, canonical functions)
CANONICAL = "\x00canonical:"
_SELF = frozenset({"0", "BASH_SOURCE"})
_ROOTS = frozenset({"GITHUB_WORKSPACE", "CI_PROJECT_DIR", "WORKSPACE", "CIRCLE_WORKING_DIRECTORY"})


def norm(path: str) -> str | None:
    """A repo-relative path normalised, "" for the root, None when it leaves the repo."""
    path = path.lstrip("/")
    if not path:
        return ""
    out = posixpath.normpath(path)
    if out == ".":
        return ""
    if out.startswith("../") and out.split("/")[1] in REPO_NAMES:
        return norm(out.split("/", 2)[2] if out.count("/") > 1 else "")
    return None if out == ".." or out.startswith("../") else out


def parent(value: str | None) -> str | None:
    if value is None:
        return None
    if value.startswith(ANCHOR):
        path = norm(value[1:])
        return None if path is None or path == "" else ANCHOR + posixpath.dirname(path)
    if value.startswith("/"):
        return posixpath.dirname(posixpath.normpath(value))
    return posixpath.normpath(posixpath.join(value, ".."))


def evaluate(word: str, variables: Vars, file: str, unknown: str | None = None) -> str | None:
    """The value of a shell word, or None when it holds an unknown variable (or, with
    `unknown`, the value with that text standing for each unknown part)."""
    if "$" not in word:
        return _unquote(word)
    out: list[str] = []
    pos = 0
    for match in _PART.finditer(word):
        value = _expand(match.group(), variables, file)
        if value is None and unknown is not None and match.start() > 0:
            value = unknown
        if value is None:
            return None
        out.append(_unquote(word[pos:match.start()]))
        out.append(value)
        pos = match.end()
    out.append(_unquote(word[pos:]))
    text = "".join(out)
    if "$" in text or ANCHOR in text[1:]:
        return None
    return text


def _unquote(text: str) -> str:
    if "\\ " in text:  # `./automated\ install/x.sh`: a space escaped in a bare word
        text = text.replace("\\ ", " ")
    return text.replace('"', "").replace("'", "") if ('"' in text or "'" in text) else text


def _expand(part: str, variables: Vars, file: str) -> str | None:
    if part.startswith("$("):
        return _command(part[2:-1].strip(), variables, file)
    if part.startswith("${"):
        return _braced(part[2:-1], variables, file)
    return _variable(part[1:], variables, file)


def _variable(name: str, variables: Vars, file: str) -> str | None:
    if name in _SELF:
        return ANCHOR + file
    if name in variables:
        return variables[name]
    if name == "PWD":
        return "."
    return ANCHOR if name in _ROOTS else None


def _braced(body: str, variables: Vars, file: str) -> str | None:
    match = _BRACED.fullmatch(body)
    if match is None:
        return None
    name, _index, strip, default = match.groups()
    value = _variable(name, variables, file)
    if strip == "%/":
        return value if value is None or value in ("/", ANCHOR) else value.rstrip("/")
    if strip:
        for _ in range(max(1, strip.count("/*"))):
            value = parent(value)
        return value
    if value is None and default is not None:
        got = evaluate(default, variables, file)
        # `${1:-""}`: the caller's argument, empty only when none is given; unknown
        return None if got == "" and name.isdigit() else got
    return value


def _command(inner: str, variables: Vars, file: str) -> str | None:
    if inner in ("pwd", "pwd -P", "pwd -L"):
        return "."
    if inner.startswith("git rev-parse --show-toplevel"):
        return ANCHOR
    match = _CD_PWD.fullmatch(inner)
    if match:
        return evaluate(match.group(1), variables, file)
    match = _DIRNAME.fullmatch(inner)
    if match:
        return parent(evaluate(match.group(1).strip(), variables, file))
    match = _REALPATH.fullmatch(inner)
    if match:
        return evaluate(match.group(1).strip(), variables, file)
    name, _, arg = inner.partition(" ")
    kind = variables.get(CANONICAL + name)
    if kind is not None and arg.strip() and " " not in arg.strip():
        value = evaluate(arg.strip(), variables, file)
        return parent(value) if kind == "dir" else value
    return None


def expand_known(text: str, variables: Vars, file: str) -> str:
    """Code in a string (`bash -c "..."`): the variables known here expanded, the rest left for
    the inner shell to see as unknown."""
    out: list[str] = []
    pos = 0
    for match in _PART.finditer(text):
        if match.start() > 0 and text[match.start() - 1] == "\\":
            continue
        value = _expand(match.group(), variables, file)
        out.append(text[pos:match.start()])
        out.append(match.group() if value is None else value)
        pos = match.end()
    out.append(text[pos:])
    return "".join(out)
