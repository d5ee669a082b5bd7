"""A git-style shell tool: `bin/kit` links to `libexec/kit`, which puts its own folder on PATH
and runs `kit-<subcommand>` found there; subcommands call their siblings by bare name, and the
BATS tests load a helper that puts `libexec` on PATH. Also a folder change undone with
`cd "$OLDPWD"`, and lookups by name (`type -P`, `command -v`)."""

from __future__ import annotations

from pathlib import Path

from test_references_support import rules, text

DISPATCHER = text("""
    #!/usr/bin/env bash
    set -e
    if [ -n "$KIT_DIR" ]; then
      cd "$KIT_DIR" || exit 1
      KIT_DIR="$PWD"
      cd "$OLDPWD"
    fi
    self="${BASH_SOURCE:-$0}"
    if here="$(canonical "$self")"; then
      here="${here%/*}"
    else
      here="${self%/*}"
    fi
    export PATH="${here}:${PATH}"
    command="$1"
    case "$command" in
    "" ) kit-help ;;
    * )
      program="$(type -P "kit-$command" || true)"
      shift
      exec "$program" "$@"
      ;;
    esac
""")
FILES = {
    "libexec/kit": DISPATCHER,
    "libexec/kit-help": "#!/usr/bin/env bash\necho usage\n",
    "libexec/kit-list": "#!/usr/bin/env bash\nname=\"$(kit-name)\"\necho \"$name\"\n",
    "libexec/kit-name": "#!/usr/bin/env bash\necho one\n",
    "test/helper.bash": text("""
        PATH=/usr/bin:/bin
        PATH="${BATS_TEST_DIRNAME}/../libexec:$PATH"
        export PATH
    """),
    "test/list.bats": text("""
        load helper

        @test 'lists' {
          run kit-list
          KIT_DIR=/tmp run kit name
          run kit missing-subcommand
        }
    """),
}
LINKS = {"bin/kit": "../libexec/kit"}


def test_cd_back_to_oldpwd_returns_to_the_folder_before(tmp_path: Path) -> None:
    files = {"tools/run.sh": "#!/bin/bash\ncd \"$SOMEWHERE\"\ncd \"$OLDPWD\"\n./step.sh\n"
                             "cd \"$SOMEWHERE\"\ncd -\n./step.sh\n",
             "tools/step.sh": "#!/bin/bash\necho step\n"}
    assert {(line, target) for line, target, *_ in rules(tmp_path, files, "tools/run.sh")} == {
        (4, "tools/step.sh"), (7, "tools/step.sh")}


def test_a_path_after_a_cd_to_an_unknown_folder_stays_unknown(tmp_path: Path) -> None:
    files = {"tools/run.sh": "#!/bin/bash\ncd \"$SOMEWHERE\"\n./step.sh\n",
             "tools/step.sh": "#!/bin/bash\necho step\n"}
    assert rules(tmp_path, files, "tools/run.sh") == set()


def test_the_dispatcher_reaches_every_subcommand_through_its_own_path_folder(
        tmp_path: Path) -> None:
    got = rules(tmp_path, FILES, "libexec/kit", LINKS)
    assert (17, "libexec/kit-help", "script", "command+PATH", "certain", True) in got
    assert {(target, rule, confidence) for line, target, _, rule, confidence, _ in got
            if line == 19} == {(f"libexec/kit-{name}", "lookup+PATH+variable", "likely")
                               for name in ("help", "list", "name")}


def test_a_program_name_with_no_known_part_runs_nothing(tmp_path: Path) -> None:
    got = rules(tmp_path, FILES, "libexec/kit", LINKS)
    assert not any(line == 21 for line, *_ in got)  # exec "$program"


def test_a_name_built_for_an_interpreter_is_a_file_of_the_folder_not_of_path(
        tmp_path: Path) -> None:
    files = {"tools/run.sh": "#!/bin/bash\nPATH=\"$(dirname \"$0\")/../libexec:$PATH\"\n"
                             "bash \"step-$1.sh\"\nexec \"step-$1.sh\"\n",
             "libexec/step-a.sh": "#!/bin/bash\n"}
    assert {(line, target) for line, target, *_ in rules(tmp_path, files, "tools/run.sh")} == {
        (4, "libexec/step-a.sh")}


def test_a_lookup_by_name_needs_a_repo_path_folder(tmp_path: Path) -> None:
    files = {"tools/check.sh": "#!/bin/bash\ncommand -v kit-name\ntype -P \"kit-$1\"\n"
                               "command -v git\n",
             "tools/kit-name": "#!/bin/bash\n"}
    assert rules(tmp_path, files, "tools/check.sh") == set()
    files["tools/check.sh"] = "#!/bin/bash\nPATH=\"$(dirname \"$0\"):$PATH\"\n" + \
        files["tools/check.sh"].partition("\n")[2]
    # the script prints what it found: its caller may run it
    assert rules(tmp_path, files, "tools/check.sh") == {
        (3, "tools/kit-name", "script", "lookup+PATH", "likely", True),
        (4, "tools/kit-name", "script", "lookup+PATH+variable", "likely", True)}


HELP = text("""
    #!/usr/bin/env bash
    PATH="$(dirname "$0"):$PATH"
    command_path() {
      command -v kit-"$1" || command -v kit-sh-"$1" || true
    }
    usage() {
      local filename
      filename="$(command_path "$1")"
      [ -n "$filename" ] && sed -n 's/^# Usage: //p' < "$filename"
      $(type -P gawk awk | head -n1) '{ print }' /dev/null
    }
    usage "$1"
""")


def test_a_lookup_whose_found_file_is_only_read_is_evidence(tmp_path: Path) -> None:
    files = {"libexec/kit-help": HELP, "libexec/kit-name": "#!/bin/bash\n# Usage: kit name\n"}
    got = rules(tmp_path / "a", files, "libexec/kit-help")
    assert {(line, target, live) for line, target, *_, live in got} == {
        (4, "libexec/kit-name", False)}
    # the same function's output run by the file: a call
    files["libexec/kit-help"] = HELP.replace('usage "$1"', 'exec "$(command_path "$1")"')
    got = rules(tmp_path / "b", files, "libexec/kit-help")
    assert {(line, target, live) for line, target, *_, live in got if line == 4} == {
        (4, "libexec/kit-name", True)}
    files["libexec/kit-help"] = HELP.replace('usage "$1"', 'p="$(command_path x)"\n"$p"')
    got = rules(tmp_path / "c", files, "libexec/kit-help")
    assert {live for line, *_, live in got if line == 4} == {True}


def test_a_lookup_whose_result_the_file_runs_is_a_call(tmp_path: Path) -> None:
    files = {"tools/check.sh": "#!/bin/bash\nPATH=\"$(dirname \"$0\"):$PATH\"\n"
                               "found=\"$(type -P \"kit-$1\")\"\nexec \"$found\" \"$@\"\n",
             "tools/kit-name": "#!/bin/bash\n"}
    assert rules(tmp_path, files, "tools/check.sh") == {
        (3, "tools/kit-name", "script", "lookup+PATH+variable", "likely", True)}


def test_a_subcommand_finds_its_siblings_on_the_path_its_dispatcher_set(tmp_path: Path) -> None:
    got = rules(tmp_path, FILES, "libexec/kit-list", LINKS)
    assert got == {(2, "libexec/kit-name", "script", "command+PATH", "likely", True)}


def test_a_script_no_dispatcher_runs_keeps_bare_names_as_system_commands(
        tmp_path: Path) -> None:
    files = {p: t for p, t in FILES.items() if not p.startswith("test/")}
    files["libexec/kit"] = "#!/bin/bash\necho not a dispatcher\n"
    assert rules(tmp_path, files, "libexec/kit-list", LINKS) == set()


def test_a_test_finds_commands_on_the_path_its_loaded_helper_set(tmp_path: Path) -> None:
    got = rules(tmp_path, FILES, "test/list.bats", LINKS)
    assert (4, "libexec/kit-list", "script", "command+PATH", "certain", True) in got
    assert (5, "libexec/kit", "script", "command+PATH", "certain", True) in got


def test_the_first_word_after_a_dispatcher_runs_that_subcommand(tmp_path: Path) -> None:
    got = rules(tmp_path, FILES, "test/list.bats", LINKS)
    assert (5, "libexec/kit-name", "script", "subcommand", "likely", True) in got
    assert not any(line == 6 and target != "libexec/kit" for line, target, *_ in got)


def test_words_after_a_script_that_dispatches_nothing_are_arguments(tmp_path: Path) -> None:
    files = {**FILES, "test/list.bats": "load helper\n\n@test 'x' {\n  run kit-list name\n}\n"}
    got = rules(tmp_path, files, "test/list.bats", LINKS)
    assert {target for _, target, *_ in got} == {"test/helper.bash", "libexec/kit-list"}


def test_a_library_that_puts_no_repo_folder_on_path_hands_nothing(tmp_path: Path) -> None:
    files = {**FILES, "test/helper.bash": "PATH=\"/opt/kit/libexec:$PATH\"\nexport PATH\n"}
    got = rules(tmp_path, files, "test/list.bats", LINKS)
    assert {target for _, target, *_ in got} == {"test/helper.bash"}


def test_a_subcommand_that_asks_for_its_own_usage_is_no_caller_of_itself(tmp_path: Path) -> None:
    files = {**FILES, "libexec/kit-help": "#!/bin/bash\nsed -n 2p \"$(type -P \"kit-$1\")\"\n",
             "libexec/kit-name": "#!/bin/bash\n[ -n \"$1\" ] || kit-help name\necho one\n"}
    got = rules(tmp_path / "a", files, "libexec/kit-name", LINKS)
    assert {(line, target) for line, target, *_ in got} == {(2, "libexec/kit-help")}
    got = rules(tmp_path / "b", files, "libexec/kit-list", LINKS)
    assert (2, "libexec/kit-name", "script", "command+PATH", "likely", True) in got


def test_a_function_that_sets_path_hands_it_to_no_one(tmp_path: Path) -> None:
    files = {"lib/common.sh": "use_shim() {\n  export PATH=$TOP/tools/shim:$PATH\n}\n",
             "stack.sh": "#!/bin/bash\nTOP=$(cd $(dirname \"$0\") && pwd)\n"
                         "source $TOP/lib/common.sh\ncloud server list\n",
             "tools/shim/cloud": "#!/usr/bin/env python3\nprint('shim')\n"}
    assert {target for _, target, *_ in rules(tmp_path, files, "stack.sh")} == {"lib/common.sh"}


CASE_ARMS = text("""
    #!/usr/bin/env bash
    export PATH="$(dirname "$0"):$PATH"
    command="$1"
    case "$command" in
    "" | "-h" ) exec kit-help ;;
    -v | --version ) exec kit---version ;;
    --* ) echo "unknown option" ;;
    * ) exec "kit-$command" "$@" ;;
    esac
    program="$(type -P "kit-$command")"
""")
ARM_FILES = {"libexec/kit": CASE_ARMS, "libexec/kit---version": "#!/bin/bash\necho 1.0\n",
             "libexec/kit-help": "#!/bin/bash\necho usage\n",
             "libexec/kit--x": "#!/bin/bash\necho x\n",
             "libexec/kit-list": "#!/bin/bash\necho list\n"}


def test_a_dispatch_arm_never_runs_the_names_earlier_arms_took(tmp_path: Path) -> None:
    got = rules(tmp_path, ARM_FILES, "libexec/kit")
    # the `*` arm: $command is not "", -h, -v nor --version; `--*` rules out nothing sure
    assert {target for line, target, *_ in got if line == 8} == {
        "libexec/kit--x", "libexec/kit-help", "libexec/kit-list"}
    # after `esac` the variable may hold any value again
    assert {target for line, target, *_ in got if line == 10} == {
        "libexec/kit---version", "libexec/kit--x", "libexec/kit-help", "libexec/kit-list"}
    assert (6, "libexec/kit---version", "script", "exec+PATH", "certain", True) in got


def test_an_arm_that_falls_through_rules_nothing_out(tmp_path: Path) -> None:
    files = {**ARM_FILES, "libexec/kit": CASE_ARMS.replace("exec kit---version ;;",
                                                           "exec kit---version ;&")}
    got = rules(tmp_path, files, "libexec/kit")
    assert {target for line, target, *_ in got if line == 8} == {
        "libexec/kit---version", "libexec/kit--x", "libexec/kit-help", "libexec/kit-list"}
