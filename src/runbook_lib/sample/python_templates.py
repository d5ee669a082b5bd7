"""Python script bodies by family; same markers as the shell templates. `@@HEAD@@` takes
module-level lines, `@@CALLS@@` (inside main) the lines that call other scripts."""

from __future__ import annotations

IMPORTS = """
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
"""

HEALTH = '''"""Probe the @svc@ health endpoint until it answers or the retries run out."""
@@IMPORTS@@
import urllib.request

@v_url@ = os.environ.get("HEALTH_URL", "http://@host@:@port@/healthz")
@v_tries@ = int(os.environ.get("HEALTH_RETRIES", "@tries@"))
@@HEAD@@


def @fn@(url: str, timeout: float = 5.0) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as resp:
            return resp.status == 200
    except OSError:
        return False


def main() -> int:
    parser = argparse.ArgumentParser(description="health check for @svc@")
    parser.add_argument("--url", default=@v_url@)
    parser.add_argument("--retries", type=int, default=@v_tries@)
    args = parser.parse_args()
    for attempt in range(1, args.retries + 1):
        if @fn@(args.url):
            print(f"@svc@ healthy after {attempt} attempt(s)")
            return 0
~        print(f"@svc@ not ready ({attempt}/{args.retries})", file=sys.stderr)
        time.sleep(@wait@)
    @@CALLS@@
    print("@svc@ unhealthy", file=sys.stderr)
    return 1
'''

BACKUP = '''"""Back up the @db@ database with pg_dump and keep @days@ days of dumps."""
@@IMPORTS@@
import datetime as dt
from pathlib import Path

@v_dir@ = Path(os.environ.get("BACKUP_DIR", "/var/backups/@svc@"))
@v_keep@ = int(os.environ.get("KEEP_DAYS", "@days@"))
@v_db@ = os.environ.get("PGDATABASE", "@db@")
@@HEAD@@


def dump(database: str, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("wb") as out:
        proc = subprocess.run(["pg_dump", "--no-owner", database], stdout=out, check=False)
    if proc.returncode != 0:
        raise SystemExit(f"pg_dump failed for {database}: {proc.returncode}")


def prune(folder: Path, days: int) -> int:
    cutoff = time.time() - days * 86400
    removed = 0
    for old in folder.glob("*.sql"):
        if old.stat().st_mtime < cutoff:
            old.unlink()
~            removed += 1
    return removed


def main() -> int:
    parser = argparse.ArgumentParser(description="pg_dump backup for @svc@")
    parser.add_argument("--database", default=@v_db@)
    parser.add_argument("--dry-run", action="store_true")
    args = parser.parse_args()
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    target = @v_dir@ / f"{args.database}-{stamp}.sql"
    if args.dry_run:
        print(f"would dump {args.database} to {target}")
        return 0
    dump(args.database, target)
~    print(f"wrote {target}", flush=True)
    @@CALLS@@
    removed = prune(@v_dir@, @v_keep@)
    print(f"pruned {removed} old dumps", file=sys.stderr)
    return 0
'''

MONITOR = '''"""Check disk usage and post an alert for @svc@ above @limit@ percent."""
@@IMPORTS@@
import json
import shutil
import urllib.request

@v_limit@ = float(os.environ.get("DISK_LIMIT", "@limit@"))
WEBHOOK = os.environ.get("ALERT_WEBHOOK", "https://hooks.acme.example/alerts/@svc@")
MOUNTS = ("/", "/var", "/srv/@svc@")
@@HEAD@@


def usage_pct(mount: str) -> float:
    total, used, _free = shutil.disk_usage(mount)
    return used * 100.0 / total


def alert(text: str) -> None:
    body = json.dumps({"service": "@svc@", "text": text}).encode()
    req = urllib.request.Request(WEBHOOK, data=body, headers={"Content-Type": "application/json"})
    try:
        urllib.request.urlopen(req, timeout=10).close()
    except OSError as exc:
        print(f"alert failed: {exc}", file=sys.stderr)


def main() -> int:
    parser = argparse.ArgumentParser(description="disk monitor for @svc@")
    parser.add_argument("--limit", type=float, default=@v_limit@)
    args = parser.parse_args()
    status = 0
    for mount in MOUNTS:
        if not os.path.isdir(mount):
            continue
        pct = usage_pct(mount)
~        print(f"{mount}: {pct:.1f}%")
        if pct >= args.limit:
            alert(f"{mount} at {pct:.0f}% on {os.uname().nodename}")
            status = 1
~    time.sleep(@wait@)
    @@CALLS@@
    return status
'''

CLEANUP = '''"""Remove @svc@ log and scratch files older than @days@ days."""
@@IMPORTS@@
import shutil
from pathlib import Path

@v_dir@ = Path(os.environ.get("LOG_DIR", "/var/log/@svc@"))
@v_keep@ = int(os.environ.get("KEEP_DAYS", "@days@"))
@@HEAD@@


def old_files(root: Path, days: int) -> list[Path]:
    cutoff = time.time() - days * 86400
    return [p for p in root.rglob("*") if p.is_file() and p.stat().st_mtime < cutoff]


def main() -> int:
    parser = argparse.ArgumentParser(description="cleanup for @svc@")
    parser.add_argument("--dry-run", action="store_true")
    args = parser.parse_args()
    if not @v_dir@.is_dir():
        print(f"nothing to do, {@v_dir@} is missing")
        return 0
    victims = old_files(@v_dir@, @v_keep@)
    for path in victims:
        if args.dry_run:
            print(f"would remove {path}")
        else:
            path.unlink()
    scratch = Path("/tmp/@svc@")
    if scratch.exists() and not args.dry_run:
~        shutil.rmtree(scratch, ignore_errors=True)
        subprocess.run(["sudo", "chown", "-R", "app:app", str(@v_dir@)], check=False)
    @@CALLS@@
    print(f"removed {len(victims)} files", file=sys.stderr)
    return 0
'''

DB = '''"""Vacuum and reindex the @db@ database on @host@."""
@@IMPORTS@@

@v_db@ = os.environ.get("PGDATABASE", "@db@")
@v_host@ = os.environ.get("PGHOST", "@host@")
@@HEAD@@


def psql(sql: str) -> str:
    cmd = ["psql", "-h", @v_host@, "-d", @v_db@, "-qAt", "-v", "ON_ERROR_STOP=1", "-c", sql]
    return subprocess.run(cmd, check=True, capture_output=True, text=True).stdout


def main() -> int:
    parser = argparse.ArgumentParser(description="database maintenance for @svc@")
    parser.add_argument("mode", choices=["vacuum", "reindex", "all"], nargs="?", default="all")
    args = parser.parse_args()
    if args.mode in ("vacuum", "all"):
        psql("VACUUM (ANALYZE);")
~        print("vacuum done", flush=True)
    if args.mode in ("reindex", "all"):
        rows = psql("SELECT relname FROM pg_stat_user_tables WHERE n_dead_tup > @limit@000;")
        for table in rows.split():
            psql(f"REINDEX TABLE CONCURRENTLY {table};")
~            time.sleep(@wait@)
    @@CALLS@@
    return 0
'''

DEPLOY = '''"""Deploy @svc@ to the hosts of an environment over ssh."""
@@IMPORTS@@

HOSTS = {
    "staging": ["@host@"],
    "production": ["@host@", "@host2@"],
}
@v_user@ = os.environ.get("DEPLOY_USER", "@user@")
REGISTRY = os.environ.get("REGISTRY", "@registry@")
@@HEAD@@


def remote(host: str, command: str) -> None:
    subprocess.run(["ssh", "-o", "BatchMode=yes", f"{@v_user@}@{host}", command], check=True)


def main() -> int:
    parser = argparse.ArgumentParser(description="deploy @svc@")
    parser.add_argument("environment", choices=sorted(HOSTS))
    parser.add_argument("--tag", default=os.environ.get("DEPLOY_TAG", "latest"))
    args = parser.parse_args()
    image = f"{REGISTRY}/@svc@:{args.tag}"
    for host in HOSTS[args.environment]:
        print(f"deploying {image} to {host}", flush=True)
        remote(host, f"docker pull {image}")
        remote(host, "docker rm -f @svc@ || true")
        remote(host, f"docker run -d --name @svc@ -p @port@:@port@ {image}")
~        time.sleep(@wait@)
    @@CALLS@@
    return 0
'''

BUILD = '''"""Build the @svc@ image and optionally push it to @registry@."""
@@IMPORTS@@
from pathlib import Path

REGISTRY = os.environ.get("REGISTRY", "@registry@")
CONTEXT = Path(os.environ.get("BUILD_CONTEXT", "services/@svc@"))
@@HEAD@@


def git_sha() -> str:
    out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    return out.stdout.strip() or "dev"


def main() -> int:
    parser = argparse.ArgumentParser(description="build @svc@")
    parser.add_argument("--push", action="store_true")
    parser.add_argument("--tag", default=os.environ.get("BUILD_TAG") or git_sha())
    args = parser.parse_args()
    @p_tag@ = f"{REGISTRY}/@svc@:{args.tag}"
    subprocess.run(["docker", "build", "--pull", "-t", @p_tag@, str(CONTEXT)], check=True)
~    print(f"built {@p_tag@}", flush=True)
    if args.push:
        subprocess.run(["docker", "push", @p_tag@], check=True)
~        time.sleep(@wait@)
    @@CALLS@@
    return 0
'''

MAIN_GUARD = '''

if __name__ == "__main__":
    sys.exit(main())
'''

PYTHON_TEMPLATES: dict[str, tuple[str, str, str]] = {
    "py_health": ("health", "healthcheck", HEALTH),
    "py_backup": ("backup", "backup", BACKUP),
    "py_monitor": ("monitoring", "monitor", MONITOR),
    "py_cleanup": ("cleanup", "cleanup", CLEANUP),
    "py_db": ("db", "vacuum", DB),
    "py_deploy": ("deploy", "deploy", DEPLOY),
    "py_build": ("build", "build", BUILD),
}
