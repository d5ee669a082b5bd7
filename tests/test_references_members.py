"""Plugin folders installed one by one (members.py): a caller that runs or sources a member's
file through the install folder (a leading variable, an absolute folder, a dispatcher's
`$DIR/$NAME/sub/$CMD`, a loop over `$DIR/*/hook`), and a plugin runner's `plugn trigger NAME`."""

from __future__ import annotations

from pathlib import Path

from test_references_support import rules, text

MAKEFILE = text("""
    LIB_ROOT ?= /var/lib/tool
    install-plugins:
    \tfor p in $(PLUGINS); do $(MAKE) copy-one NAME=$$p; done
    copy-one:
    \tcp -R extensions/$(NAME) $(LIB_ROOT)/available
    \tln -s $(LIB_ROOT)/available/$(NAME) $(LIB_ROOT)/enabled
""")
FILES = {
    "Makefile": MAKEFILE,
    "bin/tool": text("""
        #!/usr/bin/env bash
        export LIB=${LIB:="/var/lib/tool"}
        export AVAILABLE=${AVAILABLE:="$LIB/available"}
        export ENABLED=${ENABLED:="$LIB/enabled"}
        source "$AVAILABLE/base/functions"
        run_command() {
          local NAME="$1"
          local CMD="$2"
          case "$NAME" in
            help)
              NAME="base"
              ;;
          esac
          "$ENABLED/$NAME/subcommands/$CMD" "$@"
          for script in $ENABLED/*/commands; do
            $script "$@"
          done
        }
        run_command "$@"
    """),
    "extensions/base/functions": "#!/usr/bin/env bash\nlog() { echo \"$1\"; }\n",
    "extensions/base/commands": "#!/usr/bin/env bash\necho base\n",
    "extensions/base/subcommands/help": "#!/usr/bin/env bash\necho help\n",
    "extensions/web/commands": "#!/usr/bin/env bash\necho web\n",
    "extensions/web/subcommands/start": text("""
        #!/usr/bin/env bash
        source "$AVAILABLE/base/functions"
        source "$AVAILABLE/web/internal"
        plugn trigger post-start "$APP" functions
        if ! plugn trigger web-ready; then exit 1; fi
        PLUGIN_PATH="$LIB/core" plugn trigger install
        echo "$AVAILABLE/web/internal"
        cat "$AVAILABLE/base/functions"
    """),
    "extensions/web/internal": "#!/usr/bin/env bash\n",
    "extensions/web/post-start": "#!/usr/bin/env bash\necho started\n",
    "extensions/base/post-start": "#!/usr/bin/env bash\necho base started\n",
    "extensions/web/install": "#!/usr/bin/env bash\n",
    "extensions/web/deep/post-start": "#!/usr/bin/env bash\n",
    "other/post-start": "#!/usr/bin/env bash\n",
}
L = "likely"


def test_a_dispatcher_runs_every_member_file_its_pattern_fits(tmp_path: Path) -> None:
    assert rules(tmp_path, FILES, "bin/tool") == {
        (5, "extensions/base/functions", "script", "source+dispatch-glob", L, True),
        (14, "extensions/base/subcommands/help", "script", "command+dispatch-glob", L, True),
        (14, "extensions/web/subcommands/start", "script", "command+dispatch-glob", L, True),
        (16, "extensions/base/commands", "script", "command+dispatch-glob", L, True),
        (16, "extensions/web/commands", "script", "command+dispatch-glob", L, True),
    }


def test_a_member_sources_another_through_the_install_folder(tmp_path: Path) -> None:
    got = rules(tmp_path, FILES, "extensions/web/subcommands/start")
    assert {(r[0], r[1], r[3]) for r in got} == {
        (2, "extensions/base/functions", "source+dispatch-glob"),
        (3, "extensions/web/internal", "source+dispatch-glob"),
        (4, "extensions/base/post-start", "plugin-trigger"),
        (4, "extensions/web/post-start", "plugin-trigger"),
        (5, "extensions/web/ready", "plugin-trigger"),
        (6, "extensions/web/install", "plugin-trigger"),
    } - {(5, "extensions/web/ready", "plugin-trigger")}
    # traps: `functions` after the trigger's name is an argument; `echo` and `cat` of a member
    # path run nothing; `deep/post-start` and `other/post-start` are no plugin's hook


def test_nothing_without_a_copy_step_that_installs_the_members(tmp_path: Path) -> None:
    files = {**FILES, "Makefile": "all:\n\tcp -R extensions/base /var/lib/tool/available\n"}
    assert rules(tmp_path, files, "extensions/web/subcommands/start") == set()
    assert rules(tmp_path / "b", files, "bin/tool") == set()


def test_a_copy_into_the_repo_or_an_unknown_folder_makes_no_member_root(tmp_path: Path,
                                                                       ) -> None:
    for no, copy in enumerate(("cp -R extensions/$(NAME) build/", 'cp -r extensions/$$A "$$TMP"')):
        files = {**FILES, "Makefile": f"all:\n\t{copy}\n"}
        assert rules(tmp_path / str(no), files, "extensions/web/subcommands/start") == set()


def test_a_path_with_no_literal_part_or_one_part_is_no_row(tmp_path: Path) -> None:
    files = {**FILES, "extensions/web/subcommands/start": text("""
        #!/usr/bin/env bash
        "$AVAILABLE/$NAME/$CMD"
        source "$AVAILABLE/functions"
        "$HOME/.tool/bin/run"
        source "${AVAILABLE}-old/base/functions"
    """)}
    assert rules(tmp_path, files, "extensions/web/subcommands/start") == set()


def test_an_absolute_path_in_the_install_folder_or_a_link_of_it(tmp_path: Path) -> None:
    files = {**FILES, "extensions/web/subcommands/start": text("""
        #!/usr/bin/env bash
        source "${AVAILABLE:-/var/lib/tool/available}/base/functions"
        /var/lib/tool/enabled/web/internal
        /var/lib/tool/other/web/internal
        source /var/lib/tool/available/web/missing
    """)}
    assert rules(tmp_path, files, "extensions/web/subcommands/start") == {
        (2, "extensions/base/functions", "script", "source+dispatch-glob", L, True),
        (3, "extensions/web/internal", "script", "command+dispatch-glob", L, True),
    }  # /var/lib/tool/other is no install folder; `missing` is no member file


def test_a_trigger_runs_a_plugins_link_as_its_target(tmp_path: Path) -> None:
    files = {**FILES, "extensions/web/subcommands/start": "#!/bin/bash\nplugn trigger pre-start\n"}
    got = rules(tmp_path, files, "extensions/web/subcommands/start",
                links={"extensions/base/pre-start": "post-start"})
    assert got == {(2, "extensions/base/post-start", "script", "plugin-trigger", L, True)}


def test_a_member_path_in_a_bash_c_string_of_a_test(tmp_path: Path) -> None:
    files = {**FILES, "tests/unit/base.bats": text("""
        #!/usr/bin/env bats
        @test "split" {
          run /bin/bash -c "source '$AVAILABLE/base/functions'; log x"
        }
    """)}
    assert {(r[0], r[1], r[3]) for r in rules(tmp_path, files, "tests/unit/base.bats")} == {
        (3, "extensions/base/functions", "bash>source+dispatch-glob")}


def test_a_literal_set_in_one_branch_of_a_case_leaves_the_variable_open(tmp_path: Path) -> None:
    files = {**FILES, "bin/tool": text("""
        #!/usr/bin/env bash
        NAME="$1"
        case "$NAME" in
          help) NAME="base" ;;
        esac
        "$ENABLED/$NAME/subcommands/help"
        WHO="base"
        case "$2" in
          x) WHO="web" ;;
        esac
        "$ENABLED/$WHO/commands"
    """)}
    assert {(r[0], r[1]) for r in rules(tmp_path, files, "bin/tool")} == {
        (6, "extensions/base/subcommands/help"), (11, "extensions/web/commands")}
    # WHO was known before the case: its last value stands, as everywhere else


def test_other_plugin_runner_words_and_echoed_triggers_are_no_rows(tmp_path: Path) -> None:
    files = {**FILES, "extensions/web/subcommands/start": text("""
        #!/usr/bin/env bash
        plugn enable web
        plugn trigger
        echo "plugn trigger post-start"
        plugn trigger "$HOOK" post-start
        pluginhook post-start x
        /usr/local/bin/plugn trigger install
    """)}
    assert {(r[0], r[1], r[3]) for r in rules(
        tmp_path, files, "extensions/web/subcommands/start")} == {
        (6, "extensions/base/post-start", "plugin-trigger"),
        (6, "extensions/web/post-start", "plugin-trigger"),
        (7, "extensions/web/install", "plugin-trigger")}
    # `plugn enable NAME` runs nothing; a trigger named by a variable is unknown and the
    # word after it is its argument; pluginhook runs the hook named first


def test_a_list_of_member_files_found_below_the_install_folder(tmp_path: Path) -> None:
    files = {**FILES, "bin/tool": text("""
        #!/usr/bin/env bash
        ALL=$(find -L "$LIB/enabled" -name commands 2>/dev/null || true)
        for one in $ALL; do
          KEPT+="$one "
        done
        for cmd in $KEPT; do
          $cmd help
        done
        MINE=$(find ./extensions -name commands)
        for cmd in $MINE; do "$cmd"; done
        SOME=$(find "$LIB" -name 'c*')
        for cmd in $SOME; do "$cmd"; done
    """)}
    assert {(r[0], r[1], r[3]) for r in rules(tmp_path, files, "bin/tool")} == {
        (7, "extensions/base/commands", "command+dispatch-glob"),
        (7, "extensions/web/commands", "command+dispatch-glob")}
    # traps: a find in a repo folder is no install folder (the walk does not list it), and a
    # find by a glob name is too loose to say which files
