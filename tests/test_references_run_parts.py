"""`run-parts DIR` runs the files directly in DIR whose names have no dot (`likely`, rule
run-parts): an image's boot script running `/etc/runit/1.d` that `COPY etc/ /etc` filled
(discourse_docker's base image), or a repo folder. `--test` and `--list` only print the names,
a `--regex` of its own picks names unknown here: no rows."""

from __future__ import annotations

from pathlib import Path

from conftest import live_rows

SH = "#!/bin/sh\necho step\n"
FILES = {
    "image/Dockerfile": "FROM debian:12\nCOPY etc/ /etc\nCOPY boot /sbin/boot\n"
                        "CMD [\"/sbin/boot\"]\n",
    "image/boot": "#!/bin/bash\n/etc/runit/1 || exit $?\n",
    "image/etc/runit/1": "#!/bin/bash\n/bin/run-parts --verbose --exit-on-error /etc/runit/1.d\n",
    "image/etc/runit/1.d/00-fix-logs": SH,
    "image/etc/runit/1.d/cleanup-pids": SH,
    "image/etc/runit/1.d/helper.sh": SH,  # a dot: run-parts skips it
    "image/etc/runit/1.d/sub/deep": SH,  # below the folder: not run
    "tools/nightly.sh": "#!/bin/sh\ncd \"$(dirname \"$0\")\"\nsudo run-parts --arg=now hooks.d\n"
                        "run-parts --test hooks.d\nrun-parts --list hooks.d\n"
                        "run-parts --regex '^[a-z]+\\.sh$' hooks.d\n",
    "tools/hooks.d/backup": SH,
    "tools/hooks.d/rotate.sh": SH,
}


def _rows(tmp_path: Path) -> set[tuple[str, int, str, str]]:
    return live_rows(tmp_path, FILES)


def test_run_parts_runs_the_image_folder_a_copy_filled(tmp_path: Path) -> None:
    rows = _rows(tmp_path)
    got = {t for s, line, t, rule in rows if s == "image/etc/runit/1" and rule == "run-parts"}
    assert got == {"image/etc/runit/1.d/00-fix-logs", "image/etc/runit/1.d/cleanup-pids"}


def test_run_parts_of_a_repo_folder_through_a_wrapper(tmp_path: Path) -> None:
    rows = _rows(tmp_path)
    assert {(line, t) for s, line, t, rule in rows if s == "tools/nightly.sh"
            and rule.endswith("run-parts")} == {(3, "tools/hooks.d/backup")}


def test_test_list_and_regex_run_nothing(tmp_path: Path) -> None:
    rows = _rows(tmp_path)
    assert not {line for s, line, _, _ in rows if s == "tools/nightly.sh" and line > 3}


def test_run_parts_runs_what_an_image_built_from_it_adds_to_the_folder(tmp_path: Path) -> None:
    # the dev image is built FROM the base image (a folder named after it) and ADDs one more
    # step into /etc/runit/1.d, one file at a time: the base image's stage script runs it
    # there too
    files = {**FILES, "base/Dockerfile": FILES["image/Dockerfile"],
             "base/boot": FILES["image/boot"], "base/etc/runit/1": FILES["image/etc/runit/1"],
             "base/etc/runit/1.d/cleanup-pids": SH,
             "dev/Dockerfile": "ARG from_tag=acme/base:slim\nFROM $from_tag\n"
                               "ADD ensure-database /etc/runit/1.d/ensure-database\n"
                               "ADD notes.txt /etc/runit/1.d/notes.txt\n",
             "dev/ensure-database": SH}
    rows = live_rows(tmp_path, files)
    got = {t for s, line, t, rule in rows if s == "base/etc/runit/1" and rule == "run-parts"}
    assert got == {"base/etc/runit/1.d/cleanup-pids", "dev/ensure-database"}


def test_trap_files_copied_over_or_renamed_out_of_run_parts_reach(tmp_path: Path) -> None:
    # a later COPY to the same path replaces the first; a RUN writes over another; run-parts
    # skips a name with a dot where it runs (`cleanup.disabled`) and runs `10-hook` whatever
    # the repo file is called
    files = {"Dockerfile": "FROM debian:12\nCOPY boot.sh /boot.sh\n"
                           "COPY old-hook.sh /etc/hooks.d/hook\n"
                           "COPY new-hook.sh /etc/hooks.d/hook\n"
                           "COPY gone-hook.sh /etc/hooks.d/gone\n"
                           "RUN echo 'exit 0' > /etc/hooks.d/gone\n"
                           "COPY cleanup /etc/hooks.d/cleanup.disabled\n"
                           "COPY ten-hook.sh /etc/hooks.d/10-hook\n",
             "boot.sh": "#!/bin/sh\nrun-parts /etc/hooks.d\n",
             "old-hook.sh": SH, "new-hook.sh": SH, "gone-hook.sh": SH, "cleanup": SH,
             "ten-hook.sh": SH}
    rows = live_rows(tmp_path, files)
    got = {t for s, line, t, rule in rows if s == "boot.sh" and rule == "run-parts"}
    assert got == {"new-hook.sh", "ten-hook.sh"}
