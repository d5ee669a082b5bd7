"""Declared behaviour cases (`runbook-cases.yaml`) and the side-effect-free scripts they run.

A pair of exact copies that only format their arguments, each with a live caller, gives a
batch whose declared cases pass; the location-sensitive `check_endpoints.sh` pair (each
folder reads its own settings.conf) gives cases that catch a shim losing `$0`.
"""

from __future__ import annotations

from runbook_lib.sample.fixed_copies import ENDPOINT_FOLDERS
from runbook_lib.sample.model import Line, Meta, ln, plain
from runbook_lib.sample.sink import Sink

FORMATTER = "tools/report/format_table.sh"
FORMATTER_COPY = "ops/report/format_table.sh"
CASES_FILE = "runbook-cases.yaml"


def formatter() -> list[Line]:
    return plain(
        "#!/bin/bash",
        "# Print the arguments as a two-column table (name, value pairs).",
        "set -euo pipefail",
        'if [ "$#" -eq 0 ]; then',
        '    echo "usage: format_table.sh NAME VALUE [NAME VALUE ...]" >&2',
        "    exit 2",
        "fi",
        'while [ "$#" -ge 2 ]; do',
        "    printf '%-20s %s\\n' \"$1\" \"$2\"",
        "    shift 2",
        "done",
        '[ "$#" -eq 0 ] || { echo "odd number of arguments" >&2; exit 3; }',
    )


def write_cases(sink: Sink) -> None:
    for path, commit in ((FORMATTER, 1), (FORMATTER_COPY, 2)):
        origin = None if path == FORMATTER else FORMATTER
        meta = Meta(path, "bash", "build", "format-table", origin=origin,
                    clone_kind="exact" if origin else "original")
        sink.write_script(meta, formatter(), commit)
    callers = [
        ln("report-table:"),
        ln("\tbash tools/report/format_table.sh build $(VERSION)", FORMATTER),
        ln("ops-table:"),
        ln("\tbash ops/report/format_table.sh host $(HOST)", FORMATTER_COPY),
        ln("ops-endpoints:"),
        ln("\tbash ops/monitoring/check_endpoints.sh", "ops/monitoring/check_endpoints.sh"),
    ]
    sink.write_doc("tools/report/report.mk", "make", callers, 2)
    sink.write_doc(CASES_FILE, "data", case_lines(), 3)


def case_lines() -> list[Line]:
    lines = [ln("# How runbook may exercise scripts: each case runs in a sandbox, old vs new."),
             ln("cases:")]
    for path, args in ((FORMATTER, "[build, 1.4.2, env, prod]"), (FORMATTER_COPY, "[host, a1]"),
                       (FORMATTER_COPY, "[odd]")):
        lines += [ln(f"  - script: {path}", path), ln(f"    args: {args}")]
    for folder, _, _ in ENDPOINT_FOLDERS:
        path = f"{folder}/check_endpoints.sh"
        lines += [ln(f"  - script: {path}", path), ln("    timeout: 30")]
    return lines
