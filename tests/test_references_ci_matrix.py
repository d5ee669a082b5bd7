"""A GitHub Actions step that runs a matrix value (`run: ${{ matrix.cmd }}`) runs each value of
its job's matrix; the row sits on the value's own line, where the path is written."""

from __future__ import annotations

from pathlib import Path

from test_references_support import rules, text

WORKFLOW = """name: build
on: push
jobs:
  build:
    strategy:
      matrix:
        cmd:
          - ./build.sh
          - RELEASE=1 ./build.sh --latest
        os: [ubuntu-latest]
        include:
          - cmd: bash tools/publish.sh
    runs-on: ${{ matrix.os }}
    steps:
      - run: ${{ matrix.cmd }}
      - run: echo "${{ matrix.cmd }} done"
  lint:
    strategy:
      matrix:
        tool: [./tools/lint.sh]
    runs-on: ubuntu-latest
    steps:
      - run: echo ${{ matrix.tool }}
"""
FILES = {
    ".github/workflows/build.yml": WORKFLOW,
    "build.sh": "#!/bin/bash\necho build\n",
    "tools/publish.sh": "#!/bin/bash\necho publish\n",
    "tools/lint.sh": "#!/bin/bash\necho lint\n",
}


def test_each_matrix_value_a_step_runs_is_a_call_on_its_own_line(tmp_path: Path) -> None:
    got = rules(tmp_path, FILES, ".github/workflows/build.yml")
    assert {(8, "build.sh", "ci", "matrix>command", "certain", True),
            (9, "build.sh", "ci", "matrix>command", "certain", True),
            (12, "tools/publish.sh", "ci", "matrix>bash", "certain", True)} <= got


def test_a_matrix_value_only_echoed_or_of_another_job_is_no_call(tmp_path: Path) -> None:
    got = rules(tmp_path, FILES, ".github/workflows/build.yml")
    assert not any(target == "tools/lint.sh" for _, target, *_ in got)
    assert {line for line, *_ in got} == {8, 9, 12}


def test_a_matrix_value_that_is_only_an_argument_gives_no_row_of_its_own(tmp_path: Path
                                                                         ) -> None:
    # `bin/tool install ${{ matrix.version }}` runs bin/tool whatever the value: its row is on
    # the step's line, not on each version's; a value that is part of the path
    # (`./${{ matrix.os }}-build.sh`) keeps its own row beside the step's
    files = {"bin/tool": "#!/bin/sh\necho tool\n", "alpine-build.sh": "#!/bin/sh\necho a\n",
             ".github/workflows/versions.yml": """name: versions
on: push
jobs:
  build:
    strategy:
      matrix:
        version: ["3.10", "3.11"]
        os: [alpine]
    runs-on: ubuntu-latest
    steps:
      - run: bin/tool install ${{ matrix.version }}
      - run: ./${{ matrix.os }}-build.sh
"""}
    got = {(line, target) for line, target, *_ in
           rules(tmp_path, files, ".github/workflows/versions.yml")}
    assert got == {(11, "bin/tool"), (8, "alpine-build.sh"), (12, "alpine-build.sh")}


def test_travis_phases_run_in_order_and_a_clone_of_another_repo_is_not_ours(
        tmp_path: Path) -> None:
    files = {".travis.yml": text("""
        services:
          - docker
        install:
          - git clone https://github.com/docker-library/official-images.git official-images
        before_script:
          - image="acme/vpn"
          - docker build -t "$image" .
        script:
          - official-images/test/run.sh "$image"
          - test/run.sh "$image"
        after_failure: ./tools/dump-logs.sh
        """), "test/run.sh": "#!/bin/bash\n", "tools/dump-logs.sh": "#!/bin/bash\n"}
    got = rules(tmp_path, files, ".travis.yml")
    # the cloned repository's run.sh is neither this repo's nor a missing file
    assert {(line, target) for line, target, *_ in got} == {
        (10, "test/run.sh"), (11, "tools/dump-logs.sh")}
