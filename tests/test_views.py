"""Tables for people: no dict or list in a cell, no column empty for every row, code and paths
in monospace, a sentence instead of an empty table; checks as readable rows."""

from __future__ import annotations

import pandas as pd
from IPython.display import HTML, Markdown
from pandas.io.formats.style import Styler

from runbook_lib.execution.batch import BatchOutcome
from runbook_lib.views import batch, similarity, tables


def test_tidy_flattens_cells_and_drops_empty_columns() -> None:
    frame = pd.DataFrame({"path": ["a.sh", "b.sh"], "empty": ["", None],
                          "nan": [float("nan")] * 2, "details": [{"declared": 25}, ["x", "y"]]})
    tidy = tables.tidy(frame)
    assert list(tidy.columns) == ["path", "details"]
    assert list(tidy["details"]) == ["declared: 25", "x, y"]


def test_an_empty_table_is_a_sentence() -> None:
    shown = tables.interactive(pd.DataFrame(columns=["path"]), "No orphan.")
    assert isinstance(shown, Markdown) and "No orphan." in shown.data
    assert isinstance(tables.static(pd.DataFrame(), "Nothing."), Markdown)


def test_paths_are_monospace_and_left_aligned() -> None:
    frame = pd.DataFrame({"path": ["scripts/a.sh"], "lines": [3], "kind": ["script"]})
    shown = tables.interactive(frame, "none")
    assert isinstance(shown, HTML)
    assert '"className": "rb-code rb-path", "targets": [0]' in shown.data
    assert '"className": "dt-right rb-num", "targets": [1]' in shown.data
    static = tables.static(frame, "none")
    assert isinstance(static, Styler)
    html = static.to_html()
    assert "monospace" in html and "text-align: left !important" in html


def test_checks_are_rows_of_text_not_json() -> None:
    outcome = BatchOutcome(3, "rolled_back", "rolled back", [
        {"name": "changed_set", "status": "pass",
         "details": {"declared": 25, "extra": [], "missing": []}},
        {"name": "references", "status": "fail",
         "details": ["jobs/a.sh: scripts/lib/x.sh no longer resolves",
                     "jobs/b.sh: scripts/lib/x.sh no longer resolves"]},
        {"name": "modes", "status": "pass", "details": []},
        {"name": "behaviour", "status": "skip", "details": "no declared cases"},
    ])
    rows = batch.check_rows(outcome)
    assert rows.values.tolist() == [
        ["changed_set", "pass", "declared", "25"], ["changed_set", "pass", "extra", "none"],
        ["changed_set", "pass", "missing", "none"],
        ["references", "fail", "", "jobs/a.sh: scripts/lib/x.sh no longer resolves"],
        ["references", "fail", "", "jobs/b.sh: scripts/lib/x.sh no longer resolves"],
        ["modes", "pass", "", ""],
        ["behaviour", "skip", "", "details in its own section below"],
    ]
    assert not any(isinstance(v, dict | list) for v in rows.to_numpy().ravel())


def test_network_only_for_clusters_of_three_or_spanning_folders() -> None:
    clusters = pd.DataFrame({
        "cluster_id": ["C1", "C1", "C2", "C2", "C2", "C3", "C3"],
        "path": ["ops/a.sh", "ops/b.sh", "x/c.sh", "x/d.sh", "x/e.sh", "p/f.sh", "q/f.sh"]})
    assert similarity.network_worthy(clusters) == ["C2", "C3"]
    pairs_only = clusters[clusters["cluster_id"] == "C1"]
    shown = similarity.cluster_network(pairs_only, pd.DataFrame(), pd.DataFrame())
    assert isinstance(shown, Markdown) and "pair inside one folder" in shown.data


def test_tables_and_charts_stay_small_at_100000_scripts() -> None:
    paths = [f"svc{i % 500}/scripts/job_{i}.sh" for i in range(100_000)]
    inventory = pd.DataFrame({"path": paths, "lines": 40, "risks": "env;network",
                              "language": "bash", "live_callers": 0, "callers": 0,
                              "archived": False})
    shown = tables.interactive(inventory[["path", "language", "lines"]], "none")
    assert isinstance(shown, HTML) and len(shown.data) < 1_000_000
    assert "The first 2,000 of 100,000 rows" in shown.data
    from runbook_lib.views import charts

    figure = charts.treemap(inventory)
    assert len(figure.to_json()) < 500_000  # folders as leaves, not 100,000 files
