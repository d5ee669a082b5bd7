"""Compose services that run an image they do not build (`image: org/app:${VERSION}`, the image
the repo publishes): a program run by an absolute path that exactly one of the repo's images
installs from a repo script is likely that script."""

from __future__ import annotations

from pathlib import Path

from test_references_support import rules

PUBLISHED = {
    "Dockerfile": ("FROM python:3.12-slim\nCOPY docker/housekeeping.sh /srv/app/housekeeping.sh\n"
                   "COPY docker/launch.sh /srv/app/launch.sh\n"
                   'CMD ["/srv/app/launch.sh"]\n'),
    "docker/housekeeping.sh": "#!/bin/bash\nexec python manage.py housekeeping\n",
    "docker/launch.sh": "#!/bin/bash\nexec gunicorn app.wsgi\n",
    "docker-compose.yml": ("services:\n  app:\n    image: docker.io/acme/app:${VERSION-1.0}\n"
                           "  housekeeping:\n    image: docker.io/acme/app:${VERSION-1.0}\n"
                           "    command:\n      - /srv/app/housekeeping.sh\n"
                           "  db:\n    image: postgres:16\n"
                           "    command: /docker-entrypoint.sh postgres\n"
                           "  cache:\n    image: redis:7\n    command: redis-server --save ''\n"),
}


def test_a_service_of_the_published_image_runs_the_script_it_installs(tmp_path: Path) -> None:
    got = rules(tmp_path, PUBLISHED, "docker-compose.yml")
    assert got == {(7, "docker/housekeeping.sh", "compose", "compose-command>image-path",
                    "likely", True)}


def test_a_path_two_images_install_from_different_scripts_names_neither(tmp_path: Path) -> None:
    files = {**PUBLISHED,
             "worker/Dockerfile": ("FROM python:3.12-slim\n"
                                   "COPY housekeeping.sh /srv/app/housekeeping.sh\n"),
             "worker/housekeeping.sh": "#!/bin/bash\necho worker\n"}
    assert rules(tmp_path, files, "docker-compose.yml") == set()


def test_an_official_image_runs_none_of_the_repo_images_scripts(tmp_path: Path) -> None:
    """`python:3.12-slim` has no owner in its name: no repository publishes it, so the same
    path there is the official image's own file."""
    files = {**PUBLISHED, "docker-compose.yml": PUBLISHED["docker-compose.yml"].replace(
        "docker.io/acme/app:${VERSION-1.0}", "python:3.12-slim")}
    assert rules(tmp_path, files, "docker-compose.yml") == set()
