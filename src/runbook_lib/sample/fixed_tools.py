"""Fixed Python tools and the api service's scripts: every Python and container caller form."""

from __future__ import annotations

from runbook_lib.sample.common import write_hand
from runbook_lib.sample.fixed_libs import usage_report
from runbook_lib.sample.fixed_scripts import Fixed
from runbook_lib.sample.model import Line, imported, ln, plain

NOTIFY_PY = "tools/pylib/notify.py"


def write_tools(fx: Fixed) -> None:
    write_hand(fx.sink, "tools/run_maintenance.py", ("python", "db", "weekly-maintenance"),
               run_maintenance(), 1)
    fx.put("tools/maint_steps.py", fx.recipe("py_db", "reports", "python", blocks=("root",)),
           1, "vacuum-reports")
    fx.put("tools/nightly_report.py", fx.recipe(
        "py_monitor", "nightly", "python",
        head=(ln("from pylib import notify", imported(NOTIFY_PY)),),
        calls=(Line('notify.send(f"nightly report finished with status {status}")'),)),
        1, "nightly-report")
    write_hand(fx.sink, NOTIFY_PY, ("python", "lib", "notify-chat"), notify_module(), 1)
    write_hand(fx.sink, "tools/report/usage_report.py", ("python", "monitoring", "usage-report"),
               usage_report(), 1, location_sensitive=True)
    fx.put("opstools/purge_cache.py", fx.recipe(
        "py_cleanup", "cache", "python", blocks=("envfile", "done")), 2, "purge-cache")


def run_maintenance() -> list[Line]:
    return [
        *plain("#!/usr/bin/env python3",
               '"""Weekly maintenance: vacuum, scratch cleanup, then the extra steps."""', "",
               "from __future__ import annotations", "", "import os", "import runpy",
               "import subprocess", "import sys", "", "", "def main() -> int:"),
        ln('    subprocess.run(["bash", "scripts/db/vacuum_all.sh", "vacuum"], check=True)',
           "scripts/db/vacuum_all.sh"),
        ln('    status = os.system("sh scripts/cleanup/cleanup_tmp.sh --dry-run")',
           "scripts/cleanup/cleanup_tmp.sh"),
        *plain("    if status != 0:",
               '        print(f"cleanup exited with {status}", file=sys.stderr)'),
        # the path is a reference where it is run (runpy below), not where it is built
        Line('    steps = os.path.join(os.path.dirname(__file__), "maint_steps.py")', trap=True),
        ln('    runpy.run_path(steps, run_name="__main__")', "tools/maint_steps.py"),
        ln('    runpy.run_module("opstools.purge_cache", run_name="__main__")',
           "opstools/purge_cache.py"),
        *plain("    return 0", "", "", 'if __name__ == "__main__":', "    sys.exit(main())"),
    ]


def notify_module() -> list[Line]:
    return plain(
        '"""Send a line to the ops chat webhook; imported by the report tools."""', "",
        "from __future__ import annotations", "", "import json", "import os",
        "import urllib.request", "",
        'WEBHOOK = os.environ.get("CHAT_WEBHOOK", "https://hooks.chat.example/ops")', "", "",
        "def send(text: str) -> None:",
        '    body = json.dumps({"text": text}).encode()',
        "    req = urllib.request.Request(WEBHOOK, data=body,",
        '                                 headers={"Content-Type": "application/json"})',
        "    with urllib.request.urlopen(req, timeout=10):",
        "        pass",
    )


def write_api_service(fx: Fixed) -> None:
    """services/api: the Dockerfile's COPY and WORKDIR decide what its words mean."""
    sink = fx.sink
    write_hand(sink, "services/api/entrypoint.sh", ("sh", "deploy", "api-entrypoint"), [
        *plain("#!/bin/sh",
               "# Container entrypoint: run migrations, then hand over to the command.",
               "set -e",
               "# a path inside the image its Dockerfile copies scripts/ into"),
        ln("/app/scripts/migrate.sh", "services/api/scripts/migrate.sh"),
        Line('exec "$@"')], 1)
    write_hand(sink, "services/api/scripts/start.sh", ("sh", "deploy", "api-start"), plain(
        "#!/bin/sh", "# Start the api under gunicorn.", "set -eu",
        'exec gunicorn --bind "0.0.0.0:${PORT:-8000}" --workers "${WORKERS:-4}" app.main:app'),
        1)
    write_hand(sink, "services/api/scripts/healthcheck.sh", ("sh", "health", "api-health"),
               plain("#!/bin/sh", "# Docker HEALTHCHECK for the api container.",
                     'curl -fsS "http://127.0.0.1:${PORT:-8000}/healthz" >/dev/null || exit 1'),
               1)
    write_hand(sink, "services/api/scripts/setup.sh", ("sh", "build", "api-setup"), plain(
        "#!/bin/sh", "# Image build step: compile assets and byte-code.", "set -eu",
        "python -m compileall -q /app", "mkdir -p /app/static", "chown -R 1000:1000 /app"), 1)
    write_hand(sink, "services/api/scripts/migrate.sh", ("bash", "db", "api-migrate"), plain(
        "#!/bin/bash", "# Apply database migrations for the api.", "set -euo pipefail",
        'cd "${APP_HOME:-/app}"', "alembic upgrade head",
        'echo "migrations applied at $(date -u +%FT%TZ)"'), 1)
    sink.write_bytes("services/api/requirements.txt",
                     b"gunicorn==21.2.0\nalembic==1.13.1\npsycopg2-binary==2.9.9\n", 1)
