"""References from Dockerfiles and compose files, through COPY maps and bind volumes."""

from __future__ import annotations

from pathlib import Path

from test_references_support import scan_repo

SCRIPTS = {
    "scripts/start.sh": "", "scripts/migrate.sh": "", "scripts/health.sh": "",
    "docker/entrypoint.sh": "",
}


def test_dockerfile_copy_maps_and_instructions(tmp_path: Path) -> None:
    files = {**SCRIPTS, "Dockerfile": (
        "FROM python:3.11 AS base\n"
        "WORKDIR /app\n"
        "COPY scripts/ /app/scripts/\n"
        "COPY docker/entrypoint.sh /usr/local/bin/\n"
        'ENTRYPOINT ["/usr/local/bin/entrypoint.sh"]\n'
        "RUN /app/scripts/migrate.sh && \\\n"
        "    ./scripts/health.sh --check\n"
        'HEALTHCHECK CMD ["./scripts/health.sh"]\n'
        "# CMD /app/scripts/start.sh\n"
        'CMD ["/app/scripts/start.sh"]\n'
        "RUN /app/scripts/gone.sh; /usr/bin/other.sh\n"
    )}
    assert scan_repo(tmp_path, files, only="Dockerfile") == {
        ("Dockerfile", 4, "docker/entrypoint.sh", "resolved", True),
        ("Dockerfile", 5, "docker/entrypoint.sh", "resolved", True),
        ("Dockerfile", 6, "scripts/migrate.sh", "resolved", True),
        ("Dockerfile", 7, "scripts/health.sh", "resolved", True),
        ("Dockerfile", 8, "scripts/health.sh", "resolved", True),
        ("Dockerfile", 9, "scripts/start.sh", "resolved", False),
        ("Dockerfile", 10, "scripts/start.sh", "resolved", True),
        ("Dockerfile", 11, "/app/scripts/gone.sh", "missing", True),
    }


def test_copy_dot_with_workdir_and_overwritten_script(tmp_path: Path) -> None:
    files = {**SCRIPTS, "svc/Dockerfile": (
        "FROM alpine\n"
        "WORKDIR /srv\n"
        "COPY . .\n"
        "CMD ./run.sh\n"
        "RUN echo 'exec true' > /srv/run.sh\n"
        "CMD /srv/run.sh\n"
    ), "svc/run.sh": ""}
    assert scan_repo(tmp_path, files, only="svc/Dockerfile") == {
        ("svc/Dockerfile", 4, "svc/run.sh", "resolved", True),
    }


def test_compose_volumes_image_maps_and_commands(tmp_path: Path) -> None:
    files = {**SCRIPTS, "deploy/web.Dockerfile": (
        "FROM alpine\nWORKDIR /opt/web\nCOPY docker/entrypoint.sh /entry/\n"
    ), "deploy/docker-compose.yml": (
        "services:\n"
        "  web:\n"
        "    build:\n"
        "      context: ..\n"
        "      dockerfile: deploy/web.Dockerfile\n"
        "    entrypoint: [\"/entry/entrypoint.sh\"]\n"
        "    volumes:\n"
        "      - ../scripts:/app/scripts:ro\n"
        "      - ../scripts/health.sh:/health.sh\n"
        "    command: >\n"
        "      sh -c \"/app/scripts/migrate.sh && /app/scripts/start.sh\"\n"
        "    healthcheck:\n"
        "      test: [\"CMD\", \"/health.sh\"]\n"
        "  worker:\n"
        "    image: alpine\n"
        "    command:\n"
        "      - /app/scripts/start.sh\n"
        "      # - /app/scripts/migrate.sh\n"
    )}
    rows = scan_repo(tmp_path, files)
    assert {r for r in rows if r[0] == "deploy/docker-compose.yml"} == {
        ("deploy/docker-compose.yml", 6, "docker/entrypoint.sh", "resolved", True),
        ("deploy/docker-compose.yml", 9, "scripts/health.sh", "resolved", True),
        ("deploy/docker-compose.yml", 11, "scripts/migrate.sh", "resolved", True),
        ("deploy/docker-compose.yml", 11, "scripts/start.sh", "resolved", True),
        ("deploy/docker-compose.yml", 13, "scripts/health.sh", "resolved", True),
    }
    # the Dockerfile's context is the one the compose file gives it
    assert ("deploy/web.Dockerfile", 3, "docker/entrypoint.sh", "resolved", True) in rows


def test_multi_stage_copy_from_maps_through_the_earlier_stage(tmp_path: Path) -> None:
    files = {**SCRIPTS, "Dockerfile": (
        "FROM alpine AS build\n"
        "COPY scripts/ /src/\n"
        "RUN /src/migrate.sh\n"
        "FROM alpine\n"
        "COPY --from=build /src/start.sh /bin/start.sh\n"
        "CMD /src/start.sh\n"
        "ENTRYPOINT /bin/start.sh\n"
    )}
    assert scan_repo(tmp_path, files, only="Dockerfile") == {
        ("Dockerfile", 3, "scripts/migrate.sh", "resolved", True),
        ("Dockerfile", 7, "scripts/start.sh", "resolved", True),
    }
