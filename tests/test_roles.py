from __future__ import annotations

import csv
from pathlib import Path

from conftest import make_repo
from runbook_lib.discovery import roles
from runbook_lib.discovery.discover import DiscoveryParams, run_discovery

PYPROJECT = """[project]
name = "app"
[project.scripts]
app-admin = "app.cli:main"
[tool.pytest.ini_options]
testpaths = ["tests"]
python_files = ["test_*.py", "check_*.py"]
"""
FILES = {
    "backend/pyproject.toml": PYPROJECT,
    "backend/alembic.ini": "[alembic]\nscript_location = app/alembic\n",
    "backend/app/__init__.py": "",
    "backend/app/__main__.py": "from app.cli import main\nmain()\n",
    "backend/app/cli.py": "def main():\n    print('admin')\n",
    "backend/app/models.py": "class User:\n    pass\n",
    "backend/app/tool.py": "def f():\n    pass\n\nif __name__ == '__main__':\n    f()\n",
    "backend/app/run.py": "#!/usr/bin/env python3\nprint('run')\n",
    "backend/app/alembic/env.py": "from alembic import context\n",
    "backend/app/alembic/versions/0001_init.py": "revision = '0001'\n",
    "backend/app/tasks.py": "from celery import shared_task\n\n@shared_task\ndef t():\n    pass\n",
    "backend/app/migrations/__init__.py": "",
    "backend/app/migrations/0001_initial.py": "class Migration:\n    pass\n",
    "backend/tests/__init__.py": "",
    "backend/tests/conftest.py": "import pytest\n",
    "backend/tests/test_models.py": "def test_user():\n    assert True\n",
    "backend/tests/check_db.py": "def test_db():\n    assert True\n",
    "backend/tests/helpers.py": "def make():\n    return 1\n",
    "backend/scripts/test_connection.py": "print('not collected: outside testpaths')\n",
    "tools/test_tool.py": "def test_x():\n    assert True\n",  # pytest defaults here
    "tools/requirements-dev.txt": "pytest>=8\n",  # (a project that declares pytest)
    "tools/dags/nightly.py": "from airflow import DAG\ndag = DAG('nightly')\n",
    "tools/dags/notes.py": "print('no dag here')\n",
    "template/copier.yml": "project_name: {type: str}\n",
    "template/hooks/post.sh": "#!/bin/sh\necho done\n",
    "hooks/pre_gen_project.py": "print('cookiecutter hook')\n",
    "scripts/deploy.sh": "#!/bin/bash\necho deploy\n",
    "setup.py": "from setuptools import setup\nsetup(name='x', entry_points={'console_scripts': "
                "['x = tools.cli:run']})\n",
    "tools/__init__.py": "",
    "tools/cli.py": "def run():\n    pass\n",
    "backend/manage.py": "#!/usr/bin/env python\nimport sys\n",
    "docs/conf.py": "project = 'x'\n",
    "docs/index.rst": "x\n",
    "tools/conf.py": "print('a conf.py with no Sphinx index beside it')\n",
}
EXPECTED = {
    "backend/app/__init__.py": "package_marker",
    "backend/app/__main__.py": "package_marker",
    "backend/tests/conftest.py": "package_marker",
    "backend/app/cli.py": "entry_point",
    "tools/cli.py": "entry_point",
    "backend/app/models.py": "library",
    "backend/tests/helpers.py": "library",
    "backend/app/tool.py": "script",  # a __main__ guard: run directly
    "backend/app/run.py": "script",  # a shebang
    "backend/app/alembic/env.py": "plugin",
    "backend/app/alembic/versions/0001_init.py": "plugin",
    "backend/app/tasks.py": "plugin",
    "backend/app/migrations/0001_initial.py": "plugin",
    "backend/tests/test_models.py": "test",
    "backend/tests/check_db.py": "test",  # python_files of the config
    "backend/scripts/test_connection.py": "script",  # outside testpaths
    "tools/test_tool.py": "test",
    "tools/dags/nightly.py": "plugin",
    "tools/dags/notes.py": "script",  # Airflow skips files without "airflow" and "dag"
    "template/hooks/post.sh": "plugin",
    "hooks/pre_gen_project.py": "plugin",
    "scripts/deploy.sh": "script",
    "setup.py": "plugin",  # pip and setuptools run it
    "backend/manage.py": "plugin",
    "docs/conf.py": "plugin",
    "tools/conf.py": "library",  # tools/ is a package
}


def test_discovery_gives_each_script_its_role(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", FILES)
    run_discovery(DiscoveryParams(repo=repo, workspace=tmp_path / "ws", containers=False))
    with open(tmp_path / "ws" / "inventory.csv", encoding="utf-8") as fh:
        found = {row["path"]: row["role"] for row in csv.DictReader(fh)}
    assert {p: found[p] for p in EXPECTED} == EXPECTED


def test_roles_follow_the_references_discovery_found(tmp_path: Path) -> None:
    """A module the application imports is a library even outside a package, and a test that
    only a CI step's pytest command names is a test (the graph decides, not file names)."""
    files = {
        "backend/app/main.py": "from app import settings\nprint(settings.X)\n",
        "backend/app/settings.py": "#!/usr/bin/env python3\nX = 1\n",
        "checks/verify_api.py": "def test_api():\n    assert True\n",
        "ops/test_login.py": "def test_login():\n    assert True\n",  # no project runs pytest
        "ops/test_ping.py": "print('a hand-run script named like a test')\n",
        ".github/workflows/ci.yml": "on: push\njobs:\n  t:\n    runs-on: ubuntu-latest\n"
                                    "    steps:\n      - run: pytest checks/verify_api.py\n",
        "Dockerfile": "FROM python:3.12\nCOPY backend/ /app/\nWORKDIR /app\n"
                      'CMD ["python", "app/main.py"]\n',
    }
    repo = make_repo(tmp_path / "repo", files)
    run_discovery(DiscoveryParams(repo=repo, workspace=tmp_path / "ws", containers=False))
    with open(tmp_path / "ws" / "inventory.csv", encoding="utf-8") as fh:
        found = {row["path"]: row["role"] for row in csv.DictReader(fh)}
    assert found["backend/app/settings.py"] == "library"
    assert found["checks/verify_api.py"] == "test"
    assert found["backend/app/main.py"] == "script"
    assert found["ops/test_login.py"] == "test" and found["ops/test_ping.py"] == "script"


def test_broken_config_files_give_default_roles(tmp_path: Path) -> None:
    files = {"pyproject.toml": "[project\nbroken", "setup.py": "setup(",
             "alembic.ini": "no section", "a/test_x.py": "def test_x():\n    pass\n",
             "a/tool.py": "print('x')\n"}
    repo = make_repo(tmp_path / "repo", files)
    run_discovery(DiscoveryParams(repo=repo, workspace=tmp_path / "ws", containers=False))
    with open(tmp_path / "ws" / "inventory.csv", encoding="utf-8") as fh:
        found = {row["path"]: row["role"] for row in csv.DictReader(fh)}
    assert found == {"a/test_x.py": "test", "a/tool.py": "script", "setup.py": "plugin"}


def test_main_guard_or_shebang_makes_a_program() -> None:
    assert roles.traits("def f():\n    pass\nif __name__ == '__main__':\n    f()\n",
                        "python").direct
    assert not roles.traits("def f():\n    if __name__ == '__main__':\n        pass\n",
                            "python").direct
    assert not roles.traits("x = '__main__'\n", "python").direct
    assert roles.traits("print 'py2'\nif __name__ == '__main__':\n    main()\n",
                        "python").direct
