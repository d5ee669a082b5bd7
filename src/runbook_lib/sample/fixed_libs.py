"""Hand-written scripts of the fixed part: libraries, small helpers, location-sensitive ones."""

from __future__ import annotations

from runbook_lib.sample.common import write_hand
from runbook_lib.sample.model import Line, plain
from runbook_lib.sample.shell_templates import DIE_FRAGMENT, LOG_FRAGMENT
from runbook_lib.sample.sink import Sink

COMMON = "scripts/lib/common.sh"
NOTIFY = "scripts/lib/notify.sh"
JOBLIB = "jobs/lib.sh"


def write_libs(sink: Sink) -> None:
    common = plain(
        "#!/usr/bin/env bash",
        "# Shared helpers. Source this file from other scripts; it is not meant to be run.",
        '[ -n "${_COMMON_SH:-}" ] && return 0',
        "_COMMON_SH=1", "", *LOG_FRAGMENT, "", *DIE_FRAGMENT, "",
        "require_cmd() {",
        '    command -v "$1" >/dev/null 2>&1 || die "missing command: $1"',
        "}", "",
        "retry() {",
        '    n="$1"; shift',
        '    until "$@"; do',
        "        n=$((n - 1))",
        '        [ "$n" -gt 0 ] || return 1',
        "        sleep 2",
        "    done",
        "}", "",
        "on_prod() {",
        '    [ "${ENVIRONMENT:-}" = "production" ]',
        "}",
    )
    write_hand(sink, COMMON, ("bash", "lib", "shell-helpers"), common, 0, sourced=True,
               fragments=("log", "die"))
    write_hand(sink, NOTIFY, ("bash", "lib", "notify-chat"), plain(*NOTIFY_TEXT), 0)
    write_hand(sink, JOBLIB, ("sh", "lib", "job-helpers"), plain(*JOBLIB_TEXT), 2, sourced=True)
    write_hand(sink, "scripts/deploy/wait_for_db.sh", ("sh", "deploy", "wait-for-db"),
               plain(*WAIT_FOR_DB), 0)
    write_hand(sink, "scripts/db_backup/verify_backup.sh", ("sh", "backup", "verify-backup"),
               plain(*VERIFY_BACKUP), 0)


NOTIFY_TEXT = (
    "#!/bin/bash",
    "# Post a message to the ops chat channel.",
    "set -euo pipefail",
    'WEBHOOK="${SLACK_WEBHOOK:-https://hooks.chat.example/services/T000/B000/XXXX}"',
    'CHANNEL="${SLACK_CHANNEL:-ops-alerts}"',
    "",
    '[ $# -ge 1 ] || { echo "Usage: $(basename "$0") <text>" >&2; exit 2; }',
    'TEXT="$(hostname): $*"',
    "curl -fsS -X POST -H 'Content-Type: application/json' \\",
    '    --data "{\\"channel\\": \\"$CHANNEL\\", \\"text\\": \\"$TEXT\\"}" \\',
    '    "$WEBHOOK" >/dev/null || echo "notify failed: $TEXT" >&2',
)
JOBLIB_TEXT = (
    "#!/bin/sh",
    "# Helpers for the jobs/ scripts: locking and timing.",
    'LOCK_DIR="${LOCK_DIR:-/var/lock/app-jobs}"',
    "",
    "with_lock() {",
    '    name="$1"; shift',
    '    mkdir -p "$LOCK_DIR"',
    '    flock -n "$LOCK_DIR/$name.lock" "$@"',
    "}",
    "",
    "timed() {",
    "    start=$(date +%s)",
    '    "$@"',
    "    rc=$?",
    '    echo "$1 took $(( $(date +%s) - start ))s (rc=$rc)" >&2',
    "    return $rc",
    "}",
)
WAIT_FOR_DB = (
    "#!/bin/sh",
    "# Block until PostgreSQL on the given host accepts connections.",
    'HOST="${1:-${PGHOST:-localhost}}"',
    'PORT="${PGPORT:-5432}"',
    'TRIES="${WAIT_TRIES:-30}"',
    "",
    'echo "waiting for postgres on $HOST:$PORT"',
    "n=0",
    'until pg_isready -h "$HOST" -p "$PORT" -q; do',
    "    n=$((n + 1))",
    '    if [ "$n" -ge "$TRIES" ]; then',
    '        echo "postgres on $HOST:$PORT not ready after $TRIES tries" >&2',
    "        exit 1",
    "    fi",
    "    sleep 2",
    "done",
    'echo "postgres is ready"',
)
VERIFY_BACKUP = (
    "#!/bin/sh",
    "# Check that a dump file is a complete gzip stream and not suspiciously small.",
    "set -eu",
    'DUMP="${1:?usage: $(basename "$0") <dump.sql.gz>}"',
    'MIN_BYTES="${MIN_BYTES:-1024}"',
    'gzip -t "$DUMP"',
    'size=$(wc -c < "$DUMP")',
    'if [ "$size" -lt "$MIN_BYTES" ]; then',
    '    echo "dump $DUMP is only $size bytes" >&2',
    "    exit 1",
    "fi",
    'echo "dump $DUMP ok ($size bytes)"',
)


def endpoint_checker() -> list[Line]:
    """Reads settings.conf beside itself: each copy checks what its own folder lists."""
    return plain(
        "#!/bin/bash",
        "# Check every endpoint listed in settings.conf next to this script.",
        "set -euo pipefail",
        'CONF="$(dirname "$0")/settings.conf"',
        '[ -r "$CONF" ] || { echo "missing $CONF" >&2; exit 1; }',
        '. "$CONF"',
        "failed=0",
        'for url in $ENDPOINTS; do',
        '    if ! curl -fsS --max-time "${TIMEOUT:-5}" "$url" >/dev/null; then',
        '        echo "DOWN $url" >&2',
        "        failed=$((failed + 1))",
        "    fi",
        "done",
        'echo "$failed endpoint(s) down"',
        '[ "$failed" -eq 0 ]',
    )


def usage_report() -> list[Line]:
    return plain(
        "#!/usr/bin/env python3",
        '"""Summarise disk usage per project, as configured in config.ini beside this file."""',
        "",
        "from __future__ import annotations",
        "",
        "import configparser",
        "import shutil",
        "from pathlib import Path",
        "",
        'CONFIG = Path(__file__).parent / "config.ini"',
        "",
        "",
        "def main() -> int:",
        "    parser = configparser.ConfigParser()",
        "    if not parser.read(CONFIG):",
        '        raise SystemExit(f"cannot read {CONFIG}")',
        "    for name in parser.sections():",
        '        root = parser[name].get("path", "/")',
        "        total, used, _free = shutil.disk_usage(root)",
        '        print(f"{name:20} {used * 100 / total:5.1f}% of {root}")',
        "    return 0",
        "",
        "",
        'if __name__ == "__main__":',
        "    raise SystemExit(main())",
    )
