"""runit: `runsvdir [-P] DIR` supervises each folder directly in DIR, running its `run` (and
`finish`, and those of its `log/` folder); `runsv DIR` does so for DIR alone (`likely`,
through the image maps for an absolute DIR). discourse_docker's base image boots with
`exec /usr/bin/runsvdir -P /etc/service` after `COPY etc/ /etc`."""

from __future__ import annotations

from pathlib import Path

from conftest import live_rows
from test_references_support import discover

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


def test_trap_a_number_in_docs_or_data_is_not_the_stage_named_by_it(tmp_path: Path) -> None:
    # runit's stage scripts are named 1, 2 and 3: `exit 1` or `WORKERS: 3` in a template or
    # a README names no script; the path `image/etc/runit/2` still does
    files = {**FILES, "image/etc/runit/1": SH, "image/etc/runit/3": SH,
             "templates/web.yml": "env:\n  WORKERS: 3\nrun:\n  - exec: sv start web || exit 1\n",
             "README.md": "Stage 2 is `image/etc/runit/2`; trap 'exit 2' 1 2 3 15.\n"}
    rows = discover(tmp_path, files)
    got = {(r["source"], r["line"], r["target"]) for r in rows
           if r["source"] in ("templates/web.yml", "README.md")}
    assert got == {("README.md", 1, "image/etc/runit/2")}
