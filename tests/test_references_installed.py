"""Scripts an installer copies to fixed host paths and the callers that run them there; the
hidden checkout a tool clones itself into; tox configurations named for `tox -c`; a space
escaped in a bare word."""

from __future__ import annotations

from pathlib import Path

from runbook_lib.discovery.discover import DiscoveryParams, run_discovery
from test_references_support import make_repo, rules, text

INSTALLER = text("""
    #!/usr/bin/env bash
    INSTALL_DIR="/opt/tool"
    install -o root -Dm755 -t "${INSTALL_DIR}" ./scripts/*.sh
    install -T -m 0755 helpers/poststop.sh "${INSTALL_DIR}/poststop.sh"
    cp bin/tool /usr/local/bin/
""")
FILES = {
    "setup/install.sh": "",  # replaced per test
    "scripts/utils.sh": "#!/bin/sh\nlog() { echo \"$1\"; }\n",
    "scripts/list.sh": "#!/bin/bash\n",
    "helpers/poststop.sh": "#!/bin/sh\n",
    "bin/tool": text("""
        #!/usr/bin/env bash
        SCRIPT_DIR="/opt/tool"
        utilsfile="${SCRIPT_DIR}/utils.sh"
        source "${utilsfile}"
        "${SCRIPT_DIR}"/list.sh "$@"
        sh /opt/tool/poststop.sh
        /opt/tool/missing.sh
        /usr/bin/env true
    """),
    "etc/cleanup.sh": "#!/bin/bash\n/usr/local/bin/tool flush\n",
}


def _with(installer: str) -> dict[str, str]:
    return {**FILES, "setup/install.sh": installer}


def test_a_script_installed_to_a_host_path_is_run_there(tmp_path: Path) -> None:
    files = _with("#!/usr/bin/env bash\ncd \"$(dirname \"$0\")/..\"\n" + INSTALLER.partition(
        "\n")[2])
    assert rules(tmp_path, files, "bin/tool") == {
        (4, "scripts/utils.sh", "script", "source+installed", "likely", True),
        (5, "scripts/list.sh", "script", "command+installed", "likely", True),
        (6, "helpers/poststop.sh", "script", "sh+installed", "likely", True),
    }  # /opt/tool/missing.sh and /usr/bin/env: no script was installed there, no row
    assert rules(tmp_path / "b", files, "etc/cleanup.sh") == {
        (2, "bin/tool", "script", "command+installed", "likely", True)}


def test_installed_copies_are_nothing_without_an_installer(tmp_path: Path) -> None:
    assert rules(tmp_path, _with("#!/bin/sh\n"), "bin/tool") == set()


def test_installers_that_disagree_give_no_row(tmp_path: Path) -> None:
    files = {**_with("#!/bin/sh\ncd \"$(dirname \"$0\")/..\"\ncp scripts/utils.sh /opt/tool/\n"),
             "other/utils.sh": "#!/bin/sh\n",
             "other/setup.sh": "#!/bin/sh\ncd \"$(dirname \"$0\")\"\ncp utils.sh /opt/tool/\n"}
    assert not any(r[1].endswith("utils.sh") for r in rules(tmp_path, files, "bin/tool"))


def test_a_copy_inside_an_image_is_no_host_install(tmp_path: Path) -> None:
    files = {**_with("#!/bin/sh\n"),
             "Dockerfile": "FROM debian\nCOPY scripts/ /src/\nRUN cp /src/utils.sh /opt/tool/\n"}
    assert rules(tmp_path, files, "bin/tool") == set()


def _discover(root: Path, name: str, files: dict[str, str]) -> set[tuple[str, int, str, str]]:
    repo = root / name
    make_repo(repo, files)
    result = run_discovery(DiscoveryParams(repo=repo, workspace=root / "ws", containers=False))
    return {(str(r["source"]), int(r["line"]), str(r["target"]), str(r["rule"]))
            for r in result.references.to_dict("records") if r["kind"] not in ("docs", "data")}


def test_the_hidden_folder_a_tool_clones_itself_into_is_its_checkout(tmp_path: Path) -> None:
    files = {
        "tools/db.sh": "#!/bin/bash\n",
        "main.sh": text("""
            #!/bin/bash
            . "/etc/.mytool/tools/db.sh"
            . "/etc/.my-tool/tools/db.sh"
            . "/etc/mytool/tools/db.sh"
            cd /etc/.mytool
            ./tools/db.sh
        """),
    }
    rows = {(line, rule) for src, line, _, rule in _discover(tmp_path, "my-tool", files)
            if src == "main.sh"}
    # `.mytool` and `.my-tool` are the checkout; `/etc/mytool` is as often its configuration
    assert rows == {(2, "source"), (3, "source"), (6, "command")}


def test_a_named_tox_configuration_runs_its_commands(tmp_path: Path) -> None:
    files = {
        "test/test_install.py": "def test_x():\n    pass\n",
        "test/test_other.py": "def test_y():\n    pass\n",
        "test/tox.debian_12.ini": text("""
            [tox]
            envlist = py3

            [testenv:py3]
            commands = pytest {posargs:-vv -n auto} ./test_install.py
        """),
    }
    assert rules(tmp_path, files, "test/tox.debian_12.ini") == {
        (5, "test/test_install.py", "config", "pytest", "likely", True)}


def test_a_space_escaped_in_a_bare_word(tmp_path: Path) -> None:
    files = {
        "automated install/setup.sh": "#!/bin/bash\n",
        "run.sh": text("""
            #!/bin/bash
            ./automated\\ install/setup.sh --repair
            cp ./automated\\ install/*.sh /tmp/x/
            CMD="echo hi"
            $CMD
            TOP="$(dirname "$0")"
            ${TOP}/automated\\ install/setup.sh --unattended
        """),
    }
    assert {(r[0], r[3]) for r in rules(tmp_path, files, "run.sh")} == {
        (2, "command"), (3, "file-op>cp+glob"), (7, "command")}
