"""What notebook 01 shows: scripts by folder, the most referenced scripts, orphans, dangling
references, risk flags and skipped files, each as a table for people or a sentence."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from IPython.display import Markdown
from pandas.io.formats.style import Styler

from runbook_lib.discovery.discover import DiscoveryResult
from runbook_lib.views import charts, graph, tables


def summary(result: DiscoveryResult) -> Styler | Markdown:
    inv, refs = result.inventory, result.references
    live = int(refs["live"].astype(bool).sum()) if not refs.empty else 0
    missing = int((refs["status"] == "missing").sum()) if not refs.empty else 0
    return tables.key_values([
        ("repository", str(result.repo)),
        ("scripts", len(inv)),
        ("by language", ", ".join(f"{k} {v}" for k, v in inv["language"].value_counts().items())
         if not inv.empty else ""),
        ("references (live: from things that run)", f"{len(refs)} ({live} live)"),
        ("dangling references (to scripts that do not exist)", missing),
        ("orphans (no live caller, not archived)", len(graph.orphans(inv))),
        ("skipped files", len(result.skipped)),
        ("seconds", f"{result.seconds:.1f}"),
        *(("note", n) for n in result.notes),
    ])


def by_folder(inventory: pd.DataFrame) -> tables.Shown:
    if inventory.empty:
        return tables.note("No script was found, so there is nothing to count.")
    counts = graph.counts_by(inventory)
    return charts.bar_counts(counts.head(16), "Scripts by top folder and language")


def where(inventory: pd.DataFrame) -> tables.Shown:
    if inventory.empty:
        return tables.note("No script was found.")
    return charts.treemap(inventory)


def most_referenced(references: pd.DataFrame, top: int = 20) -> tables.Shown:
    table = _resolved(references)
    if table.empty:
        return tables.note("No reference to a script was found: nothing calls anything.")
    frame = graph.most_referenced(table, top).rename(columns={
        "target": "script", "references": "references (lines)", "callers": "caller files",
        "live": "live references"})
    return tables.static(frame, "No reference to a script was found.")


def caller_network(references: pd.DataFrame, top: int = 15) -> tables.Shown:
    table = _resolved(references)
    if table.empty:
        return tables.note("No caller graph to draw: no reference resolved to a script.")
    targets = graph.most_referenced(table, top)["target"].tolist()
    return charts.caller_network(graph.reference_graph(table), targets)


def _resolved(references: pd.DataFrame) -> pd.DataFrame:
    if references.empty:
        return references
    return references[references["status"] == "resolved"]


def orphans(inventory: pd.DataFrame) -> tables.Shown:
    frame = graph.orphans(inventory).rename(columns={"callers": "mentions (not live)"})
    frame["risks"] = frame["risks"].astype(str).str.replace(";", ", ")
    return tables.interactive(frame, "No orphan: every script that is not archived has at "
                              "least one live caller.")


def dangling(references: pd.DataFrame) -> tables.Shown:
    if references.empty:
        return tables.note("No reference was found, so none is dangling.")
    frame = graph.dangling(references).rename(columns={"target": "target (as written)",
                                                       "text": "line text"})
    return tables.interactive(frame, "No dangling reference: every reference found names a "
                              "script that exists.", code=["target (as written)"])


def risks(inventory: pd.DataFrame) -> tables.Shown:
    if inventory.empty:
        return tables.note("No script, no risk flag.")
    flags = inventory["risks"].fillna("").astype(str)
    frame = pd.DataFrame({"path": inventory["path"], "language": inventory["language"],
                          "flags (count)": flags.map(lambda r: len([f for f in r.split(";") if f])),
                          "risk flags": flags.str.replace(";", ", ")})
    flagged = frame[frame["flags (count)"] > 0].sort_values(["flags (count)", "path"],
                                                            ascending=[False, True])
    return tables.interactive(flagged, "No script carries a risk flag.")


def risk_counts(inventory: pd.DataFrame) -> tables.Shown:
    if inventory.empty or not inventory["risks"].astype(str).str.strip().any():
        return tables.note("No risk flag to count.")
    counts = inventory["risks"].fillna("").str.get_dummies(sep=";").sum().sort_values()
    fig = go.Figure(go.Bar(x=counts.values, y=counts.index, orientation="h"))
    return fig.update_layout(title="Scripts per risk flag", xaxis_title="scripts",
                             height=120 + 24 * len(counts))


def skipped(frame: pd.DataFrame) -> tables.Shown:
    return tables.interactive(frame, "Nothing was skipped: every listed file was read.",
                              code=["detail"])

