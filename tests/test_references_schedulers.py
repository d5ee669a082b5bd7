"""References from CI, cron, systemd, Makefiles, package.json, Procfile, Ansible and Python
project files; comments are no references."""

from __future__ import annotations

from pathlib import Path

from test_references_support import resolved, rules, scan_repo, text

SCRIPTS = {
    "build.sh": "", "scripts/build.sh": "", "scripts/test.sh": "", "scripts/ops/backup.sh": "",
}


def test_github_cd_does_not_carry_to_next_step(tmp_path: Path) -> None:
    files = {**SCRIPTS, ".github/workflows/ci.yml": text("""
        jobs:
          build:
            steps:
              - name: build
                run: |
                  cd scripts
                  ./build.sh
              - run: ./build.sh
              - run: ./test.sh
                working-directory: scripts
              - run: cd scripts/ops && ./backup.sh  # nightly
              # - run: ./scripts/test.sh
              - run: bash ${{ github.workspace }}/scripts/ops/backup.sh
        """)}
    assert scan_repo(tmp_path, files, only=".github/workflows/ci.yml") == resolved(
        ".github/workflows/ci.yml", (7, "scripts/build.sh"), (8, "build.sh"),
        (9, "scripts/test.sh"), (11, "scripts/ops/backup.sh"), (13, "scripts/ops/backup.sh"))


def test_gitlab_job_and_jenkins_dir_blocks(tmp_path: Path) -> None:
    files = {**SCRIPTS, ".gitlab-ci.yml": text("""
        test:
          script:
            - cd scripts
            - ./test.sh
        build:
          script:
            - ./build.sh
        """), "Jenkinsfile": text("""
        pipeline { agent any
          stages { stage('b') { steps {
            dir('scripts') {
              sh './build.sh'
            }
            sh './build.sh'
            // sh './scripts/test.sh'
            sh '''
              cd scripts/ops
              ./backup.sh
            '''
            sh './test.sh'
          } } }
        }
        """)}
    assert scan_repo(tmp_path, files) == resolved(
        ".gitlab-ci.yml", (4, "scripts/test.sh"), (7, "build.sh")) | resolved(
        "Jenkinsfile", (4, "scripts/build.sh"), (6, "build.sh"), (10, "scripts/ops/backup.sh")) | {
        ("Jenkinsfile", 12, "./test.sh", "missing", True),  # run at the root, where none is
    }


def test_cron_and_systemd(tmp_path: Path) -> None:
    files = {**SCRIPTS, "etc/cron.d/app": text("""
        APP=/opt/app
        0 3 * * * root /opt/app/scripts/ops/backup.sh >> /var/log/b.log 2>&1
        #0 4 * * * root $APP/scripts/test.sh
        */5 * * * * cd /opt/app/scripts && ./build.sh
        0 5 * * * /opt/app/scripts/gone.sh
        """), "units/backup.service": text("""
        [Service]
        WorkingDirectory=/opt/app/scripts
        ExecStartPre=-./test.sh
        ExecStart=/usr/bin/env bash ops/backup.sh
        ; ExecStop=/opt/app/build.sh
        """)}
    assert scan_repo(tmp_path, files) == resolved(
        "etc/cron.d/app", (2, "scripts/ops/backup.sh"), (4, "scripts/build.sh")) | resolved(
        "units/backup.service", (3, "scripts/test.sh"), (4, "scripts/ops/backup.sh")) | {
        ("etc/cron.d/app", 5, "/opt/app/scripts/gone.sh", "missing", True)}


def test_makefile_variables_and_package_json(tmp_path: Path) -> None:
    files = {**SCRIPTS, "web/run.sh": "", "Makefile": text("""
        SCRIPTS := scripts
        TESTS = $(SCRIPTS)/test.sh
        build:
        \t$(SCRIPTS)/build.sh
        \tcd $(SCRIPTS)/ops && ./backup.sh
        \t./build.sh  # the root one
        test:
        \t$(TESTS) && $(CURDIR)/scripts/test.sh
        \t$(UNKNOWN)/lint.sh
        """), "web/package.json": text("""
        {
          "scripts": {
            "start": "bash run.sh",
            "build": "cd .. && ./scripts/build.sh"
          }
        }
        """)}
    assert scan_repo(tmp_path, files) == resolved(
        "Makefile", (4, "scripts/build.sh"), (5, "scripts/ops/backup.sh"), (6, "build.sh"),
        (8, "scripts/test.sh")) | resolved(
        "web/package.json", (3, "web/run.sh"), (4, "scripts/build.sh"))


def test_commands_make_runs_as_it_reads_the_makefile(tmp_path: Path) -> None:
    # `$(shell CMD)` anywhere (an assignment, a conditional, a recipe line) and `VAR != CMD`
    # run CMD in the Makefile's folder; a word in them that runs nothing is no row
    files = {**SCRIPTS, "Makefile": text("""
        SCRIPTS := scripts
        VERSION := $(shell GIT_CEILING_DIRECTORIES=$(PWD) $(SCRIPTS)/build.sh --version | cut -f2)
        STAMP != ./build.sh --stamp
        ifeq ($(shell test -e /var/run/docker.sock && echo $$?),0)
        HOST := $(shell uname -n) scripts/test.sh
        endif
        release:
        \techo $(shell (cd $(SCRIPTS)/ops && ./backup.sh --dry-run))
        """)}
    assert scan_repo(tmp_path, files, only="Makefile") == resolved(
        "Makefile", (2, "scripts/build.sh"), (3, "build.sh"), (8, "scripts/ops/backup.sh"))


def test_trap_make_comments_and_escaped_shell_calls_run_nothing(tmp_path: Path) -> None:
    files = {**SCRIPTS, "Makefile": text("""
        # OLD := $(shell ./scripts/build.sh)
        V := 1  # was: $(shell ./scripts/test.sh)
        W = $$(shell ./scripts/ops/backup.sh)
        """)}
    assert scan_repo(tmp_path, files, only="Makefile") == set()


def test_circleci_working_directory(tmp_path: Path) -> None:
    files = {**SCRIPTS, ".circleci/config.yml": text("""
        jobs:
          build:
            steps:
              - checkout
              - run:
                  name: test
                  command: ./test.sh
                  working_directory: scripts
              - run: ./build.sh
        """)}
    assert scan_repo(tmp_path, files) == resolved(
        ".circleci/config.yml", (7, "scripts/test.sh"), (9, "build.sh"))


def test_composite_action_cloud_build_pre_commit_and_release_tool(tmp_path: Path) -> None:
    files = {**SCRIPTS, "install.sh": "", "tools/x/run_tests.sh": "", "tools/x/b.sh": "",
             "action.yaml": text("""
                 runs:
                   using: composite
                   steps:
                     - run: |
                         cd ${{ github.action_path }}
                         ./install.sh
                 """),
             "tools/x/cloudbuild.yaml": text("""
                 steps:
                 - name: img
                   entrypoint: bash
                   args: ['-c', './b.sh apply']
                   dir: tools/x
                 - name: img
                   args: ['./run_tests.sh']
                 """),
             ".pre-commit-config.yaml": text("""
                 repos:
                 - repo: local
                   hooks:
                   - id: t
                     entry: bash scripts/test.sh
                     language: system
                 """),
             ".craft.yml": "postReleaseCommand: bash scripts/build.sh\n",
             "tools/x/gitlab-ci.yml": text("""
                 job:
                   script:
                     - bash b.sh
                 """)}
    rows = scan_repo(tmp_path, files)
    assert (resolved("action.yaml", (6, "install.sh"))
            | resolved("tools/x/cloudbuild.yaml", (4, "tools/x/b.sh"), (7, "tools/x/run_tests.sh"))
            | resolved(".pre-commit-config.yaml", (5, "scripts/test.sh"))
            | resolved(".craft.yml", (1, "scripts/build.sh"))) <= rows


def test_procfile_pyproject_scripts_and_fastapi_entrypoint(tmp_path: Path) -> None:
    files = {"web/app/__init__.py": "", "web/app/main.py": "", "web/app/cli.py": "",
             "web/Procfile": "web: gunicorn -w 4 app.main:app\nworker: celery -A app.cli worker\n",
             "web/pyproject.toml": text("""
                 [project]
                 name = "w"
                 [project.scripts]
                 w = "app.cli:main"
                 [tool.fastapi]
                 entrypoint = "app.main:app"
                 """)}
    rows = scan_repo(tmp_path, files)
    assert (resolved("web/Procfile", (1, "web/app/main.py"), (2, "web/app/cli.py"))
            | resolved("web/pyproject.toml", (4, "web/app/cli.py"), (6, "web/app/main.py"))
            ) <= rows


def test_pytest_collection_from_its_configuration_and_from_a_ci_step(tmp_path: Path) -> None:
    files = {"svc/pyproject.toml": '[tool.pytest.ini_options]\ntestpaths = ["tests"]\n',
             "svc/tests/__init__.py": "", "svc/tests/conftest.py": "",
             "svc/tests/test_a.py": "", "svc/tests/helpers.py": "",
             "other/test_b.py": "", "other/b_test.py": "", "other/util.py": "",
             ".github/workflows/t.yml": text("""
                 jobs:
                   t:
                     steps:
                       - run: pytest
                         working-directory: other
                 """)}
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
    assert (resolved("b/scripts/prestart.sh", (1, "b/app/alembic/env.py"),
                     (1, "b/app/alembic/versions/1_init.py"))
            | resolved("tox.ini", (2, "doc/source/conf.py"))) <= rows


def test_ansible_tasks_chdir_role_defaults_and_library_modules(tmp_path: Path) -> None:
    files = {"openrc": "#!/bin/bash\n", "tools/check.sh": "", "run_tests.sh": "",
             "roles/r/defaults/main.yaml": 'base: /opt/stack\nrc: "{{ base }}/repo/openrc"\n',
             "roles/r/library/my_conf.py": "",
             "roles/r/tasks/main.yaml": text("""
                 - name: a
                   shell: source {{ rc }}
                 - name: b
                   shell: ./tools/check.sh
                 - name: c
                   my_conf:
                     path: /x
                 - name: d
                   shell: ./tools/check.sh
                   args:
                     chdir: '{{ zuul.project.src_dir }}'
                 """),
             "playbooks/run.yaml": text("""
                 - hosts: all
                   tasks:
                     - shell:
                         cmd: ./run_tests.sh
                         chdir: /opt/stack/repo
                 """)}
    rows = scan_repo(tmp_path, files)  # the fixture's checkout folder is called `repo`
    assert (resolved("roles/r/tasks/main.yaml", (2, "openrc"), (6, "roles/r/library/my_conf.py"),
                     (9, "tools/check.sh"))
            | resolved("playbooks/run.yaml", (4, "run_tests.sh"))) <= rows
    # without chdir a task runs in the remote home: its relative path is not the repo's
    assert not {r for r in rows if r[:2] == ("roles/r/tasks/main.yaml", 4)}


def test_pytest_defaults_collect_a_projects_tests_from_its_project_file(tmp_path: Path) -> None:
    files = {"p/requirements.txt": "requests\npytest==8.0\n", "p/tests/__init__.py": "",
             "p/tests/test_x.py": "", "p/tests/helper.py": "",
             "p/sub/setup.py": text("""
                 from setuptools import setup
                 setup(name='s',
                       tests_require=[
                         'pytest',
                     ])
                 """),
             "p/sub/s_test.py": "", "q/requirements.txt": "requests\n", "q/test_q.py": ""}
    assert rules(tmp_path, files, "p/requirements.txt") == {
        (2, "p/tests/__init__.py", "config", "pytest-default", "likely", True),
        (2, "p/tests/test_x.py", "config", "pytest-default", "likely", True)}
    # the nearest project file collects: p/sub's tests belong to its setup.py
    assert {r[1] for r in rules(tmp_path / "b", files, "p/sub/setup.py")} == {"p/sub/s_test.py"}
    # a project that does not declare pytest: nothing collects its tests
    assert rules(tmp_path / "c", files, "q/requirements.txt") == set()


def test_a_pin_beside_the_pytest_configuration_collects_nothing_itself(tmp_path: Path) -> None:
    files = {"requirements-test.txt": "pytest==9.1.1\n", "tests/__init__.py": "",
             "tests/test_x.py": "", "setup.cfg": "[metadata]\nname = x\n\n[tool:pytest]\n"
                                                "addopts = -q\n"}
    assert rules(tmp_path, files, "requirements-test.txt") == set()
    assert {(line, target, rule) for line, target, _, rule, *_ in
            rules(tmp_path / "b", files, "setup.cfg")} == {
        (4, "tests/__init__.py", "pytest-config"), (4, "tests/test_x.py", "pytest-config")}


def test_a_ci_template_away_from_the_root_runs_the_files_beside_it(tmp_path: Path) -> None:
    files = {"example/pipeline/plan.sh": "", "example/pipeline/.gitlab-ci.yml": text("""
        plan:
          script:
            - ./plan.sh
        """)}
    assert rules(tmp_path, files, "example/pipeline/.gitlab-ci.yml") == {
        (3, "example/pipeline/plan.sh", "ci", "command", "likely", True)}
