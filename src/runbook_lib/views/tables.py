"""Tables for people: interactive (itables, JavaScript embedded so archived HTML works offline)
or static (pandas Styler), code and paths left-aligned in monospace, no empty columns, no dicts
or lists inside a cell, and a sentence instead of an empty table."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from html import escape
from typing import Any, TypeAlias

import pandas as pd
from IPython.display import HTML, Markdown
from pandas.io.formats.style import Styler

# Columns whose values are code, paths or command lines: monospace, left-aligned, wrapped.
CODE_COLUMNS = {
    "path", "source", "target", "canonical", "text", "file", "line text", "command", "diff",
    "keep", "members", "script", "example", "old", "new", "caller", "link", "paths", "member",
    "journal", "item", "value", "commit", "waiting", "a", "b", "id", "case", "data",
}
PATH_COLUMNS = {"path", "source", "target", "canonical", "keep", "member", "caller", "script",
                "file", "example (path:line)", "target (as written)"}
# What a notebook cell displays: a table (itables HTML, Styler), a sentence (Markdown) or a
# plotly figure; plotly ships no type information, so to mypy this is Any.
Shown: TypeAlias = Any
# Rows an interactive table embeds: an archived notebook stays a few MB at 100,000 scripts.
MAX_ROWS = 2000

# JupyterLab's and nbconvert's stylesheets right-align every table cell and give <pre> the
# surrounding font, with selectors more specific than a class: hence !important.
CSS = """<style>
.jp-RenderedHTMLCommon td, .jp-RenderedHTMLCommon th { text-align: left !important; }
.jp-RenderedHTMLCommon td.rb-num, .jp-RenderedHTMLCommon th.rb-num { text-align: right !important; }
.rb-code, pre.rb-code, td.rb-code {
  font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace !important;
  font-size: 0.85em; white-space: pre-wrap; overflow-wrap: anywhere; }
td.rb-path { min-width: 24ch; }
.rb-note { color: #555; font-style: italic; }
</style>"""


def html(text: str) -> HTML:
    return HTML(text)  # type: ignore[no-untyped-call]


def markdown(text: str) -> Markdown:
    return Markdown(text)  # type: ignore[no-untyped-call]


def setup() -> HTML:
    """Once per notebook: itables in offline mode (its JavaScript embedded) and our CSS."""
    import itables

    itables.init_notebook_mode(all_interactive=False, connected=False)
    return html(CSS)


def note(text: str) -> Markdown:
    """What an empty section shows: one sentence saying why there is nothing."""
    return markdown(f"<p class='rb-note'>{escape(text)}</p>")


def cell_text(value: Any) -> Any:
    """A scalar a person can read: lists joined, dicts as `key: value`, NaN as blank."""
    if isinstance(value, dict):
        return "; ".join(f"{k}: {cell_text(v)}" for k, v in value.items())
    if isinstance(value, list | tuple | set):
        return ", ".join(str(cell_text(v)) for v in value)
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    return value


def tidy(frame: pd.DataFrame) -> pd.DataFrame:
    """Cells as readable scalars, and no column that is empty for every row."""
    if frame.empty:
        return frame
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object:
            out[column] = out[column].map(cell_text)
    empty = [c for c in out.columns if out[c].map(_blank).all()]
    return out.drop(columns=empty)


def _blank(value: Any) -> bool:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return True
    return isinstance(value, str) and not value.strip()


def code_columns(frame: pd.DataFrame, extra: Iterable[str] = ()) -> list[str]:
    wanted = CODE_COLUMNS | set(extra)
    return [c for c in frame.columns if str(c).split(" (")[0] in wanted]


def numeric_columns(frame: pd.DataFrame) -> list[str]:
    return [c for c in frame.columns if pd.api.types.is_numeric_dtype(frame[c])
            and not pd.api.types.is_bool_dtype(frame[c])]


def interactive(frame: pd.DataFrame, empty: str, code: Sequence[str] = (),
                rows: int = 10, caption: str = "") -> HTML | Markdown:
    """A searchable, sortable table (long tables); `empty` is said when there is no row."""
    frame = tidy(frame)
    if frame.empty:
        return note(empty)
    shown = frame.head(MAX_ROWS)
    table = _datatable(shown, code, rows, caption)
    if len(frame) > MAX_ROWS:
        return html(table + f"<p class='rb-note'>The first {MAX_ROWS:,} of {len(frame):,} rows; "
                    "every row is in the workspace's CSV files.</p>")
    return html(table)


def _datatable(frame: pd.DataFrame, code: Sequence[str], rows: int, caption: str) -> str:
    import itables

    columns = list(frame.columns)
    codes, numbers = code_columns(frame, code), numeric_columns(frame)
    defs = [{"className": "rb-code rb-path" if c in PATH_COLUMNS else "rb-code",
             "targets": [columns.index(c)]} for c in codes]
    defs += [{"className": "dt-right rb-num", "targets": [columns.index(c) for c in numbers]}]
    defs += [{"className": "dt-left", "targets": "_all"}]
    return str(itables.to_html_datatable(
        frame, caption=caption or None, showIndex=False, pageLength=rows,
        lengthMenu=[10, 25, 50, 100], columnDefs=defs, classes="display compact",
        style="width:100%", maxBytes=0, connected=False, display_logo_when_loading=False))


def static(frame: pd.DataFrame, empty: str, code: Sequence[str] = (),
           caption: str = "") -> Styler | Markdown:
    """A plain table (short tables, and what must read well on paper)."""
    frame = tidy(frame)
    if frame.empty:
        return note(empty)
    if len(frame) > MAX_ROWS:
        caption = f"{caption} (the first {MAX_ROWS:,} of {len(frame):,} rows)".strip()
        frame = frame.head(MAX_ROWS)
    styler = frame.style.hide(axis="index").set_table_attributes('class="rb-table"')
    styler = styler.set_properties(None, **{"text-align": "left !important"})
    codes: list[Any] = code_columns(frame, code)
    if codes:
        styler = styler.set_properties(codes, **{
            "font-family": "ui-monospace, monospace !important", "white-space": "pre-wrap",
            "font-size": "0.85em"})
    numbers: list[Any] = numeric_columns(frame)
    if numbers:
        styler = styler.set_properties(numbers, **{"text-align": "right !important"})
    styler = styler.format(precision=2, na_rep="")
    return styler.set_caption(caption) if caption else styler


def key_values(pairs: Iterable[tuple[str, Any]], empty: str = "nothing to show",
               caption: str = "") -> Styler | Markdown:
    """A two-column table of facts (one row a fact, blank facts left out), for summaries and
    a single record."""
    rows = [(k, str(cell_text(v))) for k, v in pairs]
    frame = pd.DataFrame([r for r in rows if r[1].strip()], columns=["", "value"])
    return static(frame, empty, code=["value"], caption=caption)
