"""A script fed to an interpreter on its standard input is run (`bash < x.sh`, `python3 - <
x.py`, also inside `docker run` or behind `ssh`); other programs read such a file as data."""

from __future__ import annotations

from pathlib import Path

from test_plan_real import REPORT, acted, plan_of
from test_references_support import rules, text

FED = {
    "scripts/hash.py": "import hashlib\nprint(hashlib.sha256(b'x').hexdigest())\n",
    "scripts/setup.sh": "#!/bin/sh\necho setup\n",
    "install.sh": text("""
        #!/bin/bash
        docker run -i --rm python:3.12 python3 - < scripts/hash.py
        bash < scripts/setup.sh
        ssh "$HOST" bash -s -- --fast < scripts/setup.sh
        grep setup < scripts/setup.sh
        bash -c 'cat' < scripts/setup.sh
        python3 -m json.tool < scripts/hash.py
        SUM=$(docker run --rm -i --entrypoint python3 "$IMAGE" - < scripts/hash.py)
        """),
}


def test_a_script_on_an_interpreters_standard_input_is_run(tmp_path: Path) -> None:
    got = rules(tmp_path, FED, "install.sh")
    assert got == {(2, "scripts/hash.py", "script", "stdin>python", "likely", True),
                   (3, "scripts/setup.sh", "script", "stdin>bash", "certain", True),
                   (4, "scripts/setup.sh", "script", "stdin>bash", "likely", False),
                   (8, "scripts/hash.py", "script", "stdin>python", "likely", True)}, got


def test_a_copy_fed_on_standard_input_is_not_shimmed(tmp_path: Path) -> None:
    files = {"tools/a/report.sh": "#!/bin/bash\n" + REPORT,
             "tools/b/report.sh": "#!/bin/bash\n" + REPORT,
             "run.sh": "#!/bin/sh\n./tools/a/report.sh\n./tools/a/report.sh --all\n"
                       "bash < tools/b/report.sh\n"}
    _, _, plan = plan_of(files, tmp_path)
    assert "tools/b/report.sh" not in acted(plan, "shim"), plan["batches"]
    waiting = [w for w in plan["waiting"] if "tools/b/report.sh" in w["members"]]
    assert waiting and "runs away from the checkout (run.sh:4" in waiting[0]["reason"]
