"""The references re-check after a batch rescans only what the batch touched, and a caller it
rescans keeps what only the whole run knew: a library's variables set by the script that
sources it, a symlink's row."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from conftest import make_repo
from runbook_lib.discovery.discover import DiscoveryParams, run_discovery
from runbook_lib.discovery.rescan import Tree, rescan

LIB = "#!/bin/bash\n# a library: its callers set TOP_DIR\n"
FILES = {
    "stack.sh": '#!/bin/bash\nTOP_DIR=$(cd $(dirname "$0") && pwd)\nsource $TOP_DIR/lib/nova\n',
    "lib/nova": LIB + "bash $TOP_DIR/tools/clean.sh\nbash $TOP_DIR/tools/stats.sh\n",
    "tools/clean.sh": "#!/bin/bash\necho clean\n",
    "tools/stats.sh": "#!/bin/bash\necho stats\n",
}


def test_a_rescanned_caller_keeps_rows_it_learnt_from_the_whole_run(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", FILES)
    os.symlink("tools/stats.sh", repo / "stats")
    ws = tmp_path / "ws"
    run_discovery(DiscoveryParams(repo=repo, workspace=ws, containers=False))
    baseline = pd.read_csv(ws / "references.csv", keep_default_na=False)
    rows = {(r.source, r.target) for r in baseline.itertuples() if r.resolved}
    assert {("lib/nova", "tools/clean.sh"), ("lib/nova", "tools/stats.sh"),
            ("stats", "tools/stats.sh")} <= rows
    # a batch that quarantines tools/stats.sh: a header, nothing a caller sees changes
    (repo / "tools/stats.sh").write_text("#!/bin/bash\n# usage header\necho stats\n")
    inventory = pd.read_csv(ws / "inventory.csv", keep_default_na=False)
    tree = Tree(repo, frozenset(FILES), frozenset({"stats"}), frozenset(inventory["path"]))
    again = rescan(tree, baseline, {"tools/stats.sh": "M"}, {"tools/stats.sh"}, [], 1_000_000)
    columns = ["source", "line", "target", "status", "live"]
    assert again[columns].astype(str).values.tolist() == \
        baseline[columns].astype(str).values.tolist()


def test_a_removed_script_is_looked_up_again_in_its_callers_only(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", FILES)
    ws = tmp_path / "ws"
    run_discovery(DiscoveryParams(repo=repo, workspace=ws, containers=False))
    baseline = pd.read_csv(ws / "references.csv", keep_default_na=False)
    (repo / "tools/clean.sh").unlink()
    inventory = pd.read_csv(ws / "inventory.csv", keep_default_na=False)
    files = frozenset(p for p in FILES if p != "tools/clean.sh")
    tree = Tree(repo, files, frozenset(), frozenset(inventory["path"]))
    again = rescan(tree, baseline, {"tools/clean.sh": "D"}, {"tools/clean.sh"}, [], 1_000_000)
    resolved = {(r.source, r.target) for r in again.itertuples() if r.status == "resolved"}
    assert ("lib/nova", "tools/clean.sh") not in resolved
    assert {("lib/nova", "tools/stats.sh"), ("stack.sh", "lib/nova")} <= resolved


def test_a_changed_file_keeps_the_rows_of_the_lines_the_change_left(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", FILES)
    ws = tmp_path / "ws"
    run_discovery(DiscoveryParams(repo=repo, workspace=ws, containers=False))
    baseline = pd.read_csv(ws / "references.csv", keep_default_na=False)
    old = (repo / "lib/nova").read_text()
    # a batch gives the library a header of two lines and rewrites its first call: alone, its
    # scan knows no TOP_DIR (stack.sh sets it), so only the rewritten line is scanned afresh
    new = old.replace("# a library", "# quarantined: see plan.json\n# a library")
    new = new.replace("bash $TOP_DIR/tools/clean.sh", "bash /opt/tools/clean.sh")
    (repo / "lib/nova").write_text(new)
    inventory = pd.read_csv(ws / "inventory.csv", keep_default_na=False)
    tree = Tree(repo, frozenset(FILES), frozenset(), frozenset(inventory["path"]))
    texts = {"lib/nova": old}
    again = rescan(tree, baseline, {"lib/nova": "M"}, {"lib/nova"}, [], 1_000_000, texts.get)
    nova = {(r.line, r.target, r.status) for r in again.itertuples() if r.source == "lib/nova"}
    assert (5, "tools/stats.sh", "resolved") in nova  # line 4 before, TOP_DIR from stack.sh
    assert not any(line == 4 and target == "tools/clean.sh" for line, target, _ in nova)
    assert not any(status == "resolved" and line == 3 for line, _, status in nova)
    # without the text before, the library's scan alone cannot follow $TOP_DIR
    alone = rescan(tree, baseline, {"lib/nova": "M"}, {"lib/nova"}, [], 1_000_000)
    assert (5, "tools/stats.sh", "resolved") not in {
        (r.line, r.target, r.status) for r in alone.itertuples() if r.source == "lib/nova"}
