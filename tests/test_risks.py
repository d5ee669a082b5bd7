from __future__ import annotations

import pytest

from runbook_lib.discovery import risks


@pytest.mark.parametrize(("text", "flag"), [
    ("set -e\ncp a /opt/app/conf\n", "hardcoded_path"),
    ("set -e\necho \"${DB_HOST:-localhost}\"\n", "env"),
    ("set -e\nrm -rf \"$TMP_DIR\"\n", "destructive"),
    ("set -e\ndd if=/dev/zero of=disk.img bs=1M count=1\n", "destructive"),
    ("set -e\npsql -c 'DROP TABLE users'\n", "destructive"),
    ("set -e\ndocker system prune -f\n", "destructive"),
    ("set -e\npg_dump app > app.sql\n", "stateful"),
    ("set -e\nsudo systemctl restart app\n", "privileged"),
    ("set -e\ncurl -fsS http://localhost/health\n", "network"),
    ("echo hi\n", "no_errexit"),
    ("set -e\nsleep 5\n", "timing"),
    ("set -e\nworker &\n", "timing"),
    ("set -e\ndocker compose up -d\n", "docker"),
    ("set -e\n. \"$(dirname \"$0\")/lib.sh\"\n", "location_sensitive"),
])
def test_shell_flags(text: str, flag: str) -> None:
    assert flag in risks.text_flags("#!/bin/bash\n" + text, "bash")


@pytest.mark.parametrize(("text", "flag"), [
    ("import shutil\nshutil.rmtree(path)\n", "destructive"),
    ("import os\nprint(os.environ['TOKEN'])\n", "env"),
    ("import requests\nrequests.get(url)\n", "network"),
    ("import time\ntime.sleep(3)\n", "timing"),
    ("from pathlib import Path\nHERE = Path(__file__).parent\n", "location_sensitive"),
    ("import psycopg2\n", "stateful"),
    ("import os\nos.chown(p, 0, 0)\n", "privileged"),
])
def test_python_flags(text: str, flag: str) -> None:
    assert flag in risks.text_flags(text, "python")


def test_clean_script_has_no_flags() -> None:
    text = "#!/bin/bash\nset -euo pipefail\nname=world\necho \"hello $name\" 2>&1\n"
    assert risks.text_flags(text, "bash") == set()


def test_comments_raise_no_flags() -> None:
    text = "#!/bin/bash\nset -e\n# rm -rf / and curl and sudo\necho ok\n"
    assert risks.text_flags(text, "bash") == set()


def test_errexit_forms() -> None:
    for line in ("set -e", "set -euo pipefail", "set -o errexit", "set -Eeu"):
        assert "no_errexit" not in risks.text_flags(f"#!/bin/sh\n{line}\necho\n", "sh")
    assert "no_errexit" not in risks.text_flags("#!/bin/bash -e\necho\n", "bash")
    assert "no_errexit" not in risks.text_flags("", "sh")


def test_env_vars_exclude_assigned_and_special() -> None:
    text = ("#!/bin/bash\nset -e\nOUT=/tmp/x\nfor FILE in *; do echo \"$FILE\"; done\n"
            "echo \"$OUT $HOME ${REGION:-eu} $1 $RANDOM ${API_TOKEN}\"\nLEVEL=\"${LEVEL:-info}\"\n")
    assert risks.env_vars(text, "bash") == ["API_TOKEN", "HOME", "LEVEL", "REGION"]


def test_python_env_vars() -> None:
    text = "import os\na = os.getenv('A')\nb = os.environ.get(\"B\", 'x')\nc = os.environ['C']\n"
    assert risks.env_vars(text, "python") == ["A", "B", "C"]
