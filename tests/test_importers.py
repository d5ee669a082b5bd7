from __future__ import annotations

from runbook_lib.checks.importers import imported, importers

TEXTS = {
    "backend/app/main.py": "from app.core import util\n",
    "backend/app/api.py": "def f():\n    from .core.util import double\n",
    "backend/tests/test_main.py": "from app.main import run\n",
    "backend/tests/test_api.py": "import importlib\napi = importlib.import_module('app.api')\n",
    "backend/tests/test_other.py": "import os\nfrom app import models\n",
    "tools/util_user.py": "from elsewhere.util import f  # same name, other package\n",
    "tools/broken.py": "print 'python 2: may import anything'\nimport util\n",
}


def test_importers_follow_chains_relative_and_dynamic_imports() -> None:
    assert importers({"backend/app/core/util.py"}, TEXTS) == {
        "backend/app/core/util.py", "backend/app/main.py", "backend/app/api.py",
        "backend/tests/test_main.py", "backend/tests/test_api.py", "tools/broken.py"}


def test_relative_imports_are_read_from_the_importing_folder() -> None:
    assert imported("x/y/z.py", "from .. import a\nfrom .b import c\n") == {
        ("x",), ("x", "a"), ("x", "y"), ("x", "y", "b"), ("x", "y", "b", "c")}
