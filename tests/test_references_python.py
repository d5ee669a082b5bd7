"""Python callers through `ast`: what code runs, imports through the import roots, and traps."""

from __future__ import annotations

from pathlib import Path

from runbook_lib.discovery.references import modules
from runbook_lib.discovery.references.lookup import lookup_for
from runbook_lib.discovery.references.model import RepoIndex
from test_references_support import resolved, rules, scan_repo, targets, text


def test_subprocess_os_and_runpy_through_constants_and_file_paths(tmp_path: Path) -> None:
    files = {
        "scripts/build.sh": "", "tools/run.sh": "", "tools/gen.py": "", "tools/steps.py": "",
        "pkg/__init__.py": "", "pkg/mod.py": "", "pkg/cli/__init__.py": "",
        "pkg/cli/__main__.py": "",
        "tools/a.py": text("""
            import os, runpy, subprocess, sys
            from pathlib import Path
            HERE = Path(__file__).resolve().parent
            BUILD = os.path.join(os.path.dirname(__file__), "..", "scripts", "build.sh")
            subprocess.run(["bash", str(HERE / "run.sh")], check=True)
            subprocess.run([sys.executable, "-m", "pkg.cli"])
            subprocess.check_call([BUILD, '--fast'])
            runpy.run_module("pkg.mod", run_name="__main__")
            runpy.run_path(f"{HERE}/gen.py")
            os.system("python3 -m pkg.cli --dry-run")
            os.execv(str(HERE / "steps.py"), ["steps"])
            subprocess.call([HERE / "gone.sh"])
            """),
    }
    got = {(line, target, status) for _, line, target, status, _ in
           scan_repo(tmp_path, files, only="tools/a.py")}
    assert got == {
        (5, "tools/run.sh", "resolved"),
        (6, "pkg/__init__.py", "resolved"), (6, "pkg/cli/__init__.py", "resolved"),
        (6, "pkg/cli/__main__.py", "resolved"),
        (7, "scripts/build.sh", "resolved"),
        (8, "pkg/__init__.py", "resolved"), (8, "pkg/mod.py", "resolved"),
        (9, "tools/gen.py", "resolved"),
        (10, "pkg/__init__.py", "resolved"), (10, "pkg/cli/__init__.py", "resolved"),
        (10, "pkg/cli/__main__.py", "resolved"),
        (11, "tools/steps.py", "resolved"),
        (12, "HERE / gone.sh", "missing"),
    }


def test_a_shell_command_line_built_from_parts(tmp_path: Path) -> None:
    files = {"test/tests/extract.sh": "", "test/helper.py": text("""
        import os
        def dump(p):
            cmd = 'sh tests/extract.sh ' + p
            os.system(cmd)
        """)}
    assert scan_repo(tmp_path, files, only="test/helper.py") == resolved(
        "test/helper.py", (4, "test/tests/extract.sh"))


def test_imports_are_kind_import_with_every_package_on_the_way(tmp_path: Path) -> None:
    files = {"svc/app/__init__.py": "", "svc/app/core/__init__.py": "",
             "svc/app/core/db.py": "", "svc/app/main.py": text("""
                 from app.core.db import engine
                 from app.core import db
                 import app.core.db as x
                 """)}
    packages = ("svc/app/__init__.py", "svc/app/core/__init__.py")
    assert rules(tmp_path, files, "svc/app/main.py") == {
        (line, package, "import", "import+package", "certain", True)
        for line in (1, 2, 3) for package in packages
    } | {(line, "svc/app/core/db.py", "import", "import", "certain", True) for line in (1, 2, 3)}


def test_relative_star_multiline_function_and_try_imports(tmp_path: Path) -> None:
    files = {"pkg/__init__.py": "", "pkg/util.py": "", "pkg/metrics.py": "",
             "pkg/sub/__init__.py": "", "pkg/sub/helpers.py": "", "pkg/sub/nav.py": "",
             "pkg/sub/job.py": text("""
                 from . import helpers
                 from ..util import log
                 from .nav import (
                     Navigate,
                 )
                 from pkg.metrics import *
                 def f():
                     import pkg.util
                 try:
                     from pkg import metrics
                 except ImportError:
                     pass
                 """)}
    got = targets(tmp_path, files, "pkg/sub/job.py")
    assert {(1, "pkg/sub/helpers.py"), (2, "pkg/util.py"), (3, "pkg/sub/nav.py"),
            (6, "pkg/metrics.py"), (8, "pkg/util.py"), (10, "pkg/metrics.py")} <= got
    # a relative import runs the marker of the package its dots name: its own for `.`, the
    # one above for `..`; the importer's own package is run by whoever imports the importer
    assert {(1, "pkg/sub/__init__.py"), (2, "pkg/__init__.py")} <= got
    assert (1, "pkg/__init__.py") not in got
    assert (2, "pkg/sub/__init__.py") not in got


def test_stdlib_and_declared_dependencies_are_not_repo_files(tmp_path: Path) -> None:
    files = {"backend/app/__init__.py": "", "backend/app/core/__init__.py": "",
             "backend/app/core/logging.py": "", "tests/docker/__init__.py": "",
             "requirements.txt": "docker==7.1\n",
             "backend/app/core/config.py": "import logging\nimport docker\n",
             "tools/report.py": "#!/usr/bin/env python3\nimport logging\n",
             "tools/logging.py": ""}
    rows = rules(tmp_path, files, "backend/app/core/config.py")
    assert rows == set()
    # a directly-run script finds a file of that name beside it first: a reference, and a risk
    assert rules(tmp_path, files, "tools/report.py") == {
        (2, "tools/logging.py", "import", "import+shadows", "certain", True)}


def test_dependency_of_one_project_is_another_projects_package(tmp_path: Path) -> None:
    files = {"tools/exporter/gsuite_exporter/__init__.py": "",
             "tools/exporter/gsuite_exporter/auth.py": "",
             "tools/exporter/gsuite_exporter/cli.py": "from gsuite_exporter import auth\n",
             "tools/function/requirements.txt": "gsuite-exporter\n"}
    assert (1, "tools/exporter/gsuite_exporter/auth.py", "import", "import", "certain",
            True) in rules(tmp_path, files, "tools/exporter/gsuite_exporter/cli.py")


def test_import_roots_src_layout_sys_path_and_the_nearest_project(tmp_path: Path) -> None:
    files = {
        "lib/pyproject.toml": "[project]\nname='x'\n", "lib/src/corelib/__init__.py": "",
        "lib/src/corelib/io.py": "", "lib/tests/test_io.py": "from corelib import io\n",
        "ex1/trainer/__init__.py": "", "ex1/trainer/model.py": "",
        "ex1/trainer/task.py": "from trainer import model\n",
        "ex2/src/trainer.py": "",
        "app/server/server.py": text("""
            import sys
            sys.path.append("../proto")
            import services.s
            """),
        "app/server/services/__init__.py": "",
        "app/server/services/s.py": "from voice_pb2 import X\n", "app/proto/voice_pb2.py": "",
    }
    assert (1, "lib/src/corelib/io.py", "import", "import", "certain", True) in rules(
        tmp_path / "a", files, "lib/tests/test_io.py")
    assert (1, "ex1/trainer/model.py", "import", "import", "certain", True) in rules(
        tmp_path / "b", files, "ex1/trainer/task.py")
    # a folder an entry script adds to sys.path reaches the modules it imports
    assert (1, "app/proto/voice_pb2.py", "import", "import", "likely", True) in rules(
        tmp_path / "c", files, "app/server/services/s.py")


def test_mock_patch_imports_its_module(tmp_path: Path) -> None:
    files = {"auth_util.py": "", "sync_test.py": text("""
        from unittest import mock
        @mock.patch("auth_util.get_credentials")
        def test_x(c):
            pass
        """)}
    assert rules(tmp_path, files, "sync_test.py") == {
        (2, "auth_util.py", "import", "mock-patch", "likely", True)}


REGISTRY = {"app/__init__.py": "", "app/plugins/__init__.py": "",
            "app/plugins/mail.py": "", "app/plugins/chat.py": "", "app/plugins/sms.py": ""}


def test_dotted_strings_of_a_module_that_imports_a_name_known_at_run_time(
        tmp_path: Path) -> None:
    # `import_module(modulename)` with the name split from a table of dotted strings: each
    # string that names a repo module, or a name in one, may be what it imports (likely);
    # a string naming no repo module (`os.path`, `json.dumps`) and one whose module is
    # missing give nothing
    files = {**REGISTRY, "app/models.py": text("""
        from importlib import import_module
        PLUGINS = {
            "mail": ("Mail", "app.plugins.mail.Mailer"),
            "chat": ("Chat", "app.plugins.chat"),
            "path": ("Path", "os.path"),
            "gone": ("Gone", "app.plugins.gone.Gone"),
        }
        def plugin(kind):
            modulename, classname = PLUGINS[kind][1].rsplit(".", 1)
            return getattr(import_module(modulename), classname)
        """)}
    got = rules(tmp_path, files, "app/models.py")
    assert got == {
        (line, target, "import", rule, "likely", True) for line, found in (
            (3, "app/plugins/mail.py"), (4, "app/plugins/chat.py"))
        for target, rule in (("app/__init__.py", "import_module-registry+package"),
                             ("app/plugins/__init__.py", "import_module-registry+package"),
                             (found, "import_module-registry"))}


def test_trap_dotted_strings_handed_to_a_call_are_no_registry(tmp_path: Path) -> None:
    # a logger's name and a configuration key read like module paths, but nothing imports them
    files = {**REGISTRY, "app/loader.py": text("""
        import logging
        from importlib import import_module
        log = logging.getLogger("app.plugins.mail")
        def load(config, name):
            timeout = config.get("app.plugins.chat")
            return import_module(name)
        """)}
    assert rules(tmp_path, files, "app/loader.py") == set()


def test_trap_dotted_strings_where_every_import_is_named(tmp_path: Path) -> None:
    # the same table, but the module only imports literal names: the table is data
    files = {**REGISTRY, "app/models.py": text("""
        from importlib import import_module
        PLUGINS = {"mail": "app.plugins.mail.Mailer", "chat": "app.plugins.chat"}
        SMS = import_module("app.plugins.sms")
        """)}
    assert {(line, target) for line, target, *_ in rules(tmp_path, files, "app/models.py")} == {
        (3, "app/__init__.py"), (3, "app/plugins/__init__.py"), (3, "app/plugins/sms.py")}


def test_a_script_python_copies_is_needed_where_the_copy_runs(tmp_path: Path) -> None:
    # `shutil.copyfile` into a folder a container mounts, then run there: the source is a
    # file command's (file-op, likely), as `cp` in shell; other copies and strings are not
    files = {"tests/fixtures/probe.py": "", "tools/dag_template.py": "",
             "tests/test_ca.py": text("""
        import shutil
        from pathlib import Path
        TEMPLATE = "tools/dag_template.py"
        def test_ca(tmp_path):
            shutil.copyfile("tests/fixtures/probe.py", "conf/probe.py")
            shutil.copy(TEMPLATE, tmp_path / "dag.py")
            settings = {"a": 1}.copy()
            shutil.copyfile("/etc/hosts", tmp_path / "hosts")
            Path("tools/dag_template.py").read_text()
        """)}
    assert rules(tmp_path, files, "tests/test_ca.py") == {
        (5, "tests/fixtures/probe.py", "python", "file-op>shutil.copyfile", "likely", True),
        (6, "tools/dag_template.py", "python", "file-op>shutil.copy", "likely", True)}


MIGRATIONS = {"migrations/env.py": "", "migrations/versions/0001_init.py": "",
              "migrations/versions/0002_tags.py": "", "migrations/0001_warning.py": "",
              "db/alt/env.py": "", "db/alt/versions/0001_other.py": ""}


def test_flask_migrate_runs_alembic_on_its_folder(tmp_path: Path) -> None:
    # `Migrate(...)` with no directory: `migrations` in the nearest folder up that holds one
    # (env.py and every revision, not other files); `directory=` names another
    files = {**MIGRATIONS, "app/__init__.py": text("""
        from flask_migrate import Migrate
        migrate = Migrate(compare_type=True)
        """), "tools/alt.py": text("""
        import flask_migrate
        flask_migrate.Migrate(app, db, directory="db/alt")
        """)}
    assert rules(tmp_path, files, "app/__init__.py") == {
        (2, path, "python", "flask-migrate", "likely", True)
        for path in ("migrations/env.py", "migrations/versions/0001_init.py",
                     "migrations/versions/0002_tags.py")}
    assert {(line, target) for line, target, *_ in rules(tmp_path / "alt", files,
                                                         "tools/alt.py")} == {
        (2, "db/alt/env.py"), (2, "db/alt/versions/0001_other.py")}


def test_setup_py_scripts_modules_and_entry_points(tmp_path: Path) -> None:
    files = {"t/bqutil/__init__.py": "", "t/bqutil/explain.py": "", "t/cli.py": "",
             "t/single.py": "", "t/setup.py": text("""
                 from setuptools import setup
                 setup(name='x', scripts=['bqutil/explain.py'], py_modules=['single'],
                       entry_points={'console_scripts': ['x = cli:main']})
                 """)}
    assert {(line, target) for line, target, *_ in rules(tmp_path, files, "t/setup.py")} == {
        (2, "t/bqutil/explain.py"), (2, "t/single.py"), (3, "t/cli.py")}


def test_trap_strings_that_are_not_passed_to_a_runner(tmp_path: Path) -> None:
    files = {"agent.py": "", "scripts/x.py": "", "tools/t.py": (
        '"""rglob for ``agent.py``."""\n'
        "import os\n"
        'print("put your agent.py here")\n'
        'if "agent.py" not in path:\n    pass\n'
        '(tmp / "agent.py").touch()\n'
        'os.remove("scripts/x.py")\n'
        'STEPS = ["agent.py", "scripts/x.py"]\n'
        'CONF_PY = "scripts/x.py"\n'
        "from airflow.operators.bash import BashOperator\n"
    )}
    assert scan_repo(tmp_path, files, only="tools/t.py") == set()


def test_resolve_module_api_for_other_stages(tmp_path: Path) -> None:
    index = RepoIndex.build({"svc/app/__init__.py", "svc/app/main.py", "svc/run.py"},
                            {"svc/app/__init__.py", "svc/app/main.py", "svc/run.py"})
    lk = lookup_for(index)
    roots = modules.roots_for("svc/run.py", lk, direct=True)
    found = modules.resolve_module("app.main", roots, lk)
    assert found is not None
    assert found.files == ("svc/app/__init__.py", "svc/app/main.py")
    assert modules.resolve_module("json", roots, lk) is None


def test_an_import_continued_with_a_backslash(tmp_path: Path) -> None:
    files = {"t/variables.py": "", "t/main.py": text("""
        import os
        from variables import A, B, \\
            C
        """)}
    assert rules(tmp_path, files, "t/main.py") == {
        (2, "t/variables.py", "import", "import", "certain", True)}


def test_a_package_run_as_a_folder_imports_its_siblings_by_bare_name(tmp_path: Path) -> None:
    files = {"tool/br/__init__.py": "", "tool/br/__main__.py": "import app\n",
             "tool/br/app.py": "import db_utils\n", "tool/br/db_utils.py": ""}
    assert rules(tmp_path, files, "tool/br/__main__.py") == {
        (1, "tool/br/app.py", "import", "import", "certain", True)}
    # a module of that package finds its sibling through the same sys.path entry (likely)
    assert rules(tmp_path / "b", files, "tool/br/app.py") == {
        (1, "tool/br/db_utils.py", "import", "import", "likely", True)}


def test_an_import_inside_a_docstring_is_text(tmp_path: Path) -> None:
    files = {"pkg/helpers.py": "", "tool.py": (
        '"""Usage:\n\nimport helpers\nfrom pkg import helpers\n"""\nimport os\n')}
    assert rules(tmp_path, files, "tool.py") == set()


def test_a_shebang_below_a_licence_header_still_makes_a_script(tmp_path: Path) -> None:
    """A header tool put comments above `#!`: the extensionless file is still the Python its
    users run, so its imports are callers."""
    files = {"tools/fetch_rules.py": "",
             "tools/rulectl": ("# Copyright someone\n# Licence: MIT\n\n#!/usr/bin/env python3\n"
                               "import sys\nimport fetch_rules as fr\n")}
    assert rules(tmp_path, files, "tools/rulectl") == {
        (6, "tools/fetch_rules.py", "import", "import", "certain", True),
    }
