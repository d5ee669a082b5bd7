"""Python that runs the files of a folder it lists (`os.listdir(DIR)` of a folder named at run
time, each file run by `python3 DIR + name` or `./DIR + name` as its suffix says), and a text
with unknown parts that is no path."""

from __future__ import annotations

from pathlib import Path

from test_references_support import rules, text

LISTED = {
    "tests/compose/core/00_start.sh": "#!/bin/bash\necho\n",
    "tests/compose/core/01_check.py": "print(1)\n",
    "tests/compose/api/00_x.sh": "#!/bin/bash\n",
    "tests/compose/test.py": text("""
        import os, subprocess, sys
        test_path = "tests/compose/" + sys.argv[1] + "/"

        def hooks():
            for test_file in sorted(os.listdir(test_path)):
                if test_file.endswith(".py"):
                    subprocess.check_output("python3 " + test_path + test_file, shell=True)
                elif test_file.endswith(".sh"):
                    subprocess.check_output("./" + test_path + test_file, shell=True)
        """),
}


def test_a_listed_folder_of_a_folder_named_at_run_time_runs_each_file_by_suffix(
        tmp_path: Path) -> None:
    got = rules(tmp_path, LISTED, "tests/compose/test.py")
    assert {(line, target) for line, target, *_ in got} == {
        (7, "tests/compose/core/01_check.py"), (9, "tests/compose/core/00_start.sh"),
        (9, "tests/compose/api/00_x.sh")}


def test_a_text_with_unknown_parts_is_no_path(tmp_path: Path) -> None:
    files = {"tools/load.py": text("""
        import importlib.util, sys
        module_path = sys.argv[1]
        if module_path.endswith(".py"):
            spec = importlib.util.spec_from_file_location("m", module_path)
        """)}
    assert rules(tmp_path, files, "tools/load.py") == set()
