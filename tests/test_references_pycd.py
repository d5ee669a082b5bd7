"""A `cd` in the shell code of one Python call (subprocess with shell=True, os.system) is
that call's shell's: the program's next calls still run from where they did."""

from __future__ import annotations

from pathlib import Path

from test_references_support import rules


def test_a_cd_in_one_shell_call_does_not_move_the_next_calls(tmp_path: Path) -> None:
    files = {"tools/run.sh": "#!/bin/bash\necho run\n",
             "job.py": ("import os, subprocess, sys\n"
                        "subprocess.run('cd {} && make'.format(sys.argv[1]), shell=True)\n"
                        "subprocess.run('cd /srv/x && ./go', shell=True)\n"
                        "os.system('bash tools/run.sh')\n")}
    assert {(line, target) for line, target, *_ in rules(tmp_path, files, "job.py")} == {
        (4, "tools/run.sh")}
