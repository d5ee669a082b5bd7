"""The batch references check and a file a batch replaces whole (a merge or a shim): its
unchanged lines may mean something else now (a variable, a `cd` above them changed), so they
are scanned afresh and do not keep their baseline rows."""

from __future__ import annotations

import subprocess
from pathlib import Path

from runbook_lib.checks.context import BatchContext
from runbook_lib.checks.static import references
from runbook_lib.discovery.discover import DiscoveryParams, run_discovery


def _git(repo: Path, *args: str) -> str:
    done = subprocess.run(["git", "-C", str(repo), "-c", "user.email=t@t", "-c", "user.name=t",
                           *args], check=True, capture_output=True, text=True)
    return done.stdout.strip()


def _context(tmp_path: Path, action: str) -> BatchContext:
    repo = tmp_path / "repo"
    (repo / "tools").mkdir(parents=True)
    subprocess.run(["git", "init", "-q", "-b", "main", str(repo)], check=True)
    (repo / "a.sh").write_text("#!/bin/bash\nDIR=tools\nbash $DIR/run.sh\n", "utf-8")
    (repo / "tools/run.sh").write_text("#!/bin/bash\necho run\n", "utf-8")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "one")
    old = _git(repo, "rev-parse", "HEAD")
    ws = tmp_path / "ws"
    run_discovery(DiscoveryParams(repo=repo, workspace=ws, containers=False))
    # the merged script sets DIR elsewhere; line 3 reads as it did
    (repo / "a.sh").write_text("#!/bin/bash\nDIR=gone\nbash $DIR/run.sh\n", "utf-8")
    _git(repo, "commit", "-qam", "two")
    new = _git(repo, "rev-parse", "HEAD")
    (ws / "batches" / "001").mkdir(parents=True)
    batch = {"batch": 1, "actions": [{"action": action, "path": "a.sh", "merged": ""}]}
    return BatchContext(repo, ws, repo, batch, old, new, ws / "references.csv", {"a.sh": "M"})


def test_a_merged_file_whose_unchanged_line_no_longer_resolves_fails(tmp_path: Path) -> None:
    result = references(_context(tmp_path, "merge"))
    assert result.status == "fail", result.details
    assert any(d.startswith("a.sh:") for d in result.details)


def test_kept_rows_follow_the_baselines_own_line_numbers(tmp_path: Path) -> None:
    """A commit between discovery and the batch moved the file's lines: the baseline's line
    numbers are discovery's, so the lines are matched from discovery's text, not the
    checkpoint's."""
    import pandas as pd

    repo = tmp_path / "repo"
    (repo / "tools").mkdir(parents=True)
    subprocess.run(["git", "init", "-q", "-b", "main", str(repo)], check=True)
    (repo / "a.sh").write_text("#!/bin/bash\nDIR=tools\nbash $DIR/run.sh\n", "utf-8")
    (repo / "tools/run.sh").write_text("#!/bin/bash\necho run\n", "utf-8")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "one")
    ws = tmp_path / "ws"
    run_discovery(DiscoveryParams(repo=repo, workspace=ws, containers=False))
    (repo / "a.sh").write_text("#!/bin/bash\necho hi\nDIR=tools\nbash $DIR/run.sh\n", "utf-8")
    _git(repo, "commit", "-qam", "the user's commit")
    old = _git(repo, "rev-parse", "HEAD")
    (repo / "a.sh").write_text("#!/bin/bash\n# quarantined\necho hi\nDIR=tools\n"
                               "bash $DIR/run.sh\n", "utf-8")
    _git(repo, "commit", "-qam", "the batch")
    new = _git(repo, "rev-parse", "HEAD")
    (ws / "batches" / "001").mkdir(parents=True)
    batch = {"batch": 1, "actions": [{"action": "quarantine", "path": "a.sh"}]}
    ctx = BatchContext(repo, ws, repo, batch, old, new, ws / "references.csv", {"a.sh": "M"})
    assert references(ctx).status == "pass"
    rows = pd.read_csv(ws / "batches" / "001" / "references.csv", keep_default_na=False)
    assert {(int(r.line), r.target) for r in rows.itertuples()} == {(5, "tools/run.sh")}
