"""A rerun of discovery takes unchanged files' scans from the workspace cache, and its CSVs are
byte for byte those of a run without the cache, whatever changed in between: a caller's
variables, a Dockerfile, setup.py's dependencies, a file added or removed, a mode."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import git, make_repo
from runbook_lib.discovery.discover import DiscoveryParams, run_discovery
from runbook_lib.discovery.scancache import path_of

OUTPUTS = ("inventory.csv", "references.csv", "skipped.csv")
FILES = {
    "stack.sh": '#!/bin/bash\nTOP_DIR=$(cd $(dirname "$0") && pwd)\nsource $TOP_DIR/lib/nova\n'
                "run_quiet tools/stats.sh\n",
    "lib/nova": "#!/bin/bash\n# a library: its callers set TOP_DIR\n"
                "bash $TOP_DIR/tools/clean.sh\nrun_quiet() { nohup \"$@\" >/dev/null; }\n",
    "tools/clean.sh": "#!/bin/bash\necho clean\n",
    "tools/stats.sh": "#!/bin/bash\necho stats\n",
    "other/tools/clean.sh": "#!/bin/bash\necho other clean\n",
    "app/main.py": "import helpers\nimport shared\nfrom app import util\n",
    "app/util.py": "X = 1\n",
    "app/__init__.py": "",
    "helpers.py": "#!/usr/bin/env python3\nprint('helpers')\n",
    "setup.py": "from setuptools import setup\nsetup(name='x', install_requires=['requests'])\n",
    "Dockerfile": "FROM python:3.12\nWORKDIR /srv\nCOPY . /srv/\nENV PYTHONPATH=/srv/pylib\n"
                  "CMD [\"python\", \"app/main.py\"]\n",
    "pylib/shared.py": "Y = 1\n",
    "pylib2/shared.py": "Y = 2\n",
    "docker-compose.yml": "services:\n  web:\n    build: .\n",
}


def _discover(repo: Path, ws: Path, cache: bool = True) -> dict[str, object]:
    run_discovery(DiscoveryParams(repo=repo, workspace=ws, containers=False, cache=cache))
    scans: dict[str, object] = json.loads((ws / "discovery.json").read_text())["scans"]
    return scans


def _same_as_fresh(repo: Path, ws: Path, fresh: Path) -> dict[str, object]:
    """Discover with the cache in `ws` and without it in `fresh`: the outputs must agree."""
    scans = _discover(repo, ws)
    _discover(repo, fresh, cache=False)
    for name in OUTPUTS:
        assert (ws / name).read_bytes() == (fresh / name).read_bytes(), name
    return scans


def _write(repo: Path, rel: str, text: str) -> None:
    (repo / rel).parent.mkdir(parents=True, exist_ok=True)
    (repo / rel).write_text(text)


EDITS: dict[str, Callable[[Path], None]] = {
    # the caller's variable moves the library's call to other/tools/clean.sh
    "caller variable": lambda repo: _write(
        repo, "stack.sh", FILES["stack.sh"].replace('"$0") &&', '"$0")/other &&')
        .replace("$TOP_DIR/lib", "$TOP_DIR/../lib")),
    # `helpers` becomes a declared dependency: the import no longer reaches helpers.py
    "setup.py dependencies": lambda repo: _write(
        repo, "setup.py", FILES["setup.py"].replace("'requests'", "'requests', 'helpers'")),
    # the image's PYTHONPATH moves: app/main.py's `import shared` is now pylib2/shared.py
    "Dockerfile": lambda repo: _write(
        repo, "Dockerfile", FILES["Dockerfile"].replace("/srv/pylib", "/srv/pylib2")),
    "script added": lambda repo: _write(repo, "tools/new.sh", "#!/bin/bash\nbash tools/stats.sh\n"),
    "script removed": lambda repo: (repo / "tools/clean.sh").unlink(),
    "mode": lambda repo: (repo / "tools/stats.sh").chmod(0o644),
    "runner function gone": lambda repo: _write(
        repo, "lib/nova", FILES["lib/nova"].replace('nohup "$@"', "true")),
}


@pytest.mark.parametrize("edit", sorted(EDITS))
def test_a_rerun_after_an_edit_writes_what_a_fresh_run_writes(tmp_path: Path, edit: str) -> None:
    repo = make_repo(tmp_path / "repo", FILES)
    ws = tmp_path / "ws"
    first = _same_as_fresh(repo, ws, tmp_path / "fresh0")
    assert first["reused"] == 0 and first["run"] > 0
    before = (ws / "references.csv").read_bytes()
    EDITS[edit](repo)
    _same_as_fresh(repo, ws, tmp_path / "fresh1")
    if edit not in ("mode",):  # every other edit changes some reference row
        assert (ws / "references.csv").read_bytes() != before


def test_an_unchanged_tree_is_not_scanned_again(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", FILES)
    ws = tmp_path / "ws"
    first = _discover(repo, ws)
    again = _same_as_fresh(repo, ws, tmp_path / "fresh")
    assert again == {"cache": True, "reused": first["run"], "run": 0}


def test_an_edited_script_alone_is_scanned_again(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", FILES)
    ws = tmp_path / "ws"
    first = _discover(repo, ws)
    _write(repo, "tools/stats.sh", "#!/bin/bash\necho stats\nbash tools/clean.sh\n")
    again = _same_as_fresh(repo, ws, tmp_path / "fresh")
    assert again["run"] == 1 and again["reused"] == int(str(first["run"])) - 1


def test_a_cache_that_cannot_be_read_is_rebuilt(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", FILES)
    ws = tmp_path / "ws"
    _discover(repo, ws)
    path_of(ws).write_bytes(b"not a pickle")
    again = _same_as_fresh(repo, ws, tmp_path / "fresh")
    assert again["reused"] == 0
    assert _discover(repo, ws)["run"] == 0  # written again, whole


def test_no_cache_scans_everything_and_keeps_no_cache(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", FILES)
    git(repo, "status")
    ws = tmp_path / "ws"
    cli = [sys.executable, "-m", "runbook_lib.cli", "discover", "--direct", "--no-progress",
           "--no-cache", "--repo", str(repo), "--workspace", str(ws)]
    done = subprocess.run(cli, capture_output=True, text=True, env={**os.environ,
                          "DOCKER_HOST": "unix:///nonexistent"})
    assert done.returncode == 0, done.stderr
    assert json.loads((ws / "discovery.json").read_text())["scans"] == {
        "cache": False, "reused": 0, "run": None}
    assert not path_of(ws).exists()


def test_an_edit_in_the_same_clock_tick_as_the_last_run_is_still_seen(tmp_path: Path) -> None:
    """Size and time vouch for a file's sha256 only when the time is well before the cache was
    written: an edit of the same size stamped with the very same time (a coarse clock) right
    after a run is read again."""
    repo = make_repo(tmp_path / "repo", FILES)
    ws = tmp_path / "ws"
    _discover(repo, ws)
    target = repo / "tools/stats.sh"
    old = target.stat()
    target.write_text(FILES["tools/stats.sh"].replace("echo stats", "bash ../yy"))
    assert target.stat().st_size == old.st_size
    os.utime(target, ns=(old.st_atime_ns, old.st_mtime_ns))
    again = _same_as_fresh(repo, ws, tmp_path / "fresh")
    assert again["run"] == 1
