"""References from CI, cron, systemd, Makefiles, package.json, Procfile, Ansible and Python
project files; comments are no references."""

from __future__ import annotations

from pathlib import Path

from test_references_support import rules, scan_repo

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
        ("Jenkinsfile", 10, "scripts/ops/backup.sh", "resolved", True),
        ("Jenkinsfile", 12, "./test.sh", "missing", True),  # run at the root, where none is
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
        ("etc/cron.d/app", 4, "scripts/build.sh", "resolved", True),
        ("etc/cron.d/app", 5, "/opt/app/scripts/gone.sh", "missing", True),
        ("units/backup.service", 3, "scripts/test.sh", "resolved", True),
        ("units/backup.service", 4, "scripts/ops/backup.sh", "resolved", True),
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
        ("Makefile", 4, "scripts/build.sh", "resolved", True),
        ("Makefile", 5, "scripts/ops/backup.sh", "resolved", True),
        ("Makefile", 6, "build.sh", "resolved", True),
        ("Makefile", 8, "scripts/test.sh", "resolved", True),
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


def test_composite_action_cloud_build_pre_commit_and_release_tool(tmp_path: Path) -> None:
    files = {**SCRIPTS, "install.sh": "", "tools/x/run_tests.sh": "", "tools/x/b.sh": "",
             "action.yaml": ("runs:\n  using: composite\n  steps:\n    - run: |\n"
                             "        cd ${{ github.action_path }}\n        ./install.sh\n"),
             "tools/x/cloudbuild.yaml": ("steps:\n- name: img\n  entrypoint: bash\n"
                                         "  args: ['-c', './b.sh apply']\n  dir: tools/x\n"
                                         "- name: img\n  args: ['./run_tests.sh']\n"),
             ".pre-commit-config.yaml": ("repos:\n- repo: local\n  hooks:\n  - id: t\n"
                                         "    entry: bash scripts/test.sh\n"
                                         "    language: system\n"),
             ".craft.yml": "postReleaseCommand: bash scripts/build.sh\n",
             "tools/x/gitlab-ci.yml": "job:\n  script:\n    - bash b.sh\n"}
    rows = scan_repo(tmp_path, files)
    assert {("action.yaml", 6, "install.sh", "resolved", True),
            ("tools/x/cloudbuild.yaml", 4, "tools/x/b.sh", "resolved", True),
            ("tools/x/cloudbuild.yaml", 7, "tools/x/run_tests.sh", "resolved", True),
            (".pre-commit-config.yaml", 5, "scripts/test.sh", "resolved", True),
            (".craft.yml", 1, "scripts/build.sh", "resolved", True)} <= rows


def test_procfile_pyproject_scripts_and_fastapi_entrypoint(tmp_path: Path) -> None:
    files = {"web/app/__init__.py": "", "web/app/main.py": "", "web/app/cli.py": "",
             "web/Procfile": "web: gunicorn -w 4 app.main:app\nworker: celery -A app.cli worker\n",
             "web/pyproject.toml": ('[project]\nname = "w"\n[project.scripts]\n'
                                    'w = "app.cli:main"\n[tool.fastapi]\n'
                                    'entrypoint = "app.main:app"\n')}
    rows = scan_repo(tmp_path, files)
    assert {("web/Procfile", 1, "web/app/main.py", "resolved", True),
            ("web/Procfile", 2, "web/app/cli.py", "resolved", True),
            ("web/pyproject.toml", 4, "web/app/cli.py", "resolved", True),
            ("web/pyproject.toml", 6, "web/app/main.py", "resolved", True)} <= rows


def test_pytest_collection_from_its_configuration_and_from_a_ci_step(tmp_path: Path) -> None:
    files = {"svc/pyproject.toml": '[tool.pytest.ini_options]\ntestpaths = ["tests"]\n',
             "svc/tests/__init__.py": "", "svc/tests/conftest.py": "",
             "svc/tests/test_a.py": "", "svc/tests/helpers.py": "",
             "other/test_b.py": "", "other/b_test.py": "", "other/util.py": "",
             ".github/workflows/t.yml": ("jobs:\n  t:\n    steps:\n      - run: pytest\n"
                                         "        working-directory: other\n")}
    assert rules(tmp_path, files, "svc/pyproject.toml") == {
        (2, p, "config", "pytest-config", "likely", True) for p in
        ("svc/tests/__init__.py", "svc/tests/conftest.py", "svc/tests/test_a.py")}
    assert {r[1] for r in rules(tmp_path / "b", files, ".github/workflows/t.yml")} == {
        "other/test_b.py", "other/b_test.py"}


def test_alembic_and_tox_commands(tmp_path: Path) -> None:
    files = {"b/alembic.ini": "[alembic]\nscript_location = app/alembic\n",
             "b/app/alembic/env.py": "", "b/app/alembic/versions/1_init.py": "",
             "b/scripts/prestart.sh": "alembic upgrade head\n",
             "tox.ini": "[testenv:docs]\ncommands = sphinx-build -W doc/source doc/build\n",
             "doc/source/conf.py": ""}
    rows = scan_repo(tmp_path, files)
    assert {("b/scripts/prestart.sh", 1, "b/app/alembic/env.py", "resolved", True),
            ("b/scripts/prestart.sh", 1, "b/app/alembic/versions/1_init.py", "resolved", True),
            ("tox.ini", 2, "doc/source/conf.py", "resolved", True)} <= rows


def test_ansible_tasks_chdir_role_defaults_and_library_modules(tmp_path: Path) -> None:
    files = {"openrc": "#!/bin/bash\n", "tools/check.sh": "", "run_tests.sh": "",
             "roles/r/defaults/main.yaml": 'base: /opt/stack\nrc: "{{ base }}/repo/openrc"\n',
             "roles/r/library/my_conf.py": "",
             "roles/r/tasks/main.yaml": ("- name: a\n  shell: source {{ rc }}\n"
                                         "- name: b\n  shell: ./tools/check.sh\n"
                                         "- name: c\n  my_conf:\n    path: /x\n"
                                         "- name: d\n  shell: ./tools/check.sh\n"
                                         "  args:\n    chdir: '{{ zuul.project.src_dir }}'\n"),
             "playbooks/run.yaml": "- hosts: all\n  tasks:\n    - shell:\n        "
                                   "cmd: ./run_tests.sh\n        chdir: /opt/stack/repo\n"}
    rows = scan_repo(tmp_path, files)  # the fixture's checkout folder is called `repo`
    assert {("roles/r/tasks/main.yaml", 2, "openrc", "resolved", True),
            ("roles/r/tasks/main.yaml", 6, "roles/r/library/my_conf.py", "resolved", True),
            ("roles/r/tasks/main.yaml", 9, "tools/check.sh", "resolved", True),
            ("playbooks/run.yaml", 4, "run_tests.sh", "resolved", True)} <= rows
    # without chdir a task runs in the remote home: its relative path is not the repo's
    assert not {r for r in rows if r[:2] == ("roles/r/tasks/main.yaml", 4)}


def test_pytest_defaults_collect_a_projects_tests_from_its_project_file(tmp_path: Path) -> None:
    files = {"p/requirements.txt": "requests\npytest==8.0\n", "p/tests/__init__.py": "",
             "p/tests/test_x.py": "", "p/tests/helper.py": "",
             "p/sub/setup.py": ("from setuptools import setup\nsetup(name='s',\n"
                                "      tests_require=[\n        'pytest',\n    ])\n"),
             "p/sub/s_test.py": "", "q/requirements.txt": "requests\n", "q/test_q.py": ""}
    assert rules(tmp_path, files, "p/requirements.txt") == {
        (2, "p/tests/__init__.py", "config", "pytest-default", "likely", True),
        (2, "p/tests/test_x.py", "config", "pytest-default", "likely", True)}
    # the nearest project file collects: p/sub's tests belong to its setup.py
    assert {r[1] for r in rules(tmp_path / "b", files, "p/sub/setup.py")} == {"p/sub/s_test.py"}
    # a project that does not declare pytest: nothing collects its tests
    assert rules(tmp_path / "c", files, "q/requirements.txt") == set()


def test_a_ci_template_away_from_the_root_runs_the_files_beside_it(tmp_path: Path) -> None:
    files = {"example/pipeline/plan.sh": "", "example/pipeline/.gitlab-ci.yml": (
        "plan:\n  script:\n    - ./plan.sh\n")}
    assert rules(tmp_path, files, "example/pipeline/.gitlab-ci.yml") == {
        (3, "example/pipeline/plan.sh", "ci", "command", "likely", True)}
