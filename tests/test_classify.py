from __future__ import annotations

import pytest

from runbook_lib.discovery import classify


@pytest.mark.parametrize(("path", "first", "language"), [
    ("a.sh", "", "sh"),
    ("a.sh", "#!/bin/bash", "bash"),
    ("a.sh", "#!/usr/bin/env bash", "bash"),
    ("a.bash", "echo hi", "bash"),
    ("a.ksh", "", "ksh"),
    ("a.zsh", "", "zsh"),
    ("tool", "#!/bin/sh -e", "sh"),
    ("tool", "#!/usr/bin/env -S python3 -u", "python"),
    ("tool", "#!/usr/bin/python3.11", "python"),
    ("a.py", "import os", "python"),
    ("a.sh.backup_20250807", "#!/bin/bash", "bash"),
    ("tool", "#!/usr/bin/perl", None),
    # s6-overlay's wrapper runs the shell named after it (every linuxserver.io service script)
    ("run", "#!/usr/bin/with-contenv bash", "bash"),
    ("run", "#!/command/with-contenv sh", "sh"),
    ("up", "#!/command/execlineb -P", None),
    ("notes.txt", "hello", None),
    ("Makefile", "all:", None),
])
def test_script_language(path: str, first: str, language: str | None) -> None:
    assert classify.script_language(path, first) == language


@pytest.mark.parametrize(("path", "archived", "backup_of"), [
    ("scripts/deploy.sh", False, None),
    ("archive/deploy.sh", True, None),
    ("ops/old/x/deploy.sh", True, None),
    ("scripts/deploy.sh.backup_20250807", True, "scripts/deploy.sh"),
    ("scripts/deploy.sh.bak", True, "scripts/deploy.sh"),
    ("tools/bot/main.py.save", True, "tools/bot/main.py"),  # an editor (nano) backup
    ("scripts/deploy.sh~", True, "scripts/deploy.sh"),
    ("scripts/deploy_backup_20250807.sh", True, "scripts/deploy.sh"),
    ("scripts/backup.sh", False, None),
    ("scripts/oldest.sh", False, None),
])
def test_archived_and_backups(path: str, archived: bool, backup_of: str | None) -> None:
    assert classify.is_archived(path) is archived
    assert classify.backup_original(path) == backup_of
