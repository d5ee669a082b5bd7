"""The batch references check and a file a batch replaces whole (a merge or a shim): its
unchanged lines may mean something else now (a variable, a `cd` above them changed), so they
are scanned afresh and do not keep their baseline rows."""

from __future__ import annotations

from pathlib import Path

from conftest import git, make_repo
from runbook_lib.checks.context import BatchContext
from runbook_lib.checks.static import references
from runbook_lib.discovery.discover import DiscoveryParams, run_discovery

FILES = {"a.sh": "#!/bin/bash\nDIR=tools\nbash $DIR/run.sh\n",
         "tools/run.sh": "#!/bin/bash\necho run\n"}


def _discovered(tmp_path: Path) -> tuple[Path, Path]:
    """A repo of FILES, committed and discovered: (repo, workspace)."""
    repo = make_repo(tmp_path / "repo", FILES)
    ws = tmp_path / "ws"
    run_discovery(DiscoveryParams(repo=repo, workspace=ws, containers=False))
    return repo, ws


def _commit(repo: Path, text: str, message: str) -> str:
    (repo / "a.sh").write_text(text, "utf-8")
    git(repo, "commit", "-qam", message)
    return git(repo, "rev-parse", "HEAD").strip()


def _context(tmp_path: Path, action: str) -> BatchContext:
    repo, ws = _discovered(tmp_path)
    old = git(repo, "rev-parse", "HEAD").strip()
    # the merged script sets DIR elsewhere; line 3 reads as it did
    new = _commit(repo, "#!/bin/bash\nDIR=gone\nbash $DIR/run.sh\n", "two")
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

    repo, ws = _discovered(tmp_path)
    old = _commit(repo, "#!/bin/bash\necho hi\nDIR=tools\nbash $DIR/run.sh\n",
                  "the user's commit")
    new = _commit(repo, "#!/bin/bash\n# quarantined\necho hi\nDIR=tools\nbash $DIR/run.sh\n",
                  "the batch")
    (ws / "batches" / "001").mkdir(parents=True)
    batch = {"batch": 1, "actions": [{"action": "quarantine", "path": "a.sh"}]}
    ctx = BatchContext(repo, ws, repo, batch, old, new, ws / "references.csv", {"a.sh": "M"})
    assert references(ctx).status == "pass"
    rows = pd.read_csv(ws / "batches" / "001" / "references.csv", keep_default_na=False)
    assert {(int(r.line), r.target) for r in rows.itertuples()} == {(5, "tools/run.sh")}
