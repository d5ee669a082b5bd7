"""Images that install a rootfs folder (`COPY rootfs/ /`, `COPY tools/* /usr/local/bin/`) and
run what they installed: s6-overlay services, bare names on the image's PATH, glob loops over an
installed folder, and scripts whose working folder is the image's own."""

from __future__ import annotations

from pathlib import Path

from test_references_support import rules, scan_repo

SVC = "rootfs/etc/s6-overlay/s6-rc.d"
S6 = {
    "Dockerfile": "FROM alpine:3.20\nCOPY rootfs/ /\nENTRYPOINT [\"/init\"]\n",
    f"{SVC}/init-setup/type": "oneshot\n",
    f"{SVC}/init-setup/up": "/etc/s6-overlay/s6-rc.d/init-setup/run\n",
    f"{SVC}/init-setup/run": "#!/usr/bin/with-contenv bash\necho setting up\n",
    f"{SVC}/svc-worker/type": "longrun\n",
    f"{SVC}/svc-worker/run": "#!/command/with-contenv sh\nexec worker --foreground\n",
    f"{SVC}/svc-worker/finish": "#!/usr/bin/with-contenv bash\necho stopped\n",
    # a bundle's contents and a dependency name a service, they run nothing themselves
    f"{SVC}/user/contents.d/svc-worker": "",
    f"{SVC}/init-done/type": "oneshot\n",
    f"{SVC}/init-done/up": "# nothing to do: the end of a group of oneshots\n",
    f"{SVC}/svc-idle/type": "longrun\n",
    f"{SVC}/svc-idle/run.disabled": "#!/usr/bin/with-contenv bash\nsleep infinity\n",
}


def test_with_contenv_shebangs_make_scripts_and_s6_runs_them(tmp_path: Path) -> None:
    found = scan_repo(tmp_path, S6)
    assert {(f"{SVC}/init-setup/up", 1, f"{SVC}/init-setup/run", "resolved", True),
            (f"{SVC}/svc-worker/type", 1, f"{SVC}/svc-worker/run", "resolved", True),
            (f"{SVC}/svc-worker/type", 1, f"{SVC}/svc-worker/finish", "resolved", True)} <= found
    got = rules(tmp_path / "again", S6, f"{SVC}/init-setup/up")
    assert got == {(1, f"{SVC}/init-setup/run", "s6", "s6-oneshot>command", "certain", True)}


def test_s6_files_that_run_nothing_give_no_row(tmp_path: Path) -> None:
    found = scan_repo(tmp_path, S6)
    assert not any(src.startswith((f"{SVC}/init-done", f"{SVC}/user", f"{SVC}/svc-idle"))
                   for src, *_ in found)


def test_a_oneshot_outside_any_image_names_no_repo_file(tmp_path: Path) -> None:
    files = {k: v for k, v in S6.items() if k != "Dockerfile"}
    found = scan_repo(tmp_path, files)
    assert not any(src == f"{SVC}/init-setup/up" for src, *_ in found)


BIN = {
    "Dockerfile": ("FROM debian:12-slim\nCOPY tools/fixconf /usr/local/bin/fixconf\n"
                   "RUN fixconf /etc/app.conf && sed -i s/a/b/ /etc/x\n"
                   "COPY cli/* lib/*.sh /usr/local/bin/\n"
                   "HEALTHCHECK CMD app-health\n"),
    "tools/fixconf": "#!/bin/bash\nsed -i \"$@\"\n",
    "cli/app": "#!/bin/bash\ncase \"$1\" in\n  add) shift; app-add \"$@\" ;;\n"
               "  *) echo \"usage: app-add NAME\" ;;\nesac\n",
    "cli/app-add": "#!/bin/bash\nsource /usr/local/bin/common.sh\nfixconf /etc/app.conf\n",
    "cli/app-health": "#!/bin/bash\nexit 0\n",
    "lib/common.sh": "log() { echo \"$@\"; }\n",
    # not copied into the image: a bare `report` is a system command there
    "misc/report": "#!/bin/bash\necho report\n",
}


def test_bare_names_on_the_image_default_path_are_calls(tmp_path: Path) -> None:
    found = {(s, n, t) for s, n, t, _, _ in scan_repo(tmp_path, BIN)}
    assert {("Dockerfile", 3, "tools/fixconf"), ("Dockerfile", 5, "cli/app-health"),
            ("cli/app", 3, "cli/app-add"), ("cli/app-add", 3, "tools/fixconf"),
            ("cli/app-add", 2, "lib/common.sh")} <= found


def test_names_the_image_does_not_install_stay_system_commands(tmp_path: Path) -> None:
    files = {**BIN, "cli/app-add": "#!/bin/bash\nreport --daily\nsed -n 1p /etc/app.conf\n"}
    found = {(s, n, t) for s, n, t, _, _ in scan_repo(tmp_path, files)}
    assert not any(t == "misc/report" for _, _, t in found)
    assert ("cli/app", 4, "cli/app-add") not in found  # echo text


def test_a_script_outside_the_image_keeps_bare_names_as_system_commands(tmp_path: Path) -> None:
    files = {**BIN, "deploy.sh": "#!/bin/bash\nfixconf /etc/app.conf\n"}
    found = scan_repo(tmp_path, files)
    assert not any(src == "deploy.sh" for src, *_ in found)


GLOB = {
    "Dockerfile": ("FROM debian:12-slim\nCOPY start/*.sh /usr/local/bin/\n"
                   "COPY start/setup.d /usr/local/bin/setup.d\n"
                   "CMD [\"/usr/local/bin/start.sh\"]\n"),
    "start/start.sh": ("#!/bin/bash\nshopt -s globstar\n"
                       "for f in /usr/local/bin/setup.d/**/*.sh; do\n  source \"$f\"\ndone\n"
                       "for g in /usr/local/bin/setup.d/*.conf; do source \"$g\"; done\n"),
    "start/setup.d/mail.sh": "setup_mail() { :; }\n",
    "start/setup.d/security/tls.sh": "setup_tls() { :; }\n",
    "start/unused/other.sh": "echo never sourced\n",
}


def test_a_glob_loop_over_an_installed_folder_reaches_its_scripts(tmp_path: Path) -> None:
    got = rules(tmp_path, GLOB, "start/start.sh")
    assert {(4, "start/setup.d/mail.sh", "script", "source+glob", "likely", True),
            (4, "start/setup.d/security/tls.sh", "script", "source+glob", "likely", True)} == got


def test_a_single_star_folder_glob_stays_in_its_folder(tmp_path: Path) -> None:
    files = {**GLOB, "start/start.sh": "#!/bin/bash\nfor f in /usr/local/bin/setup.d/*.sh; do\n"
                                       "  source \"$f\"\ndone\n"}
    got = rules(tmp_path, files, "start/start.sh")
    assert {t for _, t, *_ in got} == {"start/setup.d/mail.sh"}


def test_an_absolute_glob_outside_the_image_maps_is_not_the_repo(tmp_path: Path) -> None:
    files = {**GLOB, "start/start.sh": "#!/bin/bash\nfor f in /etc/profile.d/*.sh; do\n"
                                       "  source \"$f\"\ndone\n"}
    assert rules(tmp_path, files, "start/start.sh") == set()


UPSTREAM = {
    # the image runs in a checkout of another project (a build argument names it)
    "Dockerfile": ("FROM python:3.12\nARG APP_PATH\nCOPY ${APP_PATH} /srv/app\n"
                   "COPY docker/entrypoint.sh /opt/entrypoint.sh\nWORKDIR /srv/app/src\n"
                   "CMD [\"/opt/entrypoint.sh\"]\n"),
    "docker/entrypoint.sh": "#!/bin/bash\n./manage.py migrate\n./tools/warm.sh\nexec \"$@\"\n",
    "docker/tools/warm.sh": "#!/bin/bash\necho warm\n",
}


def test_relative_paths_in_a_script_run_from_the_image_workdir_are_not_dangling(
        tmp_path: Path) -> None:
    found = scan_repo(tmp_path, UPSTREAM, only="docker/entrypoint.sh")
    assert not any(status == "missing" for _, _, _, status, _ in found)
    # a file the repo does hold beside the script is still found (a guess, as before)
    assert ("docker/entrypoint.sh", 3, "docker/tools/warm.sh", "resolved", True) in found


def test_the_same_script_outside_any_image_keeps_its_dangling_row(tmp_path: Path) -> None:
    files = {k: v for k, v in UPSTREAM.items() if k != "Dockerfile"}
    found = scan_repo(tmp_path, files, only="docker/entrypoint.sh")
    assert ("docker/entrypoint.sh", 2, "./manage.py", "missing", True) in found
