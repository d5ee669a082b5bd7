"""shellcheck findings for canonical tie-breaks: one call per core on long lists, the same
counts as one call."""

from __future__ import annotations

from pathlib import Path

from runbook_lib.similarity import lint


def _scripts(root: Path, n: int) -> dict[str, int]:
    """n scripts; script i has i % 3 unquoted arguments (one SC2086 finding each)."""
    want: dict[str, int] = {}
    for i in range(n):
        k = i % 3
        body = "".join(f"echo ${j + 1}\n" for j in range(k))
        (root / f"s{i:03d}.sh").write_text(f"#!/bin/bash\n{body}")
        want[f"s{i:03d}.sh"] = k
    return want


def test_a_long_list_split_over_calls_counts_every_file(tmp_path: Path) -> None:
    want = _scripts(tmp_path, 130)
    assert len(lint._split(sorted(want), 3)) == 3
    assert lint.findings(tmp_path, sorted(want), processes=3) == want
    assert lint.findings(tmp_path, sorted(want), processes=1) == want


def test_a_short_list_is_one_call(tmp_path: Path) -> None:
    want = _scripts(tmp_path, 10)
    assert len(lint._split(sorted(want), 8)) == 1
    assert lint.findings(tmp_path, sorted(want), processes=8) == want
