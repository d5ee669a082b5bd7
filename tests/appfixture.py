"""A small service repository of the kind real campaigns meet: an application package imported
from a backend/ root, its tests and package markers, scripts that declared cases run, and
scripts nothing in the repository calls (one of them started by a supervisord config that
discovery does not read)."""

from __future__ import annotations

from pathlib import Path

from conftest import make_repo

REPORT = "#!/bin/bash\nset -euo pipefail\necho \"report for ${1:-all}\"\n"
FILES = {
    "backend/pyproject.toml": "[project]\nname = \"app\"\n\n[tool.pytest.ini_options]\n"
                              "testpaths = [\"tests\"]\npythonpath = [\".\"]\n",
    "backend/app/__init__.py": "",
    "backend/app/main.py": "from app.core import util\n\n\ndef run():\n"
                           "    return util.double(2)\n",
    "backend/app/core/__init__.py": "",
    "backend/app/core/util.py": "def double(x):\n    return 2 * x\n",
    "backend/app/core/legacy.py": "def old():\n    return 1\n",
    # imported by the application only: no test reaches it, only the imports check does
    "backend/app/core/audit.py": "def record(event):\n    return event\n",
    "backend/app/worker.py": "\"\"\"Background jobs.\"\"\"\n\nfrom app.core import audit\n\n\n"
                             "def job():\n    return audit.record('job')\n",
    "backend/tests/__init__.py": "",
    "backend/tests/conftest.py": "import pytest\n\n\n@pytest.fixture\ndef two():\n"
                                 "    return 2\n",
    "backend/tests/test_main.py": "from app.main import run\n\n\ndef test_run():\n"
                                  "    assert run() == 4\n",
    "backend/tests/test_util.py": "from app.core.util import double\n\n\n"
                                  "def test_double(two):\n    assert double(two) == 4\n\n\n"
                                  "def test_zero():\n    assert double(0) == 0\n",
    "tools/report.sh": REPORT,
    "ops/report.sh": REPORT,  # an exact copy; a declared case runs each
    "runbook-cases.yaml": "- {script: tools/report.sh, args: [q1]}\n- {script: ops/report.sh}\n",
    "tools/hand_cleanup.sh": "#!/bin/bash\nset -euo pipefail\necho \"cleaning ${1:-nothing}\"\n",
    "tools/old_rotate.sh": "#!/bin/bash\nset -euo pipefail\necho rotating\n",
    "tools/stats.py": "#!/usr/bin/env python3\n\"\"\"Print stats.\"\"\"\nprint('stats')\n",
    "tools/sync.sh": "#!/bin/bash\nset -euo pipefail\necho syncing\n",
    "tools/documented.sh": "#!/bin/bash\nset -euo pipefail\necho documented\n",
    "docs/runbook.md": "To reindex by hand, run `tools/documented.sh`.\n",
    "deploy/supervisord.conf": "[program:sync]\ncommand=/opt/app/tools/sync.sh\n",
    "scripts/deploy.sh": "#!/bin/bash\nset -euo pipefail\necho deploying\n",
    "Makefile": "deploy:\n\tbash scripts/deploy.sh\n",
}


def app_repo(path: Path) -> Path:
    return make_repo(path, FILES)
