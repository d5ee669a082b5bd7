"""Compose services that run the repo's published image by name without building it: their bind
mounts are part of that image as its scripts see it, and the scheduler labels on them
(`ofelia.job-exec.NAME.command`) run in its container. Both are guesses about the image, so
their rows are `likely`."""

from __future__ import annotations

from pathlib import Path

from test_references_support import rules, text

WEBMAIL = {
    "images/webmail/Dockerfile": text("""
        FROM debian:12
        COPY start.sh /start.sh
        COPY prune-sessions.sh /usr/local/bin/prune-sessions.sh
        CMD ["/start.sh"]
        """),
    "images/webmail/start.sh": text("""
        #!/bin/bash
        set -e
        /etc/webmail/render-directory.sh "$1" >> /var/lib/webmail/settings.plist
        exec /usr/sbin/webmaild
        """),
    "images/webmail/prune-sessions.sh": "#!/bin/bash\nfind /var/lib/webmail -mtime +1 -delete\n",
    "conf/webmail/render-directory.sh": "#!/bin/bash\necho \"<dict>$1</dict>\"\n",
    "conf/webmail/webmail.conf": "listen = 0.0.0.0\n",
    "docker-compose.yml": text("""
        services:
          webmail:
            image: ghcr.io/inbox/webmail:2.1
            volumes:
              - ./conf/webmail/:/etc/webmail/:z
              - webmail-data:/var/lib/webmail
            labels:
              ofelia.enabled: "true"
              ofelia.job-exec.prune.schedule: "@every 1h"
              ofelia.job-exec.prune.command: LABEL
        volumes:
          webmail-data:
        """).replace("LABEL", '"/bin/bash -c \\"[[ $${PRIMARY} == y ]] && '
                                  '/usr/local/bin/prune-sessions.sh || exit 0\\""'),
}
START = "images/webmail/start.sh"
MOUNTED = (3, "conf/webmail/render-directory.sh", "script", "command", "likely", True)


def test_a_script_of_a_published_image_runs_a_file_a_service_mounts_into_it(
        tmp_path: Path) -> None:
    assert rules(tmp_path, WEBMAIL, START) == {MOUNTED}


def test_the_image_a_compose_service_builds_under_that_name_is_the_one_run_elsewhere(
        tmp_path: Path) -> None:
    """The folder is named after nothing: the name comes from a service that builds it."""
    files = {k.replace("images/webmail/", "images/frontend/"): v for k, v in WEBMAIL.items()}
    files["docker-compose.build.yml"] = text("""
        services:
          make-image:
            build: ./images/frontend
            image: ghcr.io/inbox/webmail:dev
        """)
    got = rules(tmp_path, files, "images/frontend/start.sh")
    assert got == {(3, "conf/webmail/render-directory.sh", "script", "command", "likely", True)}


def test_a_mount_on_a_service_of_an_official_image_is_not_the_repo_images(tmp_path: Path) -> None:
    compose = WEBMAIL["docker-compose.yml"].replace("ghcr.io/inbox/webmail:2.1", "debian:12")
    assert rules(tmp_path, {**WEBMAIL, "docker-compose.yml": compose}, START) == set()


def test_an_image_name_no_repo_dockerfile_makes_mounts_nothing_into_it(tmp_path: Path) -> None:
    compose = WEBMAIL["docker-compose.yml"].replace("inbox/webmail", "inbox/calendar")
    assert rules(tmp_path, {**WEBMAIL, "docker-compose.yml": compose}, START) == set()


def test_a_mounted_folder_the_image_never_runs_from_gives_no_row(tmp_path: Path) -> None:
    """The image's scripts name /etc/webmail only; the other mounted folder holds a script that
    nothing runs, and the scripts of the mounted folder gain no container paths of their own."""
    compose = WEBMAIL["docker-compose.yml"].replace(
        "      - webmail-data", "      - ./conf/spare/:/etc/spare/\n      - webmail-data")
    files = {**WEBMAIL, "docker-compose.yml": compose,
             "conf/spare/rotate.sh": "#!/bin/bash\n/start.sh\n"}
    assert rules(tmp_path, files, START) == {MOUNTED}
    assert rules(tmp_path, files, "conf/spare/rotate.sh") == set()


def test_a_scheduler_label_runs_a_script_the_named_image_installs(tmp_path: Path) -> None:
    got = rules(tmp_path, WEBMAIL, "docker-compose.yml")
    assert got == {(10, "images/webmail/prune-sessions.sh", "compose",
                    "compose-label>bash>command", "likely", True)}


def test_a_label_in_list_form_on_a_service_that_builds_its_image(tmp_path: Path) -> None:
    compose = text("""
        services:
          webmail:
            build: ./images/webmail
            labels:
              - "traefik.http.routers.webmail.rule=Host(`mail.example.org`)"
              - "ofelia.job-exec.prune.command=/usr/local/bin/prune-sessions.sh"
              - "ofelia.job-run.once.command=/usr/local/bin/prune-sessions.sh"
        """)
    got = rules(tmp_path, {**WEBMAIL, "docker-compose.yml": compose}, "docker-compose.yml")
    assert got == {(6, "images/webmail/prune-sessions.sh", "compose", "compose-label",
                    "likely", True)}


def test_a_label_on_a_service_with_no_repo_image_names_no_repo_script(tmp_path: Path) -> None:
    compose = text("""
        services:
          cache:
            image: redis:7
            labels:
              ofelia.job-exec.prune.command: "/usr/local/bin/prune-sessions.sh"
        """)
    assert rules(tmp_path, {**WEBMAIL, "docker-compose.yml": compose}, "docker-compose.yml") \
        == set()
