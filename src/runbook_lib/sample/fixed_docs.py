"""Fixed Makefile, package.json, docs, data reports, vendored trees and ignored files."""

from __future__ import annotations

from runbook_lib.discovery.references.model import AMBIGUOUS
from runbook_lib.sample.fixed_callers import T
from runbook_lib.sample.model import Line, Ref, ln, missing, plain
from runbook_lib.sample.sink import Sink

GONE = "scripts/db_backup/backup_legacy_nas.sh"


def write_make_npm(sink: Sink) -> None:
    make = [
        *plain("SCRIPTS := scripts", "ENV ?= staging", "",
               ".PHONY: deploy backup backup-now lint images legacy-deploy ops", "", "deploy:"),
        ln("\t./scripts/deploy/deploy_web.sh $(ENV)", T["deploy_web"]),
        Line("backup:"),
        ln("\tbash $(SCRIPTS)/db_backup/backup_files.sh", "scripts/db_backup/backup_files.sh"),
        Line("backup-now:"),
        ln("\t./run-backup.sh", T["backup"]),
        Line("lint:"),
        ln("\t$(SCRIPTS)/build/lint_all.sh", "scripts/build/lint_all.sh"),
        Line("images:"),
        ln("\t./build/build_all_images.sh", "build/build_all_images.sh"),
        Line("legacy-deploy:"),
        ln("\t./scripts/deploy/deploy_v1.sh $(ENV)", missing("./scripts/deploy/deploy_v1.sh")),
        Line("ops:"),
        ln("\tbin/opsctl status", "bin/opsctl"),
    ]
    sink.write_doc("Makefile", "make", make, 0)
    npm = [
        *plain("{", '  "name": "ops-console",', '  "private": true,', '  "scripts": {'),
        ln('    "deploy:web": "./scripts/deploy/deploy_web.sh production",', T["deploy_web"]),
        ln('    "docker:prune": "bash scripts/cleanup/prune_docker.sh",',
           "scripts/cleanup/prune_docker.sh"),
        ln('    "check": "sh scripts/health/check_all.sh -q"', T["check_all"]),
        *plain("  },", '  "devDependencies": {', '    "husky": "^8.0.3"', "  }", "}"),
    ]
    sink.write_doc("package.json", "package_json", npm, 2)


def write_docs(sink: Sink) -> None:
    readme = [
        *plain("# acme ops scripts", "",
               "Everything the platform team runs by hand or from cron.", "", "## Deploying"),
        ln("Run `scripts/deploy/deploy_web.sh production`, then watch the dashboards.",
           T["deploy_web"]),
        ln("To roll back use `scripts/deploy/rollback.sh <tag>`.", "scripts/deploy/rollback.sh"),
        *plain("", "## Backups"),
        ln("Restore with `scripts/db_backup/restore_db.sh dump.sql.gz --force` (drops the db).",
           "scripts/db_backup/restore_db.sh"),
        ln(f"The NAS backup (`{GONE}`) was retired in 2023.", missing(GONE)),
        ln("If replication looks stuck, run `check_replication.sh` by hand.",
           Ref("check_replication.sh", AMBIGUOUS)),
    ]
    sink.write_doc("README.md", "docs", readme, 0)
    ops = [
        *plain("# Operations notes", ""),
        ln("- Weekly maintenance: `python3 tools/run_maintenance.py`", "tools/run_maintenance.py"),
        ln("- Disk usage per project: `tools/report/usage_report.py`",
           "tools/report/usage_report.py"),
        ln("- Restore drill: `scripts/db/restore_drill.sh` (monthly)",
           "scripts/db/restore_drill.sh"),
        ln("- Old rotation script `scripts/cleanup/rotate_old.sh` is gone, use jobs/rotate_logs.sh",
           missing("scripts/cleanup/rotate_old.sh"), "jobs/rotate_logs.sh"),
    ]
    sink.write_doc("docs/operations.md", "docs", ops, 1)


def write_reports(sink: Sink) -> None:
    rows = [(T["backup"], 0), (T["cleanup"], 0), (GONE, 127), ("scripts/deploy/deploy_v1.sh", 127),
            ("scripts/deploy/rollback.sh", 0), ("scripts/misc/latin1_report.sh", 1)]
    lines = [Line("[")]
    for i, (path, code) in enumerate(rows):
        comma = "," if i < len(rows) - 1 else ""
        text = f'  {{"script": "{path}", "last_exit": {code}, "runs_30d": {3 + i * 7}}}{comma}'
        lines.append(ln(text, path if code != 127 else missing(path)))
    lines.append(Line("]"))
    sink.write_doc("reports/script-audit-2024-01.json", "data", lines, 3)


def write_vendored(sink: Sink) -> None:
    venv = "tools/venv"
    site = f"{venv}/lib/python3.11/site-packages"
    sink.write_bytes(f"{venv}/pyvenv.cfg", b"home = /usr/bin\ninclude-system-site-packages = "
                     b"false\nversion = 3.11.9\n", 1)
    sink.write_bytes(f"{venv}/bin/pip", b"#!/opt/app/tools/venv/bin/python3\nimport sys\n"
                     b"from pip._internal.cli.main import main\nsys.exit(main())\n", 1, 0o755)
    for mod in ("six.py", "idna/__init__.py", "idna/core.py", "certifi/__init__.py"):
        sink.write_bytes(f"{site}/{mod}", b'"""vendored copy"""\n__version__ = "1.0"\n', 1)
    sink.write_bytes("node_modules/husky/husky.sh", b"#!/usr/bin/env sh\n"
                     b'[ "$HUSKY" = "0" ] && exit 0\n', 2, 0o755)
    sink.write_bytes("node_modules/husky/package.json", b'{"name": "husky", "version": '
                     b'"8.0.3"}\n', 2)
    sink.truth.vendored.extend([venv, "node_modules"])


def write_ignored(sink: Sink) -> None:
    """Committed .gitignore; the ignored files are written after the last commit."""
    sink.write_bytes(".gitignore", b".env\n*.log\ntmp/\n__pycache__/\n", 0)


def write_untracked_ignored(sink: Sink) -> None:
    sink.write_bytes(".env", b"PGPASSWORD=not-a-real-password\nSLACK_WEBHOOK=\n", -1, 0o600)
    sink.write_bytes("tmp/scratch.sh", b"#!/bin/sh\necho scratch\n", -1, 0o755)
    sink.write_bytes("deploy.log", b"2025-08-06 deploy ok\n", -1)
