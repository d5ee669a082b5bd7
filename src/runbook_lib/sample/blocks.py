"""Optional blocks authors paste around a script's core, so that two scripts of one family
share a skeleton but not their whole structure. Keys are what a recipe records."""

from __future__ import annotations

SHELL_PRE: dict[str, str] = {
    "lock": """LOCK_FILE="/var/lock/@svc@-@verb@.lock"
exec 9>"$LOCK_FILE"
if ! flock -n 9; then
    echo "another run holds $LOCK_FILE" >&2
    exit 0
fi""",
    "trap": """WORK_TMP="$(mktemp -d)"
cleanup() {
    rm -rf "$WORK_TMP"
}
trap cleanup EXIT INT TERM""",
    "envfile": """ENV_FILE="${ENV_FILE:-/etc/@svc@/env}"
if [ -r "$ENV_FILE" ]; then
    set -a
    . "$ENV_FILE"
    set +a
fi""",
    "root": """if [ "$(id -u)" -ne 0 ]; then
    echo "run as root (or with sudo)" >&2
    exit 1
fi""",
    "require": """for cmd in curl jq @tool@; do
    command -v "$cmd" >/dev/null 2>&1 || { echo "missing $cmd" >&2; exit 1; }
done""",
    "window": """HOUR="$(date +%H)"
if [ "$HOUR" -ge 8 ] && [ "$HOUR" -lt 20 ] && [ "${FORCE:-0}" != "1" ]; then
    echo "outside the maintenance window (20:00-08:00), set FORCE=1 to override" >&2
    exit 1
fi""",
    "ssh": """SSH_OPTS="-o BatchMode=yes -o ConnectTimeout=10 -o StrictHostKeyChecking=accept-new"
export SSH_OPTS""",
    "disk": """AVAIL_KB="$(df -Pk /var | awk 'NR == 2 {print $4}')"
if [ "$AVAIL_KB" -lt 1048576 ]; then
    echo "less than 1 GiB free on /var" >&2
fi""",
}
SHELL_POST: dict[str, str] = {
    "status": """STATUS_DIR="${STATUS_DIR:-/var/lib/app-status}"
mkdir -p "$STATUS_DIR"
date -u +%FT%TZ > "$STATUS_DIR/@svc@-@verb@.last\"""",
    "metrics": """if [ -n "${PUSHGATEWAY:-}" ]; then
    printf 'job_last_success{job="@svc@-@verb@"} %s\\n' "$(date +%s)" |
        curl -fsS --data-binary @- "$PUSHGATEWAY/metrics/job/@svc@" || true
fi""",
    "done": """END_TS="$(date +%s)"
echo "@svc@ @verb@ finished at $(date -u +%FT%TZ) (epoch $END_TS)\"""",
}
PY_HEAD: dict[str, str] = {
    "logging": """import logging

logging.basicConfig(level=os.environ.get("LOG_LEVEL", "INFO"),
                    format="%(asctime)s %(levelname)s %(message)s")
LOG = logging.getLogger("@svc@")""",
    "lock": """LOCK_PATH = "/var/lock/@svc@-@verb@.lock"


def acquire_lock() -> None:
    try:
        os.open(LOCK_PATH, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
    except FileExistsError:
        raise SystemExit(f"another run holds {LOCK_PATH}") from None""",
    "envfile": """def load_env(path: str = "/etc/@svc@/env") -> None:
    if not os.path.exists(path):
        return
    with open(path, encoding="utf-8") as handle:
        for raw in handle:
            key, sep, value = raw.strip().partition("=")
            if sep and not key.startswith("#"):
                os.environ.setdefault(key, value)""",
}
PY_MAIN: dict[str, str] = {
    "root": """    if os.geteuid() != 0:
        print("run as root", file=sys.stderr)
        return 1""",
    "status": """    stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    with open("/var/lib/app-status/@svc@-@verb@.last", "w", encoding="utf-8") as status:
        status.write(stamp)""",
    "done": """    cpu = time.process_time()
    print(f"@svc@ @verb@ done in {cpu:.2f}s cpu", file=sys.stderr)""",
}
TOOLS = ("psql", "docker", "aws", "rsync", "ssh", "gzip")
