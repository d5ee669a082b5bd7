"""A string literal's `.format(...)` is that literal with holes: the shell code it builds keeps
the commands the literal spells (the holes are unknown words)."""

from __future__ import annotations

from pathlib import Path

from test_references_support import rules, text

FILES = {
    "tools/lib.sh": "#!/bin/bash\necho lib\n",
    "run.py": text("""
        import os
        import sys

        os.system("bash tools/lib.sh --name {}".format(sys.argv[1]))
        os.system("echo tools/lib.sh {}".format(sys.argv[1]))
    """),
}


def test_a_formatted_literal_is_shell_code_with_holes(tmp_path: Path) -> None:
    # the second line only prints the path: no row
    assert {(r[0], r[1]) for r in rules(tmp_path, FILES, "run.py")} == {(4, "tools/lib.sh")}


def test_a_hole_is_an_unknown_word_not_a_folder_named_after_it(tmp_path: Path) -> None:
    files = {"tools/lib.sh": "#!/bin/bash\necho lib\n",
             "job.py": ("import os, sys\n"
                        "os.system('bash {}/lib.sh'.format(sys.argv[1]))\n"
                        "os.system('bash %s/tools/lib.sh' % sys.argv[1])\n"
                        "os.system('bash tools/lib.sh {0} 100%%' % sys.argv[1])\n")}
    # no `missing` rows to `{}/lib.sh` or `%s/tools/lib.sh`
    assert {(r[0], r[1]) for r in rules(tmp_path, files, "job.py")} == {(4, "tools/lib.sh")}
