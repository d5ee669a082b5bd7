"""What notebook 05 shows: criteria coloured by result, each batch once, performance per batch,
and links to every archived run."""

from __future__ import annotations

import html

import pandas as pd
from IPython.display import Markdown
from pandas.io.formats.style import Styler

from runbook_lib.views import tables

COLOURS = {"pass": "#d5f5e3", "fail": "#fadbd8", "n/a": "#f2f3f4"}


def criteria_html(frame: pd.DataFrame) -> str:
    rows = "".join(
        f'<tr style="background:{COLOURS.get(str(r.result), "")}">'
        + "".join(f"<td>{html.escape(str(v))}</td>" for v in r[1:]) + "</tr>"
        for r in frame.itertuples())
    head = "".join(f"<th>{html.escape(c)}</th>" for c in frame.columns)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"


def runs_html(frame: pd.DataFrame) -> str:
    """Archived runs with relative links: they work from any archived report's HTML file."""
    rows = []
    for r in frame.itertuples():
        name = html.escape(str(r.run))
        cell = f'<a href="{html.escape(str(r.link))}">{name}</a>' if r.link else name
        rows.append(f"<tr><td>{cell}</td><td>{html.escape(str(r.step))}</td>"
                    f"<td>{html.escape(str(r.status))}</td>"
                    f"<td>{html.escape(str(r.start_utc))}</td>"
                    f"<td>{html.escape(str(r.duration_s))}</td></tr>")
    head = "<tr><th>run</th><th>step</th><th>status</th><th>start (UTC)</th><th>s</th></tr>"
    return f"<table><thead>{head}</thead><tbody>{''.join(rows)}</tbody></table>"


def summary(passed: int, failed: int, missing: int) -> str:
    verdict = "all measured criteria pass" if not failed else f"{failed} criteria fail"
    return (f"<p><b>{verdict}</b>: {passed} pass, {failed} fail, {missing} not measured "
            "(n/a).</p>")


def batches(frame: pd.DataFrame) -> Styler | Markdown:
    """Each batch once, coloured by its final outcome."""
    shown = frame.drop(columns=["finished"], errors="ignore").rename(columns={
        "status": "final outcome", "runs": "times run"})
    styler = tables.static(shown, "The plan has no batch.", code=["commit"])
    if isinstance(styler, Styler):
        styler = styler.map(lambda v: f"background-color: {BATCH_COLOURS.get(str(v), '')}"
                            if str(v) in BATCH_COLOURS else "", subset=["final outcome"])
    return styler


BATCH_COLOURS = {"promoted": "#d5f5e3", "already": "#d5f5e3", "rolled back": "#fdebd0",
                 "reverted": "#ebdef0", "refused": "#fadbd8", "not run": "#f2f3f4"}


def performance(frame: pd.DataFrame) -> Styler | Markdown:
    """Largest slowdown per batch; where nothing was measured, the note says why."""
    shown = frame.assign(
        change=frame["change"].map(lambda v: "" if pd.isna(v) else f"{float(v):+.1%}"),
        seconds=frame["seconds"].map(lambda v: "" if pd.isna(v) else f"{float(v) * 1000:+.0f}"),
    ).rename(columns={"change": "slowest script: change", "seconds": "change (ms)",
                      "slower": "slower than allowed"})
    return tables.static(shown, "The plan has no batch.")
