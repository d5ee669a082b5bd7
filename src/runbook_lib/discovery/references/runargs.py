"""Scripts that run their own arguments, and the commands their callers hand them.

A docker-entrypoint.sh that ends in `exec "$@"`, or a wrapper that sets up an environment and
then runs what it is given, makes its caller's next words a command of their own:
`CMD ["/entrypoint.sh", "/launch.sh"]` runs launch.sh, `./with-venv.sh python tools/x.py` runs
x.py. Whether a script runs its arguments is only known once that script is scanned, so a
caller records what the words after a repo script would run, each row tagged with the script
(`Hit.via`), and discovery keeps those rows, once every file is scanned, for the scripts whose
own code runs `"$@"` before any `shift` (scanning.scan_all). They are `likely`: the script may
run its arguments on one branch only.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from . import shparse
from .argv import Action, interpret
from .model import LIKELY, RESOLVED

if TYPE_CHECKING:
    from .shwalk import Shell

ALL_ARGS = frozenset({"$@", "${@}"})
# programs that run the command after them (their options, and a user for the user switchers)
_WRAPPERS = frozenset({"exec", "nohup", "setsid", "nice", "stdbuf", "timeout", "env",
                       "command", "time", "ionice", "tini", "dumb-init", "sudo"})
_SWITCH_USER = frozenset({"gosu", "su-exec", "chpst", "setpriv"})
RULE = "runs-args"


def own_arguments(node: shparse.Node, sh: Shell) -> None:
    """A command of the file's own code (outside functions): `shift` moves its arguments; a
    command whose program is `"$@"`, after wrappers (`exec gosu app "$@"`), runs them."""
    raw = node.text
    if b"@" not in raw and b"shift" not in raw:  # most commands: neither, read at C speed
        return
    name = node.child_by_field_name("name")
    words = [shparse.text(name)] if name is not None else []
    words += [shparse.text(a) for a in node.children_by_field_name("argument")]
    if not words:
        return
    if words[0] == "shift":
        sh.shifted = True
        return
    i = 0
    while i < len(words) and words[i] in _WRAPPERS | _SWITCH_USER:
        switch = words[i] in _SWITCH_USER
        i += 1
        while i < len(words) and words[i].startswith("-"):
            i += 1
        i += 1 if switch else 0
    if i < len(words) and words[i].strip('"') in ALL_ARGS and not sh.shifted:
        sh.runs_args = True


def through(action: Action, sh: Shell, start: int) -> None:
    """The rows the words after a run repo script would give if it runs its arguments, for
    each script the run reached (rows from `start` on), tagged with that script."""
    from .shwalk import act

    targets = sorted({h.target for h in sh.hits[start:] if h.status == RESOLVED and not h.via})
    if not targets:
        return
    kept = sh.hits
    sh.hits = []
    try:
        for inner in interpret(action.args):
            if inner.what != "source":  # `exec "$@"` cannot run a shell builtin
                act(inner, sh, LIKELY)
    finally:
        got, sh.hits = sh.hits, kept
    for target in targets:
        sh.hits += [replace(h, rule=f"{RULE}>{h.rule}", confidence=LIKELY, via=target)
                    for h in got if not h.via]
