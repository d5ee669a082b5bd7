"""Line coverage of target scripts from sandboxed runs: bash xtrace, and coverage.py for Python.

bash: every bash started in the sandbox sources BASH_ENV, which opens a trace file on a high
file descriptor and turns on xtrace with a PS4 naming file and line; stdout and stderr stay as
the script writes them. Which shell lines count as executable is a heuristic (documented in
docs/cases.md): xtrace never prints `then`, `fi`, `case ... in`, braces or heredoc bodies.
Python: a sitecustomize starts coverage.py in every interpreter (when coverage is installed).
"""

from __future__ import annotations

import posixpath
import re
import shutil
from pathlib import Path

BASH_ENV_FILE = "bash_env.sh"
TRACE_FD = 57  # high enough not to meet the fds scripts open themselves (flock uses 200)
_TRACE_LINE = re.compile(r"^\++(/[^\n]*?):(\d+): ")
_NOT_RUN = re.compile(r"^\s*(#.*)?$|^\s*(\{|\}|\(|\)|;;|then|else|do|fi|done|esac)\b(?![=])"
                      r"|^\s*case\s.*\sin\s*(#.*)?$|^\s*[^\s()#=]+\)\s*(#.*)?$")
_FUNCTION = re.compile(r"^\s*(function\s+[\w.:-]+(\s*\(\))?|[\w.:-]+\s*\(\))\s*\{?\s*(#.*)?$")
_HEREDOC = re.compile(r"<<-?\s*['\"]?(\w+)['\"]?")
_CONTINUED = re.compile(r"(\\|\|\||&&|\|)\s*$")


def prepare(out: Path, out_inside: str, tree_inside: str) -> None:
    """Write the BASH_ENV file into the run's trace folder (`out`, seen as `out_inside`)."""
    (out / BASH_ENV_FILE).write_text(
        f"exec {TRACE_FD}>>{out_inside}/xtrace\nBASH_XTRACEFD={TRACE_FD}\n"
        "PS4='+${BASH_SOURCE[0]:-?}:${LINENO}: '\nset -x\n", encoding="utf-8")


def python_env(out: Path, out_inside: str) -> dict[str, str]:
    """Environment that makes every Python started inside record coverage, if installed."""
    try:
        import coverage
    except ImportError:
        return {}
    site = out / "pysite"
    shutil.copytree(Path(coverage.__file__).parent, site / "coverage",
                    ignore=shutil.ignore_patterns("__pycache__", "htmlfiles"))
    (site / "sitecustomize.py").write_text("import coverage\ncoverage.process_startup()\n",
                                           encoding="utf-8")
    (out / "pycov.rc").write_text(f"[run]\ndata_file = {out_inside}/pycov\nparallel = true\n",
                                  encoding="utf-8")
    return {"PYTHONPATH": f"{out_inside}/pysite", "COVERAGE_PROCESS_START":
            f"{out_inside}/pycov.rc"}


def executed(out: Path, tree_inside: str) -> dict[str, set[int]]:
    """Repo path -> line numbers run, from the trace files a run left in `out`."""
    lines: dict[str, set[int]] = {}
    prefix = tree_inside + "/"
    trace = out / "xtrace"
    text = trace.read_text("utf-8", "replace") if trace.exists() else ""
    for match in map(_TRACE_LINE.match, text.splitlines()):
        path = posixpath.normpath(match[1]) if match else ""  # shims name canonicals via ..
        if match and path.startswith(prefix):
            lines.setdefault(path[len(prefix):], set()).add(int(match[2]))
    for path, numbers in _python_lines(out).items():
        path = posixpath.normpath(path)
        if path.startswith(prefix):
            lines.setdefault(path[len(prefix):], set()).update(numbers)
    return lines


def _python_lines(out: Path) -> dict[str, set[int]]:
    try:
        from coverage import CoverageData
    except ImportError:
        return {}
    lines: dict[str, set[int]] = {}
    for data_file in out.glob("pycov.*"):
        if data_file.name == "pycov.rc":
            continue
        data = CoverageData(basename=str(data_file))
        data.read()
        for path in data.measured_files():
            lines.setdefault(path, set()).update(data.lines(path) or [])
    return lines


def executable_lines(text: str, language: str | None) -> list[set[int]] | None:
    """Groups of line numbers that each form one executable statement; None: not measured."""
    if language == "python":
        return _python_statements(text)
    if language != "bash":
        return None  # only bash reads BASH_ENV; sh scripts run untraced
    groups: list[set[int]] = []
    heredoc, current = "", set[int]()
    for number, line in enumerate(text.splitlines(), start=1):
        if heredoc:
            heredoc = "" if line.strip() == heredoc else heredoc
            continue
        if number == 1 and line.startswith("#!"):
            continue
        if not current and (_NOT_RUN.match(line) or _FUNCTION.match(line)):
            continue
        current.add(number)
        marker = _HEREDOC.search(line)
        heredoc = marker[1] if marker and "<<<" not in line else ""
        if not _CONTINUED.search(line):
            groups.append(current)
            current = set()
    return groups + ([current] if current else [])


def _python_statements(text: str) -> list[set[int]] | None:
    try:
        from coverage.parser import PythonParser
    except ImportError:
        return None
    parser = PythonParser(text=text)
    try:
        parser.parse_source()
    except Exception:  # coverage raises its own NotPython on bad syntax
        return None
    return [{n} for n in sorted(parser.statements)]


def share(groups: list[set[int]], run: set[int]) -> tuple[int, int]:
    """(statements run, statements) for one file."""
    return sum(1 for g in groups if g & run), len(groups)
