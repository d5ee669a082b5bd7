"""Scripts that run away from the checkout: copied into an image, mounted into a container,
uploaded onto a machine being built or onto a remote host.

A shim finds its canonical by a path relative to itself, which holds only inside the checkout.
Packer uploads each provisioner script alone (`/tmp/script_1234.sh`), a Dockerfile copies the
files it names, a bind mount brings one file or one folder, Ansible's `script:` copies the file
to the host: there the shim runs without its canonical beside it, and fails. A script such a
caller carries, and what that script runs or sources in turn (it runs there too), is never
shimmed by the planner: a person decides.
"""

from __future__ import annotations

import pandas as pd

# kinds whose live rows run or copy the script inside an image, a container or a machine
_AWAY_KINDS = frozenset({"dockerfile", "compose", "container", "packer"})
# Ansible copies a `script:` to the host, then runs it; `cp`/`install`/`mv`/`rsync`/`scp`/`ln`
# put the file somewhere else (discovery's references/fileops.py), also inside `bash -c`; a
# script fed on standard input (`bash < x.sh`, references/stdin.py) has no path of its own
# for a shim to find its canonical from
_AWAY_RULES = ("ansible-script", "file-op", "stdin")
# kinds of row whose target runs where its source runs
_ALONG_KINDS = frozenset({"script", "python", "import"})


def carried(references: pd.DataFrame) -> dict[str, str]:
    """Script path -> the caller site (`file:line`) that carries it away from the checkout."""
    rows = references[(references["status"] == "resolved") & references["live"]]
    away: dict[str, str] = {}
    along: dict[str, list[str]] = {}
    for ref in rows.to_dict("records"):
        source, target, kind = str(ref["source"]), str(ref["target"]), str(ref["kind"])
        steps = str(ref.get("rule", "")).split(">")
        if kind in _AWAY_KINDS or any(step.startswith(_AWAY_RULES) for step in steps):
            away.setdefault(target, f"{source}:{ref['line']}")
        elif kind in _ALONG_KINDS:
            along.setdefault(source, []).append(target)
    todo = list(away)
    while todo:  # a carried script's own callees run where it runs
        source = todo.pop()
        for target in along.get(source, []):
            if target not in away:
                away[target] = away[source]
                todo.append(target)
    return away
