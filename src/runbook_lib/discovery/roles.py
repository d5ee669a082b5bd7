"""The role of each script: what runs it besides its callers, and so whether it may ever be
quarantined or retired (only a `script` may).

Roles are read off what discovery already found (references/), not from a second reading of
the same configuration:
- package_marker: __init__.py, __main__.py, conftest.py (the import system and pytest use them);
- test: a module that pytest's collection reaches (rows of the pytest configuration, pytest's
  defaults in a project that declares pytest, or a command that runs pytest or unittest), or
  one with pytest's default name, or in a test/ or tests/ folder, that defines tests (someone
  may run pytest or unittest by hand);
- entry_point: a module that packaging metadata names (entry points, [project.scripts],
  setup.py scripts and py_modules, FastAPI's entrypoint);
- plugin: loaded by a framework from a place its configuration names: alembic's
  script_location (env.py, versions/), Django migrations/, copier and cookiecutter hooks/,
  Airflow's dags folder, Celery's autodiscovered tasks.py (and invoke's); and files a tool
  loads by their conventional name (setup.py, noxfile.py, manage.py, wsgi.py, Sphinx's
  conf.py, ...); and any module that imports airflow and builds a DAG (deployed to an
  Airflow or Composer whose dags folder the repository does not hold), and a main.py beside
  a requirements.txt or app.yaml (a Cloud Function's, App Engine's or Cloud Run's source);
- library: a Python module that something imports, or one in a package that runs neither by a
  shebang nor by a `__main__` guard;
- script: everything else.

Pure analysis: rows and references in, roles out; nothing runs.
"""

from __future__ import annotations

import configparser
import fnmatch
import posixpath
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from runbook_lib.discovery.references import Reference
from runbook_lib.discovery.references.pyfile import runs_directly
from runbook_lib.discovery.references.pytests import alembic_location

ROLES = ("script", "library", "test", "package_marker", "entry_point", "plugin")
MARKERS = frozenset({"__init__.py", "__main__.py", "conftest.py"})
HOOK_OWNERS = frozenset({"copier.yml", "copier.yaml", "cookiecutter.json"})
# cookiecutter runs hooks/ files by these names even where its config is not in the repo
HOOK_NAMES = frozenset({"pre_prompt", "pre_gen_project", "post_gen_project"})
# the last step of a rule (references.csv `rule`) that collects tests or names an entry point
TEST_RULES = frozenset({"pytest", "py.test", "unittest", "discover", "unittest-loader",
                        "django-test", "pytest-config", "pytest-default"})
ENTRY_RULES = frozenset({"entry-point", "setup-py-modules", "setup-scripts",
                         "fastapi-entrypoint"})
PLUGIN_RULES = frozenset({"alembic", "django-migrate", "flask-migrate"})
_TASKS = re.compile(r"\bcelery\b|\bshared_task\b|@\w+\.task\b|\binvoke\b")
# files a tool loads by their conventional name, from the folder it is run in or pointed at
CONVENTIONAL = frozenset({
    "setup.py", "noxfile.py", "fabfile.py", "dodo.py", "manage.py", "wsgi.py", "asgi.py",
    "gunicorn.conf.py", "appengine_config.py",
})
# pytest collects test_* functions, Test* classes, and any unittest.TestCase subclass
# (`class OraGSMUserShardGuardTests(unittest.TestCase)` in oracle/docker-images)
SERVERLESS_BESIDE = ("requirements.txt", "app.yaml")
_TEST_DIRS = frozenset({"test", "tests"})
_TESTS = re.compile(r"^(?:async def test|def test|class Test|class \w+\([^)]*TestCase\b)",
                    re.MULTILINE)
_AIRFLOW_SAFE_MODE = ("airflow", "dag")  # Airflow parses only files holding both words
# a DAG file deployed to Composer or any Airflow (`gsutil cp dag/*.py gs://...`): no
# airflow.cfg in the repository says where, but the scheduler loads it there
_AIRFLOW_IMPORT = re.compile(r"^\s*(?:from|import)\s+airflow\b", re.MULTILINE)
_DAG = re.compile(r"\bDAG\s*\(|@dag\b")
Reader = Callable[[str], "str | None"]


@dataclass(frozen=True)
class Traits:
    """What a script's own text says, read where discovery reads the file."""

    direct: bool = False  # a shebang or a `__main__` guard: run as a program
    tasks: bool = False  # names celery (or invoke) or their task decorators
    airflow: bool = False  # holds both words Airflow's safe mode looks for
    tests: bool = False  # defines a test function or class at its top level, as pytest wants
    dag: bool = False  # imports airflow and builds a DAG: a scheduler loads it where it is put


def traits(text: str, language: str) -> Traits:
    if language != "python":
        return Traits(direct=True)
    lower = text.lower()
    airflow = all(w in lower for w in _AIRFLOW_SAFE_MODE)
    # each regex only where a literal it needs is in the text (a regex pass costs far more)
    return Traits(direct=runs_directly(text.split("\n")),
                  tasks=any(w in text for w in ("celery", "shared_task", ".task", "invoke"))
                  and _TASKS.search(text) is not None,
                  airflow=airflow,
                  tests=any(w in text for w in ("def test", "class Test", "TestCase"))
                  and _TESTS.search(text) is not None,
                  dag=airflow and "airflow" in text and _AIRFLOW_IMPORT.search(text) is not None
                  and _DAG.search(text) is not None)


@dataclass(frozen=True)
class RepoFacts:
    """What roles need to know about the whole repository."""

    packages: frozenset[str] = frozenset()  # folders holding an __init__.py
    by_rule: dict[str, frozenset[str]] = field(default_factory=dict)  # role -> targets
    sphinx: frozenset[str] = frozenset()  # conf.py files beside a Sphinx index
    plugin_dirs: tuple[str, ...] = ()  # folders whose files a framework loads
    dag_folders: frozenset[str] = frozenset({"dags"})
    # main.py files beside a requirements.txt or app.yaml: the source folder of a Cloud
    # Function, App Engine or Cloud Run service, whose runtime loads main.py by that name
    serverless: frozenset[str] = frozenset()


def repo_facts(files: Iterable[str], refs: Iterable[Reference], read: Reader) -> RepoFacts:
    listed = sorted(files)
    known = frozenset(listed)
    return RepoFacts(
        packages=frozenset(posixpath.dirname(f) for f in listed
                           if posixpath.basename(f) == "__init__.py"),
        by_rule=_targets_by_role(refs),
        sphinx=frozenset(f for f in listed if posixpath.basename(f) == "conf.py" and any(
            posixpath.join(posixpath.dirname(f), i) in known
            for i in ("index.rst", "index.md"))),
        plugin_dirs=tuple(sorted(set(_alembic_dirs(listed, read)) | set(_hook_dirs(listed)))),
        dag_folders=frozenset({"dags", *_dag_folders(listed, read)}),
        serverless=frozenset(f for f in listed if posixpath.basename(f) == "main.py" and any(
            posixpath.join(posixpath.dirname(f), d) in known for d in SERVERLESS_BESIDE)),
    )


def _targets_by_role(refs: Iterable[Reference]) -> dict[str, frozenset[str]]:
    found: dict[str, set[str]] = {"test": set(), "entry_point": set(), "plugin": set(),
                                  "library": set()}
    for ref in refs:
        if not ref.resolved:
            continue
        if ref.kind == "import":
            found["library"].add(ref.target)
            continue
        step = ref.rule.rpartition(">")[2].split("+")[0]
        if step in TEST_RULES:
            found["test"].add(ref.target)
        elif step in ENTRY_RULES:
            found["entry_point"].add(ref.target)
        elif step in PLUGIN_RULES:
            found["plugin"].add(ref.target)
    return {k: frozenset(v) for k, v in found.items()}


def role(path: str, language: str, seen: Traits, facts: RepoFacts) -> str:
    """The role of the script at `path`."""
    name = posixpath.basename(path)
    if language == "python" and name in MARKERS:
        return "package_marker"
    if _in_plugin_dir(path, facts) or path in facts.by_rule.get("plugin", ()):
        return "plugin"
    if language != "python":
        return "script"
    for kind in ("test", "entry_point"):
        if path in facts.by_rule.get(kind, ()):
            return kind
    if seen.tests and (fnmatch.fnmatchcase(name, "test_*.py") or name.endswith("_test.py")
                       or _TEST_DIRS & set(path.split("/")[:-1])):
        # pytest's default names, run by hand where no project declares pytest; or any module
        # of a tests/ folder that defines tests (`unittest discover -p 'tests_*.py'`)
        return "test"
    if name in CONVENTIONAL or path in facts.sphinx or path in facts.serverless or \
            _framework_plugin(path, seen, facts):
        return "plugin"
    if path in facts.by_rule.get("library", ()):
        return "library"
    if posixpath.dirname(path) in facts.packages and not seen.direct:
        return "library"
    return "script"


def _in_plugin_dir(path: str, facts: RepoFacts) -> bool:
    folder, name = posixpath.split(path)
    if posixpath.basename(folder) == "hooks" and name.rpartition(".")[0] in HOOK_NAMES:
        return True
    return any(path.startswith(d + "/") for d in facts.plugin_dirs)


def _framework_plugin(path: str, seen: Traits, facts: RepoFacts) -> bool:
    folder = posixpath.dirname(path)
    parts = folder.split("/")
    if parts[-1] == "migrations" and folder in facts.packages:  # Django loads them all
        return True
    if (facts.dag_folders & set(parts) and seen.airflow) or seen.dag:
        return True
    return posixpath.basename(path) == "tasks.py" and seen.tasks


def _alembic_dirs(files: list[str], read: Reader) -> list[str]:
    """alembic's script_location, from every alembic ini (run by hand or by a tool: the
    revisions are loaded whoever runs alembic)."""
    out = []
    for path in files:
        if path.endswith(".ini"):
            where = alembic_location(read(path), posixpath.dirname(path))
            if where:  # "" would be the whole repository: not a plugin folder
                out.append(where)
    return out


def _hook_dirs(files: list[str]) -> list[str]:
    return [posixpath.join(posixpath.dirname(f), "hooks").lstrip("/") for f in files
            if posixpath.basename(f) in HOOK_OWNERS]


def _dag_folders(files: list[str], read: Reader) -> list[str]:
    out = []
    for path in files:
        if posixpath.basename(path) == "airflow.cfg":
            value = _ini_value(read(path), "core", "dags_folder")
            if value:
                out.append(posixpath.basename(value.rstrip("/")))
    return out


def _ini_value(text: str | None, section: str, key: str) -> str:
    if text is None or section not in text:
        return ""
    parser = configparser.RawConfigParser(strict=False)
    try:
        parser.read_string(text)
    except configparser.Error:
        return ""
    return parser.get(section, key, fallback="") or ""
