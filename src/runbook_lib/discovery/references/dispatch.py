"""Commands found by name on PATH at run time: a dispatcher that runs `"tool-$command"`, and a
lookup (`type -P`, `command -v`, `which`) of a name.

A git-style tool (`tool sub ...` runs `libexec/tool-sub`) builds the program's name from its
argument and finds it through the PATH folder it put there: `exec "tool-$1"`,
`path="$(type -P "tool-$command")"`. Which script runs is chosen by the caller, so every script
named `tool-*` in a repo folder on PATH may be the one (`likely`). A lookup by a literal name
depends on that script as much as a run does (renaming it breaks the lookup), and a lookup may
be followed by a run of what it found; it is `likely` too. A name with no literal part, or one
that no PATH folder of the repo holds, stays a system command.

A caller of such a tool names the subcommand as its first word (`tool list`, `run tool list`
in a test): that line runs `tool-list` too. Whether a repo script is a dispatcher is known only
once it is scanned, so the caller records the word (a row of status DISPATCH, tagged with the
script, `Hit.via`) and discovery turns it into a row to the script the dispatcher's pattern
names, once every file is scanned (`subcommand`), `likely`.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from .argv import SHELLS, Action, Word
from .casearms import ruled_out
from .model import LIKELY, RESOLVED, Reference
from .resolve import Found
from .values import evaluate, norm

if TYPE_CHECKING:
    from .shwalk import Shell

DISPATCH = "dispatch"  # a caller's subcommand word, resolved once its dispatcher is known
LOOKUPS = frozenset({"type", "which", "hash", "command"})
_MIN_LITERAL = 2  # `x-*`: a pattern needs this many known characters to name a family


def looked_up(words: list[Word], sh: Shell) -> None:
    """`type -P NAME`, `command -v NAME`, `which NAME`: each NAME found on a repo PATH folder.
    `command -v` and a plain `type` find a function of that name first; `type -P`/`-p`,
    `which` and `hash` search PATH only."""
    flags = {w.value for w in words[1:] if (w.value or "").startswith("-")}
    functions_first = words[0].value == "command" or (
        words[0].value == "type" and not flags & {"-p", "-P", "-a", "-pa", "-Pa"})
    for w in words[1:]:
        if (w.value or "").startswith("-"):
            continue
        if w.value is not None:
            sh.names.add(w.value)  # a function of that name would change what it finds
            if functions_first and (w.value in sh.functions or w.value in sh.own_functions):
                continue  # `command -v nvm_ls`: a function of that name is what it finds
            found = _on_path(w.value, sh)
            for target in found[:1]:
                sh.add(w.line, Found(RESOLVED, target, LIKELY), "lookup+PATH")
            continue
        partial = evaluate(w.text, sh.where.variables, sh.where.file, unknown="*")
        if partial is not None and "*" in partial and "/" not in partial:
            family(partial, w, "lookup", sh)


def program_word(rule: str) -> bool:
    """Whether a run action's word is the program of its command (`exec "tool-$1"`) rather
    than the script an interpreter reads (`bash "x-$1"`, found in the working folder)."""
    last = rule.rpartition(">")[2]
    return last not in SHELLS and not last.startswith("python")


def family(pattern: str, w: Word, rule: str, sh: Shell) -> None:
    """A command name built from a known part and a variable (`tool-$command`): every script
    of a repo PATH folder whose name fits."""
    if len(pattern.replace("*", "")) < _MIN_LITERAL or " " in pattern:
        return
    found = _on_path(pattern, sh)
    never = ruled_out(pattern, w, sh)  # the family stays whole: other callers name any member
    for target in found:
        if target.rpartition("/")[2] not in never:
            sh.add(w.line, Found(RESOLVED, target, LIKELY), f"{rule}+PATH+variable")
    if found and pattern.count("*") == 1:
        sh.families.setdefault(pattern, [])
        sh.families[pattern] += [t for t in found if t not in sh.families[pattern]]


def subcommand(action: Action, sh: Shell, start: int) -> None:
    """The first word after a run repo script, kept (scanning.scan_all) if that script is a
    dispatcher whose pattern names a script with it: `tool list` runs `tool-list`."""
    word = next((w for w in action.args if not (w.value or "-").startswith("-")), None)
    if word is None or word.value is None or "/" in word.value or not word.value.strip():
        return
    targets = sorted({h.target for h in sh.hits[start:] if h.status == RESOLVED and not h.via})
    for target in targets:  # `tool-sub` on a PATH folder of the caller's own (a test's stub
        # commands folder): the dispatcher finds it there too, whatever its own folders hold
        name = f"{target.rpartition('/')[2]}-{word.value}"
        for folder, _ in sh.path_dirs:
            found = sh.lk.find(norm(folder + "/" + name))
            if found is not None and found.rpartition("/")[0] != target.rpartition("/")[0]:
                sh.add(word.line, Found(RESOLVED, found, LIKELY), "subcommand")
                break
    for target in targets:
        sh.add(word.line, Found(DISPATCH, word.value, LIKELY), "subcommand")
        sh.hits[-1] = replace(sh.hits[-1], via=target)


def dispatched(row: Reference, families: Mapping[str, Sequence[str]]) -> Reference | None:
    """A DISPATCH row as a row to the script its dispatcher's pattern names, or None."""
    for pattern, targets in families.items():
        name = pattern.replace("*", row.target)
        for target in targets:
            if target.rpartition("/")[2] == name:
                return replace(row, target=target, status=RESOLVED, confidence=LIKELY)
    return None


def _on_path(pattern: str, sh: Shell) -> list[str]:
    """The scripts of the repo PATH folders (first folder first) whose name fits `pattern`."""
    out: list[str] = []
    for folder, _ in sh.path_dirs:
        for path in sh.lk.by_folder_names(folder):
            name = path.rpartition("/")[2]
            if fnmatch.fnmatchcase(name, pattern) and path not in out:
                target = sh.lk.find(norm(path))
                if target is not None:
                    out.append(target)
    for name, target in sh.commands.items():
        if fnmatch.fnmatchcase(name, pattern) and target not in out:
            out.append(target)
    return out
