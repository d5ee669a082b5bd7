"""The end-to-end demo on the sample repository (each step through its notebook)."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

from runbook_lib import runner, workspace
from runbook_lib.errors import BadInput, RunbookError
from runbook_lib.sample import generate

MARKER = ".runbook-demo"
DEPLOY_ROOT = "/opt/app"


def prepare_dir(folder: Path) -> Path:
    """An empty demo folder; a previous demo's folder (with its marker) is cleared first."""
    if folder.exists() and any(folder.iterdir()):
        if not (folder / MARKER).exists():
            raise BadInput(f"{folder} exists and is not a runbook demo folder; use another --dir")
        shutil.rmtree(folder)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / MARKER).write_text("made by runbook demo; cleared by the next demo run\n", "utf-8")
    return folder.resolve()


def run_demo(folder: Path, scripts: int, say: Callable[[str], object]) -> Iterator[str]:
    root = prepare_dir(folder)
    sample = generate(root / "repo", scripts=scripts)
    say(f"sample repo: {sample.repo} ({sample.scripts} scripts)")
    ws = workspace.prepare(root / "workspace", sample.repo)
    values = {"repo": str(sample.repo), "workspace": str(ws), "deploy_roots": [DEPLOY_ROOT]}
    say("discovery: running notebooks/01_discovery.ipynb through papermill")
    record = runner.run_step("discovery", values, ws)
    if record.status != "ok":
        raise RunbookError(f"discovery failed: {record.error}; archived in {record.folder}")
    yield f"discovery notebook: {record.notebook}"
    yield f"workspace tables: {ws}/inventory.csv, references.csv, skipped.csv"
