"""Django's test runner: `python manage.py test` (also `./manage.py test`, under `coverage
run`) is unittest's discovery from the working folder (`test*.py` in packages, and the packages
on the way), or from each label given (a folder or a dotted package), `-p` choosing the file
pattern; `likely` rows, rule django-test, so the collected files are tests, not orphans.
It and `manage.py migrate` load the migrations of every package below (rule django-migrate).
Healthchecks' CI runs `python manage.py test`."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from conftest import make_repo
from runbook_lib.discovery.discover import DiscoveryParams, run_discovery

TEST_BODY = "from django.test import TestCase\n\n\nclass T(TestCase):\n    def test_x(self):\n" \
            "        self.assertTrue(True)\n"
MANAGE = ("#!/usr/bin/env python\nimport os\nimport sys\n\n"
          "if __name__ == '__main__':\n"
          "    os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'site.settings')\n"
          "    from django.core.management import execute_from_command_line\n"
          "    execute_from_command_line(sys.argv)\n")
MIGRATION = ("from django.db import migrations\n\n\n"
             "class Migration(migrations.Migration):\n    dependencies = []\n")
FILES = {
    "manage.py": MANAGE,
    ".github/workflows/tests.yml": (
        "on: push\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - run: python manage.py test\n"
        "      - run: coverage run --omit=*/migrations/* --source=site manage.py test\n"
        "      - run: python manage.py migrate\n"
        "      - run: python runner.py test\n"),
    "ci.sh": "#!/bin/sh\ncd \"$(dirname \"$0\")\"\n./manage.py test site.billing -p 'check_*.py'\n"
             "./manage.py testserver data.json\n",
    "runner.py": "import sys\nprint(sys.argv)\n",
    "site/__init__.py": "",
    "site/settings.py": "DEBUG = True\n",
    "site/accounts/__init__.py": "",
    "site/accounts/tests/__init__.py": "",
    "site/accounts/tests/test_login.py": TEST_BODY,
    "site/accounts/helpers.py": "X = 1\n",
    "site/billing/__init__.py": "",
    "site/billing/check_invoice.py": TEST_BODY,
    "site/billing/tests.py": TEST_BODY,
    "site/accounts/migrations/__init__.py": "",
    "site/accounts/migrations/0001_initial.py": MIGRATION,
    "site/accounts/migrations/0002_profile.py": MIGRATION,
    # traps: alembic's versions (no package), a migrations folder outside any package
    "db/migrations/env.py": "X = 1\n",
    "db/migrations/versions/abc123_init.py": "revision = 'abc123'\n",
    "tools/migrations/__init__.py": "",
    "tools/migrations/0001_fix.py": MIGRATION,
}


def _rows(tmp_path: Path) -> tuple[set[tuple[str, int, str, str]], dict[str, str]]:
    repo = make_repo(tmp_path / "repo", FILES)
    run_discovery(DiscoveryParams(repo=repo, workspace=tmp_path / "ws", containers=False))
    refs = pd.read_csv(tmp_path / "ws" / "references.csv", keep_default_na=False)
    inv = pd.read_csv(tmp_path / "ws" / "inventory.csv", keep_default_na=False)
    rows = {(r.source, int(r.line), r.target, r.rule) for r in refs.itertuples()
            if r.status == "resolved" and r.live}
    return rows, dict(zip(inv.path, inv.role, strict=True))


def test_manage_py_test_collects_the_test_files_of_the_working_folder(tmp_path: Path) -> None:
    rows, roles = _rows(tmp_path)
    got = {t for s, line, t, rule in rows if s == ".github/workflows/tests.yml" and line == 6
           and rule.endswith("django-test")}
    assert got == {"site/accounts/tests/test_login.py", "site/billing/tests.py",
                   "site/__init__.py", "site/accounts/__init__.py",
                   "site/accounts/tests/__init__.py", "site/billing/__init__.py"}
    assert roles["site/accounts/tests/test_login.py"] == "test"


def test_manage_py_test_under_coverage_run(tmp_path: Path) -> None:
    rows, _ = _rows(tmp_path)
    got = {t for s, line, t, rule in rows if s == ".github/workflows/tests.yml" and line == 7
           and rule == "coverage>django-test"}
    assert "site/accounts/tests/test_login.py" in got


def test_a_dotted_label_and_a_pattern_choose_the_files(tmp_path: Path) -> None:
    rows, _ = _rows(tmp_path)
    got = {t for s, line, t, rule in rows if s == "ci.sh" and rule.endswith("django-test")}
    assert got == {"site/billing/check_invoice.py", "site/__init__.py",
                   "site/billing/__init__.py"}


MIGRATIONS = {"site/accounts/migrations/__init__.py", "site/accounts/migrations/0001_initial.py",
              "site/accounts/migrations/0002_profile.py"}


def test_migrate_and_test_load_the_migrations_of_the_packages(tmp_path: Path) -> None:
    rows, roles = _rows(tmp_path)
    for line in (6, 8):
        got = {t for s, n, t, rule in rows if s == ".github/workflows/tests.yml" and n == line
               and rule.endswith("django-migrate")}
        assert got == MIGRATIONS
    assert roles["site/accounts/migrations/0002_profile.py"] == "plugin"


def test_migrations_outside_a_package_and_alembic_versions_are_not_djangos(
        tmp_path: Path) -> None:
    rows, _ = _rows(tmp_path)
    targets = {t for _, _, t, rule in rows if rule.endswith("django-migrate")}
    assert not targets & {"db/migrations/env.py", "db/migrations/versions/abc123_init.py",
                          "tools/migrations/0001_fix.py"}


def test_other_commands_of_manage_py_collect_nothing(tmp_path: Path) -> None:
    rows, _ = _rows(tmp_path)
    # `testserver`, `migrate`: no test collection; the row for manage.py itself stays
    assert not {t for s, line, t, _ in rows if s == "ci.sh" and line == 4} - {"manage.py"}
    assert not {t for s, line, t, rule in rows if s == ".github/workflows/tests.yml"
                and line == 8 and rule.endswith("django-test")}


def test_test_given_to_another_script_collects_nothing(tmp_path: Path) -> None:
    rows, roles = _rows(tmp_path)
    assert {t for s, line, t, _ in rows if s == ".github/workflows/tests.yml" and line == 9} \
        == {"runner.py"}
    assert roles["site/accounts/helpers.py"] != "test"
