"""mentions: a removed path named where something may still run it fails the batch."""

from __future__ import annotations

from pathlib import Path

from conftest import git, make_repo
from runbook_lib.checks.context import BatchContext
from runbook_lib.checks.mentions import mentions

FILES = {
    "tools/rotate_logs.sh": "#!/bin/sh\necho rotate\n",
    "deploy/app.conf": "[job]\nrun = /opt/app/tools/rotate_logs.sh --daily\n",
    "deploy/k8s.yaml": "command: [\"bash\", \"rotate_logs.sh\"]\n",
    "scripts/cleanup.sh": "#!/bin/sh\n# rotate_logs.sh did this before\necho clean\n",
    "scripts/seen.sh": "#!/bin/sh\nsh tools/rotate_logs.sh\n",
    "docs/ops.md": "Run tools/rotate_logs.sh by hand.\n",
    "data/report.json": "{\"script\": \"tools/rotate_logs.sh\"}\n",
    "old/rotate_logs.sh.txt": "not a look-alike: rotate_logs.sh.txt is another name\n",
    "notes/prerotate_logs.sh.md": "x\n",
}


def test_unexplained_mentions_fail_with_file_line_and_text(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", FILES)
    old = git(repo, "rev-parse", "HEAD").strip()
    git(repo, "rm", "-q", "tools/rotate_logs.sh")
    git(repo, "commit", "-qm", "retire")
    new = git(repo, "rev-parse", "HEAD").strip()
    baseline = tmp_path / "references.csv"  # discovery saw the call in scripts/seen.sh
    baseline.write_text("source,line,target,kind,status,resolved,live,text\n"
                        "scripts/seen.sh,2,tools/rotate_logs.sh,script,resolved,true,true,"
                        "sh tools/rotate_logs.sh\n", "utf-8")
    ctx = BatchContext(repo, tmp_path, repo, {"batch": 1, "actions": []}, old, new, baseline,
                       {"tools/rotate_logs.sh": "D"})
    result = mentions(ctx)
    assert result.status == "fail"
    assert result.details == [
        "deploy/app.conf:2: names tools/rotate_logs.sh (removed): "
        "run = /opt/app/tools/rotate_logs.sh --daily",
        "deploy/k8s.yaml:1: names tools/rotate_logs.sh (removed): "
        "command: [\"bash\", \"rotate_logs.sh\"]"]


def test_nothing_removed_costs_nothing(tmp_path: Path) -> None:
    ctx = BatchContext(tmp_path, tmp_path, tmp_path, {"batch": 1, "actions": []}, "a", "b",
                       tmp_path / "none.csv", {"x.sh": "M"})
    assert mentions(ctx).status == "pass"
