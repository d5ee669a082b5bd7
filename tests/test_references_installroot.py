"""An installer that links or copies a whole folder of its own checkout to a fixed host path
(`ln -sf "${filesDir}/scripts/" /opt/tool` after `git clone URL /usr/local/src/tool`), and
dispatchers that then run `/opt/tool/<vpn>/<cmd>.sh` through `${SUDO}`, a variable that is
`sudo` or empty."""

from __future__ import annotations

from pathlib import Path

from test_references_support import rules, text

FILES = {
    ".git/config": '[remote "origin"]\n\turl = https://github.com/acme/tool.git\n',
    "install.sh": text("""
        #!/bin/bash
        filesDir="/usr/local/src/tool"
        scriptDir="/opt/tool"
        git clone https://github.com/acme/tool.git "${filesDir}"
        sudo ln -sf "${filesDir}/scripts/" "${scriptDir}"
        sudo ln -sfT "${filesDir}/scripts/wg/tool.sh" /usr/local/bin/tool
        """),
    "scripts/wg/tool.sh": text("""
        #!/bin/bash
        scriptdir="/opt/tool"
        make() {
          ${SUDO} "${scriptdir}/wg/make.sh" "$@"
        }
        export SUDO="sudo"
        make
        """),
    "scripts/wg/make.sh": "#!/bin/bash\necho make\n",
    "scripts/root.sh": "#!/bin/bash\nSUDO=\"\"\n$SUDO /opt/tool/wg/make.sh\n",
}


def test_a_folder_linked_to_a_host_path_keeps_its_tree_there(tmp_path: Path) -> None:
    got = rules(tmp_path, FILES, "scripts/wg/tool.sh")
    assert (4, "scripts/wg/make.sh", "script", "sudo+installed", "likely", True) in got


def test_an_empty_sudo_variable_is_no_command_word(tmp_path: Path) -> None:
    got = rules(tmp_path, FILES, "scripts/root.sh")
    assert {(line, target) for line, target, *_ in got} == {(3, "scripts/wg/make.sh")}


def test_a_checkout_in_a_folder_of_another_name_knows_its_origin(tmp_path: Path) -> None:
    # the fixture's folder is `repo`; the clone of acme/tool is still this repository
    got = rules(tmp_path, FILES, "install.sh")
    assert (6, "scripts/wg/tool.sh") in {(line, target) for line, target, *_ in got}
