"""uWSGI's ini file (kind config): its `[uwsgi]` section imports the application of `module`
(a module spec) and runs `attach-daemon`, `hook-*` = `exec:CMD`, `exec-*` and `cron` commands,
from `chdir`, an absolute path through the maps of the image the file is copied into
(healthchecks' docker/uwsgi.ini: `chdir = /opt/healthchecks`, `module = hc.wsgi:application`,
`hook-pre-app = exec:./manage.py migrate`, `attach-daemon = ./manage.py sendalerts`)."""

from __future__ import annotations

from pathlib import Path

from conftest import live_rows

INI = """[uwsgi]
master
chdir = /srv/app
module = proj.wsgi:application
hook-pre-app = exec:./manage.py migrate
attach-daemon = ./manage.py sendalerts --skip-checks
exec-asap = ./tools/warm.sh
cron = 0 3 -1 -1 -1 ./tools/cleanup.sh --days %(_)
# attach-daemon = ./tools/old.sh
hook-post-app = mount:none /tmp/x
logto = ./tools/log.sh

[staging]
attach-daemon = ./tools/stage.sh
"""
FILES = {
    "Dockerfile": "FROM python:3.12\nCOPY . /srv/app/\nWORKDIR /srv/app\n"
                  "CMD [\"uwsgi\", \"/srv/app/docker/uwsgi.ini\"]\n",
    "docker/uwsgi.ini": INI,
    "manage.py": "#!/usr/bin/env python\nimport sys\nprint(sys.argv)\n",
    "proj/__init__.py": "",
    "proj/wsgi.py": "application = None\n",
    "tools/warm.sh": "#!/bin/sh\ntrue\n",
    "tools/cleanup.sh": "#!/bin/sh\ntrue\n",
    "tools/old.sh": "#!/bin/sh\ntrue\n",
    "tools/log.sh": "#!/bin/sh\ntrue\n",
    "tools/stage.sh": "#!/bin/sh\ntrue\n",
}


def _got(tmp_path: Path) -> set[tuple[int, str]]:
    return {(line, t) for s, line, t, _ in live_rows(tmp_path, FILES) if s == "docker/uwsgi.ini"}


def test_the_module_and_the_commands_of_the_uwsgi_section(tmp_path: Path) -> None:
    assert _got(tmp_path) == {(4, "proj/__init__.py"), (4, "proj/wsgi.py"), (5, "manage.py"),
                              (6, "manage.py"), (7, "tools/warm.sh"), (8, "tools/cleanup.sh")}


def test_comments_other_options_and_other_sections_run_nothing(tmp_path: Path) -> None:
    targets = {t for _, t in _got(tmp_path)}
    assert not targets & {"tools/old.sh", "tools/log.sh", "tools/stage.sh"}
