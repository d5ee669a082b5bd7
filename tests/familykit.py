"""Same-job families of a small repo written from a dict, as a user gets them: discovery, then
similarity. Shared by the families tests."""

from __future__ import annotations

from pathlib import Path

from runbook_lib.discovery.discover import DiscoveryParams, run_discovery
from runbook_lib.similarity import SimilarityParams, run_similarity


def families_of(tmp_path: Path, files: dict[str, str], copies: bool = True) -> list[set[str]]:
    """The families (sets of paths, in order of their smallest path); with `copies=False` the
    files must form no cluster of copies."""
    repo, ws = tmp_path / "repo", tmp_path / "ws"
    for path, text in files.items():
        (repo / path).parent.mkdir(parents=True, exist_ok=True)
        (repo / path).write_text(text)
    run_discovery(DiscoveryParams(repo=repo, workspace=ws))
    result = run_similarity(ws, SimilarityParams(workspace=ws, shellcheck=False))
    assert copies or result.clusters.empty
    return sorted((set(g) for g in result.families.groupby("family_id")["path"].apply(set)),
                  key=sorted)
