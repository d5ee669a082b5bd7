"""The cluster explorer of notebook 02: one cluster's members side by side with their diffs,
their callers and the action the plan takes on each; and, in JupyterLab with a live kernel, a
dropdown that shows the same for any cluster."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pandas as pd
from IPython.display import HTML, Markdown

from runbook_lib.core import workspace as ws_files
from runbook_lib.views import plan as plan_view
from runbook_lib.views import tables
from runbook_lib.views.similarity import side_by_side

MAX_DIFFS = 4  # side-by-side diffs shown per cluster: the least similar members first
HEADLESS_ENV = "RUNBOOK_RUN_ARCHIVE"  # set by the runner: nobody is there to pick a cluster


def read_table(ws: Path, name: str) -> pd.DataFrame:
    path = ws / name
    if not path.exists():
        return pd.DataFrame()
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def largest(clusters: pd.DataFrame) -> str:
    if clusters.empty:
        return ""
    sizes = clusters.groupby("cluster_id").size()
    return str(sizes.sort_index().idxmax())


def explore(workspace: str | Path, cluster: str = "") -> list[HTML | Markdown | Any]:
    """What is known about `cluster` (default: the largest), ready to display in order."""
    ws = Path(workspace)
    clusters = read_table(ws, "clusters.csv")
    if clusters.empty:
        return [tables.note("No cluster to explore: no two scripts are copies of each other.")]
    chosen = cluster or largest(clusters)
    members = clusters[clusters["cluster_id"] == chosen]
    if members.empty:
        known = ", ".join(sorted(clusters["cluster_id"].unique())[:8])
        return [tables.note(f"There is no cluster {chosen}; clusters are named like {known}.")]
    repo = Path(ws_files.read_json(ws / "discovery.json")["repo"])
    canonical = _canonical(members)
    return [tables.markdown(f"### Cluster {chosen}: {len(members)} scripts, kept: `{canonical}`"),
            member_table(members, plan_view.actions_by_path(ws)),
            callers(read_table(ws, "references.csv"), members["path"].tolist()),
            *diffs(repo, members, canonical)]


def _canonical(members: pd.DataFrame) -> str:
    marked = members[members["canonical"].str.lower() == "true"]["path"]
    return str(marked.iloc[0] if not marked.empty else members["path"].iloc[0])


def member_table(members: pd.DataFrame, actions: dict[str, dict[str, Any]]) -> Any:
    rows = [{"path": m["path"],
             "role": "keep" if m["canonical"].lower() == "true" else "copy",
             "kind of copy": "" if m["canonical"].lower() == "true" else m["clone_type"],
             "similarity (%)": round(float(m["similarity"] or 0) * 100, 1),
             "lines": m.get("lines", ""), "live callers": m.get("live_callers", ""),
             "planned action": _action_text(actions.get(m["path"]))}
            for m in members.to_dict("records")]
    return tables.static(pd.DataFrame(rows), "No member.", caption="Members")


def _action_text(action: dict[str, Any] | None) -> str:
    if action is None:
        return "none planned (or no plan yet)"
    style = f" ({action['style']})" if action.get("style") else ""
    return f"batch {action['batch']}: {action['action']}{style}"


def callers(references: pd.DataFrame, paths: list[str]) -> Any:
    if references.empty:
        return tables.note("No reference table: run discovery first.")
    found = references[references["target"].isin(paths) & (references["status"] == "resolved")]
    shown = found[[c for c in ("target", "source", "line", "kind", "live", "rule", "confidence",
                               "text") if c in found.columns]]
    return tables.interactive(shown.rename(columns={"target": "member", "source": "caller",
                                                    "text": "line text"}),
                              "No caller of any member was found.", rows=10,
                              caption="Callers of the members")


def diffs(repo: Path, members: pd.DataFrame, canonical: str) -> list[HTML | Markdown]:
    others = members[members["path"] != canonical].copy()
    others["similarity"] = pd.to_numeric(others["similarity"], errors="coerce")
    others = others.sort_values("similarity")
    shown: list[HTML | Markdown] = []
    identical = others[others["clone_type"] == "exact"]
    if not identical.empty:
        shown.append(tables.markdown("Identical to the kept script, byte for byte: " + ", ".join(
            f"`{p}`" for p in identical["path"])))
    for path in others[others["clone_type"] != "exact"]["path"].head(MAX_DIFFS):
        shown.append(tables.html(side_by_side(repo, canonical, str(path))))
    if len(others) - len(identical) > MAX_DIFFS:
        shown.append(tables.note(f"{len(others) - len(identical) - MAX_DIFFS} more members not "
                                 "diffed here; pass focus_cluster to see another cluster."))
    return shown


def picker(workspace: str | Path) -> Any:
    """A dropdown of every cluster (largest first) that shows the explorer for the one picked;
    in a headless (archived) run, a sentence instead: nobody is there to pick."""
    clusters = read_table(Path(workspace), "clusters.csv")
    if clusters.empty:
        return tables.note("No cluster to pick.")
    if os.environ.get(HEADLESS_ENV):
        return tables.note("Open this notebook in JupyterLab to pick any cluster from a list; "
                           "the archived run shows the cluster named by focus_cluster.")
    import ipywidgets as widgets
    from IPython.display import display

    sizes = clusters.groupby("cluster_id").size().sort_values(ascending=False)
    choice = widgets.Dropdown(options=[(f"{c} ({n} scripts)", c) for c, n in sizes.items()],
                              description="cluster")
    out = widgets.Output()

    def show(change: dict[str, Any]) -> None:
        out.clear_output()
        with out:
            display(*explore(workspace, str(change["new"])))  # type: ignore[no-untyped-call]

    choice.observe(show, names="value")
    show({"new": choice.value})
    return widgets.VBox([choice, out])
