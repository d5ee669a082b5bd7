"""A tool's own host plumbing: a command its installer puts on the default PATH, run there by
name (`command+PATH+installed`); a cron.d table kept under another name (its lines start
with the user); a systemd unit template named `*.systemd`; an OpenRC service script; `:
"${DIR:=default}"`. Each row is `likely`, as the installer may not have run."""

from __future__ import annotations

import csv
from pathlib import Path

from test_references_support import rules, text

FILES = {
    "install.sh": text("""
        #!/bin/bash
        cd "$(dirname "$0")"
        install -t /usr/local/bin kitctl
        install -T -m 0755 templates/prestart.sh /srv/kit/prestart.sh
        install -T -m 0644 templates/kit.systemd /etc/systemd/system/kit.service
    """),
    "kitctl": "#!/bin/bash\necho ctl\n",
    "templates/prestart.sh": "#!/bin/sh\necho pre\n",
    "scripts/report.sh": "#!/bin/bash\nkitctl status\nreport\n",
    "scripts/report": "#!/bin/bash\necho never installed\n",
}


def test_a_command_an_installer_puts_on_path_is_run_by_name(tmp_path: Path) -> None:
    # `report` is a repo script too, but no installer puts it on PATH: no row
    assert rules(tmp_path, FILES, "scripts/report.sh") == {
        (2, "kitctl", "script", "command+PATH+installed", "likely", True)}


def test_a_cron_d_table_under_another_name_starts_with_the_user(tmp_path: Path) -> None:
    files = {**FILES, "templates/kit.cron": text("""
        0 1 * * *  root  PATH="$PATH:/usr/local/bin" kitctl refresh
        @reboot    root  kitctl check
    """), "templates/user.cron": "0 2 * * * kitctl sweep\n"}
    assert rules(tmp_path, files, "templates/kit.cron") == {
        (1, "kitctl", "cron", "command+PATH+installed", "likely", True),
        (2, "kitctl", "cron", "command+PATH+installed", "likely", True)}
    # a user's crontab has no user field: its command is read as before
    assert rules(tmp_path / "b", files, "templates/user.cron") == {
        (1, "kitctl", "cron", "command+PATH+installed", "likely", True)}


def test_a_unit_template_named_systemd_runs_its_installed_commands(tmp_path: Path) -> None:
    files = {**FILES, "templates/kit.systemd": text("""
        [Service]
        ExecStartPre=/srv/kit/prestart.sh
        ExecStart=/usr/bin/kitd -f
        ExecStopPost=/srv/kit/missing.sh
    """)}
    assert rules(tmp_path, files, "templates/kit.systemd") == {
        (2, "templates/prestart.sh", "systemd", "command+installed", "likely", True)}


def test_an_openrc_service_script_is_sh_with_defaults_set_by_colon(tmp_path: Path) -> None:
    files = {**FILES, "templates/kit.openrc": text("""
        #!/sbin/openrc-run
        : "${KIT_DIR:=/srv/kit}"
        : "${KIT_DIR:=/srv/other}"
        command="/usr/bin/kitd"
        start_pre() {
            sh "${KIT_DIR}/prestart.sh"
        }
    """)}
    # the second `:=` keeps the value the first one set
    assert rules(tmp_path, files, "templates/kit.openrc") == {
        (6, "templates/prestart.sh", "script", "sh+installed", "likely", True)}
    with open(tmp_path / "ws" / "inventory.csv", encoding="utf-8") as fh:
        languages = {r["path"]: r["language"] for r in csv.DictReader(fh)}
    assert languages["templates/kit.openrc"] == "sh"


def test_a_command_named_like_a_repo_script_still_hands_its_command_line(tmp_path: Path) -> None:
    # `tmux` is a repo script's name too (tools/tmux.sh), which an installer may put on PATH:
    # the quoted command line tmux is handed is read all the same
    files = {"tools/x.sh": "#!/bin/bash\necho x\n", "tools/tmux.sh": "#!/bin/bash\necho t\n",
             "run.sh": '#!/bin/bash\ntmux new -d "bash tools/x.sh --now"\n'}
    assert rules(tmp_path, files, "run.sh") == {
        (2, "tools/x.sh", "script", "command-string>tmux>bash", "likely", True)}


def test_an_openrc_service_script_gets_no_shim() -> None:
    from runbook_lib.planning.shims import choose

    text = "#!/sbin/openrc-run\ncommand=/usr/bin/kitd\ndepend() { need net; }\n"
    assert choose("sh", text, False, False, False).style == ""
    assert choose("sh", "#!/bin/sh\necho hi\n", False, False, False).style == "exec"
