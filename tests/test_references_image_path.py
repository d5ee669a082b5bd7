"""A Dockerfile that extends the base image's search path (`ENV PATH=/srv/tools:$PATH`, the
usual idiom) puts those folders on the PATH of the scripts the image holds: a bare command name
found there is a call of that repo script; a name found nowhere on it is a system command."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from conftest import make_repo
from runbook_lib.discovery.discover import DiscoveryParams, run_discovery

DOCKERFILE = ("FROM python:3.12\nWORKDIR /srv\nCOPY . /srv/\nENV PATH=/srv/tools:$PATH\n"
              "ENV PYTHONPATH=/srv/pylib:$PYTHONPATH\nCMD [\"bash\", \"app/run.sh\"]\n")
FILES = {
    "Dockerfile": DOCKERFILE,
    "app/run.sh": "#!/bin/bash\nclean.sh\nstats --all\nother.sh\npython3 app/main.py\n",
    "app/main.py": "import shared\n",
    "tools/clean.sh": "#!/bin/bash\necho clean\n",
    "tools/stats": "#!/bin/bash\necho stats\n",
    "misc/other.sh": "#!/bin/bash\necho not on PATH\n",
    "pylib/shared.py": "X = 1\n",
}


def _resolved(tmp_path: Path, files: dict[str, str]) -> set[tuple[str, int, str]]:
    repo = make_repo(tmp_path / "repo", files)
    run_discovery(DiscoveryParams(repo=repo, workspace=tmp_path / "ws", containers=False))
    refs = pd.read_csv(tmp_path / "ws" / "references.csv", keep_default_na=False)
    return {(r.source, int(r.line), r.target) for r in refs.itertuples() if r.status == "resolved"}


def test_bare_names_on_the_extended_image_path_are_calls(tmp_path: Path) -> None:
    found = _resolved(tmp_path, FILES)
    assert {("app/run.sh", 2, "tools/clean.sh"), ("app/run.sh", 3, "tools/stats"),
            ("app/main.py", 1, "pylib/shared.py")} <= found
    assert not any(target == "misc/other.sh" for _, _, target in found)


def test_without_the_path_line_bare_names_are_system_commands(tmp_path: Path) -> None:
    files = {**FILES, "Dockerfile": DOCKERFILE.replace("ENV PATH=/srv/tools:$PATH\n", "")}
    found = _resolved(tmp_path, files)
    assert not any(source == "app/run.sh" and line in (2, 3) for source, line, _ in found)
