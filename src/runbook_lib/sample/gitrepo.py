"""The git calls the generator needs, with a fixed identity and clock so ids are reproducible."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from runbook_lib.gitops import runner

IDENTITY = {
    "GIT_AUTHOR_NAME": "Ops Sample", "GIT_AUTHOR_EMAIL": "ops-sample@example.invalid",
    "GIT_COMMITTER_NAME": "Ops Sample", "GIT_COMMITTER_EMAIL": "ops-sample@example.invalid",
}
# The user's own git configuration (hooks, signing, templates) must not change the commits.
ISOLATION = {
    "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1", "GIT_TERMINAL_PROMPT": "0",
    "LC_ALL": "C", "TZ": "UTC",
}


def _env(date: str | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(ISOLATION)
    env.update(IDENTITY)
    if date:
        env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = date
    return env


def git(root: Path, args: Sequence[str], date: str | None = None,
        stdin: bytes | None = None) -> str:
    out = runner.git_bytes(root, "-c", "core.autocrlf=false", "-c", "core.fileMode=true", *args,
                           env=_env(date), input_bytes=stdin)
    return out.decode("utf-8", "replace")


def init(root: Path) -> None:
    git(root, ["init", "-q", "--template=", "-b", "main"])


def commit(root: Path, paths: Sequence[str], message: str, date: str) -> None:
    """Stage exactly `paths` (update-index: no pathspec matching, fast at 100k files)."""
    data = b"".join(os.fsencode(p) + b"\0" for p in sorted(paths))
    git(root, ["update-index", "--add", "-z", "--stdin"], stdin=data)
    git(root, ["commit", "-q", "--no-verify", "-m", message], date=date)


def head(root: Path) -> str:
    return git(root, ["rev-parse", "HEAD"]).strip()
