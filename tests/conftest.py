from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

# the shared helpers assert too (userrepo.left_alone): their failures should show the values
pytest.register_assert_rewrite("userrepo")


@pytest.fixture(autouse=True)
def git_identity(monkeypatch: pytest.MonkeyPatch) -> None:
    """Commits in tests never depend on the machine's git configuration."""
    for var, value in {
        "GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "test@example.invalid",
        "GIT_COMMITTER_NAME": "Test", "GIT_COMMITTER_EMAIL": "test@example.invalid",
    }.items():
        monkeypatch.setenv(var, value)


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True,
                          check=True)
    return done.stdout


def make_repo(root: Path, files: dict[str, str | bytes], modes: dict[str, int] | None = None,
              commit: bool = True) -> Path:
    """A real git repo holding `files` (text or bytes), committed unless told not to."""
    root.mkdir(parents=True, exist_ok=True)
    git(root, "init", "-q", "-b", "main")
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        mode = (modes or {}).get(rel, 0o755 if rel.endswith((".sh", ".py")) else 0o644)
        path.chmod(mode)
    if commit:
        git(root, "add", "-A")
        git(root, "commit", "-q", "-m", "initial")
    return root


def live_rows(tmp_path: Path, files: dict[str, str | bytes]) -> set[tuple[str, int, str, str]]:
    """(source, line, target, rule) of the live resolved rows discovery gives on `files`."""
    import pandas as pd

    from runbook_lib.discovery.discover import DiscoveryParams, run_discovery

    repo = make_repo(tmp_path / "repo", files)
    run_discovery(DiscoveryParams(repo=repo, workspace=tmp_path / "ws", containers=False))
    refs = pd.read_csv(tmp_path / "ws" / "references.csv", keep_default_na=False)
    return {(r.source, int(r.line), r.target, r.rule) for r in refs.itertuples()
            if r.status == "resolved" and r.live}
