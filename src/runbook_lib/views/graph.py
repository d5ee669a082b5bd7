"""The caller graph built from references.csv, and the frames discovery's tables start from."""

from __future__ import annotations

import networkx as nx
import pandas as pd


def reference_graph(references: pd.DataFrame) -> nx.DiGraph:
    """Files as nodes, one edge caller -> script per resolved reference (kinds and lines kept)."""
    graph = nx.DiGraph()
    resolved = references[references["status"] == "resolved"]
    columns = ["source", "target", "line", "kind", "live"]
    for source, target, line, kind, live in resolved[columns].itertuples(index=False):
        if graph.has_edge(source, target):
            data = graph.edges[source, target]
            data["lines"].append(line)
            data["live"] = data["live"] or bool(live)
            data["kinds"].add(kind)
        else:
            graph.add_edge(source, target, lines=[line], live=bool(live), kinds={kind})
    return graph


def most_referenced(references: pd.DataFrame, top: int = 20) -> pd.DataFrame:
    resolved = references[references["status"] == "resolved"]
    grouped = resolved.groupby("target").agg(
        references=("source", "size"), callers=("source", "nunique"),
        live=("live", "sum"), kinds=("kind", lambda k: ", ".join(sorted(set(k)))),
    )
    return grouped.sort_values(["references", "callers"], ascending=False).head(top).reset_index()


def orphans(inventory: pd.DataFrame) -> pd.DataFrame:
    """Scripts with no live caller, archived ones apart (they are expected to be orphans)."""
    mask = (inventory["live_callers"] == 0) & ~inventory["archived"].astype(bool)
    return inventory.loc[mask, ["path", "language", "lines", "callers", "risks"]]


def dangling(references: pd.DataFrame) -> pd.DataFrame:
    """References to scripts that do not exist: broken callers before anyone consolidates."""
    mask = references["status"] == "missing"
    return references.loc[mask, ["source", "line", "target", "kind", "live", "text"]]


def risk_table(inventory: pd.DataFrame) -> pd.DataFrame:
    """One column per risk flag (True/False), scripts with the most flags first."""
    flags = inventory["risks"].fillna("").str.get_dummies(sep=";").astype(bool)
    table = pd.concat([inventory[["path", "language"]], flags], axis=1)
    table["flags"] = flags.sum(axis=1)
    return table.sort_values(["flags", "path"], ascending=[False, True]).reset_index(drop=True)


def counts_by(inventory: pd.DataFrame, depth: int = 1) -> pd.DataFrame:
    """Scripts per top folder (to `depth` levels) and language."""
    folders = inventory["path"].map(lambda p: "/".join(p.split("/")[:-1][:depth]) or ".")
    table = pd.crosstab(folders, inventory["language"], margins=True, margins_name="total")
    return table.sort_values("total", ascending=False)
