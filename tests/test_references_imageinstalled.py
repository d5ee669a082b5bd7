"""Scripts a Dockerfile of the repo puts at absolute paths (COPY/ADD, `RUN cp` through the
image's own paths), run there by code that runs in that image: a testinfra host's shell code,
a CI job, a repo file the image holds, the Dockerfile's own lines. `likely`, rule `...+image`."""

from __future__ import annotations

from pathlib import Path

from test_references_support import rules, text

DOCKERFILE = text("""
    FROM debian:12
    ENV SRC=/usr/src/kit
    ENV DEST=/srv/kit
    ADD . $SRC
    RUN mkdir -p $DEST && cp $SRC/tools/*.sh $DEST/
    COPY bin/run.sh /usr/local/bin/kit-run
    RUN echo 'echo stub' > /srv/kit/reset.sh
""")
FILES = {
    "Dockerfile": DOCKERFILE,
    "tools/lib.sh": "#!/bin/bash\nlib_fn() { echo ok; }\n",
    "tools/reset.sh": "#!/bin/bash\necho reset\n",
    "bin/run.sh": "#!/bin/bash\necho run\n",
    "host/cleanup.sh": "#!/bin/bash\necho clean\n",
}
TESTS = text('''
    def test_lib(host):
        out = host.run(
            """
        source /srv/kit/lib.sh
        lib_fn
        """
        )
        assert out.rc == 0


    def test_copies(host):
        assert host.run("/usr/local/bin/kit-run --check").rc == 0
        assert host.run("bash /usr/src/kit/host/cleanup.sh").rc == 0


    def test_formatted(host, name):
        host.run(
            """
        source /srv/kit/lib.sh
        lib_fn "{name}"
        """.format(name=name)
        )
''')
TRAPS = text('''
    def test_traps(host):
        host.run("echo source /srv/kit/lib.sh")
        host.run("source /srv/kit/missing.sh")
        host.run("/srv/kit/reset.sh")
''')


def test_a_test_hosts_code_runs_what_the_image_put_there(tmp_path: Path) -> None:
    assert rules(tmp_path, {**FILES, "test/test_kit.py": TESTS}, "test/test_kit.py") == {
        (4, "tools/lib.sh", "python", "testinfra>source+image", "likely", True),  # RUN cp
        (12, "bin/run.sh", "python", "testinfra>command+image", "likely", True),  # COPY file
        (13, "host/cleanup.sh", "python", "testinfra>bash+image", "likely", True),  # ADD .
        (19, "tools/lib.sh", "python", "testinfra>source+image", "likely", True),  # .format
    }


def test_text_missing_and_overwritten_paths_are_no_rows(tmp_path: Path) -> None:
    # echo'd text; a path no image holds; a copy a later RUN wrote over
    assert rules(tmp_path, {**FILES, "test/test_traps.py": TRAPS}, "test/test_traps.py") == set()


def test_a_script_the_image_holds_runs_its_copies(tmp_path: Path) -> None:
    files = {**FILES, "Dockerfile": text("""
        FROM debian:12
        COPY tools/ /usr/src/kit/tools/
        COPY bin/run.sh /usr/local/bin/kit-run
        RUN cp /usr/src/kit/tools/lib.sh /srv/kit/lib.sh
    """), "bin/run.sh": "#!/bin/bash\nsource /srv/kit/lib.sh\n",
        "host/cleanup.sh": "#!/bin/bash\nsource /srv/kit/lib.sh\n"}
    assert rules(tmp_path, files, "bin/run.sh") == {
        (2, "tools/lib.sh", "script", "source+image", "likely", True)}
    # a host script no image holds runs the host's /srv/kit/lib.sh, not the image's
    assert rules(tmp_path / "b", files, "host/cleanup.sh") == set()


def test_a_ci_job_may_run_in_the_image(tmp_path: Path) -> None:
    files = {**FILES, ".gitlab-ci.yml": "check:\n  image: kit\n  script:\n    - /srv/kit/lib.sh\n"}
    assert rules(tmp_path, files, ".gitlab-ci.yml") == {
        (4, "tools/lib.sh", "ci", "command+image", "likely", True)}


def test_a_host_installer_wins_over_the_image(tmp_path: Path) -> None:
    files = {**FILES, "test/test_kit.py": TESTS,
             "install.sh": text("""
                 #!/bin/bash
                 cd "$(dirname "$0")"
                 cp tools/reset.sh /srv/kit/lib.sh
             """)}
    found = rules(tmp_path, files, "test/test_kit.py")
    assert (4, "tools/reset.sh", "python", "testinfra>source+installed", "likely", True) in found
    assert not any(r[1] == "tools/lib.sh" and r[0] == 4 for r in found)


LAUNCHER = text("""
    #!/bin/bash
    docker_path=$(command -v docker)
    image=local/app
    set_boot() {
      boot_command=$(read_config boot)
      if [ -z "$boot_command" ]; then
        boot_command="/sbin/boot"
      fi
    }
    start() {
      set_boot
      [ -n "$DRY_RUN" ] && docker_path=true
      $docker_path run $links -d "${env[@]}" --name app -t $volumes $run_image $boot_command
      docker run --rm -i -a stdout "$image" /usr/local/bin/kit-run --check
      docker run --rm $user_args -a stdout $image echo /sbin/boot
      docker run --rm alpine /sbin/missing
    }
    start
""")


def test_a_container_command_runs_what_a_repo_image_put_there(tmp_path: Path) -> None:
    # `docker run IMAGE /path`: the image is rarely known (a variable, a tag the repo builds),
    # so a script any repo image holds at that path is a likely callee; unknown words before
    # the image (`$links`) may be options; an engine variable one branch sets to `true` stays
    # the engine; an echo'd path and a path no image holds are no rows
    files = {**FILES, "Dockerfile": text("""
        FROM debian:12
        COPY sbin/ /sbin/
        COPY bin/run.sh /usr/local/bin/kit-run
    """), "sbin/boot": "#!/bin/sh\nexec runsvdir /etc/service\n", "launcher": LAUNCHER}
    assert rules(tmp_path, files, "launcher") == {
        (13, "sbin/boot", "script", "docker-run+image", "likely", True),
        (14, "bin/run.sh", "script", "docker-run+image", "likely", True),
    }


def test_a_container_command_without_a_repo_image_is_no_row(tmp_path: Path) -> None:
    # no Dockerfile puts anything at /sbin/boot: the container's own file
    files = {"Dockerfile": "FROM debian:12\nCOPY bin/run.sh /usr/local/bin/kit-run\n",
             "bin/run.sh": "#!/bin/bash\necho run\n", "sbin/boot": "#!/bin/sh\necho boot\n",
             "launcher": LAUNCHER}
    assert rules(tmp_path, files, "launcher") == {
        (14, "bin/run.sh", "script", "docker-run+image", "likely", True)}


def test_of_several_images_the_one_built_nearest_the_launcher(tmp_path: Path) -> None:
    # two products' images put their own start.sh at one path: a sample's launcher runs the
    # image its own folder builds
    dockerfile = "FROM debian:12\nCOPY scripts/ /u01/scripts/\n"
    files = {"shop/Dockerfile": dockerfile, "shop/scripts/start.sh": "#!/bin/sh\necho shop\n",
             "blog/Dockerfile": dockerfile, "blog/scripts/start.sh": "#!/bin/sh\necho blog\n",
             "shop/samples/run.sh": "#!/bin/sh\ndocker run -d --name shop1 shop:1 "
                                    "/u01/scripts/start.sh\n"}
    assert rules(tmp_path, files, "shop/samples/run.sh") == {
        (2, "shop/scripts/start.sh", "script", "docker-run+image", "likely", True)}


CI_FILES = {"Dockerfile": "FROM python:3.12\nCOPY ci/ /opt/ci/\n",
            "ci/run-tests.sh": "#!/bin/sh\necho test\n", "ci/env.sh": "#!/bin/sh\necho env\n",
            "scripts/run.sh": "#!/bin/sh\necho run\n"}


def test_the_container_command_is_found_past_its_own_options(tmp_path: Path) -> None:
    # the image a variable: the command's own options (`-j 4`, `--env-file PATH`) are no
    # `docker run` options; nothing after the image (`docker run --help`) breaks nothing
    files = {**CI_FILES, "test.sh": text("""
        #!/bin/sh
        IMAGE=$1
        ./scripts/run.sh
        docker run --help
        docker run --rm "$IMAGE" /opt/ci/run-tests.sh -j 4
        docker run --rm "$IMAGE" /opt/ci/run-tests.sh --env-file /opt/ci/env.sh
        docker run -it
    """)}
    assert rules(tmp_path, files, "test.sh") == {
        (3, "scripts/run.sh", "script", "command", "certain", True),
        (5, "ci/run-tests.sh", "script", "docker-run+image", "likely", True),
        (6, "ci/run-tests.sh", "script", "docker-run+image", "likely", True),
    }


def test_trap_a_bound_path_and_an_upstream_image_are_not_the_repo_images(tmp_path: Path
                                                                          ) -> None:
    # a path a bind explains is the bound file's (docker-run); an image a repo Dockerfile is
    # built FROM (python:3.12) runs upstream's files, not what the repo's image adds
    files = {**CI_FILES, "test.sh": text("""
        #!/bin/sh
        docker run --rm -v "$PWD/scripts:/opt/ci" myimage /opt/ci/run.sh
        docker run --rm python:3.12 /opt/ci/run-tests.sh
    """)}
    assert rules(tmp_path, files, "test.sh") == {
        (2, "scripts/run.sh", "script", "docker-run", "likely", True)}
