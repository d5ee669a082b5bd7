"""unittest's discovery: a runner script calling `TestLoader().discover(start, pattern)` loads
the test files it finds (`likely` rows, rule unittest-loader; the files are tests, so no
orphans), and `python -m unittest discover -p PATTERN` collects by that pattern, not the
default `test*.py`."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from conftest import make_repo
from runbook_lib.discovery.discover import DiscoveryParams, run_discovery

TEST_BODY = "import unittest\n\n\nclass T(unittest.TestCase):\n    def test_x(self):\n" \
            "        self.assertTrue(True)\n"
RUNNER = (
    "import argparse\nimport os\nimport unittest\n\n\n"
    "def main(test_path, test_pattern):\n"
    "    suite = unittest.loader.TestLoader().discover(test_path, test_pattern)\n"
    "    return unittest.TextTestRunner().run(suite)\n\n\n"
    "if __name__ == '__main__':\n"
    "    p = argparse.ArgumentParser()\n"
    "    p.add_argument('--test-path', default=os.getcwd())\n"
    "    p.add_argument('--test-pattern', default='*_check.py')\n"
    "    a = p.parse_args()\n    main(a.test_path, a.test_pattern)\n"
)
FILES = {
    "app/tests/runner.py": RUNNER,
    "app/tests/api_test.py": TEST_BODY,
    "app/tests/sub/db_test.py": TEST_BODY,
    "app/tests/fixtures.py": "DATA = 1\n",
    "app/other/elsewhere_test.py": TEST_BODY,
    "tools/run_unit.py": (
        "import pathlib\nimport unittest\n\n"
        "HERE = pathlib.Path(__file__).parent\n"
        "loader = unittest.TestLoader()\n"
        "suite = loader.discover(str(HERE / '..' / 'lib'), pattern='check_*.py')\n"
        "unittest.TextTestRunner().run(suite)\n"
    ),
    "lib/check_parse.py": TEST_BODY,
    "lib/test_ignored.py": TEST_BODY,
    "lib/parse.py": "X = 1\n",
    "ci.sh": "#!/bin/sh\ncd pkg && python3 -m unittest discover -s . -p '*_spec.py'\n",
    "pkg/api_spec.py": TEST_BODY,
    "pkg/test_default.py": TEST_BODY,
    "scan.py": (
        "import unittest\n\n\nclass Finder:\n"
        "    def discover(self, where):\n        return where\n\n\n"
        "Finder().discover('app')\n"
    ),
}


def _rows(tmp_path: Path) -> tuple[set[tuple[str, str, str]], pd.DataFrame]:
    repo = make_repo(tmp_path / "repo", FILES)
    run_discovery(DiscoveryParams(repo=repo, workspace=tmp_path / "ws", containers=False))
    refs = pd.read_csv(tmp_path / "ws" / "references.csv", keep_default_na=False)
    inv = pd.read_csv(tmp_path / "ws" / "inventory.csv", keep_default_na=False)
    return {(r.source, r.target, r.rule.rpartition(">")[2]) for r in refs.itertuples()
            if r.status == "resolved"}, inv


def test_a_runner_collects_every_test_file_below_its_folder(tmp_path: Path) -> None:
    rows, inv = _rows(tmp_path)
    got = {t for s, t, rule in rows if s == "app/tests/runner.py" and rule == "unittest-loader"}
    # the pattern is an argument (known at run time): any name with `test` below the folder
    assert got == {"app/tests/api_test.py", "app/tests/sub/db_test.py"}
    roles = dict(zip(inv.path, inv.role, strict=True))
    assert roles["app/tests/api_test.py"] == "test"
    callers = dict(zip(inv.path, inv.live_callers, strict=True))
    assert callers["app/tests/sub/db_test.py"] >= 1
    assert callers["app/other/elsewhere_test.py"] == 0  # not below the runner's start


def test_a_start_folder_and_pattern_given_in_the_code(tmp_path: Path) -> None:
    rows, _ = _rows(tmp_path)
    got = {t for s, t, rule in rows if s == "tools/run_unit.py"}
    assert got == {"lib/check_parse.py"}


def test_the_pattern_option_of_unittest_discover_chooses_the_files(tmp_path: Path) -> None:
    rows, _ = _rows(tmp_path)
    got = {t for s, t, _ in rows if s == "ci.sh"}
    assert got == {"pkg/api_spec.py"}


def test_a_discover_method_of_another_class_is_no_loader(tmp_path: Path) -> None:
    rows, _ = _rows(tmp_path)
    assert not {t for s, t, _ in rows if s == "scan.py"}
