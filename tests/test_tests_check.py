"""tests: pytest's collection read back per module, and what counts as lost."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from runbook_lib.checks.tests import Collected, parse_output, verdict


def collect(folder: Path, files: dict[str, str]) -> Collected:
    """Real `pytest --collect-only -q` output on test modules written here."""
    for name, text in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, "utf-8")
    done = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q", "-p",
                           "no:cacheprovider", "-o", "addopts=", "--rootdir", str(folder),
                           *files], cwd=folder, capture_output=True, text=True, check=False)
    found = Collected()
    parse_output(done.stdout, "svc", found)
    return found


GOOD = "import pytest\n\n\n@pytest.mark.parametrize('x', [1, 'a b::c'])\ndef test_p(x):\n" \
       "    pass\n\n\ndef test_q():\n    pass\n"


def test_items_and_errors_are_read_per_module(tmp_path: Path) -> None:
    found = collect(tmp_path, {"tests/test_good.py": GOOD,
                               "tests/test_bad.py": "import nosuchmodule_x\n"})
    assert found.counts == {"svc/tests/test_good.py": 3}
    assert found.errors == {"svc/tests/test_bad.py": "svc/tests/test_bad.py:1: "
                            "ModuleNotFoundError: No module named 'nosuchmodule_x'"}


def test_lost_modules_fewer_tests_and_new_errors_fail() -> None:
    old = Collected({"a.py": 3, "b.py": 2, "c.py": 1}, {"d.py": "d.py:1: ImportError"})
    new = Collected({"a.py": 2, "c.py": 1}, {"e.py": "e.py:2: ImportError"})
    result = verdict(old, new, 5)
    assert result.status == "fail"
    assert result.details["problems"] == ["b.py: test module gone (2 tests)",
                                          "d.py: test module gone (0 tests)",
                                          "a.py: 3 tests collected before, 2 after",
                                          "e.py: new collection error: e.py:2: ImportError"]


def test_modules_that_import_in_neither_tree_are_a_skip_with_the_reason() -> None:
    errors = {"t.py": "t.py:1: ModuleNotFoundError: No module named 'fastapi'"}
    result = verdict(Collected({}, dict(errors)), Collected({}, dict(errors)), 1)
    assert result.status == "skip" and "fastapi" in result.details["reason"]


def test_modules_to_collect_are_those_discoverys_pytest_rules_collect(tmp_path: Path) -> None:
    from runbook_lib.discovery.references.pytests import collected_tests
    from runbook_lib.discovery.treeindex import tree_lookup

    files = {
        "backend/pyproject.toml": '[tool.pytest.ini_options]\ntestpaths = ["tests"]\n'
                                  'python_files = ["test_*.py", "check_*.py"]\n',
        "backend/tests/__init__.py": "",
        "backend/tests/conftest.py": "",
        "backend/tests/test_a.py": "def test_a():\n    pass\n",
        "backend/tests/check_b.py": "def test_b():\n    pass\n",
        "backend/scripts/test_conn.py": "print('outside testpaths')\n",
        "tools/requirements-dev.txt": "pytest\n",  # declares pytest: its defaults collect
        "tools/test_tool.py": "def test_t():\n    pass\n",
        "ops/requirements.txt": "requests\n",  # no pytest here: nothing collected
        "ops/test_ping.py": "print('a script named like a test')\n",
    }
    for path, text in files.items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(text)
    assert collected_tests(tree_lookup(tmp_path, files)) == {
        "backend/tests/test_a.py": "backend", "backend/tests/check_b.py": "backend",
        "tools/test_tool.py": "tools"}
