"""plotly figures for the notebooks: interactive in JupyterLab, self-contained in HTML."""

from __future__ import annotations

import networkx as nx
import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
import plotly.io as pio
from IPython.display import HTML

from runbook_lib.views import tables

TREEMAP_FILE_LIMIT = 4000  # above this, the treemap stops at folders


def setup_notebook() -> HTML:
    """Charts and tables that render in JupyterLab and in nbconvert's HTML, offline (plotly.js
    and the DataTables bundle embedded); display the result once, at the top."""
    pio.renderers.default = "plotly_mimetype+notebook"
    return tables.setup()


def treemap(inventory: pd.DataFrame) -> go.Figure:
    """Scripts by folder (size: lines, colour: risk flags); above TREEMAP_FILE_LIMIT scripts the
    leaves are folders (scripts summed), so the figure stays small at any repo size."""
    frame = inventory.assign(
        folder=inventory["path"].map(lambda p: p.rsplit("/", 1)[0] if "/" in p else "."),
        name=inventory["path"].map(lambda p: p.rsplit("/", 1)[-1]),
        size=inventory["lines"].clip(lower=1),
        risk_count=inventory["risks"].fillna("").map(lambda r: len([f for f in r.split(";") if f])),
    )
    frame["top"] = frame["folder"].map(lambda f: f.split("/")[0])
    path = [px.Constant("repo"), "top", "folder"]
    hover = ["risks"]
    if len(frame) <= TREEMAP_FILE_LIMIT:
        path.append("name")
    else:
        frame = frame.groupby(["top", "folder"], as_index=False).agg(
            size=("size", "sum"), risk_count=("risk_count", "mean"), scripts=("path", "size"))
        hover = ["scripts"]
    fig = px.treemap(frame, path=path, values="size", color="risk_count",
                     color_continuous_scale="OrRd", hover_data=hover)
    fig.update_layout(title="Scripts by folder (size: lines, colour: risk flags"
                      + (", mean per folder)" if len(path) == 3 else ")"),
                      margin={"t": 40, "l": 0, "r": 0, "b": 0})
    return fig


CALLERS_DRAWN = 25  # callers drawn per script: a spring layout of thousands says nothing


def caller_network(graph: nx.DiGraph, targets: list[str]) -> go.Figure:
    """The given scripts and their direct callers (at most CALLERS_DRAWN each, the rest
    counted in the hover text), laid out with a spring layout."""
    nodes = set(targets)
    for t in targets:
        nodes.update(sorted(graph.predecessors(t))[:CALLERS_DRAWN])
    sub = graph.subgraph(nodes)
    pos = nx.spring_layout(sub, seed=1, k=0.6)
    names = sorted(sub.nodes())
    fig = go.Figure([
        edge_trace(sub, pos),
        go.Scatter(x=[pos[n][0] for n in names], y=[pos[n][1] for n in names],
                   mode="markers", hoverinfo="text",
                   text=[f"{n} ({graph.in_degree(n)} callers)" for n in names],
                   marker={"size": [8 + 2 * min(graph.in_degree(n), 12) for n in names],
                           "color": ["#c0392b" if n in targets else "#2e86c1" for n in names]}),
    ])
    fig.update_layout(title=f"Most referenced scripts (red) and their callers (blue; at most "
                      f"{CALLERS_DRAWN} each)",
                      showlegend=False, xaxis={"visible": False}, yaxis={"visible": False})
    return fig


def edge_trace(graph: nx.Graph, pos: dict[str, object]) -> go.Scatter:
    """The edges of a laid-out graph as one line trace (gaps between edges)."""
    xs: list[float | None] = []
    ys: list[float | None] = []
    for a, b in graph.edges():
        xs += [pos[a][0], pos[b][0], None]  # type: ignore[index]
        ys += [pos[a][1], pos[b][1], None]  # type: ignore[index]
    return go.Scatter(x=xs, y=ys, mode="lines", line={"width": 0.6, "color": "#999"},
                      hoverinfo="skip")


def bar_counts(table: pd.DataFrame, title: str) -> go.Figure:
    body = table.drop(index="total", errors="ignore").drop(columns="total", errors="ignore")
    fig = px.bar(body, barmode="stack", title=title)
    fig.update_layout(xaxis_title="", yaxis_title="scripts")
    return fig


def projection(frame: pd.DataFrame, target: int = 0) -> go.Figure:
    """Scripts today, then removed per batch, as a waterfall down to the projected count."""
    measures = ["absolute"] + ["relative"] * (len(frame) - 1) + ["total"]
    values = [int(frame["scripts"].iloc[0])] + [-int(v) for v in frame["removed"].iloc[1:]] + [0]
    labels = [*list(frame["step"]), "after the plan"]
    fig = go.Figure(go.Waterfall(x=labels, y=values, measure=measures,
                                 decreasing={"marker": {"color": "#27ae60"}}))
    if target:
        fig.add_hline(y=target, line_dash="dash", annotation_text=f"target {target}")
    fig.update_layout(title="Scripts: today, removed per batch, projected", showlegend=False)
    return fig


STATUS_COLOURS = {"promoted": "#27ae60", "rolled back": "#e67e22", "reverted": "#8e44ad",
                  "refused": "#c0392b", "not run": "#bdc3c7"}


def batch_timeline(frame: pd.DataFrame) -> go.Figure:
    """One bar per batch (height: scripts), coloured by what became of it."""
    fig = go.Figure()
    for status, rows in frame.groupby("status", sort=False):
        fig.add_bar(x=[f"batch {b}" for b in rows["batch"]], y=rows["files changed"].clip(lower=1),
                    name=str(status), marker_color=STATUS_COLOURS.get(str(status), "#7f8c8d"),
                    hovertext=rows["message"], customdata=rows["finished"],
                    hovertemplate="%{x}: %{hovertext}<br>finished %{customdata}<extra></extra>")
    fig.update_layout(title="Batches in order: promoted, rolled back, reverted, refused",
                      xaxis={"categoryorder": "array",
                             "categoryarray": [f"batch {b}" for b in frame["batch"]]},
                      yaxis_title="files the batch changes", barmode="overlay")
    return fig


def projection_vs_reality(frame: pd.DataFrame, target: int = 0) -> go.Figure:
    """The plan's waterfall (projected) beside the script count promoted batches reached."""
    steps = list(frame["step"])
    deltas = [int(frame["projected"].iloc[0])] + [
        int(b) - int(a) for a, b in zip(frame["projected"][:-1], frame["projected"][1:],
                                        strict=True)]
    fig = go.Figure(go.Waterfall(x=steps, y=deltas, name="projected",
                                 measure=["absolute"] + ["relative"] * (len(steps) - 1),
                                 decreasing={"marker": {"color": "#a9dfbf"}}))
    fig.add_scatter(x=steps, y=frame["actual"], mode="lines+markers", name="actual",
                    line={"color": "#1f618d", "width": 3})
    if target:
        fig.add_hline(y=target, line_dash="dash", annotation_text=f"target {target}")
    fig.update_layout(title="Scripts: projected by the plan against what was promoted")
    return fig
