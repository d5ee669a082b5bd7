"""Scripts a command copies, moves or links (`cp`, `mv`, `install`, `rsync`, `scp`, `ln`): the
command fails without them, and the copy runs somewhere else. `likely` rows, rule `file-op>...`,
and the planner never shims such a script (its canonical would not be beside the copy)."""

from __future__ import annotations

from pathlib import Path

from test_plan_real import BODY, REPORT, acted, plan_of
from test_references_support import rules, scan_repo, text

INSTALL = {
    "Makefile": text("""
        PREFIX ?= /usr/local
        install:
        \tinstall -d $(PREFIX)/bin
        \tinstall -m 0755 bin/backup.sh $(PREFIX)/bin/backup
        \tcp -r hooks/ /etc/app/hooks/
        """),
    "bin/backup.sh": "#!/bin/sh\ntar czf /tmp/b.tgz /srv\n",
    "hooks/pre.sh": "#!/bin/sh\necho pre\n",
    "hooks/post/notify.sh": "#!/bin/sh\necho post\n",
    "deploy/stage.sh": text("""
        #!/bin/bash
        set -e
        ROOT=$(cd "$(dirname "$0")/.." && pwd)
        cd "$ROOT"
        rsync -a --exclude '*.tmp' bin/backup.sh "$HOST:/opt/app/bin/"
        ln -sf "$ROOT/bin/backup.sh" /usr/local/bin/backup
        scp -P 2222 bin/backup.sh deploy@host:/opt/
        """),
}


def test_an_install_target_and_a_staging_script_carry_the_scripts_they_copy(
        tmp_path: Path) -> None:
    got = rules(tmp_path, INSTALL, "Makefile")
    assert (4, "bin/backup.sh", "make", "file-op>install", "likely", True) in got, got
    assert (5, "hooks/pre.sh", "make", "file-op>cp+folder", "likely", True) in got, got
    assert (5, "hooks/post/notify.sh", "make", "file-op>cp+folder", "likely", True) in got
    staged = rules(tmp_path / "2", INSTALL, "deploy/stage.sh")
    assert {(line, rule) for line, _, _, rule, _, _ in staged} == {
        (5, "file-op>rsync"), (6, "file-op>ln"), (7, "file-op>scp")}, staged


MOVED = {
    "test/config/junk/user-patches.sh": "#!/bin/bash\necho patched\n",
    "test/config/lmtp/user-patches.sh": "#!/bin/bash\necho patched\n",
    "test/config/rspamd/user-patches.sh": "#!/bin/bash\necho patched\n",
    "test/tests/junk.bats": text("""
        function setup_file() {
          TMP_CONFIG=$(make_copy_of_config)
          mv "${TMP_CONFIG}/junk/user-patches.sh" "${TMP_CONFIG}/"
          cp -r "${TMP_CONFIG}"/rspamd/* "${TMP_CONFIG}/"
        }
        """),
}


def test_a_test_moving_a_config_script_into_a_copied_folder_uses_that_script(
        tmp_path: Path) -> None:
    got = rules(tmp_path, MOVED, "test/tests/junk.bats")
    assert got == {(3, "test/config/junk/user-patches.sh", "script", "file-op>mv+suffix",
                    "likely", True),
                   (4, "test/config/rspamd/user-patches.sh", "script", "file-op>cp+suffix",
                    "likely", True)}, got


# traps: a destination, a remote source, `install -d`, the relative target of a symbolic link,
# a name that several scripts end with, a whole-tree copy and an unknown folder are no rows
TRAPS = {
    "bin/run.sh": "#!/bin/sh\necho run\n",
    "a/user-patches.sh": "#!/bin/sh\necho a\n",
    "b/a/user-patches.sh": "#!/bin/sh\necho b\n",
    "tools/ops.sh": text("""
        #!/bin/bash
        cp /etc/app.conf bin/run.sh
        scp host:bin/run.sh /tmp/
        install -d bin/run.sh
        ln -s ../bin/run.sh /usr/local/bin/run
        mv "$TMP/a/user-patches.sh" /tmp/
        cp "$TMP"/a/*.sh /tmp/
        cp -r . /backup/
        cp -r "$SRC/" /backup/
        echo cp bin/run.sh /tmp/
        """),
}


def test_words_that_are_no_copied_source_make_no_row(tmp_path: Path) -> None:
    assert scan_repo(tmp_path, TRAPS, only="tools/ops.sh") == set()


INSTALLED = {
    "tools/daily/report.sh": "#!/bin/bash\n" + REPORT,
    "tools/nightly/report.sh": "#!/bin/bash\n" + REPORT,
    "tools/setup/provision.sh": "#!/bin/sh\n" + BODY,
    "bin/all.sh": "#!/bin/sh\n./tools/daily/report.sh\n./tools/daily/report.sh --json\n",
    "Makefile": "install:\n\tinstall -m 0755 tools/nightly/report.sh /usr/local/bin/report\n",
}


def test_a_copy_an_install_target_puts_elsewhere_is_not_shimmed(tmp_path: Path) -> None:
    _, _, plan = plan_of(INSTALLED, tmp_path)
    assert "tools/nightly/report.sh" not in acted(plan, "shim"), plan["batches"]
    waiting = [w for w in plan["waiting"] if "tools/nightly/report.sh" in w["members"]]
    assert waiting and "runs away from the checkout (Makefile:2" in waiting[0]["reason"], \
        plan["waiting"]
