"""Building small real repos and running discovery on them, the way a user would."""

from __future__ import annotations

import textwrap
from pathlib import Path

from runbook_lib.discovery.discover import DiscoveryParams, run_discovery

Row = tuple[str, int, str, str, bool]  # source, line, target, status, live


def text(block: str) -> str:
    """A file's text written as an indented block in a test: the newline after the opening
    quotes and the block's margin are not part of the file."""
    return textwrap.dedent(block.removeprefix("\n"))


def resolved(source: str, *found: tuple[int, str]) -> set[Row]:
    """The rows by which `source` runs, from each (line, target), a repo file: resolved, live."""
    return {(source, line, target, "resolved", True) for line, target in found}


def make_repo(root: Path, files: dict[str, str], links: dict[str, str] | None = None) -> None:
    for path, content in files.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(content)
    for link, target in (links or {}).items():
        (root / link).parent.mkdir(parents=True, exist_ok=True)
        (root / link).symlink_to(target)


def discover(root: Path, files: dict[str, str], links: dict[str, str] | None = None,
             deploy_roots: tuple[str, ...] = ("/opt/app",)) -> list[dict[str, object]]:
    """Every reference row discovery writes for a repo made of `files` (not a git repo)."""
    repo = root / "repo"
    make_repo(repo, files, links)
    result = run_discovery(DiscoveryParams(repo=repo, workspace=root / "ws",
                                           deploy_roots=list(deploy_roots), containers=False))
    return [dict(r) for r in result.references.to_dict("records")]


def scan_repo(root: Path, files: dict[str, str], links: dict[str, str] | None = None,
              deploy_roots: tuple[str, ...] = ("/opt/app",), only: str | None = None,
              kinds: bool = False) -> set[Row]:
    """(source, line, target, status, live) of every row that is not docs or data evidence."""
    rows = discover(root, files, links, deploy_roots)
    return {(str(r["source"]), int(r["line"]), str(r["target"]), str(r["status"]),  # type: ignore[call-overload]
             bool(r["live"])) for r in rows
            if (only is None or r["source"] == only) and (kinds or r["kind"] not in
                                                          ("docs", "data"))}


def rules(root: Path, files: dict[str, str], only: str,
          links: dict[str, str] | None = None) -> set[tuple[int, str, str, str, str, bool]]:
    """(line, target, kind, rule, confidence, live) of the rows from one file."""
    return {(int(r["line"]), str(r["target"]), str(r["kind"]), str(r["rule"]),  # type: ignore[call-overload]
             str(r["confidence"]), bool(r["live"]))
            for r in discover(root, files, links) if r["source"] == only}


def targets(root: Path, files: dict[str, str], only: str) -> set[tuple[int, str]]:
    """(line, target) of every row from one file that is not docs or data evidence."""
    return {(line, target) for _, line, target, _, _ in scan_repo(root, files, only=only)}
