"""testinfra's `host.run("...")`: shell code run on the host under test. Its paths resolve as
host shell code's do (here through an installer's `install -t`), `likely`, each row on the
line of the string where the command is."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from conftest import make_repo
from runbook_lib.discovery.discover import DiscoveryParams, run_discovery

FILES = {
    "scripts/utils.sh": "#!/bin/bash\nget_pid() { echo -1; }\n",
    "scripts/reset.sh": "#!/bin/bash\necho reset\n",
    "install.sh": "#!/bin/bash\ninstall -t /opt/tool ./scripts/*.sh\n",
    "test/test_utils.py": (
        "def test_pid(host):\n"
        "    out = host.run(\n"
        "        \"\"\"\n"
        "    source /opt/tool/utils.sh\n"
        "    get_pid\n"
        "    \"\"\"\n"
        "    )\n"
        "    assert out.stdout == '-1\\n'\n\n\n"
        "def test_reset(host):\n"
        "    assert host.run('bash scripts/reset.sh').rc == 0\n\n\n"
        "def test_text(host, server):\n"
        "    assert host.run('echo /opt/tool/reset.sh').rc == 0\n"
        "    server.run('/opt/tool/reset.sh')\n"
    ),
}


def test_host_run_strings_are_shell_code_on_their_own_lines(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", FILES)
    run_discovery(DiscoveryParams(repo=repo, workspace=tmp_path / "ws", containers=False))
    refs = pd.read_csv(tmp_path / "ws" / "references.csv", keep_default_na=False)
    rows = {(int(r.line), r.target, r.confidence) for r in refs.itertuples()
            if r.source == "test/test_utils.py" and r.status == "resolved"}
    assert rows == {(4, "scripts/utils.sh", "likely"), (12, "scripts/reset.sh", "likely")}
