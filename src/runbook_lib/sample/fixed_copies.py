"""Fixed copies (each clone kind, backups, archive, same job) and the odd inputs."""

from __future__ import annotations

import random

from runbook_lib.sample.clones import clone_lines, normalise
from runbook_lib.sample.common import write_copy
from runbook_lib.sample.fixed_libs import WAIT_FOR_DB, endpoint_checker
from runbook_lib.sample.fixed_scripts import Fixed
from runbook_lib.sample.model import Meta, plain
from runbook_lib.sample.render import render
from runbook_lib.sample.sink import Sink

BACKUP_DATE = "20250807"

# (origin, copy, clone kind, commit): one of each kind in each language
COPIES = (
    ("scripts/db/check_replication.sh", "ops/db/check_replication.sh", "exact", 2),
    ("scripts/deploy/smoke_web.sh", "services/api/scripts/smoke_test.sh", "renamed", 1),
    ("scripts/monitoring/monitor_queue.sh", "ops/monitoring/monitor_queue.sh", "near", 2),
    ("scripts/health/check_http.py", "ops/py/check_http.py", "exact", 2),
    ("scripts/monitoring/monitor_disk.py", "ops/py/monitor_disk.py", "normalised", 2),
    ("opstools/purge_cache.py", "opstools/rotate_logs.py", "renamed", 2),
    ("tools/maint_steps.py", "ops/py/maint_steps.py", "near", 2),
    ("scripts/db_backup/backup_db.sh", "archive/backup_db_2022.sh", "near", 2),
    ("scripts/cleanup/cleanup_tmp.sh", "archive/scripts/cleanup_tmp.sh", "exact", 2),
)
BACKUPS = (
    ("scripts/deploy/deploy_web.sh", f"scripts/deploy/deploy_web.sh.backup_{BACKUP_DATE}"),
    ("scripts/db_backup/backup_db.sh", f"scripts/db_backup/backup_db.backup_{BACKUP_DATE}.sh"),
    ("tools/nightly_report.py", "tools/nightly_report.py.bak"),
)
RENAMED_SERVICE = {"services/api/scripts/smoke_test.sh": "api", "opstools/rotate_logs.py": "logs"}


def write_copies(fx: Fixed) -> None:
    for origin, path, kind, commit in COPIES:
        placed = fx.placed[origin]
        lines, recipe = clone_lines(kind, placed.recipe, fx.rng, RENAMED_SERVICE.get(path, ""))
        job = f"{recipe.verb}-{recipe.vocab['svc']}" if kind == "renamed" else None
        write_copy(fx.sink, path, placed, kind, lines, commit, job=job)
    for origin, path in BACKUPS:
        placed = fx.placed[origin]
        write_copy(fx.sink, path, placed, "exact", render(placed.recipe), 3, backup_of=origin)
    write_hand_copies(fx.sink)


ENDPOINT_FOLDERS = (("scripts/monitoring", "web api", 1), ("ops/monitoring", "worker admin", 2))
ENDPOINT_ORIGIN = "scripts/monitoring/check_endpoints.sh"


def write_hand_copies(sink: Sink) -> None:
    """Copies of hand-written scripts: the location-sensitive pair and a normalised one."""
    for folder, names, commit in ENDPOINT_FOLDERS:
        path = f"{folder}/check_endpoints.sh"
        copied = path != ENDPOINT_ORIGIN
        meta = Meta(path, "bash", "monitoring", "check-endpoints",
                    origin=ENDPOINT_ORIGIN if copied else None,
                    clone_kind="exact" if copied else "original", location_sensitive=True)
        sink.write_script(meta, endpoint_checker(), commit)
        hosts = " ".join(f"https://{name}.acme.example/healthz" for name in names.split())
        conf = f'# endpoints checked from this folder\nENDPOINTS="{hosts}"\nTIMEOUT={commit * 5}\n'
        sink.write_bytes(f"{folder}/settings.conf", conf.encode(), commit)
    lines = normalise(plain(*WAIT_FOR_DB), False, random.Random(len(WAIT_FOR_DB)))
    meta = Meta("ops/db/wait_for_db.sh", "sh", "deploy", "wait-for-db",
                origin="scripts/deploy/wait_for_db.sh", clone_kind="normalised")
    sink.write_script(meta, lines, 2)
