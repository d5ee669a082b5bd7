"""Every notebook runs headlessly through the runner on a small sample, in campaign order."""

from __future__ import annotations

import json

import nbformat
import pytest

from runbook_lib.archive import audit, htmlexport, runner
from runbook_lib.planning.approve import ApproveParams, approve
from runbook_lib.sample import generate

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def campaign(tmp_path_factory: pytest.TempPathFactory) -> dict[str, runner.RunRecord]:
    root = tmp_path_factory.mktemp("notebooks")
    repo = generate(root / "repo", scripts=40).repo
    ws = root / "ws"
    ws.mkdir()
    runs: dict[str, runner.RunRecord] = {}

    def step(name: str, values: dict[str, object], label: str = "") -> None:
        runs[label or name] = runner.run_step(name, {"workspace": str(ws), **values}, ws,
                                              label=label, log_output=False)

    step("discovery", {"repo": str(repo), "deploy_roots": ["/opt/app"]})
    step("similarity", {})
    step("plan", {"target_scripts": 30})
    approve(ApproveParams(ws, by="test", allow_risk=True))
    first = json.loads((ws / "plan.json").read_text("utf-8"))["batches"][0]["batch"]
    step("batch", {"batch": first}, label=f"batch-{first:03d}")
    step("report", {})
    return runs


def test_every_notebook_is_run(campaign: dict[str, runner.RunRecord]) -> None:
    steps = {record.step for record in campaign.values()}
    assert steps == set(runner.NOTEBOOKS)


@pytest.mark.parametrize("key", ["discovery", "similarity", "plan", "batch-001", "report"])
def test_notebook_ran_without_error_and_is_archived(campaign: dict[str, runner.RunRecord],
                                                   key: str) -> None:
    record = campaign[key]
    assert record.status == "ok", record.error
    nb = nbformat.read(record.notebook, as_version=4)
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
              if o.get("output_type") == "error"]
    assert errors == []
    assert record.html is not None and record.html.stat().st_size > 0
    assert htmlexport.external_resources(record.html.read_text("utf-8")) == []


def test_discovery_manifest_lists_what_it_wrote_and_the_commit(
        campaign: dict[str, runner.RunRecord]) -> None:
    manifest = json.loads((campaign["discovery"].folder / "manifest.json").read_text("utf-8"))
    assert {"inventory.csv", "references.csv"} <= set(manifest["files_written"])
    assert len(manifest["target"]["commit"]) == 40 and manifest["target"]["dirty"] is False
    similarity = json.loads((campaign["similarity"].folder / "manifest.json").read_text("utf-8"))
    assert similarity["files_read"]["inventory.csv"] == manifest["files_written"]["inventory.csv"]
    assert "clusters.csv" in similarity["files_written"]


def test_batch_manifest_records_the_moved_commit(campaign: dict[str, runner.RunRecord]) -> None:
    manifest = json.loads((campaign["batch-001"].folder / "manifest.json").read_text("utf-8"))
    assert manifest["target_before"]["commit"] != manifest["target"]["commit"]
    assert "batches/001/validation.json" in manifest["files_written"]


def test_charts_are_in_the_html_offline(campaign: dict[str, runner.RunRecord]) -> None:
    for key in ("discovery", "report"):
        body = campaign[key].html.read_text("utf-8")  # type: ignore[union-attr]
        assert body.count("plotly.js v") == 1 and "Plotly.newPlot" in body
        assert 'src="https://' not in body and "require.min.js" not in body


def test_audit_trail_of_the_campaign_verifies(campaign: dict[str, runner.RunRecord]) -> None:
    ws = campaign["report"].folder.parents[1]
    assert audit.verify(ws) == []
