"""Every notebook runs to the end on every shape of data: no script, one script, no clusters, no
references, no orphans, one huge cluster. An empty section says so in a sentence."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest

from conftest import make_repo
from runbook_lib.archive import runner
from runbook_lib.planning.approve import ApproveParams, approve

pytestmark = pytest.mark.slow

BODY = """#!/bin/bash
set -euo pipefail
echo "checking {name} on {host}"
curl -fsS "https://{host}/healthz" -o /dev/null
status=$?
if [ "$status" -ne 0 ]; then
  echo "{name} is down" >&2
  exit 1
fi
echo "{name} answered"
"""


def _script(name: str, host: str = "") -> str:
    return BODY.format(name=name, host=host or f"{name}.example")


UNRELATED = [
    "#!/bin/sh\nset -e\ntar -czf /tmp/etc.tgz /etc\nls -l /tmp/etc.tgz\n",
    "#!/bin/bash\nfor f in /var/log/*.log; do\n  wc -l \"$f\"\ndone\ndf -h /\n",
    "#!/usr/bin/env python3\nimport json\nimport sys\n\nprint(json.dumps({'argv': sys.argv}))\n",
    "#!/bin/bash\nset -u\nuptime\nfree -m\nwho | sort | uniq -c\n",
]


def _unrelated(i: int) -> str:
    return UNRELATED[i % len(UNRELATED)]


SHAPES: dict[str, dict[str, str]] = {
    "no_scripts": {"README.md": "nothing to run here\n"},
    "one_script": {"tools/only.sh": _script("only")},
    "no_clusters_no_references": {f"bin/tool{i}": _unrelated(i) for i in range(4)},
    "no_orphans": {"Makefile": "all:\n\t./a.sh\n\t./b.sh\n", "a.sh": _unrelated(0),
                   "b.sh": _unrelated(1)},
    "one_huge_cluster": {f"copies/site{i:02d}/check.sh": _script("web")
                         for i in range(60)},
}


def _errors(record: runner.RunRecord) -> list[str]:
    nb = nbformat.read(record.notebook, as_version=4)
    return [f"{o.get('ename')}: {o.get('evalue')}" for c in nb.cells if c.cell_type == "code"
            for o in c.get("outputs", []) if o.get("output_type") == "error"]


def _texts(record: runner.RunRecord) -> str:
    nb = nbformat.read(record.notebook, as_version=4)
    return "\n".join(str(o.get("data", {}).get("text/markdown", ""))
                     for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []))


@pytest.fixture(scope="module", params=sorted(SHAPES))
def shape(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
          ) -> tuple[str, Path, dict[str, runner.RunRecord]]:
    name = str(request.param)
    root = tmp_path_factory.mktemp(name)
    repo = make_repo(root / "repo", SHAPES[name])
    ws = root / "ws"
    ws.mkdir()
    runs: dict[str, runner.RunRecord] = {}
    for step, values in (("discovery", {"repo": str(repo)}), ("similarity", {}), ("plan", {})):
        runs[step] = runner.run_step(step, {"workspace": str(ws), **values}, ws,
                                     log_output=False)
    approve(ApproveParams(ws, by="test", allow_risk=True))
    batches = json.loads((ws / "plan.json").read_text("utf-8"))["batches"]
    if batches:
        runs["batch"] = runner.run_step("batch", {"workspace": str(ws), "batch": 1}, ws,
                                        label="batch-001", log_output=False)
    runs["report"] = runner.run_step("report", {"workspace": str(ws)}, ws, log_output=False)
    return name, ws, runs


def test_every_notebook_runs_to_the_end(shape: tuple[str, Path, dict[str, runner.RunRecord]]
                                        ) -> None:
    name, _ws, runs = shape
    for step, record in runs.items():
        assert record.status == "ok", f"{name}/{step}: {record.error}"
        assert _errors(record) == [], f"{name}/{step}"
        assert record.html is not None and record.html.stat().st_size > 0


def test_empty_sections_say_why(shape: tuple[str, Path, dict[str, runner.RunRecord]]) -> None:
    name, _ws, runs = shape
    said = {step: _texts(record) for step, record in runs.items()}
    if name == "no_scripts":
        assert "No script was found" in said["discovery"]
    if name in ("no_scripts", "one_script", "no_clusters_no_references"):
        assert "No cluster: no two scripts are copies of each other." in said["similarity"]
        assert "No cluster to explore" in said["similarity"]
    if name == "no_clusters_no_references":
        assert "No reference to a script was found" in said["discovery"]
    if name == "no_orphans":
        assert "No orphan: every script" in said["discovery"]
    if name == "one_huge_cluster":
        assert "Cluster C0001: 60 scripts" in said["similarity"]
        assert "Identical to the kept script, byte for byte" in said["similarity"]


def test_batches_of_every_shape_are_promoted(
        shape: tuple[str, Path, dict[str, runner.RunRecord]]) -> None:
    name, ws, runs = shape
    plan = json.loads((ws / "plan.json").read_text("utf-8"))
    assert ("batch" in runs) == bool(plan["batches"])
    if plan["batches"]:
        result = json.loads((ws / "batches/001/validation.json").read_text("utf-8"))
        assert result["status"] == "promoted", f"{name}: {result['message']}"
    if name == "one_huge_cluster":
        assert plan["batches"][0]["scripts"] == 59  # a cluster lands in one batch, whole
