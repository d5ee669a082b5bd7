"""A shell tool that finds its own root through a function of its own: `bin/tool` runs
`TOOL_SHIM=$(readlink_f "${0}")` (a portable `readlink -f`), `TOOL_ROOT="${TOOL_SHIM%/*/*}"`,
sources `$TOOL_ROOT/lib/helpers.sh`, puts `libexec` and `bin` on PATH in a loop, and dispatches
`tool <sub>` to `libexec/tool-<sub>` through `command -v "tool-${arg}"` with
`arg="${1:-""}"`."""

from __future__ import annotations

from pathlib import Path

from test_references_support import rules, text

TOOL = text("""
    #!/usr/bin/env bash
    if [ -z "${TOOL_ROOT:-""}" ]; then
      readlink_f() {
        local target_file="${1}";
        local file_name;
        while [ "${target_file}" != "" ]; do
          cd "${target_file%/*}" || exit 1;
          file_name="${target_file##*/}";
          target_file="$(readlink "${file_name}")";
        done;
        echo "$(pwd -P)/${file_name}";
      };
      TOOL_SHIM=$(readlink_f "${0}")
      TOOL_ROOT="${TOOL_SHIM%/*/*}";
    else
      TOOL_ROOT="${TOOL_ROOT%/}";
    fi;
    source "${TOOL_ROOT}/lib/helpers.sh";
    for dir in libexec bin; do
      export PATH="${TOOL_ROOT}/${dir}:${PATH}";
    done;
    declare arg="${1:-""}";
    case "${arg}" in
      -v | --version ) exec tool---version ;;
      *)
        command_path="$(command -v "tool-${arg}" || true)";
        shift 1;
        exec "${command_path}" "$@";
        ;;
    esac;
""")
FILES = {"bin/tool": TOOL,
         "lib/helpers.sh": "source \"${TOOL_ROOT}/lib/log.sh\"\n",
         "lib/log.sh": "log() { echo \"$@\"; }\n",
         "libexec/tool---version": "#!/bin/bash\necho 1.0\n",
         "libexec/tool-install": "#!/bin/bash\ntool-list\n",
         "libexec/tool-list": "#!/bin/bash\necho 1.0\n"}


def test_a_root_found_by_a_canonical_path_function_sources_the_library(tmp_path: Path) -> None:
    got = rules(tmp_path, FILES, "bin/tool")
    assert (18, "lib/helpers.sh", "script", "source", "certain", True) in got


def test_a_path_loop_over_literal_folders_puts_each_on_path(tmp_path: Path) -> None:
    got = rules(tmp_path, FILES, "bin/tool")
    assert (24, "libexec/tool---version", "script", "exec+PATH", "certain", True) in got
    # subcommands find each other on the PATH the tool handed them
    sub = rules(tmp_path / "b", FILES, "libexec/tool-install")
    assert {(line, target) for line, target, *_ in sub} == {(2, "libexec/tool-list")}


def test_an_argument_with_an_empty_default_is_unknown_not_empty(tmp_path: Path) -> None:
    got = rules(tmp_path, FILES, "bin/tool")
    # `tool-${arg}` is every `tool-*` of libexec, but `tool---version`, which its arm took
    assert {target for line, target, *_ in got if line == 26} == {
        "libexec/tool-install", "libexec/tool-list"}


def test_a_function_that_prints_no_path_is_no_canonical_path(tmp_path: Path) -> None:
    tool = TOOL.replace('echo "$(pwd -P)/${file_name}";', 'return 0;')
    got = rules(tmp_path, {**FILES, "bin/tool": tool}, "bin/tool")
    assert not any(target.startswith("lib/") for _, target, *_ in got)


def test_words_tree_sitter_splits_after_a_dollar_are_one_word(tmp_path: Path) -> None:
    files = {"tests/compose/core/00_create.sh": "#!/bin/bash\necho\n",
             "run.sh": "#!/bin/bash\n./tests/compose/$X/$Y.sh\nDIR=\"$(command cd \"$(dirname "
                       "\"$0\")\" && pwd)\"\n\\. \"$DIR/tests/compose/core/00_create.sh\"\n"}
    got = rules(tmp_path, files, "run.sh")
    assert {(line, target, rule) for line, target, _, rule, *_ in got} == {
        (2, "tests/compose/core/00_create.sh", "command+variable"),
        (4, "tests/compose/core/00_create.sh", "source")}


def test_a_loop_over_a_grepped_listing_runs_only_the_names_it_keeps(tmp_path: Path) -> None:
    files = {"test/run.sh": text("""
                 #!/usr/bin/env bash
                 targets="$(\\ls "$(dirname "${0}")" | grep 'test_')";
                 for t in ${targets}; do
                   bash "$(dirname "${0}")/${t}" || exit 1;
                 done;
                 for s in $(ls "${0%/*}" | grep -v 'test_'); do bash "${0%/*}/$s"; done
                 """),
             "test/test_list.sh": "#!/bin/bash\n", "test/test_use.sh": "#!/bin/bash\n",
             "test/install_deps.sh": "#!/bin/bash\n"}
    got = rules(tmp_path, files, "test/run.sh")
    assert {target for line, target, *_ in got if line == 4} == {
        "test/test_list.sh", "test/test_use.sh"}
    # a filter this cannot read (`grep -v`) keeps every file of the folder a likely callee
    assert "test/install_deps.sh" in {target for line, target, *_ in got if line == 6}


def test_a_loop_over_an_array_sources_each_known_element(tmp_path: Path) -> None:
    files = {"test/config.sh": "x=1\n", "test/more.sh": "y=1\n", "test/tool": "#!/bin/sh\n",
             "test/run.sh": text("""
                 #!/bin/bash
                 dir="$(dirname "$(readlink -f "$BASH_SOURCE")")"
                 configs=("$@")
                 configs+=("$dir/config.sh" "$dir/more.sh")
                 for conf in "${configs[@]}"; do
                   . "$conf"
                 done
                 for name in tool other; do "$name"; done
                 """)}
    got = rules(tmp_path, files, "test/run.sh")
    # a bare name run from a loop is looked up on PATH, not in the folder
    assert {(line, target) for line, target, *_ in got} == {
        (6, "test/config.sh"), (6, "test/more.sh")}
