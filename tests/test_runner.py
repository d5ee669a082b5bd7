from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import nbformat
import pytest
import yaml

from runbook_lib.archive import audit, provenance, runner
from runbook_lib.core import auditlog
from runbook_lib.core.errors import BadInput
from test_report import write_campaign

NAME = re.compile(r"^\d{8}T\d{6}\.\d{6}Z__(report|batch)(__batch-\d{3})?__[0-9a-f]{12}$")
MANIFEST_KEYS = {
    "step", "status", "exit_code", "start_utc", "end_utc", "duration_s", "host", "user",
    "target", "target_before", "files_read", "files_written", "tool_version", "python",
    "packages", "files", "parameters", "injected_parameters", "kernel",
}


def archive(ws: Path) -> list[Path]:
    root = ws / "archive"
    return sorted(p for p in root.iterdir()) if root.exists() else []


@pytest.mark.parametrize(("values", "words"), [
    ({"workspace": "ws", "target_scripst": 3}, "unknown parameter(s) target_scripst"),
    ({"workspace": "ws", "target_scripts": "many"}, "target_scripts must be an integer"),
    ({"workspace": "ws", "max_perf_change": [1]}, "max_perf_change must be a float"),
    ({"target_scripts": 3}, "missing required parameter workspace"),
])
def test_bad_parameters_are_refused_before_anything_runs(tmp_path: Path,
                                                          values: dict[str, object],
                                                          words: str) -> None:
    with pytest.raises(BadInput, match=re.escape(words)):
        runner.run_step("report", values, tmp_path)
    assert archive(tmp_path) == [] and not (tmp_path / "audit.jsonl").exists()


def test_a_schema_field_the_notebook_lacks_may_keep_only_its_default(tmp_path: Path) -> None:
    notebook = runner.notebook_for("batch")
    declared = set(runner.declared_parameters(notebook))
    from runbook_lib.archive.params import as_plain
    from runbook_lib.execution.batch import BatchParams

    plain = as_plain(BatchParams(tmp_path, 1))
    assert runner.check_parameters("batch", plain, notebook).keys() <= declared
    missing = sorted(set(plain) - declared)
    if missing:  # a non-default value would be injected into nothing: refused
        changed = {**plain, missing[0]: "changed" if isinstance(plain[missing[0]], str) else 7}
        with pytest.raises(BadInput):
            runner.check_parameters("batch", changed, notebook)


def test_relative_paths_are_made_absolute(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                          ) -> None:
    monkeypatch.chdir(tmp_path)
    inject = runner.check_parameters("report", {"workspace": "ws"},
                                     runner.notebook_for("report"))
    assert inject["workspace"] == str(tmp_path / "ws")


def test_kernel_is_this_interpreter() -> None:
    spec = runner.check_kernel()
    assert spec["name"] == "python3" and spec["executable"]


@pytest.fixture(scope="module")
def ok_run(tmp_path_factory: pytest.TempPathFactory) -> runner.RunRecord:
    ws = write_campaign(tmp_path_factory.mktemp("runner") / "ws")
    return runner.run_step("report", {"workspace": str(ws), "target_scripts": 16}, ws,
                           log_output=False)


@pytest.mark.slow
def test_a_run_is_archived_with_its_manifest(ok_run: runner.RunRecord) -> None:
    assert ok_run.status == "ok" and ok_run.exit_code == 0
    folder = ok_run.folder
    assert NAME.match(folder.name), folder.name
    assert sorted(p.name for p in folder.iterdir()) == [
        "05_report.html", "05_report.ipynb", "manifest.json", "parameters.yaml"]
    manifest = json.loads((folder / "manifest.json").read_text("utf-8"))
    assert set(manifest) >= MANIFEST_KEYS
    assert manifest["status"] == "ok" and manifest["step"] == "report"
    for name, digest in manifest["files"].items():
        assert provenance.sha256_file(folder / name) == digest
    assert "plan.json" in manifest["files_read"]
    assert "batches/001/validation.json" in manifest["files_read"]
    assert manifest["files_written"] == {}  # the report writes nothing into the workspace
    assert manifest["packages"]["papermill"] and manifest["kernel"]["name"] == "python3"
    assert yaml.safe_load((folder / "parameters.yaml").read_text("utf-8")) == {
        "workspace": str(folder.parents[1]), "target_scripts": 16}
    nb = nbformat.read(folder / "05_report.ipynb", as_version=4)
    assert nb.metadata.papermill.parameters["target_scripts"] == 16
    assert any("injected-parameters" in c.metadata.get("tags", []) for c in nb.cells)


@pytest.mark.slow
def test_the_run_is_in_the_audit_log(ok_run: runner.RunRecord) -> None:
    ws = ok_run.folder.parents[1]
    records = [ln.record for ln in auditlog.read_lines(ws / "audit.jsonl") if ln.record]
    events = [(r["event"], r.get("archive")) for r in records]
    assert events[-2:] == [("run-start", ok_run.folder.name), ("run-end", ok_run.folder.name)]
    assert records[-1]["manifest_sha256"] == provenance.sha256_file(
        ok_run.folder / "manifest.json")


@pytest.mark.slow
def test_runs_never_share_a_folder(ok_run: runner.RunRecord) -> None:
    ws = ok_run.folder.parents[1]
    again = runner.run_step("report", {"workspace": str(ws), "target_scripts": 16}, ws,
                            log_output=False)
    assert again.folder != ok_run.folder
    assert again.folder.name.split("__")[-1] == ok_run.folder.name.split("__")[-1]
    assert (ok_run.folder / "05_report.ipynb").exists()


@pytest.mark.slow
def test_a_failed_run_is_archived_with_papermills_error_cell(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    ws.mkdir()
    (ws / "plan.json").write_text("{half a plan", "utf-8")  # fails inside the notebook
    record = runner.run_step("report", {"workspace": str(ws)}, ws, log_output=False)
    assert record.status == "failed" and record.exit_code == 2
    assert record.error.startswith("BadInput: cannot read ") and "plan.json" in record.error
    nb = nbformat.read(record.notebook, as_version=4)
    assert "papermill-error-cell-tag" in json.dumps(nb.cells[0].metadata) or \
        "An Exception was encountered" in nb.cells[0].source
    manifest = json.loads((record.folder / "manifest.json").read_text("utf-8"))
    assert manifest["status"] == "failed" and manifest["exit_code"] == 2
    assert manifest["error"] == record.error
    assert record.html is not None and "cannot read" in record.html.read_text("utf-8")
    assert audit.verify(ws) == []


@pytest.mark.slow
def test_a_cell_timeout_fails_and_is_archived(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    books = tmp_path / "notebooks"
    books.mkdir()
    nb = nbformat.read(runner.notebook_for("report"), as_version=4)
    nb.cells.insert(3, nbformat.v4.new_code_cell("import time\ntime.sleep(60)"))
    nbformat.write(nb, books / "05_report.ipynb")
    monkeypatch.setenv("RUNBOOK_NOTEBOOKS", str(books))
    ws = write_campaign(tmp_path / "ws")
    record = runner.run_step("report", {"workspace": str(ws)}, ws, cell_timeout=3,
                             log_output=False)
    assert record.status == "failed" and record.exit_code == 1
    assert "Timeout" in record.error or "timed out" in record.error.lower()
    assert record.notebook.exists() and audit.verify(ws) == []


def test_missing_notebook_is_a_clear_refusal(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RUNBOOK_NOTEBOOKS", str(tmp_path))
    with pytest.raises(BadInput, match=r"05_report\.ipynb is missing"):
        runner.run_step("report", {"workspace": str(tmp_path)}, tmp_path)


def test_workspace_snapshot_tells_written_from_read(tmp_path: Path) -> None:
    (tmp_path / "inventory.csv").write_text("a\n", "utf-8")
    (tmp_path / "archive").mkdir()
    (tmp_path / "archive" / "x.txt").write_text("not a workspace file\n", "utf-8")
    before = provenance.snapshot(tmp_path)
    (tmp_path / "clusters.csv").write_text("b\n", "utf-8")
    (tmp_path / "inventory.csv").write_text("a\nchanged\n", "utf-8")
    after = provenance.snapshot(tmp_path, before)
    assert set(provenance.files_written(before, after)) == {"clusters.csv", "inventory.csv"}
    assert set(provenance.files_read("similarity", before, tmp_path)) == {"inventory.csv"}
    assert "archive/x.txt" not in after
    shutil.rmtree(tmp_path / "archive")
