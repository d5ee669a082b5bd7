"""The build context a `docker build -f FILE CONTEXT` command line gives a repo Dockerfile."""

from __future__ import annotations

from pathlib import Path

from test_references_support import rules, targets, text

DOCKERFILE = "FROM debian\nCOPY scripts/entry.sh /entry.sh\nADD . /etc/app\n" \
             "RUN cp /etc/app/tools/setup.sh /usr/local/bin/\n"
FILES = {
    "docker/Dockerfile": DOCKERFILE,
    "scripts/entry.sh": "#!/bin/sh\n",
    "tools/setup.sh": "#!/bin/sh\n",
    "docker/scripts/entry.sh": "#!/bin/sh\n",  # what the Dockerfile's own folder would give
}


def test_a_ci_step_builds_from_the_repo_root(tmp_path: Path) -> None:
    files = {**FILES, ".github/workflows/ci.yml": text("""
        jobs:
          build:
            runs-on: ubuntu-latest
            steps:
              - run: docker build -t app:test -f docker/Dockerfile --build-arg X=1 .
    """)}
    assert targets(tmp_path, files, "docker/Dockerfile") == {
        (2, "scripts/entry.sh"), (4, "tools/setup.sh")}


def test_a_tox_command_builds_from_the_folder_above(tmp_path: Path) -> None:
    files = {**FILES, "docker/tox.debian.ini": text("""
        [testenv]
        commands = docker buildx build --load --progress plain -f Dockerfile -t x:y ../
    """)}
    assert targets(tmp_path, files, "docker/Dockerfile") == {
        (2, "scripts/entry.sh"), (4, "tools/setup.sh")}


def test_a_context_in_a_variable_leaves_the_dockerfiles_folder(tmp_path: Path) -> None:
    files = {**FILES, "build.sh": "#!/bin/sh\ndocker build -f docker/Dockerfile \"$CTX\"\n"}
    assert targets(tmp_path, files, "docker/Dockerfile") == {(2, "docker/scripts/entry.sh")}


def test_callers_that_disagree_leave_the_dockerfiles_folder(tmp_path: Path) -> None:
    files = {**FILES,
             "build.sh": "#!/bin/sh\ndocker build -f docker/Dockerfile .\n",
             "Makefile": "image:\n\tdocker build -f docker/Dockerfile tools\n"}
    assert targets(tmp_path, files, "docker/Dockerfile") == {(2, "docker/scripts/entry.sh")}


def test_a_compose_build_wins_over_a_command_line(tmp_path: Path) -> None:
    files = {**FILES,
             "build.sh": "#!/bin/sh\ndocker build -f docker/Dockerfile .\n",
             "docker-compose.yml": text("""
                 services:
                   app:
                     build:
                       context: ./docker
                       dockerfile: Dockerfile
             """)}
    assert (2, "docker/scripts/entry.sh") in targets(tmp_path, files, "docker/Dockerfile")


ROOT_BUILT = {
    "Containers/app/Dockerfile": text("""
        FROM debian:12
        COPY Containers/app/*.sh /
        COPY shared /opt/shared
        ENTRYPOINT ["/start.sh"]
        HEALTHCHECK CMD /healthcheck.sh
    """),
    "Containers/app/start.sh": "#!/bin/sh\nbash /notify.sh\n",
    "Containers/app/healthcheck.sh": "#!/bin/sh\n",
    "Containers/app/notify.sh": "#!/bin/sh\n",
    "shared/lib.sh": "#!/bin/sh\n",
}


def test_sources_named_from_the_root_give_the_root_as_a_guessed_context(tmp_path: Path
                                                                        ) -> None:
    # built by a pipeline outside the repo: no source is found in the Dockerfile's folder,
    # all are from the root; every row through that guess is likely
    got = rules(tmp_path, ROOT_BUILT, "Containers/app/Dockerfile")
    assert {(line, target, confidence) for line, target, _, rule, confidence, _ in got
            if rule == "command"} == {
        (4, "Containers/app/start.sh", "likely"), (5, "Containers/app/healthcheck.sh", "likely")}
    assert rules(tmp_path / "again", ROOT_BUILT, "Containers/app/start.sh") == {
        (2, "Containers/app/notify.sh", "script", "bash", "likely", True)}


def test_trap_a_source_found_in_its_own_folder_keeps_the_folder(tmp_path: Path) -> None:
    # one source is there (`COPY . /app` would be too): the Dockerfile's folder stays its
    # context, and the root-named source is no guess of a context
    files = {**ROOT_BUILT, "Containers/app/Dockerfile": text("""
        FROM debian:12
        COPY start.sh /start.sh
        COPY Containers/app/notify.sh /notify.sh
        ENTRYPOINT ["/start.sh"]
    """)}
    got = rules(tmp_path, files, "Containers/app/Dockerfile")
    assert {(line, target, confidence) for line, target, _, rule, confidence, _ in got
            if rule == "command"} == {(4, "Containers/app/start.sh", "certain")}
