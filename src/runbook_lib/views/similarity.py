"""Tables and figures of the similarity step for notebook 02 (data in, figures out)."""

from __future__ import annotations

import difflib
from pathlib import Path

import networkx as nx
import pandas as pd
import plotly.express as px
import plotly.graph_objects as go

from runbook_lib.views import charts

KIND_ORDER = ("duplicate", "near_duplicate", "backup_copy", "orphan", "family", "shared_fragment")


def cluster_sizes(clusters: pd.DataFrame) -> go.Figure:
    sizes = clusters.groupby("cluster_id").size().value_counts().sort_index()
    fig = px.bar(x=sizes.index.astype(str), y=sizes.values,
                 labels={"x": "scripts in the cluster", "y": "clusters"},
                 title="Cluster sizes")
    return fig


def opportunity_treemap(opportunities: pd.DataFrame) -> go.Figure:
    frame = opportunities.assign(
        folder=opportunities["keep"].fillna("").map(_folder),
        weight=opportunities["scripts_removed"].clip(lower=0) + 0.01,
    )
    fig = px.treemap(frame, path=[px.Constant("opportunities"), "kind", "folder"],
                     values="weight", color="kind", hover_data=["lines_removed"])
    fig.update_layout(title="Opportunities by kind and folder (size: scripts removed)",
                      margin={"t": 40, "l": 0, "r": 0, "b": 0})
    return fig


def _folder(path: str) -> str:
    first = str(path).split(";")[0]
    return first.rsplit("/", 1)[0] if "/" in first else "."


def cluster_network(pairs: pd.DataFrame, inventory: pd.DataFrame, top: int = 25) -> go.Figure:
    """Scripts as nodes (size: live callers), verified similar pairs as edges."""
    graph = nx.Graph()
    # the largest clusters only: a 100,000-script repo has a million pairs
    degree = pd.concat([pairs["a"], pairs["b"]]).value_counts()
    keep = set(degree.index[: top * 20])
    pairs = pairs[pairs["a"].isin(keep) & pairs["b"].isin(keep)]
    for a, b, sim in pairs[["a", "b", "similarity"]].itertuples(index=False):
        graph.add_edge(a, b, weight=float(sim))
    parts = sorted(nx.connected_components(graph), key=len, reverse=True)[:top]
    sub = graph.subgraph(set().union(*parts)) if parts else graph
    callers = dict(zip(inventory["path"], inventory["live_callers"], strict=True))
    pos = nx.spring_layout(sub, seed=3)
    nodes = sorted(sub.nodes())
    return go.Figure([
        charts.edge_trace(sub, pos),
        go.Scatter(x=[pos[n][0] for n in nodes], y=[pos[n][1] for n in nodes], mode="markers",
                   text=[f"{n} ({callers.get(n, 0)} live callers)" for n in nodes],
                   hoverinfo="text",
                   marker={"size": [7 + 3 * min(int(callers.get(n, 0)), 10) for n in nodes]}),
    ]).update_layout(title=f"The {len(parts)} largest clusters (size: live callers)",
                     showlegend=False, xaxis={"visible": False}, yaxis={"visible": False})


def side_by_side(repo: Path, canonical: str, member: str) -> str:
    """An HTML table diff of the canonical and one member."""
    def lines(path: str) -> list[str]:
        try:
            return (repo / path).read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError:
            return [f"({path} is no longer in the working tree)"]

    return difflib.HtmlDiff(wrapcolumn=80).make_table(
        lines(canonical), lines(member), canonical, member, context=True, numlines=2)


def waterfall(inventory: pd.DataFrame, opportunities: pd.DataFrame) -> go.Figure:
    """Scripts today, then what each kind of opportunity would remove."""
    removed = opportunities.groupby("kind")["scripts_removed"].sum()
    kinds = [k for k in KIND_ORDER if removed.get(k, 0)]
    values = [len(inventory)] + [-int(removed[k]) for k in kinds] + [0]
    labels = ["today", *kinds, "after all"]
    fig = go.Figure(go.Waterfall(x=labels, y=values,
                                 measure=["absolute"] + ["relative"] * len(kinds) + ["total"]))
    fig.update_layout(title="How far the script count can come down, by kind of opportunity",
                      showlegend=False)
    return fig


def top_fragments(fragments: pd.DataFrame, top: int = 15) -> pd.DataFrame:
    if fragments.empty:
        return fragments
    grouped = fragments.groupby("fragment_id").agg(
        name=("name", "first"), lines=("lines", "max"), copies=("copies", "max"),
        example=("path", "first"))
    return grouped.sort_values(["copies", "lines"], ascending=False).head(top).reset_index()


def inventory_of(workspace: str | Path) -> tuple[pd.DataFrame, Path]:
    """The discovery inventory and the repo it describes."""
    import json

    ws = Path(workspace)
    info = json.loads((ws / "discovery.json").read_text(encoding="utf-8"))
    return pd.read_csv(ws / "inventory.csv", keep_default_na=False), Path(info["repo"])


def cluster_diff(repo: Path, clusters: pd.DataFrame,
                 cluster: str = "") -> tuple[pd.DataFrame, str]:
    """Members of `cluster` (default: the largest) and an HTML diff of its canonical and the
    least similar member."""
    if clusters.empty:
        return clusters, "<p>No clusters.</p>"
    ids = clusters["cluster_id"].astype(str)
    chosen = cluster or str(ids.value_counts().sort_index().idxmax())
    members = clusters[ids == chosen]
    if members.empty:
        return members, f"<p>No cluster {chosen}.</p>"
    canonical = members[members["canonical"].astype(str).str.lower() == "true"]["path"].iloc[0]
    others = members[members["path"] != canonical].sort_values("similarity")
    if others.empty:
        return members, "<p>The cluster has one member.</p>"
    return members, side_by_side(repo, canonical, str(others["path"].iloc[0]))
