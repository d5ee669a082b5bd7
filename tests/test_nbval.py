"""nbval in CI: every committed notebook runs cell by cell under `pytest --nbval-lax`, and an
archived report re-executed on its workspace reproduces its checked outputs (sanitized)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import papermill
import pytest

from runbook_lib.archive import runner
from runbook_lib.planning.approve import ApproveParams, approve
from runbook_lib.sample import generate

pytestmark = pytest.mark.slow
SANITIZE = Path(__file__).with_name("nbval_sanitize.cfg")


def nbval(folder: Path, *notebooks: Path) -> subprocess.CompletedProcess[str]:
    """`pytest --nbval-lax` in its own process, outside this project's pytest settings."""
    ini = folder / "pytest.ini"
    ini.write_text("[pytest]\n", "utf-8")
    cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-c", str(ini),
           "--rootdir", str(folder), "--nbval-lax", "--nbval-sanitize-with", str(SANITIZE),
           *[str(n) for n in notebooks]]
    return subprocess.run(cmd, capture_output=True, text=True, check=False, cwd=folder)


def parameterized(step: str, out: Path, values: dict[str, Any]) -> Path:
    """The committed notebook with its parameters injected, not executed."""
    source = runner.notebook_for(step)
    target = out / source.name
    papermill.execute_notebook(str(source), str(target), parameters=values, prepare_only=True,
                               kernel_name=runner.KERNEL, progress_bar=False)
    return target


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("nbval")
    repo = generate(root / "repo", scripts=30).repo
    (root / "ws").mkdir()
    return repo, root


def test_every_notebook_passes_nbval_lax(sample: tuple[Path, Path]) -> None:
    repo, root = sample
    ws, books = root / "ws", root / "books"
    books.mkdir()
    first = [parameterized("discovery", books, {"repo": str(repo), "workspace": str(ws),
                                                "deploy_roots": ["/opt/app"]}),
             parameterized("similarity", books, {"workspace": str(ws)}),
             parameterized("plan", books, {"workspace": str(ws), "target_scripts": 20})]
    done = nbval(books, *first)
    assert done.returncode == 0, done.stdout[-3000:]
    approve(ApproveParams(ws, by="test", allow_risk=True))
    number = json.loads((ws / "plan.json").read_text("utf-8"))["batches"][0]["batch"]
    later = [parameterized("batch", books, {"workspace": str(ws), "batch": number}),
             parameterized("report", books, {"workspace": str(ws)})]
    done = nbval(books, *later)
    assert done.returncode == 0, done.stdout[-3000:]
    assert "passed" in done.stdout


def test_archived_report_reproduces_its_checked_outputs(sample: tuple[Path, Path]) -> None:
    _, root = sample
    ws = root / "ws"
    if not (ws / "plan.json").exists():
        pytest.skip("needs the campaign of test_every_notebook_passes_nbval_lax")
    record = runner.run_step("report", {"workspace": str(ws)}, ws, log_output=False)
    assert record.status == "ok", record.error
    copy = root / "again"
    copy.mkdir()
    notebook = Path(shutil.copy(record.notebook, copy / "archived_report.ipynb"))
    notebook.chmod(0o644)
    checked = [c for c in json.loads(notebook.read_text("utf-8"))["cells"]
               if "nbval-check-output" in c["metadata"].get("tags", [])]
    assert checked and all(c["outputs"] for c in checked)
    done = nbval(copy, notebook)
    assert done.returncode == 0, done.stdout[-3000:]
