"""An executed notebook as one HTML file an auditor opens offline: outputs only, no code.

What nbconvert's lab template really emits (nbconvert 7, plotly 6+): `<script src=...>` tags
for require.js and MathJax 2 from cdnjs, and each plotly figure's HTML output carries its own
MathJax 3 `<script src>` from cdnjs. plotly.js itself is embedded inline once per notebook by
the `plotly_mimetype+notebook` renderer and needs no require.js (it sets `window.Plotly`), so
every external `<script src>`/`<link href>` is removed: nothing is fetched when it is opened.
The lab template's mermaid loader (an inline module importing mermaid.js from cdnjs) goes too.
The plotly.js source mentions cdn.plot.ly in strings; that is code, not a resource it loads.
"""

from __future__ import annotations

import re
from pathlib import Path

from runbook_lib.core.errors import RunbookError

_EXTERNAL_SCRIPT = re.compile(
    r'<script\b[^>]*\bsrc\s*=\s*["\'](?:(?:https?:)?//[^"\']*)?["\'][^>]*>\s*</script>', re.I)
_EXTERNAL_LINK = re.compile(r'<link\b[^>]*\bhref\s*=\s*["\'](?:https?:)?//[^"\']*["\'][^>]*>',
                            re.I)
# nbconvert's lab template also carries an inline module that imports mermaid.js from cdnjs
# when a notebook has mermaid diagrams (ours have none): the whole block goes.
_NETWORK_IMPORT = re.compile(r'<script\b[^>]*>(?:(?!</script>).)*?\bimport\(\s*["\']https?://'
                             r'(?:(?!</script>).)*</script>', re.S | re.I)
_ANY_EXTERNAL = re.compile(r'<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)\s*=\s*'
                           r'["\'](?:https?:)?//|\bimport\(\s*["\']https?://', re.I)


def to_html(notebook: Path, out: Path | None = None) -> Path:
    """Write `<notebook>.html` beside it (or `out`) without code cells; return its path."""
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(  # type: ignore[no-untyped-call]
        template_name="lab", exclude_input=True, exclude_input_prompt=True,
        exclude_output_prompt=True)
    try:
        body, _ = exporter.from_filename(str(notebook))
    except Exception as exc:  # nbconvert raises many types; the run is archived regardless
        raise RunbookError(f"nbconvert could not export {notebook.name}: {exc}") from exc
    target = out or notebook.with_suffix(".html")
    target.write_text(offline(body), encoding="utf-8")
    return target


def offline(body: str) -> str:
    """The HTML without tags that load scripts or styles from the network."""
    body = _NETWORK_IMPORT.sub("", body)
    return _EXTERNAL_LINK.sub("", _EXTERNAL_SCRIPT.sub("", body))


def external_resources(body: str) -> list[str]:
    """Tags that would fetch something from the network when the file is opened."""
    return [m.group(0) for m in _ANY_EXTERNAL.finditer(body)]
