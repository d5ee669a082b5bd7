"""Plugin folders: a repo folder whose subfolders are installed elsewhere one by one, and the
callers that run or source a member's file through the install folder.

A plugin platform keeps one folder per plugin under a repo folder and installs each with a
copy step whose source is that folder plus a variable or glob member and whose destination is
a known absolute folder (`cp -R plugins/$(NAME) $(LIB)/available`, `cp -r plugins/* /opt/t/`):
the repo folder is a member root, installed in that folder; a link of an installed member into
another folder (`ln -s $(LIB)/available/$(NAME) $(LIB)/enabled`) installs it there too.

Callers reach a member through the install folder, which they mostly know only as a variable:
`source "$AVAILABLE/git/functions"` (the leading variable stands for the install folder), a
dispatcher's `"$ENABLED/$NAME/subcommands/$CMD" "$@"` or `for s in $ENABLED/*/commands; do
$s; done` (any member's file may run). What follows the install folder is a tail
(`git/functions`, `*/subcommands/*`), and every repo script ROOT/TAIL of a member root is a
`likely` row, rule `...+dispatch-glob` (which member runs is chosen at run time, and the
install may be stale). An absolute path in a known install folder
(`${AVAILABLE:-/var/lib/t/available}/git/functions`) is read in its member root. A plugin
runner that runs the file NAME of every enabled plugin (`plugn trigger NAME ...`,
`pluginhook NAME ...`) gives a `likely` row to each ROOT/*/NAME (a link there is run as its
target), rule `plugin-trigger`; its other words are arguments and give no row.

The roots are known only once every file is scanned (the copy step is in a Makefile, the
callers in the plugins), so both travel as pending rows (`Hit.via`): a root or link as a row
tagged ROOT_PREFIX / LINK_PREFIX (never a row itself), a caller as a row tagged TAIL_PREFIX +
its tail or absolute path, resolved by member_rows. A tail needs two parts and a literal one
(`*/*` is no row); a copy into the repo or into an unknown folder (`"$TMP"`, a test's scratch
copy) makes no root, and a repo with no member root gets nothing from this module.
"""

from __future__ import annotations

import itertools
import posixpath
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from .argv import UNKNOWN, Word
from .lines import Hit
from .model import LIKELY, RESOLVED, Reference
from .values import ANCHOR, Vars, evaluate, norm

if TYPE_CHECKING:
    from .shwalk import Shell

ROOT_PREFIX = "member-root:"
LINK_PREFIX = "member-link:"
TAIL_PREFIX = "member-tail:"
# a plugin runner -> the subcommand that runs a hook by name in every plugin ("" for none)
TRIGGERS = {"plugn": "trigger", "pluginhook": ""}
_MAGIC = "*?["
_FIND = re.compile(r"\$\(\s*find\s+([^|;&)<>]*)")


def root(words: Sequence[Word], dest: Word | None, sh: Shell) -> None:
    """A copy step's sources that are a repo folder plus a variable or `*` member, copied to
    a folder outside the repo: that repo folder is a member root, installed in that folder
    (when it is known). A link from an install folder's member to another folder (`ln -s
    $(LIB)/available/$(NAME) $(LIB)/enabled`) makes that folder an install folder too."""
    if dest is None:
        return
    into = _folder(dest, sh)
    if not into:  # a folder of the repo, or one not known (`"$TMP"`: a test's scratch copy)
        return
    for w in words:
        value = w.value if w.value is not None else evaluate(
            w.text, sh.where.variables, sh.where.file, unknown="*")
        if value is None:
            continue
        folder, _, member = value.rstrip("/").rpartition("/")
        if member != "*" or not folder or any(c in folder for c in _MAGIC):
            continue
        if folder.startswith("/"):
            if into:
                sh.hits.append(Hit(w.line, RESOLVED, folder, False, "member-link", LIKELY,
                                   via=f"{LINK_PREFIX}{folder}\n{into}"))
            continue
        base = sh.cd[0] if sh.cd and sh.cd[0] else (sh.where.bases[0] if sh.where.bases else "")
        path = folder[1:] if folder.startswith(ANCHOR) else posixpath.join(base, folder)
        repo = norm(path)
        if repo and repo in sh.lk.index.dirs:
            sh.hits.append(Hit(w.line, RESOLVED, repo, False, "member-root", LIKELY,
                               via=f"{ROOT_PREFIX}{repo}\n{into}"))


def _folder(dest: Word, sh: Shell) -> str:
    """The absolute folder a copy puts each member in ("" when not known)."""
    value = dest.value if dest.value is not None else evaluate(
        dest.text, sh.where.variables, sh.where.file, unknown="*")
    if value is None or not value.startswith("/"):
        return ""
    value = value.rstrip("/")
    if value.endswith("/*"):  # `cp -R plugins/$(NAME) /opt/x/$(NAME)`
        value = value[:-2]
    return "" if any(c in value for c in _MAGIC) else posixpath.normpath(value)


def tail(text: str, variables: Vars, file: str) -> str | None:
    """What follows the install folder in a path the shell runs or sources: the path after a
    leading variable (`$AVAILABLE/git/functions` -> `git/functions`) or from the first unknown
    part of an absolute path (`/var/lib/x/$NAME/run` -> `*/run`); None for any other path."""
    got = evaluate(text if text.startswith("/") else "/" + text, variables, file,
                   unknown=UNKNOWN)
    if got is None or got.startswith(ANCHOR) or UNKNOWN not in got:
        return None
    if not text.startswith(("$", '"$', "'$", "/", '"/')):
        return None  # a relative path: the walk's own globs read it
    parts = got.strip("/").split("/")
    first = next(i for i, p in enumerate(parts) if UNKNOWN in p)
    if first == 0 and not text.startswith(("/", '"/')):
        if parts[0] != UNKNOWN:
            return None  # `$X-suffix/...`: the install folder is not the variable
        parts = parts[1:]
    else:
        parts = parts[first:]
    out = [p.replace(UNKNOWN, "*") for p in parts]
    if len(out) < 2 or any(p in ("", ".", "..") for p in out) \
            or not any(p.strip(_MAGIC) for p in out):
        return None
    return "/".join(out)


def found(raw: str, sh: Shell) -> str | None:
    """`$(find [-L] DIR ... -name NAME ...)` below a folder outside the repo (a variable or an
    absolute path): every member file named NAME, at any depth (`**/NAME`); None otherwise."""
    match = _FIND.match(raw.strip().strip('"'))
    if match is None:
        return None
    args: list[str] = str(match.group(1)).split()
    where = next((a for a in args if not a.startswith("-")), None)
    name = next((b for a, b in itertools.pairwise(args) if a == "-name"), None)
    if where is None or name is None:
        return None
    name = name.strip("\"'")
    if not name or "/" in name or any(c in name for c in _MAGIC + "$"):
        return None
    got = evaluate("/" + where, sh.where.variables, sh.where.file, unknown=UNKNOWN)
    if got is None or ANCHOR in got or not (UNKNOWN in got or where.strip("\"'").startswith("/")):
        return None
    return "**/" + name


def pending(line: int, pattern: str, rule: str, sh: Shell) -> None:
    """A caller through an install folder, kept for the end (member_rows)."""
    full = f"{sh.rule}>{rule}" if sh.rule else rule
    sh.hits.append(Hit(line, RESOLVED, pattern, False, full, LIKELY, sh.kind, not sh.remote,
                       via=TAIL_PREFIX + pattern))


def triggered(words: list[Word], sh: Shell) -> None:
    """`plugn trigger NAME ...`, `pluginhook NAME ...`: the file NAME of every plugin."""
    head = (words[0].value or "").rpartition("/")[2]
    sub = TRIGGERS.get(head)
    if sub is None:
        return
    rest = [w for w in words[1:] if not (w.value or "").startswith("-")]
    if sub:
        if not rest or rest[0].value != sub:
            return
        rest = rest[1:]
    if not rest:
        return
    name = rest[0].value
    if name and "/" not in name and not any(c in name for c in _MAGIC + " $"):
        pending(rest[0].line, "*/" + name, "plugin-trigger", sh)


def member_rows(rows: Iterable[tuple[str, Reference]], source: str,
                roots: Mapping[str, Sequence[str]], scripts: Mapping[str, str],
                ) -> list[Reference]:
    """The pending rows through an install folder, as rows to each member file that fits
    (`roots`: member root -> its install folders; `scripts`: listed path -> the script it
    is, a link's path -> its target). An absolute path is read in the install folders."""
    out: list[Reference] = []
    seen: set[tuple[int, str]] = set()
    for via, row in rows:
        if not via.startswith(TAIL_PREFIX):
            continue
        pattern = via[len(TAIL_PREFIX):]
        found: list[str] = []
        if pattern.startswith("/"):
            found = [scripts[p] for base, dests in roots.items() for d in dests
                     if pattern.startswith(d + "/")
                     and (p := base + pattern[len(d):]) in scripts]
        else:
            fits = _matcher(pattern)
            found = [scripts[p] for base in roots for p in _under(base, scripts)
                     if fits(p[len(base) + 1:])]
        for target in found:
            if target != source and (row.line, target) not in seen:
                seen.add((row.line, target))
                out.append(replace(row, target=target))
    return out


def roots_of(rows: Iterable[tuple[str, Reference]]) -> dict[str, list[str]]:
    """Member root -> the folders it is installed in (through copies, then links)."""
    roots: dict[str, list[str]] = {}
    links: list[tuple[str, str]] = []
    for via, _ in rows:
        if via.startswith(ROOT_PREFIX):
            repo, _, into = via[len(ROOT_PREFIX):].partition("\n")
            have = roots.setdefault(repo, [])
            if into and into not in have:
                have.append(into)
        elif via.startswith(LINK_PREFIX):
            frm, _, into = via[len(LINK_PREFIX):].partition("\n")
            links.append((frm, into))
    for dests in roots.values():
        for frm, into in links:  # one step: a link of a link is not followed
            if frm in dests and into not in dests:
                dests.append(into)
    return {repo: sorted(dests) for repo, dests in sorted(roots.items())}


def _matcher(pattern: str) -> Callable[[str], object]:
    """A tail as a test of a path below a root: `*` and `?` within one part, a `**` part for
    any number of folders."""
    text = ""
    for part in pattern.split("/")[:-1]:
        text += "(?:[^/]+/)*" if part == "**" else _part(part) + "/"
    return re.compile(text + _part(pattern.rpartition("/")[2]) + r"\Z").match


def _part(glob: str) -> str:
    return "".join("[^/]*" if c == "*" else "[^/]" if c == "?" else re.escape(c) for c in glob)


def _under(base: str, scripts: Iterable[str]) -> list[str]:
    prefix = base + "/"
    return [s for s in scripts if s.startswith(prefix)]
