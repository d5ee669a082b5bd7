"""References from CI, cron, systemd, Makefiles and package.json."""

from __future__ import annotations

from pathlib import Path

from test_references_support import scan_repo

SCRIPTS = {
    "build.sh": "", "scripts/build.sh": "", "scripts/test.sh": "", "scripts/ops/backup.sh": "",
}


def test_github_cd_does_not_carry_to_next_step(tmp_path: Path) -> None:
    files = {**SCRIPTS, ".github/workflows/ci.yml": (
        "jobs:\n"
        "  build:\n"
        "    steps:\n"
        "      - name: build\n"
        "        run: |\n"
        "          cd scripts\n"
        "          ./build.sh\n"
        "      - run: ./build.sh\n"
        "      - run: ./test.sh\n"
        "        working-directory: scripts\n"
        "      - run: cd scripts/ops && ./backup.sh  # nightly\n"
        "      # - run: ./scripts/test.sh\n"
        "      - run: bash ${{ github.workspace }}/scripts/ops/backup.sh\n"
    )}
    assert scan_repo(tmp_path, files, only=".github/workflows/ci.yml") == {
        (".github/workflows/ci.yml", 7, "scripts/build.sh", "resolved", True),
        (".github/workflows/ci.yml", 8, "build.sh", "resolved", True),
        (".github/workflows/ci.yml", 9, "scripts/test.sh", "resolved", True),
        (".github/workflows/ci.yml", 11, "scripts/ops/backup.sh", "resolved", True),
        (".github/workflows/ci.yml", 12, "scripts/test.sh", "resolved", False),
        (".github/workflows/ci.yml", 13, "scripts/ops/backup.sh", "resolved", True),
    }


def test_gitlab_job_and_jenkins_dir_blocks(tmp_path: Path) -> None:
    files = {**SCRIPTS, ".gitlab-ci.yml": (
        "test:\n  script:\n    - cd scripts\n    - ./test.sh\nbuild:\n  script:\n    - ./build.sh\n"
    ), "Jenkinsfile": (
        "pipeline { agent any\n"
        "  stages { stage('b') { steps {\n"
        "    dir('scripts') {\n"
        "      sh './build.sh'\n"
        "    }\n"
        "    sh './build.sh'\n"
        "    // sh './scripts/test.sh'\n"
        "    sh '''\n"
        "      cd scripts/ops\n"
        "      ./backup.sh\n"
        "    '''\n"
        "    sh './test.sh'\n"
        "  } } }\n"
        "}\n"
    )}
    assert scan_repo(tmp_path, files) == {
        (".gitlab-ci.yml", 4, "scripts/test.sh", "resolved", True),
        (".gitlab-ci.yml", 7, "build.sh", "resolved", True),
        ("Jenkinsfile", 4, "scripts/build.sh", "resolved", True),
        ("Jenkinsfile", 6, "build.sh", "resolved", True),
        ("Jenkinsfile", 7, "scripts/test.sh", "resolved", False),
        ("Jenkinsfile", 10, "scripts/ops/backup.sh", "resolved", True),
        ("Jenkinsfile", 12, "scripts/test.sh", "resolved", True),
    }


def test_cron_and_systemd(tmp_path: Path) -> None:
    files = {**SCRIPTS, "etc/cron.d/app": (
        "APP=/opt/app\n"
        "0 3 * * * root /opt/app/scripts/ops/backup.sh >> /var/log/b.log 2>&1\n"
        "#0 4 * * * root $APP/scripts/test.sh\n"
        "*/5 * * * * cd /opt/app/scripts && ./build.sh\n"
        "0 5 * * * /opt/app/scripts/gone.sh\n"
    ), "units/backup.service": (
        "[Service]\n"
        "WorkingDirectory=/opt/app/scripts\n"
        "ExecStartPre=-./test.sh\n"
        "ExecStart=/usr/bin/env bash ops/backup.sh\n"
        "; ExecStop=/opt/app/build.sh\n"
    )}
    assert scan_repo(tmp_path, files) == {
        ("etc/cron.d/app", 2, "scripts/ops/backup.sh", "resolved", True),
        ("etc/cron.d/app", 3, "scripts/test.sh", "resolved", False),
        ("etc/cron.d/app", 4, "scripts/build.sh", "resolved", True),
        ("etc/cron.d/app", 5, "/opt/app/scripts/gone.sh", "missing", True),
        ("units/backup.service", 3, "scripts/test.sh", "resolved", True),
        ("units/backup.service", 4, "scripts/ops/backup.sh", "resolved", True),
        ("units/backup.service", 5, "build.sh", "resolved", False),
    }


def test_makefile_variables_and_package_json(tmp_path: Path) -> None:
    files = {**SCRIPTS, "web/run.sh": "", "Makefile": (
        "SCRIPTS := scripts\n"
        "TESTS = $(SCRIPTS)/test.sh\n"
        "build:\n"
        "\t$(SCRIPTS)/build.sh\n"
        "\tcd $(SCRIPTS)/ops && ./backup.sh\n"
        "\t./build.sh  # the root one\n"
        "test:\n"
        "\t$(TESTS) && $(CURDIR)/scripts/test.sh\n"
        "\t$(UNKNOWN)/lint.sh\n"
    ), "web/package.json": (
        '{\n  "scripts": {\n    "start": "bash run.sh",\n'
        '    "build": "cd .. && ./scripts/build.sh"\n  }\n}\n'
    )}
    assert scan_repo(tmp_path, files) == {
        ("Makefile", 2, "scripts/test.sh", "resolved", True),
        ("Makefile", 4, "scripts/build.sh", "resolved", True),
        ("Makefile", 5, "scripts/ops/backup.sh", "resolved", True),
        ("Makefile", 6, "build.sh", "resolved", True),
        ("Makefile", 8, "scripts/test.sh", "resolved", True),
        ("Makefile", 9, "$(UNKNOWN)/lint.sh", "missing", True),
        ("web/package.json", 3, "web/run.sh", "resolved", True),
        ("web/package.json", 4, "scripts/build.sh", "resolved", True),
    }


def test_circleci_working_directory(tmp_path: Path) -> None:
    files = {**SCRIPTS, ".circleci/config.yml": (
        "jobs:\n"
        "  build:\n"
        "    steps:\n"
        "      - checkout\n"
        "      - run:\n"
        "          name: test\n"
        "          command: ./test.sh\n"
        "          working_directory: scripts\n"
        "      - run: ./build.sh\n"
    )}
    assert scan_repo(tmp_path, files) == {
        (".circleci/config.yml", 7, "scripts/test.sh", "resolved", True),
        (".circleci/config.yml", 9, "build.sh", "resolved", True),
    }
