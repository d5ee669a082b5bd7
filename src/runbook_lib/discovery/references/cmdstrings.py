"""A command line handed to a function as one quoted argument.

`run_process dstat "$TOP_DIR/tools/dstat.sh $LOGDIR"` (devstack): the function starts a service
that runs that string, through layers no walker follows (a unit file written by a helper). When
a quoted argument of a command that is not a known program reads as a command line (its first
word is a path or an interpreter) and running it would run a repo script, that is a `likely`
row, rule `command-string>FUNCTION`. Messages are not: the argument of `echo`, `die`, `log`...,
a lone path whose output is captured (`$(display_path "$root/bin/tool")`, rbenv), and a string
whose first word is plain text (`"Failed to run $TOP_DIR/x.sh"`) or that holds an unknown part
(`"$root/$env_path"`) give nothing; a path that names no repo script gives no dangling row.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from . import shparse
from .argv import SHELLS, Word
from .model import RESOLVED

if TYPE_CHECKING:
    from .shwalk import Shell

# programs and functions whose quoted arguments are text, a pattern or data, not a command
_TEXT = re.compile(r"^(?:echo|printf|print\w*|die\w*|warn\w*|err\w*|fail\w*|fatal|abort|info|"
                   r"debug|msg|message|note|notify|say|usage|log\w*|\w*_?log|assert\w*|"
                   r"grep|egrep|fgrep|rg|sed|awk|gawk|jq|yq|expr|test|\[|\[\[|read|"
                   r"pkill|pgrep|killall|ps|curl|wget|git|mail|sendmail|wall|whiptail|"
                   r"dialog|zenity|cat|tee|touch|rm|mkdir|ls|chmod|chown|find|tar|sort|"
                   r"export|local|declare|readonly|typeset|alias|unset|set|trap|"
                   r"apt-get|apt|yum|dnf|pip\d?|npm|docker|kubectl|ssh|scp|rsync|sudo)$")
_QUIET: dict[str, bool] = {}  # command name -> whether its arguments are text (per process)
_INTERPRETER_VAR = re.compile(r"^\$\{?(?:PYTHON\w*|PY|BASH|SHELL)\}?$")
_INTERPRETERS = re.compile(r"^(?:python[\d.]*|pypy\d*|perl|ruby|node|" +
                           "|".join(sorted(SHELLS)) + r")$")


def handed(node: shparse.Node, head: Word, sh: Shell) -> None:
    """Rows for the quoted command lines among the arguments of a command (module doc)."""
    name = (head.value or "").rpartition("/")[2]
    quiet = _QUIET.get(name)
    if quiet is None:
        quiet = _QUIET[name] = not name or _TEXT.match(name) is not None
    if quiet:  # before the arguments are read: most commands are `echo`, `grep`, `rm`...
        return
    args = [a for a in node.children_by_field_name("argument") if a.type == "string"]
    if not args:
        return
    from .shwalk import nested, word

    captured = _captured(node)
    for arg in args:  # double-quoted strings
        raw = shparse.text(arg)
        if len(raw) < 4 or "/" not in raw or (captured and " " not in raw.strip('"')):
            continue  # `x="$(display_path "$root/bin/tool")"`: a lone path whose output is kept
        w = word(arg, sh)
        code = _command_line(w, sh)
        if code is None:
            continue
        start, cd, sources = len(sh.hits), sh.cd, len(sh.sources)
        nested(code, w.line, sh, f"command-string>{name}", "likely")
        # only what the line names: no dangling row, no guess through an unknown part
        sh.hits[start:] = [h for h in sh.hits[start:]
                           if h.status == RESOLVED and "+variable" not in h.rule]
        sh.cd = cd
        del sh.sources[sources:]


def _captured(node: shparse.Node) -> bool:
    """The command's output is kept (`$(...)`): a function handed a lone path prints it."""
    parent = node.parent
    while parent is not None and parent.type not in ("command_substitution", "program"):
        parent = parent.parent
    return parent is not None and parent.type == "command_substitution"


def _command_line(w: Word, sh: Shell) -> str | None:
    """The argument as shell code when its first word is a path or an interpreter."""
    from .shwalk import code_text

    code = code_text(w, sh)
    first = code.split(None, 1)[0] if code.strip() else ""
    if _INTERPRETERS.match(first) or _INTERPRETER_VAR.match(first):
        return code
    return code if "/" in first else None
