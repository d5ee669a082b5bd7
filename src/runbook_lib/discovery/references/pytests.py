"""Test collection and migration runners: which repo files pytest, unittest, alembic, Django's
manage.py and the FastAPI CLI load when they run in a folder.

pytest collects `test_*.py` and `*_test.py` (or the configured `python_files`) under the paths it
is given, else under its configuration's `testpaths`, else under the folder it runs in; it loads
every `conftest.py` on the way and the `__init__.py` of each test package. unittest's discovery
takes `test*.py`. These rows are `likely`: the set depends on options read at run time.
"""

from __future__ import annotations

import configparser
import fnmatch
import posixpath
import re
import tomllib
from bisect import bisect_left
from collections.abc import Sequence
from typing import Any

from .argv import Word
from .kinds import is_requirements
from .lookup import Lookup
from .values import norm

CONFIGS = ("pytest.ini", "pyproject.toml", "tox.ini", "setup.cfg")
_NORECURSE = ("*.egg", ".*", "_darcs", "build", "CVS", "dist", "node_modules", "venv", "{arch}")
UNITTEST_DEFAULT = ("test*.py",)
_FASTAPI_DEFAULTS = ("main.py", "app.py", "api.py", "app/main.py", "app/app.py", "app/api.py")


def read(lk: Lookup, path: str) -> str | None:
    if lk.root is None or path not in lk.index.files:
        return None
    try:
        return (lk.root / path).read_text(encoding="utf-8", errors="replace")
    except (OSError, ValueError):
        return None


def pytest_config(folder: str, lk: Lookup) -> tuple[str, dict[str, Any]] | None:
    """(config folder, ini options) of the pytest configuration that applies in `folder`."""
    key = ("pytest-config", folder)
    if key in lk.memo:
        return lk.memo[key]  # type: ignore[no-any-return]
    found = None
    current = folder
    while found is None:
        for name in CONFIGS:
            options = _options(name, read(lk, norm(current + "/" + name) or name))
            if options is not None:
                found = (current, options)
                break
        if not current:
            break
        current = posixpath.dirname(current)
    lk.memo[key] = found
    return found


def _options(name: str, text: str | None) -> dict[str, Any] | None:
    if text is None:
        return None
    if name == "pyproject.toml":
        try:
            data = tomllib.loads(text)
        except (tomllib.TOMLDecodeError, ValueError):
            return None
        options = data.get("tool", {}).get("pytest", {}).get("ini_options")
        return options if isinstance(options, dict) else None
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    try:
        parser.read_string(text)
    except configparser.Error:
        return None
    section = {"pytest.ini": "pytest", "tox.ini": "pytest", "setup.cfg": "tool:pytest"}[name]
    if not parser.has_section(section):
        return {} if name == "pytest.ini" else None
    return {k: v.split() for k, v in parser.items(section)}


def unittest_patterns(given: Sequence[Word]) -> tuple[str, ...]:
    """The file names unittest's discovery loads: its default `test*.py`, the pattern given
    (`-p`, `pattern=`), or, for a pattern known only at run time, any name with `test`."""
    if not given:
        return UNITTEST_DEFAULT
    return (given[0].value,) if given[0].value else ("*test*.py",)


def collect_tests(paths: Sequence[str], folder: str, lk: Lookup,
                  unittest: tuple[str, ...] = ()) -> list[str]:
    """What pytest collects from `folder` (or, given `unittest` patterns, unittest's
    discovery, which reads no pytest configuration for names)."""
    config = pytest_config(folder, lk)
    top, options = config if config is not None else (folder, {})
    patterns = unittest or tuple(options.get("python_files") or ["test_*.py", "*_test.py"])
    if not unittest and isinstance(options.get("python_files"), str):
        patterns = tuple(options["python_files"].split())
    starts = [norm(folder + "/" + p.split("::")[0]) for p in paths if p and p != "-"]
    if not starts:
        testpaths = options.get("testpaths") or []
        testpaths = testpaths.split() if isinstance(testpaths, str) else testpaths
        starts = [norm(top + "/" + str(p)) for p in testpaths] or [folder]
    found: set[str] = set()
    for start in starts:
        if start is None:
            continue
        if lk.find(start) is not None:
            found.add(start)
        else:
            found.update(p for p in under(start, lk) if _collects(p, start, patterns))
    return sorted(found | _support(found, top, lk))


def under(folder: str, lk: Lookup) -> list[str]:
    """Every script below `folder`."""
    ordered = lk.sorted_scripts()
    prefix = folder + "/" if folder else ""
    out = []
    for path in ordered[bisect_left(ordered, prefix):]:
        if not path.startswith(prefix):
            break
        out.append(path)
    return out


def _collects(path: str, start: str, patterns: tuple[str, ...]) -> bool:
    rel = path[len(start) + 1:] if start else path
    parts = rel.split("/")
    if any(fnmatch.fnmatchcase(p, n) for p in parts[:-1] for n in _NORECURSE):
        return False
    return any(fnmatch.fnmatchcase(parts[-1], n) for n in patterns)


def _support(tests: set[str], top: str, lk: Lookup) -> set[str]:
    """conftest.py from each test's folder up to the rootdir, and test package markers."""
    out: set[str] = set()
    for test in tests:
        folder = posixpath.dirname(test)
        while True:
            for name in ("conftest.py", "__init__.py"):
                found = lk.find(norm(folder + "/" + name))
                if found is not None:
                    out.add(found)
            if folder == top or not folder or not folder.startswith(top):
                break
            folder = posixpath.dirname(folder)
    return out


def django_migrations(folder: str, lk: Lookup) -> list[str]:
    """Django's migration modules below `folder`: the files of each `migrations` package (a
    folder holding `__init__.py` inside a package), which `migrate` and the test runner load."""
    out = []
    for path in under(folder, lk):
        parent = posixpath.dirname(path)
        if posixpath.basename(parent) != "migrations" or not path.endswith(".py"):
            continue
        if lk.find(parent + "/__init__.py") is not None and \
                lk.find(posixpath.dirname(parent) + "/__init__.py") is not None:
            out.append(path)
    return out


def alembic_files(words: Sequence[Word], folder: str, lk: Lookup) -> list[str]:
    """`alembic upgrade head` runs env.py and the revisions of its ini's script_location."""
    config = "alembic.ini"
    values = [w.value or "" for w in words]
    for i, value in enumerate(values[:-1]):
        if value in ("-c", "--config"):
            config = values[i + 1]
    text = read(lk, norm(folder + "/" + config) or config)
    base = alembic_location(text, folder)
    return [] if base is None else alembic_revisions(base, lk)


def alembic_revisions(base: str, lk: Lookup) -> list[str]:
    """What alembic runs of a script folder: its env.py and every revision under versions/."""
    return [p for p in under(base, lk)
            if p == base + "/env.py" or p.startswith(base + "/versions/")]


def alembic_location(text: str | None, folder: str) -> str | None:
    """The repo folder an alembic ini in `folder` names as its script_location, if any."""
    if text is None or "alembic" not in text:
        return None
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    try:
        parser.read_string(text)
        location = parser.get("alembic", "script_location")
    except configparser.Error:
        return None
    return norm(folder + "/" + location.replace("%(here)s/", ""))


def fastapi_target(words: Sequence[Word], folder: str, lk: Lookup) -> list[str]:
    """`fastapi run|dev [PATH]`: the path, or pyproject's [tool.fastapi] entrypoint, or the
    CLI's default file names."""
    from .modules import Root, resolve_module

    args = [w.value for w in words if w.value and not w.value.startswith("-")]
    if args[:1] and args[0] in ("run", "dev"):
        args = args[1:]
    if args and args[0].endswith(".py"):
        found = lk.find(norm(folder + "/" + args[0]))
        return [found] if found else []
    text = read(lk, norm(folder + "/pyproject.toml") or "pyproject.toml")
    if text:
        try:
            entry = tomllib.loads(text).get("tool", {}).get("fastapi", {}).get("entrypoint")
        except (tomllib.TOMLDecodeError, ValueError):
            entry = None
        if isinstance(entry, str):
            module = resolve_module(entry.split(":")[0], [Root(folder, folder)], lk)
            return list(module.files) if module else []
    for name in _FASTAPI_DEFAULTS:
        found = lk.find(norm(folder + "/" + name))
        if found:
            return [found]
    return []


ANCHORS = ("pytest.ini", "tox.ini", "pyproject.toml", "setup.cfg", "setup.py")


def anchor_of(folder: str, lk: Lookup) -> str | None:
    """The file that stands for a Python project in `folder`, if any: one that holds pytest's
    configuration first, then one that declares pytest, then the first of ANCHORS, then a
    requirements file (where pytest would run from)."""
    table = lk.memo.get("pytest-anchors")
    if table is None:
        table = {}
        for path in sorted(lk.index.files):
            base = posixpath.basename(path)
            rank = ANCHORS.index(base) if base in ANCHORS else (
                len(ANCHORS) if is_requirements(base) else None)
            if rank is None:
                continue
            text = read(lk, path) or ""
            # the file that holds pytest's configuration is where pytest runs from, before
            # a requirements file that only pins it
            configured = base in CONFIGS and _options(base, text) is not None
            runs = configured or base in ("pytest.ini", "tox.ini") or bool(
                declares_pytest(text.split("\n")))
            here = posixpath.dirname(path)
            key = (0 if configured else 1 if runs else 2, rank)
            if here not in table or key < table[here][0]:
                table[here] = (key, path, runs)
        lk.memo["pytest-anchors"] = table
    found = table.get(folder)
    return None if found is None else str(found[1])


def runs_pytest(anchor: str, lk: Lookup) -> bool:
    found = lk.memo.get("pytest-anchors", {}).get(posixpath.dirname(anchor))
    return bool(found and found[1] == anchor and found[2])


# pytest, or nose (whose defaults collect the same test files)
_PYTEST_DEP = re.compile(r"""^\s*["']?(?:pytest|nose2?)(?:[\s<>=!~;\[",']|$)""")



def declares_pytest(lines: list[str]) -> int:
    """The line that declares pytest as a dependency (pyproject, setup.cfg, setup.py,
    requirements), else 0."""
    for no, line in enumerate(lines, 1):
        if _PYTEST_DEP.match(line):
            return no
    return 0


def default_tests(anchor: str, lk: Lookup) -> list[str]:
    """What pytest's defaults collect in the project `anchor` stands for: test files (and their
    conftest.py and package markers) whose nearest project file is this one."""
    folder = posixpath.dirname(anchor)
    if anchor_of(folder, lk) != anchor or not runs_pytest(anchor, lk):
        return []  # only a project that runs pytest has its tests collected by its defaults
    patterns = ("test_*.py", "*_test.py")
    found = set()
    for path in under(folder, lk):
        if not _collects(path, folder, patterns) or _nearest(path, lk) != folder:
            continue
        found.add(path)
    return sorted(found | _support(found, folder, lk))


def _nearest(path: str, lk: Lookup) -> str | None:
    folder = posixpath.dirname(path)
    while True:
        if anchor_of(folder, lk) is not None:
            return folder
        if not folder:
            return None
        folder = posixpath.dirname(folder)


def collected_tests(lk: Lookup) -> dict[str, str]:
    """Every test module pytest collects in the repo, by the rules above (each pytest
    configuration's own collection, and pytest's defaults in a project that declares pytest),
    with the folder pytest runs it from (its rootdir). Support files (conftest.py, package
    markers) are left out: they are collected with the tests, not as tests."""
    out: dict[str, str] = {}
    folders = sorted({posixpath.dirname(p) for p in lk.index.files
                      if posixpath.basename(p) in (*CONFIGS, *ANCHORS) or
                      is_requirements(posixpath.basename(p))})
    for folder in folders:
        config = pytest_config(folder, lk)
        if config is not None and config[0] == folder:
            found = collect_tests([], folder, lk)
        else:
            anchor = anchor_of(folder, lk)
            found = default_tests(anchor, lk) if anchor else []
        for path in found:
            if posixpath.basename(path) not in ("conftest.py", "__init__.py"):
                out.setdefault(path, folder)
    return out
