"""Python project configuration read as its tools read it: pytest's test collection settings
and the modules that packaging metadata names as entry points.

Pure analysis: every function takes file paths and a reader of their text, nothing runs.
"""

from __future__ import annotations

import ast
import configparser
import fnmatch
import posixpath
import tomllib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

Reader = Callable[[str], "str | None"]
DEFAULT_PYTHON_FILES = ("test_*.py", "*_test.py")
# pytest's own config files, strongest first within one folder (its documented precedence)
PYTEST_FILES = ("pytest.ini", ".pytest.ini", "pyproject.toml", "tox.ini", "setup.cfg")
PACKAGING_FILES = ("pyproject.toml", "setup.cfg", "setup.py")


@dataclass(frozen=True)
class PytestConfig:
    folder: str  # repo folder holding the config ("" for the root): pytest's rootdir
    python_files: tuple[str, ...] = DEFAULT_PYTHON_FILES
    testpaths: tuple[str, ...] = ()  # repo-relative folders (or globs) collected by default


def pytest_configs(files: Iterable[str], read: Reader) -> tuple[PytestConfig, ...]:
    """One config per folder that holds a pytest configuration, deepest folder first."""
    found: dict[str, PytestConfig] = {}
    candidates = sorted((f for f in files if posixpath.basename(f) in PYTEST_FILES),
                        key=lambda f: PYTEST_FILES.index(posixpath.basename(f)))
    for path in candidates:
        folder = posixpath.dirname(path)
        if folder in found:
            continue
        options = _pytest_options(path, read(path))
        if options is not None:
            found[folder] = _config(folder, options)
    return tuple(sorted(found.values(), key=lambda c: (-c.folder.count("/") - bool(c.folder),
                                                       c.folder)))


def _pytest_options(path: str, text: str | None) -> dict[str, Any] | None:
    """The options of a pytest config file, or None when the file configures no pytest."""
    if text is None:
        return None
    name = posixpath.basename(path)
    if name == "pyproject.toml":
        section = load_toml(text).get("tool", {}).get("pytest", {})
        options = section.get("ini_options") if isinstance(section, dict) else None
        return options if isinstance(options, dict) else None
    parser = load_ini(text)
    section = {"tox.ini": "pytest", "setup.cfg": "tool:pytest"}.get(name, "pytest")
    if parser is None or not parser.has_section(section):
        return {} if name in ("pytest.ini", ".pytest.ini") else None  # pytest.ini counts empty
    return dict(parser.items(section))


def _config(folder: str, options: dict[str, Any]) -> PytestConfig:
    patterns = _words(options.get("python_files")) or DEFAULT_PYTHON_FILES
    paths = tuple(posixpath.normpath(posixpath.join(folder, p)) for p in
                  _words(options.get("testpaths")))
    return PytestConfig(folder, patterns, paths)


def _words(value: Any) -> tuple[str, ...]:
    if isinstance(value, list):
        return tuple(str(v) for v in value if str(v).strip())
    if isinstance(value, str):
        return tuple(value.split())
    return ()


def collected(path: str, configs: tuple[PytestConfig, ...]) -> bool:
    """Whether pytest, run with the repo's configuration, collects `path` as a test module."""
    if not path.endswith(".py"):
        return False
    config = config_for(path, configs)
    name = posixpath.basename(path)
    if not any(fnmatch.fnmatch(name, p) for p in config.python_files):
        return False
    return not config.testpaths or any(
        path.startswith(t.rstrip("/") + "/") or fnmatch.fnmatch(posixpath.dirname(path), t)
        for t in config.testpaths)


def config_for(path: str, configs: tuple[PytestConfig, ...]) -> PytestConfig:
    """The config pytest uses for `path`: the nearest enclosing folder's, else the defaults."""
    for config in configs:
        if config.folder == "" or path.startswith(config.folder + "/"):
            return config
    return PytestConfig("")


def entry_point_modules(files: Iterable[str], read: Reader) -> frozenset[str]:
    """Repo paths of the modules that packaging metadata names ([project.scripts],
    console_scripts, setup.py entry_points, poetry scripts and plugins)."""
    listed = frozenset(files)
    found: set[str] = set()
    for path in sorted(f for f in listed if posixpath.basename(f) in PACKAGING_FILES):
        text = read(path)
        if text is None:
            continue
        folder = posixpath.dirname(path)
        for target in _targets(posixpath.basename(path), text):
            found.update(_module_files(target, folder, listed))
    return frozenset(found)


def _targets(name: str, text: str) -> list[str]:
    """`module:function` values of the entry points a packaging file declares."""
    if name == "pyproject.toml":
        return _pyproject_targets(load_toml(text))
    if name == "setup.cfg":
        parser = load_ini(text)
        if parser is None or not parser.has_section("options.entry_points"):
            return []
        return [v for _, block in parser.items("options.entry_points")
                for v in _ini_lines(block)]
    return _setup_py_targets(text)


def _pyproject_targets(data: dict[str, Any]) -> list[str]:
    project = data.get("project", {}) if isinstance(data.get("project"), dict) else {}
    tables: list[Any] = [project.get("scripts"), project.get("gui-scripts")]
    groups = project.get("entry-points")
    tables += list(groups.values()) if isinstance(groups, dict) else []
    poetry = data.get("tool", {}).get("poetry", {}) if isinstance(data.get("tool"), dict) else {}
    if isinstance(poetry, dict):
        tables.append(poetry.get("scripts"))
        plugins = poetry.get("plugins")
        tables += list(plugins.values()) if isinstance(plugins, dict) else []
    out: list[str] = []
    for table in tables:
        for value in (table or {}).values() if isinstance(table, dict) else ():
            spec = value.get("callable", value.get("reference")) if isinstance(value, dict) \
                else value
            if isinstance(spec, str):
                out.append(spec)
    return out


def _setup_py_targets(text: str) -> list[str]:
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return []
    out: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and _called(node) == "setup":
            for keyword in node.keywords:
                if keyword.arg == "entry_points":
                    out += _literal_targets(keyword.value)
    return out


def _called(node: ast.Call) -> str:
    func = node.func
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(
        func, ast.Attribute) else ""


def _literal_targets(node: ast.expr) -> list[str]:
    try:
        value = ast.literal_eval(node)
    except ValueError:
        return []
    if isinstance(value, str):
        return [v for block in _ini_sections(value) for v in _ini_lines(block)]
    if not isinstance(value, dict):
        return []
    out: list[str] = []
    for group in value.values():
        items = [group] if isinstance(group, str) else group if isinstance(group, list) else []
        out += [v for item in items if isinstance(item, str) for v in _ini_lines(item)]
    return out


def _ini_sections(text: str) -> list[str]:
    parser = load_ini(text)
    return [] if parser is None else [v for s in parser.sections() for _, v in parser.items(s)]


def _ini_lines(block: str) -> list[str]:
    """`name = module:function [extras]` lines -> the module:function parts."""
    out = []
    for line in block.splitlines():
        _, sep, spec = line.partition("=")
        if sep and spec.strip():
            out.append(spec.split("[")[0].strip())
    return out


def _module_files(spec: str, folder: str, files: frozenset[str]) -> list[str]:
    """The repo file of the module part of `module:function`, looked up as setuptools would
    (beside the packaging file, or under its src/ folder)."""
    module = spec.partition(":")[0].strip()
    if not module or not all(p.isidentifier() for p in module.split(".")):
        return []
    rel = module.replace(".", "/")
    for base in (folder, posixpath.join(folder, "src") if folder else "src"):
        for name in (f"{rel}.py", f"{rel}/__init__.py"):
            path = posixpath.join(base, name) if base else name
            if path in files:
                return [path]
    return []


def load_toml(text: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except (tomllib.TOMLDecodeError, ValueError):
        return {}


def load_ini(text: str) -> configparser.RawConfigParser | None:
    parser = configparser.RawConfigParser(strict=False)
    try:
        parser.read_string(text)
    except configparser.Error:
        return None
    return parser
