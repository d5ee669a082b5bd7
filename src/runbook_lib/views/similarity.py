"""What notebook 02 shows: clusters of copies and an explorer for one of them, opportunities,
shared fragments, same-job families and how far the script count can come down."""

from __future__ import annotations

import difflib
import html
from pathlib import Path

import networkx as nx
import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
from IPython.display import Markdown
from pandas.io.formats.style import Styler

from runbook_lib.core import workspace as ws_files
from runbook_lib.similarity import SimilarityResult
from runbook_lib.views import charts, tables

KIND_ORDER = ("duplicate", "near_duplicate", "backup_copy", "orphan", "family", "shared_fragment")
TIER_ORDER = ("exact", "normalised", "renamed", "variant", "near")
NETWORK_CLUSTERS = 25  # clusters drawn at most, the largest first
MEMBERS_DRAWN = 40  # members drawn per cluster


def inventory_of(workspace: str | Path) -> tuple[pd.DataFrame, Path]:
    """The discovery inventory and the repo it describes."""
    ws = Path(workspace)
    info = ws_files.read_json(ws / "discovery.json")
    return pd.read_csv(ws / "inventory.csv", keep_default_na=False), Path(info["repo"])


def summary(result: SimilarityResult) -> Styler | Markdown:
    clusters = result.clusters
    by_tier = clusters[clusters["canonical"].astype(str).str.lower() != "true"]
    tiers = by_tier["clone_type"].value_counts() if not by_tier.empty else pd.Series(dtype=int)
    return tables.key_values([
        ("clusters of copies", clusters["cluster_id"].nunique() if not clusters.empty else 0),
        ("scripts in a cluster", len(clusters)),
        ("copies by kind (exact, normalised, renamed, near ...)",
         ", ".join(f"{t} {int(tiers[t])}" for t in dict.fromkeys((*TIER_ORDER, *tiers.index))
                   if t in tiers.index and tiers[t]) or "none"),
        ("shared fragments (blocks pasted across scripts)",
         result.fragments["fragment_id"].nunique() if not result.fragments.empty else 0),
        ("same-job families (suggestions)",
         result.families["family_id"].nunique() if not result.families.empty else 0),
        ("opportunities", len(result.opportunities)),
        ("computed", "read back from the last run: its input is unchanged" if result.reused
         else f"in {result.seconds:.1f} s"),
    ])


def cluster_sizes(clusters: pd.DataFrame) -> tables.Shown:
    if clusters.empty:
        return tables.note("No cluster: no two scripts are copies of each other.")
    sizes = clusters.groupby("cluster_id").agg(size=("path", "size"),
                                               tier=("clone_type", _loosest))
    counts = sizes.groupby(["size", "tier"]).size().reset_index(name="clusters")
    fig = px.bar(counts, x=counts["size"].astype(str), y="clusters", color="tier",
                 category_orders={"tier": list(TIER_ORDER)},
                 labels={"x": "scripts in the cluster", "clusters": "clusters",
                         "tier": "loosest copy in it"},
                 title="Cluster sizes (colour: the loosest kind of copy in the cluster)")
    return fig


def _loosest(types: pd.Series) -> str:
    present = [t for t in TIER_ORDER if t in set(types)]
    return present[-1] if present else str(types.iloc[0])


def opportunities(frame: pd.DataFrame, top: int = 200) -> tables.Shown:
    if frame.empty:
        return tables.note("No opportunity: nothing to consolidate was found.")
    shown = frame.sort_values("rank").head(top).assign(
        members=frame["members"].astype(str).map(lambda m: len([p for p in m.split(";") if p])))
    shown = shown[["rank", "kind", "keep", "members", "scripts_removed", "lines_removed", "risk",
                   "evidence"]].rename(columns={
                       "members": "scripts (count)", "scripts_removed": "removes (scripts)",
                       "lines_removed": "removes (lines)", "risk": "highest risk"})
    return tables.interactive(shown, "No opportunity.", code=["keep"])


def opportunity_treemap(frame: pd.DataFrame) -> tables.Shown:
    removing = frame[frame["scripts_removed"] > 0] if not frame.empty else frame
    if removing.empty:
        return tables.note("No opportunity removes a script, so there is nothing to map.")
    where = removing["keep"].fillna("").where(removing["keep"].fillna("") != "",
                                              removing["members"].astype(str))
    data = removing.assign(folder=where.map(_folder),
                           weight=removing["scripts_removed"])
    fig = px.treemap(data, path=[px.Constant("opportunities"), "kind", "folder"],
                     values="weight", color="kind", hover_data=["lines_removed"])
    return fig.update_layout(title="Opportunities by kind and folder (size: scripts removed)",
                             margin={"t": 40, "l": 0, "r": 0, "b": 0})


def _folder(path: str) -> str:
    first = str(path).split(";")[0]
    return first.rsplit("/", 1)[0] if "/" in first else "."


def network_worthy(clusters: pd.DataFrame) -> list[str]:
    """Clusters a network says something about: 3 or more members, or members in 2+ folders."""
    if clusters.empty:
        return []
    folders = clusters["path"].astype(str).map(lambda p: p.rsplit("/", 1)[0] if "/" in p else ".")
    grouped = clusters.assign(folder=folders).groupby("cluster_id").agg(
        size=("path", "size"), folders=("folder", "nunique"))
    worthy = grouped[(grouped["size"] >= 3) | (grouped["folders"] >= 2)]
    return worthy.sort_values("size", ascending=False).index.astype(str).tolist()


def cluster_network(clusters: pd.DataFrame, pairs: pd.DataFrame, inventory: pd.DataFrame
                    ) -> tables.Shown:
    """Scripts as nodes (size: live callers, colour: cluster), verified pairs as edges; only the
    largest clusters that have 3+ members or span folders."""
    if clusters.empty:
        return tables.note("No cluster to draw.")
    chosen = network_worthy(clusters)[:NETWORK_CLUSTERS]
    if not chosen:
        return tables.note("Every cluster is a pair inside one folder: the table of pairs below "
                           "says all a network would.")
    keep = pairs[pairs["cluster_id"].astype(str).isin(chosen)]
    # a cluster of thousands draws as a blob: its first MEMBERS_DRAWN members stand for it
    drawn = set(clusters[clusters["cluster_id"].astype(str).isin(chosen)]
                .groupby("cluster_id")["path"].head(MEMBERS_DRAWN))
    keep = keep[keep["a"].isin(drawn) & keep["b"].isin(drawn)]
    graph = nx.Graph()
    for a, b, sim, cid in keep[["a", "b", "similarity", "cluster_id"]].itertuples(index=False):
        graph.add_edge(a, b, weight=float(sim), cluster=str(cid))
    callers = dict(zip(inventory["path"], inventory["live_callers"], strict=True))
    cluster_of = dict(zip(clusters["path"], clusters["cluster_id"].astype(str), strict=False))
    pos = nx.spring_layout(graph, seed=3)
    nodes = sorted(graph.nodes())
    order = {c: i for i, c in enumerate(chosen)}
    fig = go.Figure([
        charts.edge_trace(graph, pos),
        go.Scatter(x=[pos[n][0] for n in nodes], y=[pos[n][1] for n in nodes], mode="markers",
                   text=[f"{n}<br>cluster {cluster_of.get(n, '')}, "
                         f"{callers.get(n, 0)} live callers" for n in nodes],
                   hoverinfo="text",
                   marker={"size": [8 + 3 * min(int(callers.get(n, 0)), 10) for n in nodes],
                           "color": [order.get(cluster_of.get(n, ""), 0) for n in nodes],
                           "colorscale": "Turbo"}),
    ])
    return fig.update_layout(
        title=f"The {len(chosen)} largest clusters with 3+ members or spanning folders "
              "(size: live callers)",
        showlegend=False, xaxis={"visible": False}, yaxis={"visible": False}, height=600)


def pair_clusters(clusters: pd.DataFrame) -> tables.Shown:
    """The clusters the network leaves out: pairs of copies inside one folder."""
    if clusters.empty:
        return tables.note("No cluster.")
    drawn = set(network_worthy(clusters))
    rest = clusters[~clusters["cluster_id"].astype(str).isin(drawn)]
    if rest.empty:
        return tables.note("Every cluster is in the network above.")
    shown = rest[["cluster_id", "path", "canonical", "clone_type", "similarity", "live_callers"]]
    return tables.interactive(_marked(shown), "No pair cluster.")


def _marked(frame: pd.DataFrame) -> pd.DataFrame:
    keep = frame["canonical"].astype(str).str.lower() == "true"
    return frame.assign(canonical=keep.map({True: "keep", False: "copy"}),
                        clone_type=frame["clone_type"].where(~keep, ""),
                        similarity=(frame["similarity"].astype(float) * 100).round(1)).rename(
        columns={"canonical": "role", "similarity": "similarity (%)",
                 "live_callers": "live callers", "clone_type": "kind of copy",
                 "cluster_id": "cluster"})


def fragments(frame: pd.DataFrame, top: int = 50) -> tables.Shown:
    if frame.empty:
        return tables.note("No shared fragment: no function body or long block is pasted "
                           "across scripts.")
    grouped = frame.groupby("fragment_id").agg(
        name=("name", "first"), lines=("lines", "max"), copies=("copies", "max"),
        example=("path", "first"), start=("start_line", "first"))
    grouped = grouped.sort_values(["copies", "lines"], ascending=False).head(top).reset_index()
    grouped["example"] = grouped["example"] + ":" + grouped["start"].astype(str)
    return tables.interactive(grouped.drop(columns="start").rename(columns={
        "fragment_id": "fragment", "name": "function", "lines": "lines (each copy)",
        "copies": "scripts holding it", "example": "example (path:line)"}),
        "No shared fragment.", code=["example (path:line)"])


def families(frame: pd.DataFrame) -> tables.Shown:
    if frame.empty:
        return tables.note("No same-job family: no two scripts look like the same job done "
                           "twice with different code.")
    shown = frame[["family_id", "path", "language", "score", "evidence"]].rename(columns={
        "family_id": "family", "score": "likeness"})
    return tables.interactive(shown, "No family.")


def waterfall(inventory: pd.DataFrame, opportunities: pd.DataFrame) -> tables.Shown:
    """Scripts today, then what each kind of opportunity would remove."""
    if inventory.empty:
        return tables.note("No script.")
    removed = (opportunities.groupby("kind")["scripts_removed"].sum() if not opportunities.empty
               else pd.Series(dtype=int))
    kinds = [k for k in KIND_ORDER if removed.get(k, 0)]
    if not kinds:
        return tables.note(f"{len(inventory)} scripts, and no opportunity removes any of them.")
    values = [len(inventory)] + [-int(removed[k]) for k in kinds] + [0]
    fig = go.Figure(go.Waterfall(x=["today", *kinds, "after all"], y=values,
                                 measure=["absolute"] + ["relative"] * len(kinds) + ["total"]))
    return fig.update_layout(title="How far the script count can come down, by kind of "
                             "opportunity", showlegend=False, yaxis_title="scripts")


def side_by_side(repo: Path, canonical: str, member: str) -> str:
    """An HTML side-by-side diff of the canonical and one member (changed lines and context)."""
    def lines(path: str) -> list[str]:
        try:
            return (repo / path).read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError:
            return [f"({path} is no longer in the working tree)"]

    table = difflib.HtmlDiff(wrapcolumn=70).make_table(
        lines(canonical), lines(member), html.escape(canonical), html.escape(member),
        context=True, numlines=2)
    return DIFF_CSS + table


DIFF_CSS = """<style>
table.diff { font-size: 0.8em; border: 1px solid #ccc; margin-bottom: 1em; }
table.diff td { text-align: left !important; white-space: pre-wrap; padding: 0 4px;
                font-family: ui-monospace, monospace !important; }
table.diff th.diff_header { background: #eee; }
.diff_add { background: #d5f5e3; } .diff_chg { background: #fcf3cf; }
.diff_sub { background: #fadbd8; } td.diff_header { color: #888; }
</style>"""
