"""A repo file bound into a one-off container and run there (`docker run -v HOST:PATH IMAGE
python3 PATH`): a `likely` row, on the bind's line when the file is bound on its own."""

from __future__ import annotations

from pathlib import Path

from test_references_support import rules, text

TOOLS = {
    "tools/rekey.py": "import sys\nprint(sys.argv)\n",
    "jobs/cleanup.sh": "#!/bin/sh\nrm -rf /tmp/cache\n",
    "bin/tool.sh": "#!/bin/sh\necho tool\n",
}


def test_a_file_bound_on_its_own_is_run_from_the_binds_line(tmp_path: Path) -> None:
    files = {**TOOLS, "rotate.sh": text("""
        #!/bin/bash
        docker run --rm -i \\
          -v "$(pwd)/tools/rekey.py:/rekey.py:ro" \\
          -v secrets:/data \\
          ghcr.io/acme/worker:1 \\
          python3 /rekey.py /data/key
        """)}
    assert rules(tmp_path, files, "rotate.sh") == {
        (3, "tools/rekey.py", "script", "docker-run>python", "likely", True)}


def test_a_bound_folder_and_working_folder_through_an_engine_variable(tmp_path: Path) -> None:
    files = {**TOOLS, "nightly.sh": text("""
        #!/bin/bash
        "$CONTAINER_ENGINE" run --rm -v "$PWD/jobs:/jobs" -w /jobs alpine:3 sh ./cleanup.sh
        podman run --rm --mount type=bind,source="$(pwd)/tools",target=/opt/t \\
          --entrypoint python3 python:3.12 /opt/t/rekey.py
        """)}
    assert rules(tmp_path, files, "nightly.sh") == {
        (2, "jobs/cleanup.sh", "script", "docker-run>sh", "likely", True),
        (4, "tools/rekey.py", "script", "docker-run>python", "likely", True)}


def test_a_path_no_bind_covers_or_a_bound_file_only_read_gives_no_row(tmp_path: Path) -> None:
    files = {**TOOLS, "check.sh": text("""
        #!/bin/bash
        docker run --rm -v "$(pwd)/jobs:/jobs" alpine:3 /usr/local/bin/tool.sh
        docker run --rm -v "$(pwd)/jobs:/jobs" alpine:3 cat /jobs/cleanup.sh
        docker run --rm -v cache:/jobs alpine:3 sh /jobs/cleanup.sh
        """)}
    assert rules(tmp_path, files, "check.sh") == set()


def test_shell_code_and_a_test_runner_in_the_container_reach_the_bound_tests(
        tmp_path: Path) -> None:
    files = {"tests/__init__.py": "", "tests/conftest.py": "import pytest\n",
             "tests/anonmail/__init__.py": "", "tests/anonmail/test_a.py": "def test_a(): pass\n",
             "ci.sh": text("""
                 #!/bin/bash
                 docker run --rm -v "$PWD/tests:/app/tests:ro" -w /app acme/admin:$TAG-build \\
                   sh -c "pip install pytest && python -m pytest -q tests/anonmail"
                 docker run --rm admin:build sh -c "python -m pytest -q tests/anonmail"
                 """)}
    got = rules(tmp_path, files, "ci.sh")
    assert {(line, target, rule) for line, target, _, rule, *_ in got} == {
        (3, t, "docker-run>sh>python-m") for t in (
            "tests/__init__.py", "tests/conftest.py", "tests/anonmail/__init__.py",
            "tests/anonmail/test_a.py")}


def test_a_ci_step_runs_the_bound_tests_in_an_image_named_by_expressions(
        tmp_path: Path) -> None:
    files = {"tests/__init__.py": "", "tests/anonmail/test_a.py": "def test_a(): pass\n",
             ".github/workflows/test.yml": text("""
                 on: push
                 jobs:
                   t:
                     runs-on: ubuntu-latest
                     steps:
                       - run: |
                           docker run --rm \\
                             -v ${{ github.workspace }}/tests:/app/tests:ro -w /app \\
                             ghcr.io/${{ github.repository_owner }}/admin:${{ inputs.v }}-build \\
                             sh -c "python -m pytest -q tests/anonmail"
                 """)}
    got = rules(tmp_path, files, ".github/workflows/test.yml")
    assert {(line, target) for line, target, *_ in got} == {
        (10, "tests/__init__.py"), (10, "tests/anonmail/test_a.py")}
