"""The fixed scripts every sample holds: one of each interesting case, whatever N is."""

from __future__ import annotations

import random

from runbook_lib.sample.common import Placed, write_hand, write_recipe
from runbook_lib.sample.fixed_libs import COMMON, JOBLIB, NOTIFY
from runbook_lib.sample.model import DEPLOY_ROOT, Line, ln, missing, plain
from runbook_lib.sample.render import Recipe
from runbook_lib.sample.sink import Sink
from runbook_lib.sample.vocab import make_vocab

WAIT_DB = "scripts/deploy/wait_for_db.sh"
VERIFY = "scripts/db_backup/verify_backup.sh"


class Fixed:
    """Writes the fixed scripts; `placed` keeps the ones copies are made of."""

    def __init__(self, sink: Sink, rng: random.Random) -> None:
        self.sink = sink
        self.rng = rng
        self.placed: dict[str, Placed] = {}

    def put(self, path: str, recipe: Recipe, commit: int, job: str) -> Placed:
        placed = write_recipe(self.sink, path, recipe, commit, job)
        self.placed[path] = placed
        return placed

    def recipe(self, template: str, svc: str, shebang: str, **kw: object) -> Recipe:
        return Recipe(template, make_vocab(self.rng, svc), shebang, **kw)  # type: ignore[arg-type]

    def write_all(self) -> None:
        for part in (deploy, backup, health_and_monitoring, build_cleanup_db, jobs):
            part(self)


def deploy(fx: Fixed) -> None:
    head = (ln('source "$(dirname "$0")/../lib/common.sh"', COMMON),)
    smoke = ln('"$(dirname "$0")/smoke_web.sh" -q', "scripts/deploy/smoke_web.sh")
    fx.put("scripts/deploy/deploy_web.sh", fx.recipe(
        "deploy", "web", "bash", head=head, sources_log=True, calls=(smoke,),
        blocks=("ssh", "status")), 0, "deploy-web")
    fx.put("scripts/deploy/smoke_web.sh", fx.recipe(
        "health", "web", "sh", fragments=("log",)), 0, "healthcheck-web")
    sd_head = (Line('SCRIPT_DIR="$(cd "$(dirname "$0")" && pwd)"'),
               ln('source "${SCRIPT_DIR}/../lib/common.sh"', COMMON))
    fx.put("scripts/deploy/deploy_api.sh", fx.recipe(
        "deploy", "api", "env-bash", head=sd_head, sources_log=True, blocks=("lock",), calls=(
            ln('"${SCRIPT_DIR}/wait_for_db.sh" "@host@"', WAIT_DB),
            ln('"${SCRIPT_DIR}/notify_release.sh" "$ENVIRONMENT"',
               missing("${SCRIPT_DIR}/notify_release.sh")))), 0, "deploy-api")
    dir_head = (Line('DIR=$(dirname "$0")'), ln('. "$DIR/../lib/common.sh"', COMMON))
    fx.put("scripts/deploy/deploy_worker.sh", fx.recipe(
        "deploy", "worker", "bash", set_e=False, head=dir_head, sources_log=True, calls=(
            ln('"$DIR/wait_for_db.sh" && "$DIR/smoke_web.sh" -q', WAIT_DB,
               "scripts/deploy/smoke_web.sh"),
            ln('bash "$DIR/../db/migrate.sh" --apply', "scripts/db/migrate.sh"))),
        1, "deploy-worker")
    fx.put("scripts/deploy/rollback.sh", fx.recipe(
        "deploy", "web", "bash", fragments=("log", "die"), blocks=("window", "root", "done")),
        1, "rollback-web")


def backup(fx: Fixed) -> None:
    root = f"{DEPLOY_ROOT}/scripts"
    fx.put("scripts/db_backup/backup_db.sh", fx.recipe(
        "backup", "app", "bash", head=(ln(f". {root}/lib/common.sh", COMMON),),
        sources_log=True, blocks=("lock", "metrics"), calls=(
            ln(f'{root}/db_backup/verify_backup.sh "$@v_out@"', VERIFY),
            ln(f'{root}/lib/notify.sh "backup of $@v_db@ done"', NOTIFY))), 0, "backup-db")
    fx.put("scripts/db_backup/restore_db.sh", fx.recipe(
        "restore", "app", "bash", fragments=("log", "die"), blocks=("root",)), 0, "restore-db")
    fx.put("scripts/db_backup/backup_files.sh", fx.recipe(
        "backup", "uploads", "sh", set_e=False, fragments=("log",), blocks=("disk",)),
        1, "backup-uploads")


def health_and_monitoring(fx: Fixed) -> None:
    calls = (ln('"$HERE/check_http.py" --url "http://@host@:@port@/healthz"',
                "scripts/health/check_http.py"),
             ln('bash "$HERE/../monitoring/check_endpoints.sh"',
                "scripts/monitoring/check_endpoints.sh"))
    fx.put("scripts/health/check_all.sh", fx.recipe(
        "health", "app", "bash", fragments=("log",), head=(Line('HERE="$(dirname "$0")"'),),
        calls=calls), 0, "healthcheck-all")
    fx.put("scripts/health/check_http.py", fx.recipe("py_health", "web", "python"),
           0, "healthcheck-http")
    fx.put("scripts/monitoring/monitor_queue.sh", fx.recipe(
        "monitor", "queue", "sh", fragments=("log",), blocks=("require",)), 1, "monitor-queue")
    fx.put("scripts/monitoring/monitor_disk.py", fx.recipe(
        "py_monitor", "app", "python", blocks=("logging",)), 1, "monitor-disk")
    write_hand(fx.sink, "scripts/monitoring/collect_stats.sh", ("sh", "monitoring", "stats"),
               plain("#!/bin/sh", "# Print load, memory and disk figures as key=value lines.",
                     'echo "load=$(cut -d " " -f 1 /proc/loadavg)"',
                     "free -m | awk '/^Mem:/ {print \"mem_used_mb=\" $3}'",
                     "df -P / | awk 'NR == 2 {print \"root_used=\" $5}'"), 1)
    stats = ln('subprocess.run(["bash", str(HERE / "collect_stats.sh")], check=True)',
               "scripts/monitoring/collect_stats.sh")
    fx.put("scripts/monitoring/report_stats.py", fx.recipe(
        "py_monitor", "stats", "python",
        head=(Line(""), Line("from pathlib import Path"), Line(""),
              Line("HERE = Path(__file__).resolve().parent")), calls=(stats,)),
        1, "monitor-stats")


def build_cleanup_db(fx: Fixed) -> None:
    fx.put("scripts/build/build_images.sh", fx.recipe(
        "build", "api", "bash", fragments=("log",)), 1, "build-api")
    fx.put("scripts/cleanup/cleanup_tmp.sh", fx.recipe(
        "cleanup", "app", "sh", fragments=("log",), blocks=("lock",)), 0, "cleanup-tmp")
    fx.put("scripts/cleanup/prune_docker.sh", fx.recipe(
        "cleanup", "docker", "bash", set_e=False, blocks=("root", "done")), 1, "prune-docker")
    fx.put("scripts/db/vacuum_all.sh", fx.recipe(
        "db", "app", "bash", fragments=("log", "die"), blocks=("window",)), 0, "vacuum-db")
    fx.put("scripts/db/check_replication.sh", fx.recipe(
        "db", "replica", "bash", fragments=("log",), blocks=("require", "status")),
        1, "check-replication")


def jobs(fx: Fixed) -> None:
    root = f"{DEPLOY_ROOT}/scripts"
    nightly = (
        ln(f"sh {root}/db_backup/backup_db.sh --no-upload", "scripts/db_backup/backup_db.sh"),
        ln(f"bash {root}/db/vacuum_all.sh all", "scripts/db/vacuum_all.sh"),
        ln('with_lock rotate "$DIR/rotate_logs.sh"', "jobs/rotate_logs.sh"),
    )
    fx.put("jobs/nightly.sh", fx.recipe(
        "cleanup", "nightly", "sh", set_e=False, head=(
            Line('DIR=$(dirname "$0")'), ln('. "$DIR/lib.sh"', JOBLIB)), calls=nightly),
        2, "nightly")
    fx.put("jobs/rotate_logs.sh", fx.recipe(
        "cleanup", "logs", "sh", head=(ln('. "$(dirname "$0")/lib.sh"', JOBLIB),), calls=(
            ln("python3 -m opstools.rotate_logs --dry-run", "opstools/rotate_logs.py"),)),
        2, "rotate-logs")
    fx.put("jobs/run_checks.sh", fx.recipe(
        "health", "checks", "bash", fragments=("log",), calls=(
            # bash runs it from the working folder, never from elsewhere in the repo: dangling
            ln("bash check_replication.sh", missing("check_replication.sh")),
            ln("# ./old_checks.sh --all", missing("./old_checks.sh")),
            ln("sh ../scripts/health/check_all.sh -q", "scripts/health/check_all.sh"))),
        2, "run-checks")
    fx.put("run_nightly.sh", fx.recipe(
        "cleanup", "scratch", "bash", fragments=("log",), calls=(
            ln("cd scripts/cleanup && ./cleanup_tmp.sh --dry-run",
               "scripts/cleanup/cleanup_tmp.sh"),)), 2, "nightly-scratch")
