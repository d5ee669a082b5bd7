"""The imports check's core: statements of the checkpoint resolved through its import roots,
and those that reached a removed module named with file and line (no batch needed here; the
campaign test runs the check in real batches)."""

from __future__ import annotations

from pathlib import Path

from runbook_lib.checks.imports import broken, module_name
from runbook_lib.discovery.treeindex import tree_lookup

FILES = {
    "backend/pyproject.toml": "[project]\nname = \"app\"\n",
    "backend/app/__init__.py": "",
    "backend/app/core/__init__.py": "",
    "backend/app/core/audit.py": "def record(e):\n    return e\n",
    "backend/app/core/logging.py": "LEVEL = 1\n",
    "backend/app/core/util.py": "def double(x):\n    return 2 * x\n",
    "backend/app/main.py": (
        "import logging\n"  # the standard library, not backend/app/core/logging.py
        "from app.core import audit\n"  # only the package resolves when audit.py is gone
        "import app.core.util as u\n"
        "from . import core\n"
        "\n\ndef f():\n"
        "    try:\n"
        "        from .core.audit import (\n"
        "            record,\n"
        "        )\n"
        "    except ImportError:\n"
        "        record = None\n"
        "    return record\n"
    ),
}


def lookup(tmp_path: Path) -> object:
    for path, text in FILES.items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(text)
    return tree_lookup(tmp_path, FILES)


def test_statements_that_reached_a_removed_module_are_named_with_their_line(
        tmp_path: Path) -> None:
    lk = lookup(tmp_path)
    text = FILES["backend/app/main.py"]
    found = broken("backend/app/main.py", text, text, lk,  # type: ignore[arg-type]
                   {"backend/app/core/audit.py", "backend/app/core/logging.py"})
    assert [f.split(": ", 1)[0] for f in found] == ["backend/app/main.py:2",
                                                     "backend/app/main.py:9"]
    assert "`from app.core import audit` imports backend/app/core/audit.py" in found[0]


def test_a_shifted_line_is_found_in_the_new_text_and_a_removed_statement_is_no_import(
        tmp_path: Path) -> None:
    lk = lookup(tmp_path)
    old = FILES["backend/app/main.py"]
    header = "# usage header\n# two lines\n"
    found = broken("backend/app/main.py", old, header + old, lk,  # type: ignore[arg-type]
                   {"backend/app/core/util.py"})
    assert [f.split(": ", 1)[0] for f in found] == ["backend/app/main.py:5"]
    rewritten = old.replace("import app.core.util as u\n", "u = None\n")
    assert broken("backend/app/main.py", old, rewritten, lk,  # type: ignore[arg-type]
                  {"backend/app/core/util.py"}) == []


def test_module_names_searched_for() -> None:
    assert module_name("backend/app/core/audit.py") == "audit"
    assert module_name("backend/app/core/__init__.py") == "core"
