"""BATS test suites: `*.bats` files are bash run by bats, `load NAME` sources `NAME.bash`,
`run CMD` runs CMD, and a Makefile that runs bats and exports `VAR := $(CURDIR)` gives the
tests the repo root they load their helpers from."""

from __future__ import annotations

from pathlib import Path

from test_references_support import rules, scan_repo

UNIT = """load "${REPO_ROOT}/test/helper/common"
load local_helper
LIB="${REPO_ROOT:?run the tests with make}/lib"

@test 'the cli prints its usage' {
  source "${LIB}/log.sh"
  run ./cli.sh --help
  run -1 ./cli.sh bad
  run echo ./tools/other.sh
}
"""
FILES = {
    "Makefile": "export REPO_ROOT := $(CURDIR)\n\ntests:\n\t@ ./vendor-bats/bin/bats test/*.bats\n",
    "test/unit.bats": UNIT,
    "test/local_helper.bash": "helper() { :; }\n",
    "test/helper/common.bash": "load \"${REPO_ROOT}/test/helper/sending\"\nsetup_env() { :; }\n",
    "test/helper/sending.bash": "send() { :; }\n",
    "lib/log.sh": "log() { echo \"$@\"; }\n",
    "cli.sh": "#!/bin/bash\necho usage\n",
    "tools/other.sh": "#!/bin/bash\necho other\n",
}


def test_bats_load_source_and_run_are_calls(tmp_path: Path) -> None:
    got = rules(tmp_path, FILES, "test/unit.bats")
    assert {(1, "test/helper/common.bash", "script", "bats-load", "likely", True),
            (2, "test/local_helper.bash", "script", "bats-load", "likely", True),
            (6, "lib/log.sh", "script", "source", "certain", True)} <= got
    assert {line for line, target, *_ in got if target == "cli.sh"} == {7, 8}


def test_a_helper_loaded_by_the_tests_loads_through_their_variables(tmp_path: Path) -> None:
    found = scan_repo(tmp_path, FILES, only="test/helper/common.bash")
    assert found == {("test/helper/common.bash", 1, "test/helper/sending.bash", "resolved", True)}


def test_echo_text_in_a_test_is_no_call(tmp_path: Path) -> None:
    got = rules(tmp_path, FILES, "test/unit.bats")
    assert not any(target == "tools/other.sh" for _, target, *_ in got)


def test_load_outside_bats_files_is_a_plain_command(tmp_path: Path) -> None:
    files = {**FILES, "scripts/x.sh": "#!/bin/bash\nload lib/log\nrun ./cli.sh\n"}
    assert rules(tmp_path, files, "scripts/x.sh") == set()


def test_a_makefile_that_does_not_run_bats_exports_nothing_to_the_tests(tmp_path: Path) -> None:
    files = {**FILES, "Makefile": "export REPO_ROOT := $(CURDIR)\n\nall:\n\t@ echo done\n"}
    got = rules(tmp_path, files, "test/unit.bats")
    assert {target for _, target, *_ in got} == {"test/local_helper.bash", "cli.sh"}


# a repo command, and a test helper that puts its folder on the tests' PATH
KIT = {"libexec/kit-hooks": "#!/bin/bash\necho hooks\n",
       "test/helper.bash": "PATH=\"${BATS_TEST_DIRNAME}/../libexec:$PATH\"\n"}


def test_a_name_the_test_stubs_is_the_stub_not_the_repo_script(tmp_path: Path) -> None:
    files = {**KIT, "libexec/kit-install": "#!/bin/bash\nkit-hooks install\n",
             "test/install.bats": "load helper\n\n@test 'installs' {\n  kit-hooks install\n"
                                  "  run kit-install\n  unstub kit-hooks\n}\n\n"
                                  "setup() {\n  stub kit-hooks 'install : true'\n}\n"}
    got = rules(tmp_path, files, "test/install.bats")
    assert {(line, target) for line, target, *_ in got} == {
        (1, "test/helper.bash"), (5, "libexec/kit-install")}
    # the script under test still calls the real one
    got = rules(tmp_path, files, "libexec/kit-install")
    assert {(line, target) for line, target, *_ in got} == {(2, "libexec/kit-hooks")}


def test_a_stub_made_in_one_test_leaves_the_other_tests_calls(tmp_path: Path) -> None:
    files = {**KIT, "test/hooks.bats": (
        "load helper\n\n@test 'real' {\n  run kit-hooks install\n}\n\n"
        "@test 'stubbed' {\n  stub kit-hooks 'install : true'\n"
        "  kit-hooks install\n}\n\n@test 'after' {\n  kit-hooks list\n}\n")}
    got = rules(tmp_path, files, "test/hooks.bats")
    assert {(line, target) for line, target, *_ in got} == {
        (1, "test/helper.bash"), (4, "libexec/kit-hooks"), (13, "libexec/kit-hooks")}


def test_path_set_in_a_helpers_setup_holds_for_the_tests(tmp_path: Path) -> None:
    files = {"bin/tool": "#!/bin/bash\necho tool\n", "bin/tool-echo": "#!/bin/bash\necho $1\n",
             "test/libexec/tool-echo": "#!/bin/bash\necho stub\n",
             "test/test_helper.bash": "setup() {\n  PATH=\"${BATS_TEST_DIRNAME}/../bin:$PATH\"\n"
                                      "}\nPATH=\"${BATS_TEST_DIRNAME}/libexec:$PATH\"\n",
             "test/tool.bats": "load test_helper\n\n@test 'x' {\n  run tool echo hi\n}\n"}
    got = rules(tmp_path, files, "test/tool.bats")
    # bats runs setup before each test; the dispatcher finds `tool-echo` on the test's PATH
    assert {(line, target) for line, target, *_ in got} >= {
        (4, "bin/tool"), (4, "test/libexec/tool-echo")}
