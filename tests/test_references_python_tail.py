"""The Python scan skips what follows the last line that can run a file, except imports: a
decorator that names a module (`@mock.patch("mod.x")`) above the last function, and an import
inside a function after the last call, are still references."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from conftest import make_repo
from runbook_lib.discovery.discover import DiscoveryParams, run_discovery

FILES = {
    "svc/app.py": "import os\n\n\ndef handler():\n    return os.getcwd()\n",
    "svc/worker.py": "X = 1\n",
    "svc/tool.py": "print('tool')\n",
    "svc/test_app.py": (
        "import subprocess\nfrom unittest import mock\n\n\n"
        "def test_runs():\n    subprocess.run(['python3', 'tool.py'])\n\n\n"
        "CONSTANT = 'after the last call'\n\n\n"
        "@mock.patch('app.handler')\n"
        "def test_patched(handler):\n    assert handler\n\n\n"
        "def late():\n    import worker\n    return worker.X\n"
    ),
}


def test_a_decorator_and_a_late_import_after_the_last_call_are_seen(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", FILES)
    run_discovery(DiscoveryParams(repo=repo, workspace=tmp_path / "ws", containers=False))
    refs = pd.read_csv(tmp_path / "ws" / "references.csv", keep_default_na=False)
    rows = {(int(r.line), r.target, r.rule) for r in refs.itertuples()
            if r.source == "svc/test_app.py" and r.status == "resolved"}
    assert (6, "svc/tool.py", "python") in {(line, t, rule.split(">")[-1]) for line, t, rule
                                             in rows}
    assert (12, "svc/app.py", "mock-patch") in rows
    assert (18, "svc/worker.py", "import") in rows
