"""A test suite that checks an image mounts the scripts it runs there through the Docker SDK
(`volumes={HOST: {"bind": ...}}`): the mounted scripts are used (likely rows), not orphans."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from conftest import make_repo
from runbook_lib.discovery.discover import DiscoveryParams, run_discovery

TESTS = '''from pathlib import Path

import pytest

THIS_DIR = Path(__file__).parent.resolve()


def test_hook(container):
    host_hook = THIS_DIR / "data" / "10-hook.sh"
    container.run_and_wait(
        volumes={host_hook: {"bind": "/hooks/10-hook.sh", "mode": "ro"}},
        command=["bash", "/hooks/10-hook.sh"],
    )


def test_setup_folder(container):
    host_dir = THIS_DIR / "data/setup"
    container.run_and_wait(volumes={host_dir: {"bind": "/data", "mode": "ro"}})


@pytest.mark.parametrize("name", ["plot_a.py", "plot_b.py"])
def test_plots(docker_client, name):
    host_file = THIS_DIR / "data/plots" / name
    docker_client.containers.run("img", volumes={host_file: {"bind": f"/p/{name}"}})


def test_list_form(docker_client):
    docker_client.containers.run("img", volumes=[f"{THIS_DIR}/data/list:/data:ro"])


def test_own_folder(container, subdir):
    container.run_and_wait(volumes={THIS_DIR / subdir: {"bind": "/x", "mode": "ro"}})


def run_in(container, *, folder):
    host_dir = THIS_DIR / folder
    return container.run_and_wait(volumes={host_dir: {"bind": "/data", "mode": "ro"}})


def test_good_hooks(container):
    run_in(container, folder="data/hooks/good")
    report(container, folder="data/hooks/bad")  # another function's keyword of that name


def test_scratch(container, tmp_path):
    host = tmp_path / "data"
    container.run_and_wait(volumes={host: {"bind": "/data"}})
    container.run_and_wait(volumes={"/var/run/docker.sock": {"bind": "/var/run/docker.sock"}})
    print("volumes={THIS_DIR / 'data' / 'never.sh': {}}")
'''

SH = "#!/bin/bash\necho hi\n"


def test_scripts_mounted_into_a_container_by_the_docker_sdk(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", {
        "tests/image/test_image.py": TESTS,
        "tests/image/test_other.py": "def test_x():\n    assert True\n",
        "tests/image/helper.py": "#!/usr/bin/env python3\nprint('helper')\n",
        "tests/image/data/10-hook.sh": SH,
        "tests/image/data/never.sh": SH,
        "tests/image/data/setup/setup.py": "print('setup')\n",
        "tests/image/data/setup/steps/step.sh": SH,
        "tests/image/data/plots/plot_a.py": "print('a')\n",
        "tests/image/data/plots/plot_b.py": "print('b')\n",
        "tests/image/data/list/run.sh": SH,
        "tests/image/data/hooks/good/a.sh": SH,
        "tests/image/data/hooks/bad/b.sh": SH,
    })
    ws = tmp_path / "ws"
    run_discovery(DiscoveryParams(repo=repo, workspace=ws, containers=False))
    refs = pd.read_csv(ws / "references.csv", keep_default_na=False)
    mine = refs[refs["rule"] == "docker-sdk-volume"]
    assert set(zip(mine["line"], mine["target"], mine["confidence"], strict=True)) == {
        (11, "tests/image/data/10-hook.sh", "likely"),  # the file itself
        (18, "tests/image/data/setup/setup.py", "likely"),  # a folder: every script below
        (18, "tests/image/data/setup/steps/step.sh", "likely"),
        (24, "tests/image/data/plots/plot_a.py", "likely"),  # parametrized: the folder's
        (24, "tests/image/data/plots/plot_b.py", "likely"),
        (28, "tests/image/data/list/run.sh", "likely"),  # "HOST:CONTAINER" strings
        (37, "tests/image/data/hooks/good/a.sh", "likely"),  # a helper's parameter
    }
    # traps: the test's own folder with an unknown part below it (its siblings are not all
    # mounted), a pytest scratch folder, a host socket, and the same text in a print
    assert not set(mine["target"]) & {"tests/image/test_other.py", "tests/image/helper.py",
                                      "tests/image/data/never.sh",
                                      "tests/image/data/hooks/bad/b.sh"}


def test_a_mount_of_the_checkout_or_a_folder_above_the_program_is_no_row(tmp_path: Path) -> None:
    # `folder=".."` is some other call's keyword: THIS_DIR / ".." is the checkout's root
    code = ('from pathlib import Path\n'
            'THIS_DIR = Path(__file__).parent.resolve()\n'
            'def run_in(c, *, folder):\n'
            '    return c.run_and_wait(volumes={THIS_DIR / folder: {"bind": "/x"}})\n'
            'def test_a(c):\n'
            '    run_in(c, folder="data/hooks")\n'
            'def test_b(c):\n'
            '    dict(folder="..")\n')
    repo = make_repo(tmp_path / "repo", {"tests/test_x.py": code,
                                         "tests/data/hooks/a.sh": "#!/bin/bash\necho a\n",
                                         "tools/run.sh": "#!/bin/bash\necho r\n"})
    refs = run_discovery(DiscoveryParams(repo=repo, workspace=tmp_path / "ws",
                                         containers=False)).references
    assert set(refs["target"]) == {"tests/data/hooks/a.sh"}
