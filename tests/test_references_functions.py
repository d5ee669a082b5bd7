"""A command word that names a shell function runs the function, never a file of that name on
PATH: functions the file defines, those of the libraries it sources, and those of the files
that source it (nvm's tests source nvm.sh and common.sh; common.sh calls nvm.sh's
functions). Also `\\. lib.sh` at the start of a line (the shell's `.` without an alias), and
urchin, the test runner that runs every executable file below a folder."""

from __future__ import annotations

from pathlib import Path

from test_references_support import rules, text

# the unit tests are named after the functions they test, in a folder on the tests' PATH
FILES = {
    "lib.sh": text("""
        lib_version() { echo 1; }
        lib_check() {
          lib_version
          command -v lib_version
          helper_only
        }
        """),
    "test/common.sh": "assert_ok() { \"$@\"; }\ncheck_all() { lib_check; }\n",
    "test/unit/lib_version": text("""
        #!/bin/sh
        \\. ../../lib.sh
        \\. ../common.sh
        export PATH=".:${PATH}"
        assert_ok lib_version
        lib_check
        helper_only
        """),
    "test/unit/lib_check": "#!/bin/sh\necho stub\n",
    "test/unit/helper_only": "#!/bin/sh\necho helper\n",
}


def test_a_backslash_dot_at_the_start_of_a_line_sources(tmp_path: Path) -> None:
    got = rules(tmp_path, FILES, "test/unit/lib_version")
    assert {(2, "lib.sh"), (3, "test/common.sh")} <= {(line, t) for line, t, *_ in got}


def test_a_function_of_a_sourced_library_is_no_file_on_path(tmp_path: Path) -> None:
    got = rules(tmp_path, FILES, "test/unit/lib_version")
    # lib_version and lib_check are lib.sh's functions; helper_only is a file on PATH
    assert {(line, t) for line, t, *_ in got if line > 3} == {(7, "test/unit/helper_only")}


def test_a_library_calls_its_own_functions_and_its_callers_ones(tmp_path: Path) -> None:
    # the tests put their folder on PATH after sourcing lib.sh: its calls still run functions
    got = rules(tmp_path, FILES, "lib.sh")
    assert {(line, t) for line, t, *_ in got} == {(5, "test/unit/helper_only")}
    assert rules(tmp_path / "b", FILES, "test/common.sh") == set()


def test_a_function_reached_through_command_or_exec_is_the_file(tmp_path: Path) -> None:
    files = {"bin/tool": text("""
        #!/bin/bash
        PATH="$(dirname "$0"):$PATH"
        tool-list() { command tool-list "$@" | sort; }
        tool-list
        exec tool-list
        """), "bin/tool-list": "#!/bin/bash\necho a\n"}
    got = rules(tmp_path, files, "bin/tool")
    assert {(line, t) for line, t, *_ in got} == {(3, "bin/tool-list"), (5, "bin/tool-list")}


def test_urchin_runs_every_file_below_each_suite_folder(tmp_path: Path) -> None:
    files = {"Makefile": text("""
        URCHIN := urchin
        TEST_SUITE := $(shell find ./test/* -type d -prune -exec basename {} \\;)
        test-bash:
        \tfor suite in $(TEST_SUITE); do \\
        \t\t$(URCHIN) -f -s bash test/$$suite || exit; \\
        \tdone
        """),
             "test/common.sh": "x() { :; }\n", "test/fast/Aliases/one": "#!/bin/sh\n",
             "test/fast/setup_dir": "#!/bin/sh\n", "test/slow/two": "#!/bin/sh\n"}
    got = rules(tmp_path, files, "Makefile")
    assert {(t, rule) for _, t, _, rule, *_ in got} == {
        ("test/fast/Aliases/one", "urchin"), ("test/fast/setup_dir", "urchin"),
        ("test/slow/two", "urchin")}
