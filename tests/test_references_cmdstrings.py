"""A command line handed to a function as one quoted argument (`run_process NAME "CMD"`):
`likely` rows to the repo scripts it runs; messages and unknown paths give nothing."""

from __future__ import annotations

from pathlib import Path

from test_references_support import rules, text

SERVICES = {
    "lib/services": text("""
        function start_service {
            local name=$1 command="$2"
            write_unit "$name" "$command"
        }
        function run_cmd {
            eval "$1"
        }
        """),
    "stack.sh": text("""
        #!/bin/bash
        TOP_DIR=$(cd "$(dirname "$0")" && pwd)
        source "$TOP_DIR/lib/services"
        start_service tracker "$TOP_DIR/tools/tracker.sh $LOG_DIR"
        start_service cli "$PYTHON $TOP_DIR/files/cli-server"
        run_cmd "$TOP_DIR/tools/init.sh" "initialise"
        """),
    "tools/tracker.sh": "#!/bin/bash\nsleep 1\n",
    "tools/init.sh": "#!/bin/bash\necho init\n",
    "files/cli-server": "#!/usr/bin/env python3\nprint('serve')\n",
}


def test_a_command_line_handed_to_a_function_runs_its_script(tmp_path: Path) -> None:
    got = {(line, target, rule, sure) for line, target, _, rule, sure, _ in
           rules(tmp_path, SERVICES, "stack.sh") if rule.startswith("command-string")}
    assert got == {(4, "tools/tracker.sh", "command-string>start_service>command", "likely"),
                   (5, "files/cli-server", "command-string>start_service>python", "likely"),
                   (6, "tools/init.sh", "command-string>run_cmd>command", "likely")}, got


# traps: messages, a string whose first word is text, an unknown part, a missing script,
# an unquoted path argument
MESSAGES = {
    "tools/tracker.sh": "#!/bin/bash\nsleep 1\n",
    "deploy.sh": text("""
        #!/bin/bash
        TOP_DIR=$(cd "$(dirname "$0")" && pwd)
        die "$TOP_DIR/tools/tracker.sh is missing"
        log_warning "$TOP_DIR/tools/tracker.sh failed"
        report "Failed to run $TOP_DIR/tools/tracker.sh"
        tf_init "$TOP_DIR/tools/$ENV_PATH" "$ENV"
        start_service gone "$TOP_DIR/tools/gone.sh --fast"
        echo "$TOP_DIR/tools/tracker.sh"
        shown="$(display_path "$TOP_DIR/tools/tracker.sh")"
        """),
}


def test_messages_and_unknown_paths_handed_to_a_command_give_no_row(tmp_path: Path) -> None:
    assert rules(tmp_path, MESSAGES, "deploy.sh") == set()
