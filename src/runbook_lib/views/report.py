"""HTML pieces of the report notebook: criteria coloured by result, links to archived runs."""

from __future__ import annotations

import html

import pandas as pd

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
