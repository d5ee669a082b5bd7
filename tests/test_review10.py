"""Review of the rules since 3f98c2b (case arms, bats-mock stubs, lookup use, canonical-path
functions, PATH loops, shell functions that shadow PATH scripts, urchin, suffix guards, ...).

Each test is a finding of that review: the expected rows, which the reviewed code missed."""

from __future__ import annotations

from pathlib import Path

import pytest

from test_references_support import rules, text


def _at(got: set[tuple[int, str, str, str, str, bool]]) -> set[tuple[int, str]]:
    return {(line, target) for line, target, *_ in got}


# --- shell functions that shadow PATH scripts (shwalk._bare, facts.sourced_functions) ---

def test_a_mock_function_of_a_test_that_sources_the_script_hides_no_call_of_it(
        tmp_path: Path) -> None:
    """A test defines `tool-list` as a mock and sources the script under test: the script's
    own call still runs the real `bin/tool-list` (its only caller) everywhere else."""
    files = {"bin/tool-list": "#!/bin/bash\necho a\n",
             "bin/tool": text("""
                 #!/bin/bash
                 PATH="$(dirname "${BASH_SOURCE[0]}"):$PATH"
                 main() {
                   tool-list | sort
                 }
                 if [ "${BASH_SOURCE[0]}" = "$0" ]; then main "$@"; fi
                 """),
             "test/tool_test.sh": text("""
                 #!/bin/bash
                 tool-list() { echo mocked; }
                 source "$(dirname "$0")/../bin/tool"
                 [ "$(main)" = mocked ] || exit 1
                 """)}
    assert (4, "bin/tool-list") in _at(rules(tmp_path, files, "bin/tool"))


def test_a_function_of_one_caller_of_a_library_is_not_a_function_of_another_caller(
        tmp_path: Path) -> None:
    """bin/a defines `tool-deploy` and sources lib/common.sh; bin/b sources the same library
    and defines no such function: its `tool-deploy` is the script on its PATH."""
    files = {"bin/a": text("""
                 #!/bin/bash
                 . "$(dirname "$0")/../lib/common.sh"
                 tool-deploy() { echo "dry run"; }
                 tool-deploy
                 """),
             "bin/b": text("""
                 #!/bin/bash
                 . "$(dirname "$0")/../lib/common.sh"
                 PATH="$(dirname "$0"):$PATH"
                 tool-deploy
                 """),
             "lib/common.sh": "log() { echo \"$@\"; }\n",
             "bin/tool-deploy": "#!/bin/bash\necho deploy\n"}
    assert (4, "bin/tool-deploy") in _at(rules(tmp_path, files, "bin/b"))


@pytest.mark.parametrize("lookup", ["type -P", "which"])
def test_a_path_only_lookup_in_a_same_named_wrapper_finds_the_file(
        tmp_path: Path, lookup: str) -> None:
    """`tool-list() { "$(type -P tool-list)" "$@" | sort; }`: `type -P` and `which` search
    PATH only (never functions), so the wrapper runs the script."""
    files = {"bin/tool-list": "#!/bin/bash\necho a\n",
             "bin/tool": text(f"""
                 #!/bin/bash
                 PATH="$(dirname "$0"):$PATH"
                 tool-list() {{ "$({lookup} tool-list)" "$@" | sort; }}
                 tool-list
                 """)}
    assert (3, "bin/tool-list") in _at(rules(tmp_path, files, "bin/tool"))


def test_a_fallback_function_defined_only_when_the_script_is_missing(tmp_path: Path) -> None:
    """`if ! command -v tool-list; then tool-list() {...}; fi; tool-list`: when the PATH
    folder holds the script, the script runs (the function is never defined)."""
    files = {"bin/tool-list": "#!/bin/bash\necho a\n",
             "bin/tool": text("""
                 #!/bin/bash
                 PATH="$(dirname "$0"):$PATH"
                 if ! command -v tool-list >/dev/null; then
                   tool-list() { echo fallback; }
                 fi
                 tool-list
                 """)}
    assert (6, "bin/tool-list") in _at(rules(tmp_path, files, "bin/tool"))


def test_a_call_before_the_function_of_that_name_is_defined_runs_the_file(
        tmp_path: Path) -> None:
    """The shell looks the name up when the line runs: line 3 runs the script, line 5 the
    function defined on line 4."""
    files = {"bin/tool-list": "#!/bin/bash\necho a\n",
             "bin/tool": text("""
                 #!/bin/bash
                 PATH="$(dirname "$0"):$PATH"
                 tool-list
                 tool-list() { echo hi; }
                 tool-list
                 """)}
    assert _at(rules(tmp_path, files, "bin/tool")) == {(3, "bin/tool-list")}


def test_a_runner_function_that_hands_its_arguments_to_sudo_runs_the_file(
        tmp_path: Path) -> None:
    """`as_root() { sudo "$@"; }` runs its arguments through sudo, which runs files, never the
    file's functions: `tool-install() { as_root tool-install "$@"; }` runs the script."""
    files = {"bin/tool-install": "#!/bin/bash\necho a\n",
             "bin/tool": text("""
                 #!/bin/bash
                 PATH="$(dirname "$0"):$PATH"
                 as_root() { sudo "$@"; }
                 tool-install() { as_root tool-install "$@"; }
                 tool-install x
                 """)}
    assert (4, "bin/tool-install") in _at(rules(tmp_path, files, "bin/tool"))


# --- case arms (casearms.py) ---

def test_an_arm_that_reassigns_the_variable_rules_nothing_out(tmp_path: Path) -> None:
    """`*) command="$(kit_alias "$command")"; exec "kit-$command"`: an alias may map to
    `help`, which the first arm only echoes about: kit-help's only caller is line 8."""
    files = {"libexec/kit-help": "#!/bin/bash\n", "libexec/kit-list": "#!/bin/bash\n",
             "libexec/kit": text("""
                 #!/usr/bin/env bash
                 export PATH="$(dirname "$0"):$PATH"
                 command="$1"
                 case "$command" in
                 help ) echo "see README" ;;
                 * )
                   command="$(kit_alias "$command")"
                   exec "kit-$command" "$@" ;;
                 esac
                 """)}
    got = _at(rules(tmp_path, files, "libexec/kit"))
    assert {(8, "libexec/kit-help"), (8, "libexec/kit-list")} <= got


def test_a_shift_in_an_arm_makes_the_positional_argument_another_one(tmp_path: Path) -> None:
    """`--*) shift; exec "kit-$1"`: after the shift $1 is the next argument, which may be
    `help` (`kit --verbose help`)."""
    files = {"libexec/kit-help": "#!/bin/bash\n", "libexec/kit-list": "#!/bin/bash\n",
             "libexec/kit": text("""
                 #!/usr/bin/env bash
                 export PATH="$(dirname "$0"):$PATH"
                 case "$1" in
                 help ) exec kit-help ;;
                 --* ) shift; exec "kit-$1" ;;
                 esac
                 """)}
    assert (5, "libexec/kit-help") in _at(rules(tmp_path, files, "libexec/kit"))


# --- lookups whose result is only read (lookupuse.py) ---

@pytest.mark.parametrize("use", [
    'other="$found"\nexec "$other" "$@"',
    'cmd=("$found" "$@")\n"${cmd[@]}"',
    'eval "$found --help"',
])
def test_a_found_path_run_through_a_copy_an_array_or_eval_is_live(
        tmp_path: Path, use: str) -> None:
    """The lookup's row is kit-name's only caller: not live makes it an orphan."""
    files = {"libexec/kit-name": "#!/bin/bash\n",
             "libexec/kit": "#!/bin/bash\nPATH=\"$(dirname \"$0\"):$PATH\"\n"
                            "found=\"$(command -v \"kit-$1\")\"\n" + use + "\n"}
    got = rules(tmp_path, files, "libexec/kit")
    assert {(line, target, live) for line, target, *_, live in got} == {
        (3, "libexec/kit-name", True)}


def test_an_exported_found_path_is_handed_to_the_programs_the_file_runs(
        tmp_path: Path) -> None:
    """`export KIT_FOUND="$(command -v "kit-$1")"; exec kit-run`, and kit-run runs
    "$KIT_FOUND": the lookup row is kit-name's only caller."""
    files = {"libexec/kit-name": "#!/bin/bash\n",
             "libexec/kit-run": "#!/bin/bash\nexec \"$KIT_FOUND\" \"$@\"\n",
             "libexec/kit": text("""
                 #!/bin/bash
                 PATH="$(dirname "$0"):$PATH"
                 export KIT_FOUND="$(command -v "kit-$1")"
                 exec kit-run
                 """)}
    got = rules(tmp_path, files, "libexec/kit")
    assert (3, "libexec/kit-name", True) in {(line, t, live) for line, t, *_, live in got}


@pytest.mark.parametrize("body", [
    'found="$(command -v "kit-$1")"\necho "$found"',
    'main() {\n  command -v "kit-$1"\n}\nmain "$@"',
])
def test_a_found_path_the_script_prints_is_live(tmp_path: Path, body: str) -> None:
    """A `which`-like subcommand prints what it found for its caller to run, as a bare lookup
    statement at top level does (live there: docs, "the script's own output ... taken as
    run"); printed through a variable or from a function the script calls, it is not live."""
    files = {"libexec/kit-name": "#!/bin/bash\n",
             "libexec/kit-which": "#!/bin/bash\nPATH=\"$(dirname \"$0\"):$PATH\"\n" + body + "\n"}
    got = rules(tmp_path, files, "libexec/kit-which")
    assert {(target, live) for _, target, *_, live in got} == {("libexec/kit-name", True)}


# --- canonical-path functions (shwalk._canonical, values._command) ---

def test_a_function_that_prints_the_folder_is_no_canonical_path(tmp_path: Path) -> None:
    """`script_dir` resolves links with readlink but prints the FOLDER (`cd -P dirname &&
    pwd`): `$(script_dir "$0")/..` is the repo root, not `bin/tool/..`. No false missing row."""
    files = {"lib/helpers.sh": "x=1\n", "bin/tool": text("""
        #!/usr/bin/env bash
        script_dir() {
          local src="$1"
          while [ -h "$src" ]; do src="$(readlink "$src")"; done
          echo "$(cd -P "$(dirname "$src")" && pwd)"
        }
        ROOT="$(script_dir "$0")/.."
        source "$ROOT/lib/helpers.sh"
        """)}
    got = rules(tmp_path, files, "bin/tool")
    assert not any(target.startswith("$") for _, target, *_ in got)  # got: $ROOT/lib/...


# --- urchin (argv.py, shglob.tree) ---

@pytest.mark.parametrize("line", ["urchin -t test/fast", "urchin -T 30 test/fast"])
def test_urchin_tap_flag_takes_no_value_and_timeout_is_capital_t(
        tmp_path: Path, line: str) -> None:
    """urchin's `-t` is `--tap` (no value); its timeout is `-T SECONDS`."""
    files = {"test/fast/one": "#!/bin/sh\n", "run.sh": "#!/bin/sh\n" + line + "\n"}
    assert _at(rules(tmp_path, files, "run.sh")) == {(2, "test/fast/one")}


def test_urchin_skips_hidden_files_and_folders(tmp_path: Path) -> None:
    files = {"test/fast/one": "#!/bin/sh\n", "test/fast/.fixtures/two": "#!/bin/sh\n",
             "run.sh": "#!/bin/sh\nurchin -f test/fast\n"}
    assert _at(rules(tmp_path, files, "run.sh")) == {(2, "test/fast/one")}


# --- PATH loops over literal folders (shwalk._path_folders) ---

def test_a_loop_variable_reassigned_after_its_loop_is_no_longer_its_values(
        tmp_path: Path) -> None:
    """`for d in a b; do echo; done; d="$1"; PATH="$ROOT/tools/$d:$PATH"`: d is the
    caller's argument here, not a nor b: no certain row to tools/a/kit-x."""
    files = {"tools/a/kit-x": "#!/bin/bash\n", "bin/kit-x": "#!/bin/bash\n",
             "bin/run": text("""
                 #!/bin/bash
                 ROOT="$(cd "$(dirname "$0")/.." && pwd)"
                 for d in a b; do echo "$d"; done
                 d="$1"
                 PATH="$ROOT/tools/$d:$PATH"
                 kit-x
                 """)}
    got = rules(tmp_path, files, "bin/run")
    assert (6, "tools/a/kit-x", "script", "command+PATH", "certain", True) not in got
