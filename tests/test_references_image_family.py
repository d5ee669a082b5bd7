"""An image family: a foundation image copies its helpers into /usr/local/bin and /opt/setup,
images built FROM it (`FROM $REGISTRY/$OWNER/foundation`, the image the repo's
`images/foundation/Dockerfile` builds) run them; an ENTRYPOINT script with a CMD of plain
words; a CMD above the COPY that installs what it runs; a compose service that runs a script
by name from the image it builds."""

from __future__ import annotations

from pathlib import Path

from test_references_support import rules, text

FOUNDATION = text("""
    FROM ubuntu:24.04
    CMD ["start.sh"]
    COPY fix-perms start.sh /usr/local/bin/
    COPY setup/ /opt/setup/
    RUN fix-perms /opt
""")
DATABASE = text("""
    FROM debian:12
    COPY entrypoint.sh /usr/local/bin/
    ENTRYPOINT ["entrypoint.sh"]
    CMD ["dbserver"]
""")
CHILD = text("""
    ARG REGISTRY=quay.io
    ARG OWNER=acme
    ARG BASE_IMAGE=$REGISTRY/$OWNER/foundation
    FROM $BASE_IMAGE
    COPY own.sh /usr/local/bin/
    RUN /opt/setup/install.py && \\
        fix-perms /home && \\
        own.sh
""")
FILES = {
    "images/foundation/Dockerfile": FOUNDATION,
    "images/foundation/fix-perms": "#!/bin/bash\nchmod -R g+w \"$@\"\n",
    "images/foundation/start.sh": "#!/bin/bash\nexec \"$@\"\n",
    "images/foundation/setup/install.py": "#!/usr/bin/env python3\nprint('install')\n",
    "images/db/Dockerfile": DATABASE,
    "images/db/entrypoint.sh": "#!/bin/bash\nexec \"$@\"\n",
    "images/child/Dockerfile": CHILD,
    "images/child/own.sh": "#!/bin/bash\necho own\n",
    "examples/app/Dockerfile": "FROM quay.io/acme/child:2026-01@sha256:0123abcd\nUSER app\n",
    "examples/app/docker-compose.yml": text("""
        services:
          app:
            build: .
            command: >
              own.sh
              --verbose
    """),
}


def test_a_cmd_after_a_script_entrypoint_names_no_script_itself(tmp_path: Path) -> None:
    got = rules(tmp_path, FILES, "images/db/Dockerfile")
    assert (3, "images/db/entrypoint.sh", "dockerfile", "command+PATH", "certain", True) in got
    assert not any(line == 4 for line, *_ in got)  # CMD ["dbserver"]


def test_a_cmd_above_the_copy_that_installs_it_runs_it_in_the_finished_image(
        tmp_path: Path) -> None:
    got = rules(tmp_path, FILES, "images/foundation/Dockerfile")
    assert (2, "images/foundation/start.sh", "dockerfile", "command+PATH", "certain", True) in got


def test_an_image_built_from_the_repos_image_runs_the_scripts_it_installed(
        tmp_path: Path) -> None:
    got = rules(tmp_path, FILES, "images/child/Dockerfile")
    assert {(6, "images/foundation/setup/install.py", "command", "likely"),
            (7, "images/foundation/fix-perms", "command+PATH", "likely"),
            (8, "images/child/own.sh", "command+PATH", "certain")} <= {
        (line, target, rule, confidence) for line, target, _, rule, confidence, _ in got}


def test_a_compose_command_runs_a_script_on_its_images_path(tmp_path: Path) -> None:
    got = rules(tmp_path, FILES, "examples/app/docker-compose.yml")
    assert got == {(5, "images/child/own.sh", "compose", "compose-command+PATH", "likely", True)}


def test_an_official_image_is_not_the_repo_folder_of_that_name(tmp_path: Path) -> None:
    files = {**FILES, "images/ubuntu/Dockerfile": "FROM alpine\nCOPY tool.sh /usr/local/bin/\n",
             "images/ubuntu/tool.sh": "#!/bin/sh\n",
             "images/other/Dockerfile": "FROM ubuntu:24.04\nRUN tool.sh\n"}
    assert rules(tmp_path, files, "images/other/Dockerfile") == set()


def test_two_dockerfiles_in_folders_of_one_name_make_the_image_unknown(tmp_path: Path) -> None:
    files = {**FILES, "legacy/foundation/Dockerfile": "FROM alpine\nCOPY setup/ /opt/setup/\n",
             "legacy/foundation/setup/install.py": "#!/usr/bin/env python3\n"}
    got = rules(tmp_path, files, "images/child/Dockerfile")
    assert {target for _, target, *_ in got} == {"images/child/own.sh"}
