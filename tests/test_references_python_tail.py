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


SYS_PATH_FILES = {
    "proj/codes/trainer/__init__.py": "",
    "proj/codes/trainer/pipe.py": "X = 1\n",
    "proj/tests/__init__.py": "",
    "proj/tests/tests_pipe.py": (
        "import os\nimport sys\nsys.path.append(os.path.abspath('codes/'))\n"
        "from trainer import pipe\n"
    ),
    "proj/other/tests_other.py": (
        "import os\nimport sys\nsys.path.append(os.path.abspath('nowhere/'))\n"
        "from trainer import pipe\n"
    ),
}


def test_a_sys_path_folder_relative_to_the_project_top_is_a_likely_root(tmp_path: Path) -> None:
    """A test that puts `codes/` on sys.path, run from its project's top (the working folder is
    not in the file), imports proj/codes/trainer: likely rows; a folder found nowhere gives
    no root."""
    repo = make_repo(tmp_path / "repo", SYS_PATH_FILES)
    run_discovery(DiscoveryParams(repo=repo, workspace=tmp_path / "ws", containers=False))
    refs = pd.read_csv(tmp_path / "ws" / "references.csv", keep_default_na=False)
    rows = {(r.source, r.target, r.confidence) for r in refs.itertuples()
            if r.status == "resolved" and r.kind == "import"}
    assert ("proj/tests/tests_pipe.py", "proj/codes/trainer/pipe.py", "likely") in rows
    assert ("proj/tests/tests_pipe.py", "proj/codes/trainer/__init__.py", "likely") in rows
    assert not {t for s, t, _ in rows if s == "proj/other/tests_other.py"}
