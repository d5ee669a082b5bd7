"""Entry points: setup.py's `scripts`, `py_modules` and `entry_points`, pyproject's
`[project.scripts]` (and gui-scripts, entry-points, poetry scripts, `[tool.fastapi]`), setup.cfg's
`[options.entry_points]`, tox.ini commands, Procfile processes, and pytest configuration that
collects tests (`config` rows of kind `config`)."""

from __future__ import annotations

import ast
import configparser
import re
import tomllib
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from .argv import Word
from .kinds import is_tox, is_uwsgi
from .lines import Hit
from .model import LIKELY, RESOLVED
from .modules import Root, resolve_module
from .pytests import collect_tests, declares_pytest, default_tests, pytest_config
from .resolve import Found
from .shwalk import walk
from .sieve import extract_sieve
from .source import Source
from .uwsgi import extract_uwsgi
from .values import norm

if TYPE_CHECKING:
    from .pyfile import PyScan

_PYTEST_SECTIONS = {"pyproject.toml": "[tool.pytest.ini_options]", "pytest.ini": "[pytest]",
                    "tox.ini": "[pytest]", "setup.cfg": "[tool:pytest]"}
# tox's `{posargs}` is what the user types after `--`, `{posargs:DEFAULT}` DEFAULT without it
_POSARGS = re.compile(r"\{posargs(?::([^{}]*))?\}")
_SPEC = re.compile(r"^\s*([\w.-]+)\s*=\s*([\w.]+)(?::[\w.]+)?")


def setup_keywords(scan: PyScan, node: ast.Call) -> None:
    for keyword in node.keywords:
        if keyword.arg == "scripts" and isinstance(keyword.value, ast.List | ast.Tuple):
            for item in keyword.value.elts:
                value = item.value if isinstance(item, ast.Constant) else None
                if isinstance(value, str):
                    _add_path(scan, value, item.lineno, "setup-scripts")
        elif keyword.arg == "py_modules" and isinstance(keyword.value, ast.List | ast.Tuple):
            for item in keyword.value.elts:
                if isinstance(item, ast.Constant) and isinstance(item.value, str):
                    _add_module(scan, item.value, item.lineno, "setup-py-modules")
        elif keyword.arg == "entry_points":
            for found in ast.walk(keyword.value):
                if isinstance(found, ast.Constant) and isinstance(found.value, str):
                    for line in found.value.split("\n"):
                        match = _SPEC.match(line)
                        if match:
                            _add_module(scan, match.group(2), found.lineno, "entry-point")


def _add_path(scan: PyScan, value: str, line: int, rule: str) -> None:
    found = scan.src.lookup.find(norm(scan.src.folder + "/" + value))
    if found is not None:
        scan.shell.add(line, Found(RESOLVED, found, "certain"), rule)


def _add_module(scan: PyScan, name: str, line: int, rule: str) -> None:
    folder = scan.src.folder
    roots = [Root(folder, folder), Root(norm(folder + "/src") or folder, folder)]
    found = resolve_module(name, roots, scan.src.lookup, relative=True)
    for path in found.files if found else ():
        scan.shell.add(line, Found(RESOLVED, path, "certain"), rule)


def extract_config(src: Source) -> Iterator[Hit]:
    name = src.path.rpartition("/")[2]
    if name.lower().endswith(".sieve"):  # a mail server's filter, not a project's settings
        yield from extract_sieve(src)
        return
    if is_uwsgi(name):  # an application server's, not a project's settings
        yield from extract_uwsgi(src)
        return
    text = "\n".join(src.lines)
    shell = src.shell(src.where(src.folder))
    specs: list[tuple[str, str]] = []
    if name == "pyproject.toml":
        specs = _pyproject_specs(text)
    elif name == "setup.cfg":
        specs = _cfg_specs(text)
    for spec, rule in specs:
        line = _line_of(src.lines, spec)
        roots = [Root(src.folder, src.folder), Root(norm(src.folder + "/src") or "", src.folder)]
        found = resolve_module(spec.split(":")[0].strip(), roots, src.lookup, relative=True)
        for path in found.files if found else ():
            shell.add(line, Found(RESOLVED, path, "certain"), rule)
    if is_tox(name):
        _tox(src, shell)
    header = _PYTEST_SECTIONS.get(name)
    line = _line_of(src.lines, "testpaths") or _line_of(src.lines, header) if header else 0
    if line and pytest_config(src.folder, src.lookup) is not None:
        # this file holds the pytest configuration that collects them
        for path in collect_tests([], src.folder, src.lookup):
            shell.add(line, Found(RESOLVED, path, LIKELY), "pytest-config")
    else:  # the project's tests, as pytest's defaults collect them from the project's folder
        default_rows(src, shell, declares_pytest(src.lines) or 1)
    yield from shell.hits


def _pyproject_specs(text: str) -> list[tuple[str, str]]:
    try:
        data = tomllib.loads(text)
    except (tomllib.TOMLDecodeError, ValueError):
        return []
    project = data.get("project", {})
    tool = data.get("tool", {})
    tables: list[Any] = [project.get("scripts"), project.get("gui-scripts"),
                         tool.get("poetry", {}).get("scripts")]
    tables += list((project.get("entry-points") or {}).values())
    out = [(v, "entry-point") for t in tables if isinstance(t, dict) for v in t.values()
           if isinstance(v, str)]
    entry = tool.get("fastapi", {}).get("entrypoint")
    if isinstance(entry, str):
        out.append((entry, "fastapi-entrypoint"))
    return out


def _cfg_specs(text: str) -> list[tuple[str, str]]:
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    try:
        parser.read_string(text)
    except configparser.Error:
        return []
    values = [v for _, v in parser.items("options.entry_points")] if parser.has_section(
        "options.entry_points") else []
    values.append(parser.get("options", "entry_points", fallback=""))
    out = []
    for value in values:
        for line in value.split("\n"):
            match = _SPEC.match(line)
            if match:
                out.append((match.group(2), "entry-point"))
    for module in parser.get("options", "py_modules", fallback="").split():
        out.append((module, "setup-py-modules"))
    return out


def default_rows(src: Source, shell: Any, line: int) -> None:
    """The tests pytest's defaults collect in the project `src` stands for (pytest-default)."""
    for path in default_tests(src.path, src.lookup):
        shell.add(line, Found(RESOLVED, path, LIKELY), "pytest-default")


def _line_of(lines: list[str], needle: str) -> int:
    for no, line in enumerate(lines, 1):
        if needle in line:
            return no
    return 0


def _tox(src: Source, shell: Any) -> None:
    """Each `commands` line of tox.ini runs in the section's `changedir` (else tox.ini's folder)."""
    inside = False
    folder = src.folder
    for no, line in enumerate(src.lines, 1):
        stripped = line.strip()
        if stripped.startswith("["):
            inside, folder = False, _changedir(src, no)
            continue
        key, sep, value = stripped.partition("=")
        if sep and key.strip() in ("commands", "commands_pre", "commands_post"):
            inside, stripped = True, value.strip()
        elif not (inside and line[:1].isspace()):
            inside = False
            continue
        if stripped:
            shell.where = src.where(folder)
            shell.cd, shell.line0, shell.fixed = (), 0, no
            walk(_POSARGS.sub(r"\1", stripped).replace("{toxinidir}", "."), shell)
    shell.fixed = 0


def _changedir(src: Source, header: int) -> str:
    for line in src.lines[header:]:
        stripped = line.strip()
        if stripped.startswith("["):
            break
        key, sep, value = stripped.partition("=")
        if sep and key.strip() == "changedir":
            return norm(src.folder + "/" + value.strip().replace("{toxinidir}", ".")) or ""
    return src.folder


def extract_procfile(src: Source) -> Iterator[Hit]:
    shell = src.shell(src.where(src.folder))
    for no, line in enumerate(src.lines, 1):
        name, sep, command = line.partition(":")
        if sep and name.strip() and not name.lstrip().startswith("#") and command.strip():
            shell.fixed = no
            walk(command, shell)
    yield from shell.hits


__all__ = ["Word", "extract_config", "extract_procfile", "setup_keywords"]
