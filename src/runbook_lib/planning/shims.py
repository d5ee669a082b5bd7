"""Forwarding shims: a duplicate's path keeps working while its code lives in the canonical.

Each style keeps what callers can observe:
- exec:        a new process image of the canonical; arguments, stdin, exit code and signals
               pass through (`exec` keeps the PID). The canonical sees its own `$0`.
- source-keep-0: for scripts that read files beside `$0`: sourcing keeps `$0` (and so the
               folder they read from) the old path; the shebang family is the same by design.
- source-lib:  for libraries that callers `source`: the shim sources the canonical.
- runpy:       Python; `runpy.run_path(..., run_name="__main__")` keeps argv and exit codes.
- python-file: Python that reads files beside `__file__`: the canonical's code runs with
               `__file__` still naming the old path.
Scripts that find themselves through `BASH_SOURCE`, Python modules that others import, and
libraries sourced by POSIX sh or written for it are left to a person (no shim keeps their
behaviour).
"""

from __future__ import annotations

import json
import posixpath
import re
from dataclasses import dataclass

from runbook_lib.discovery.references.pyfile import runs_directly
from runbook_lib.planning import usagelog
from runbook_lib.planning.usagelog import NO_SINKS, Sinks

MARK = "runbook shim"
_BASH_SOURCE = re.compile(r"BASH_SOURCE")
_DOLLAR0 = re.compile(r"\$0\b|\$\{0[}%#]")
_FILE = re.compile(r"__file__|sys\.argv\[0\]")


@dataclass(frozen=True)
class ShimChoice:
    style: str  # exec, source-keep-0, source-lib, runpy, python-file; "" when none fits
    reason: str


def choose(language: str, text: str, sourced: bool, sourced_by_sh: bool,
           imported: bool) -> ShimChoice:
    if language == "python":
        if imported:
            return ShimChoice("", "other Python code imports it as a module; a shim would "
                              "not export its names")
        if not runs_directly(text.split("\n")):  # misc/migration.py: defs, nothing runs
            return ShimChoice("", "runs nothing by itself (no shebang, no __main__ guard): "
                              "it is there to be imported, and a shim would not export its "
                              "names")
        if _FILE.search(text):
            return ShimChoice("python-file", "uses __file__ or sys.argv[0]: run with both kept")
        return ShimChoice("runpy", "plain script")
    if text.startswith("#!") and "openrc-run" in text.split("\n", 1)[0]:
        return ShimChoice("", "an OpenRC service script: openrc-run sources it, so its $0 is "
                          "openrc-run's and a shim would not find its canonical")
    if _BASH_SOURCE.search(text):
        return ShimChoice("", "finds its own folder through BASH_SOURCE, which no shim keeps")
    if sourced:
        if sourced_by_sh:
            return ShimChoice("", "sourced by POSIX sh scripts, where a sourced file cannot "
                              "find its own folder")
        if language == "sh" and text.startswith("#!"):  # dash has no BASH_SOURCE
            return ShimChoice("", "a POSIX sh library its callers source: the shim would find "
                              "its canonical through BASH_SOURCE, which sh does not have")
        return ShimChoice("source-lib", "sourced by its callers: the shim sources it")
    if _DOLLAR0.search(text):
        return ShimChoice("source-keep-0", "reads files beside $0: sourcing keeps $0")
    return ShimChoice("exec", "plain script")


def relative(shim_path: str, canonical: str) -> str:
    return posixpath.relpath(canonical, posixpath.dirname(shim_path) or ".")


def _in_double_quotes(text: str) -> str:
    """`text` as it must be written inside "..." in shell: nothing in a path expands."""
    for char in ("\\", '"', "$", "`"):
        text = text.replace(char, "\\" + char)
    return text


def render(style: str, shim_path: str, canonical: str, shebang: str, batch: int,
           sinks: Sinks = NO_SINKS) -> str:
    """The shim's text; with sinks, it records each use first (planning.usagelog)."""
    rel = relative(shim_path, canonical)
    why = f"{MARK} (batch {batch}): each run is recorded; runbook docs/usage.md"
    if style in ("runpy", "python-file"):
        usage = usagelog.python_lines(shim_path, sinks, why) if sinks.any else ""
        return _python(style, rel, canonical, shebang, batch, usage)
    rel = _in_double_quotes(rel)
    head = f"{shebang}\n" if shebang else ""
    shown = canonical.replace("\n", "\\n").replace("\r", "\\r")  # a comment stays one line
    note = f"# {MARK} (batch {batch}): the code of this script now lives in {shown}\n"
    if sinks.any:
        note += usagelog.shell_lines(shim_path, sinks, why)
    body = {
        "exec": f'exec "$(dirname -- "$(readlink -f -- "$0")")/{rel}" "$@"\n',
        "source-keep-0": "# shellcheck source=/dev/null\n"
                         f'. "$(dirname -- "$(readlink -f -- "$0")")/{rel}"\n',
        "source-lib": "# shellcheck source=/dev/null\n"
                      f'. "$(dirname -- "$(readlink -f -- "${{BASH_SOURCE[0]}}")")/{rel}"\n',
    }[style]
    return head + note + body


def _python(style: str, rel: str, canonical: str, shebang: str, batch: int, usage: str) -> str:
    head = f"{shebang}\n" if shebang else ""
    note = f"# {MARK} (batch {batch}): the code of this script now lives in {canonical!r}\n"
    note += usage
    where = f"os.path.join(os.path.dirname(os.path.realpath(__file__)), {json.dumps(rel)})"
    if style == "runpy":
        return head + note + f'import os\nimport runpy\n\nrunpy.run_path({where}, ' \
            'run_name="__main__")\n'
    return head + note + (f"import os\n\n_path = {where}\nwith open(_path, \"rb\") as _fh:\n"
                          '    _code = compile(_fh.read(), _path, "exec")\n'
                          'exec(_code, {"__name__": "__main__", "__file__": __file__, '
                          '"__builtins__": __builtins__})\n')
