"""References from Dockerfiles (BuildKit's parser) and compose files, through COPY maps and bind
volumes; a comment is no reference."""

from __future__ import annotations

from pathlib import Path

from test_references_support import resolved, rules, scan_repo, text

SCRIPTS = {
    "scripts/start.sh": "", "scripts/migrate.sh": "", "scripts/health.sh": "",
    "docker/entrypoint.sh": "",
}


def test_dockerfile_copy_maps_and_instructions(tmp_path: Path) -> None:
    files = {**SCRIPTS, "Dockerfile": text("""
        FROM python:3.11 AS base
        WORKDIR /app
        COPY scripts/ /app/scripts/
        COPY docker/entrypoint.sh /usr/local/bin/
        ENTRYPOINT ["/usr/local/bin/entrypoint.sh"]
        RUN /app/scripts/migrate.sh && \\
            ./scripts/health.sh --check
        HEALTHCHECK CMD ["./scripts/health.sh"]
        # CMD /app/scripts/start.sh
        CMD ["/app/scripts/start.sh"]
        RUN /app/scripts/gone.sh; /usr/bin/other.sh
        """)}
    assert scan_repo(tmp_path, files, only="Dockerfile") == resolved(
        "Dockerfile", (3, "scripts/health.sh"), (3, "scripts/migrate.sh"), (3, "scripts/start.sh"),
        (4, "docker/entrypoint.sh"), (5, "docker/entrypoint.sh"),
        (6, "scripts/migrate.sh"), (7, "scripts/health.sh"), (8, "scripts/health.sh"),
        (10, "scripts/start.sh")) | {("Dockerfile", 11, "/app/scripts/gone.sh", "missing", True)}


def test_copy_dot_with_workdir_and_overwritten_script(tmp_path: Path) -> None:
    files = {**SCRIPTS, "svc/Dockerfile": text("""
        FROM alpine
        WORKDIR /srv
        COPY . .
        CMD ./run.sh
        RUN echo 'exec true' > /srv/run.sh
        CMD /srv/run.sh
        """), "svc/run.sh": ""}
    assert scan_repo(tmp_path, files, only="svc/Dockerfile") == resolved(
        "svc/Dockerfile", (4, "svc/run.sh"))


def test_compose_volumes_image_maps_and_commands(tmp_path: Path) -> None:
    files = {**SCRIPTS, "deploy/web.Dockerfile": text("""
        FROM alpine
        WORKDIR /opt/web
        COPY docker/entrypoint.sh /entry/
        """), "deploy/docker-compose.yml": text("""
        services:
          web:
            build:
              context: ..
              dockerfile: deploy/web.Dockerfile
            entrypoint: ["/entry/entrypoint.sh"]
            volumes:
              - ../scripts:/app/scripts:ro
              - ../scripts/health.sh:/health.sh
            command: >
              sh -c "/app/scripts/migrate.sh && /app/scripts/start.sh"
            healthcheck:
              test: ["CMD", "/health.sh"]
          worker:
            image: alpine
            command:
              - /app/scripts/start.sh
              # - /app/scripts/migrate.sh
        """)}
    rows = scan_repo(tmp_path, files)
    assert {r for r in rows if r[0] == "deploy/docker-compose.yml"} == resolved(
        "deploy/docker-compose.yml", (6, "docker/entrypoint.sh"), (9, "scripts/health.sh"),
        (11, "scripts/migrate.sh"), (11, "scripts/start.sh"), (13, "scripts/health.sh"))
    # the Dockerfile's context is the one the compose file gives it
    assert ("deploy/web.Dockerfile", 3, "docker/entrypoint.sh", "resolved", True) in rows


def test_multi_stage_copy_from_maps_through_the_earlier_stage(tmp_path: Path) -> None:
    files = {**SCRIPTS, "Dockerfile": text("""
        FROM alpine AS build
        COPY scripts/ /src/
        RUN /src/migrate.sh
        FROM alpine
        COPY --from=build /src/start.sh /bin/start.sh
        CMD /src/start.sh
        ENTRYPOINT /bin/start.sh
        """)}
    assert scan_repo(tmp_path, files, only="Dockerfile") == resolved(
        "Dockerfile", (2, "scripts/health.sh"), (2, "scripts/migrate.sh"), (2, "scripts/start.sh"),
        (3, "scripts/migrate.sh"), (7, "scripts/start.sh"))


def test_copy_of_a_script_into_a_built_image_is_live(tmp_path: Path) -> None:
    files = {**SCRIPTS, "Dockerfile": text("""
        FROM alpine
        COPY scripts/*.sh /app/
        ADD docker/entrypoint.sh /e
        ADD https://x.example/get.sh /g.sh
        """)}
    assert {(line, target, rule) for line, target, _, rule, _, _ in
            rules(tmp_path, files, "Dockerfile")} == {
        (2, "scripts/health.sh", "dockerfile-copy"), (2, "scripts/migrate.sh", "dockerfile-copy"),
        (2, "scripts/start.sh", "dockerfile-copy"), (3, "docker/entrypoint.sh", "dockerfile-copy"),
    }


def test_uvicorn_module_through_workdir_after_copy_from_another_folder(tmp_path: Path) -> None:
    files = {"backend/app/__init__.py": "", "backend/app/main.py": "",
             "backend/Dockerfile": text("""
                 FROM python
                 WORKDIR /app
                 COPY . /app/
                 CMD ["uvicorn", "app.main:app", "--port", "80"]
                 HEALTHCHECK CMD python3 /app/app/main.py --check
                 """)}
    assert scan_repo(tmp_path, files, only="backend/Dockerfile") == resolved(
        "backend/Dockerfile", (4, "backend/app/__init__.py"), (4, "backend/app/main.py"),
        (5, "backend/app/main.py"))


def test_entrypoint_interpreter_runs_the_cmd_words(tmp_path: Path) -> None:
    files = {"tools/job.py": "", "Dockerfile": text("""
        FROM python
        COPY tools /app
        ENTRYPOINT ["python3"]
        CMD ["/app/job.py"]
        """)}
    assert scan_repo(tmp_path, files, only="Dockerfile") == resolved(
        "Dockerfile", (2, "tools/job.py"), (4, "tools/job.py"))


def test_a_script_inside_an_image_reaches_its_siblings_by_container_path(tmp_path: Path) -> None:
    files = {"img/Dockerfile": text("""
        FROM alpine
        COPY functions.sh /srv/functions.sh
        COPY main.sh /srv/main.sh
        COPY reload.sh /srv/reload.sh
        """),
             "img/functions.sh": "", "img/reload.sh": "",
             "img/main.sh": "source /srv/functions.sh\nFLAG=1 /srv/reload.sh\n"}
    assert scan_repo(tmp_path, files, only="img/main.sh") == resolved(
        "img/main.sh", (1, "img/functions.sh"), (2, "img/reload.sh"))


def test_compose_anchor_merged_into_a_service(tmp_path: Path) -> None:
    files = {"sentry/entrypoint.sh": "", "docker-compose.yml": text("""
        x-defaults: &defaults
          entrypoint: "/etc/sentry/entrypoint.sh"
          volumes:
            - ./sentry:/etc/sentry
        services:
          web:
            <<: *defaults
            image: sentry
        """)}
    assert scan_repo(tmp_path, files, only="docker-compose.yml") == resolved(
        "docker-compose.yml", (2, "sentry/entrypoint.sh"))


def test_trap_dockerfile_text_inside_a_python_string(tmp_path: Path) -> None:
    files = {"scripts/start.sh": "", "gen.py": (
        'DOCKERFILE = """FROM alpine\\nCOPY scripts/start.sh /s.sh\\nCMD ["/s.sh"]\\n"""\n'
        "print(DOCKERFILE)\n")}
    assert scan_repo(tmp_path, files, only="gen.py") == set()


def test_a_fresh_clone_of_the_repo_itself_in_a_build_step(tmp_path: Path) -> None:
    # the fixture's checkout folder is called `repo`
    files = {"tools/t/test_a.py": "", "Dockerfile": text("""
        FROM python
        RUN git clone https://example.com/org/repo.git
        RUN cd ./repo/tools/t && pytest test_a.py
        """)}
    assert scan_repo(tmp_path, files, only="Dockerfile") == resolved(
        "Dockerfile", (3, "tools/t/test_a.py"))


def test_copy_into_an_existing_folder_without_a_trailing_slash(tmp_path: Path) -> None:
    files = {"srv/app.py": "", "srv/Dockerfile": text("""
        FROM python
        WORKDIR /root
        COPY app.py /root
        ENTRYPOINT ["python", "app.py"]
        """)}
    assert ("srv/Dockerfile", 4, "srv/app.py", "resolved", True) in scan_repo(
        tmp_path, files, only="srv/Dockerfile")


def test_copy_from_a_context_above_the_dockerfile_is_likely(tmp_path: Path) -> None:
    files = {"t/src/model.py": "", "t/docker/Dockerfile": "FROM x\nCOPY ./src/model.py /opt/\n"}
    assert rules(tmp_path, files, "t/docker/Dockerfile") == {
        (2, "t/src/model.py", "dockerfile", "dockerfile-copy", "likely", True)}


def test_containerfile_is_a_dockerfile(tmp_path: Path) -> None:
    files = {"img/boot.sh": "",
             "img/Containerfile": "FROM base\nCOPY boot.sh /srv/\nCMD /srv/boot.sh\n"}
    assert scan_repo(tmp_path, files, only="img/Containerfile") == {
        ("img/Containerfile", 2, "img/boot.sh", "resolved", True),
        ("img/Containerfile", 3, "img/boot.sh", "resolved", True),
    }


def test_copy_sources_named_by_env_and_arg(tmp_path: Path) -> None:
    files = {"db/run-db.sh": "", "db/setup-os.sh": "", "db/Dockerfile": (
        "FROM base AS base\n"
        'ENV HOME_DIR=/opt/db \\\n    RUN_FILE="run-db.sh"\n'
        "ARG SETUP=setup-os.sh\n"
        "COPY $RUN_FILE $UNSET_FILE* $HOME_DIR/\n"
        "COPY ${SETUP} /tmp/\n"
        "RUN /tmp/$SETUP\n"
        "FROM base\n"
        'CMD ["/bin/bash", "-c", "exec $HOME_DIR/$RUN_FILE"]\n'
    )}
    assert scan_repo(tmp_path, files, only="db/Dockerfile") == {
        ("db/Dockerfile", 5, "db/run-db.sh", "resolved", True),
        ("db/Dockerfile", 6, "db/setup-os.sh", "resolved", True),
        ("db/Dockerfile", 7, "db/setup-os.sh", "resolved", True),
        ("db/Dockerfile", 9, "db/run-db.sh", "resolved", True),
    }


def test_copy_from_a_stage_brings_what_that_stage_copied_below_the_folder(tmp_path: Path) -> None:
    files = {"web/tools/start.sh": "", "web/tools/stop.sh": "",
             "web/tools/keep.sh": "export vol=u01\nsh /$vol/app/tools/stop.sh\n",
             "web/Dockerfile": (
                 "FROM base AS builder\n"
                 "COPY tools/*.sh /u01/app/tools/\n"
                 "FROM base\n"
                 "COPY --from=builder /u01 /u01\n"
                 'CMD ["/u01/app/tools/start.sh"]\n')}
    rows = scan_repo(tmp_path, files)
    assert ("web/Dockerfile", 5, "web/tools/start.sh", "resolved", True) in rows
    assert ("web/tools/keep.sh", 2, "web/tools/stop.sh", "resolved", True) in rows


def test_a_later_folder_copy_keeps_what_it_does_not_hold(tmp_path: Path) -> None:
    """Image layers: `COPY install/* /u01/` after `COPY tools/* /u01/app/tools/` keeps the tools;
    a path under /u01 that no copied folder holds was made in the image: no row at all."""
    files = {"svc/tools/start.sh": "/u01/app/domains/base/bin/stopServer.sh\n",
             "svc/install/setup.rsp": "", "svc/Dockerfile": (
                 "FROM base\n"
                 "COPY tools/* /u01/app/tools/\n"
                 "COPY install/* /u01/\n"
                 'CMD ["/u01/app/tools/start.sh"]\n'
                 "RUN /u01/app/tools/gone.sh\n")}
    assert scan_repo(tmp_path, files) == {
        ("svc/Dockerfile", 2, "svc/tools/start.sh", "resolved", True),
        ("svc/Dockerfile", 4, "svc/tools/start.sh", "resolved", True),
        ("svc/Dockerfile", 5, "/u01/app/tools/gone.sh", "missing", True),
    }


def test_copy_source_through_a_build_argument_reaches_each_folder_that_fits(tmp_path: Path) -> None:
    files = {"db/21/setup.sh": "", "db/23/setup.sh": "", "db/23/other.sh": "", "db/run.sh": "",
             # built as `podman build -f 23/Containerfile .` from db/
             "db/23/Containerfile": ("FROM base\nARG VERSION\nCOPY $VERSION/other.sh /opt/\n"
                                     "COPY $VERSION/setup.sh /opt/\n"),
             "db/Containerfile": ("FROM base\nARG VERSION\nENV SETUP_FILE=setup.sh\n"
                                  "COPY $VERSION/$SETUP_FILE /opt/install/\n"
                                  "ARG PKG\nCOPY $PKG install.rsp /opt/\n")}
    assert rules(tmp_path, files, "db/Containerfile") == {
        (4, "db/21/setup.sh", "dockerfile", "dockerfile-copy+variable", "likely", True),
        (4, "db/23/setup.sh", "dockerfile", "dockerfile-copy+variable", "likely", True),
        # a wholly unknown name may be any script of the context's own folder
        (6, "db/run.sh", "dockerfile", "dockerfile-copy+unknown", "likely", True),
    }
    assert rules(tmp_path, files, "db/23/Containerfile") == {
        (3, "db/23/other.sh", "dockerfile", "dockerfile-copy+variable", "likely", True),
        (4, "db/23/setup.sh", "dockerfile", "dockerfile-copy+variable", "likely", True),
    }


def test_from_a_stage_named_through_a_global_argument(tmp_path: Path) -> None:
    files = {"db/setup.sh": "", "db/Dockerfile": (
        "ARG SLIM=false\n"
        "FROM base AS img-slim-false\nENV SETUP_FILE=setup.sh INSTALL=/opt/install\n"
        "FROM img-slim-${SLIM} AS builder\nCOPY $SETUP_FILE $INSTALL/\nRUN $INSTALL/$SETUP_FILE\n")}
    assert scan_repo(tmp_path, files, only="db/Dockerfile") == {
        ("db/Dockerfile", 5, "db/setup.sh", "resolved", True),
        ("db/Dockerfile", 6, "db/setup.sh", "resolved", True),
    }


def test_healthcheck_options_on_one_line_and_cmd_on_the_next(tmp_path: Path) -> None:
    files = {"db/check.sh": "", "db/Dockerfile": (
        "FROM base\nENV BASE=/opt/db CHECK=check.sh\nCOPY $CHECK $BASE/\n"
        "HEALTHCHECK --interval=1m --timeout=30s \\\n"
        '   CMD "$BASE/$CHECK" >/dev/null || exit 1\n')}
    assert scan_repo(tmp_path, files, only="db/Dockerfile") == {
        ("db/Dockerfile", 3, "db/check.sh", "resolved", True),
        ("db/Dockerfile", 5, "db/check.sh", "resolved", True),
    }


def test_a_folder_copied_whole_ships_every_script_below_it(tmp_path: Path) -> None:
    files = {"svc/tools/start.sh": "", "svc/tools/sub/fix.py": "", "svc/tools/notes.txt": "",
             "svc/conf/run.sh": "", "svc/Dockerfile": text("""
                 FROM alpine
                 COPY tools/ /opt/tools/
                 ADD conf/. /etc/conf
                 """)}
    assert rules(tmp_path, files, "svc/Dockerfile") == {
        (2, "svc/tools/start.sh", "dockerfile", "dockerfile-copy>folder", "likely", True),
        (2, "svc/tools/sub/fix.py", "dockerfile", "dockerfile-copy>folder", "likely", True),
        (3, "svc/conf/run.sh", "dockerfile", "dockerfile-copy>folder", "likely", True)}


def test_a_sibling_folder_named_by_env_copied_from_the_parent_context(tmp_path: Path) -> None:
    # oracle/docker-images RAC: containerfiles/19.3.0/Containerfile, built from containerfiles/
    # (`-f "${VERSION}"/Containerfile .`), copies the sibling scripts/ through an ENV value
    files = {"rac/files/scripts/gridadd.py": "", "rac/files/scripts/lib/util.sh": "",
             "rac/files/19c/setup.sh": "", "rac/files/19c/Containerfile": text("""
                 FROM linux AS base
                 ENV SCRIPT_DIR=/opt/scripts/startup \\
                     RAC_SCRIPTS_DIR="scripts"
                 COPY setup.sh $SCRIPT_DIR/
                 COPY $RAC_SCRIPTS_DIR $SCRIPT_DIR/scripts
                 """)}
    assert rules(tmp_path, files, "rac/files/19c/Containerfile") == {
        (4, "rac/files/19c/setup.sh", "dockerfile", "dockerfile-copy", "certain", True),
        (5, "rac/files/scripts/gridadd.py", "dockerfile", "dockerfile-copy>folder", "likely",
         True),
        (5, "rac/files/scripts/lib/util.sh", "dockerfile", "dockerfile-copy>folder", "likely",
         True)}


def test_trap_the_context_root_another_image_and_a_missing_folder_give_no_row(
        tmp_path: Path) -> None:
    """`COPY . /app` is every file of the context (planning holds those back), not a folder of
    scripts; `--from` copies from another image; a folder the repo lacks is made elsewhere."""
    files = {"img/app/bin/tool.sh": "", "img/app/tool/x.sh": "", "img/other.sh": "",
             "img/app/Dockerfile": text("""
                 FROM base AS builder
                 COPY . /app
                 COPY ./ /srv/
                 COPY bin/.. /opt/
                 COPY .. /up/
                 COPY ../../ /all/
                 FROM base
                 COPY --from=builder /img/app/bin /bin2
                 COPY --from=other:1 /tool /tool
                 COPY generated/ /opt/generated/
                 """)}
    assert rules(tmp_path, files, "img/app/Dockerfile") == set()
