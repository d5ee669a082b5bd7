"""runit: `runsvdir [-P] DIR` supervises each folder directly in DIR, running its `run` (and
`finish`, and those of its `log/` folder); `runsv DIR` does so for DIR alone (`likely`,
through the image maps for an absolute DIR). discourse_docker's base image boots with
`exec /usr/bin/runsvdir -P /etc/service` after `COPY etc/ /etc`."""

from __future__ import annotations

from pathlib import Path

from conftest import live_rows

SH = "#!/bin/sh\nexec sleep 1\n"
FILES = {
    "image/Dockerfile": "FROM debian:12\nCOPY etc/ /etc\n",
    "image/etc/runit/2": "#!/bin/bash\nexec /usr/bin/runsvdir -P /etc/service\n",
    "image/etc/runit/one": "#!/bin/bash\nrunsv /etc/service/web\n",
    "image/etc/service/cron/run": SH,
    "image/etc/service/cron/log/run": SH,
    "image/etc/service/web/run": SH,
    "image/etc/service/web/finish": SH,
    "image/etc/service/cron/helper.sh": SH,  # not a name runit runs
    "image/etc/service/web/extra/deep/run": SH,  # below the service's own folders
}


def test_runsvdir_runs_each_service_folder(tmp_path: Path) -> None:
    rows = live_rows(tmp_path, FILES)
    got = {t for s, _, t, rule in rows if s == "image/etc/runit/2" and rule.endswith("runsvdir")}
    assert got == {"image/etc/service/cron/run", "image/etc/service/cron/log/run",
                   "image/etc/service/web/run", "image/etc/service/web/finish"}


def test_runsv_runs_one_service_folder(tmp_path: Path) -> None:
    rows = live_rows(tmp_path, FILES)
    got = {t for s, _, t, rule in rows if s == "image/etc/runit/one" and rule.endswith("runsv")}
    assert got == {"image/etc/service/web/run", "image/etc/service/web/finish"}
