"""Shell script bodies by family. `@key@` is filled from the vocab, a line starting with `~`
may be deleted by a near-miss copy, `@@HEAD@@` takes set -e, sourcing and pasted functions,
`@@CALLS@@` takes the lines that call other scripts."""

from __future__ import annotations

# The log() body pasted into dozens of scripts: the `log` fragment of the truth.
LOG_FRAGMENT = (
    "log() {",
    "    printf '%s [%s] %s\\n' \"$(date '+%Y-%m-%d %H:%M:%S')\" \"$(basename \"$0\")\" \"$*\" >&2",
    "}",
)
DIE_FRAGMENT = (
    "die() {",
    '    log "ERROR: $*"',
    "    exit 1",
    "}",
)

DEPLOY = r"""# Deploy @svc@ to an environment: pull the image on the host and restart the container.
@@HEAD@@
usage() {
    echo "Usage: $(basename "$0") <environment> [tag]" >&2
    echo "  DEPLOY_HOST, DEPLOY_USER and REGISTRY override the defaults" >&2
    exit 2
}

[ $# -ge 1 ] || usage
ENVIRONMENT="$1"
@v_tag@="${2:-${DEPLOY_TAG:-latest}}"
@v_host@="${DEPLOY_HOST:-@host@}"
@v_user@="${DEPLOY_USER:-@user@}"
REGISTRY="${REGISTRY:-@registry@}"
IMAGE="$REGISTRY/@svc@:$@v_tag@"

@log@ "deploying $IMAGE to $ENVIRONMENT ($@v_host@)"
~ssh -o BatchMode=yes "$@v_user@@$@v_host@" "docker pull $IMAGE"
ssh -o BatchMode=yes "$@v_user@@$@v_host@" "docker stop @svc@ || true; docker rm @svc@ || true"
ssh -o BatchMode=yes "$@v_user@@$@v_host@" \
    "docker run -d --name @svc@ --restart unless-stopped -p @port@:@port@ $IMAGE"
~sleep @wait@
@@CALLS@@
if curl -fsS "http://$@v_host@:@port@/healthz" >/dev/null; then
    @log@ "@svc@ is up on $@v_host@"
else
    @log@ "@svc@ did not come up, check docker logs on $@v_host@"
    exit 1
fi
"""

HEALTH = r"""# Health check for @svc@: poll the HTTP endpoint until it answers or retries run out.
@@HEAD@@
@v_url@="${HEALTH_URL:-http://@host@:@port@/healthz}"
@v_tries@="${HEALTH_RETRIES:-@tries@}"
@v_wait@="${HEALTH_SLEEP:-@wait@}"

usage() {
    echo "Usage: $(basename "$0") [-q]" >&2
    exit 2
}

QUIET=0
while getopts "qh" opt; do
    case "$opt" in
        q) QUIET=1 ;;
        *) usage ;;
    esac
done

@fn@() {
    curl -fsS --max-time 5 "$@v_url@" >/dev/null 2>&1
}

i=1
while [ "$i" -le "$@v_tries@" ]; do
    if @fn@; then
        [ "$QUIET" -eq 1 ] || @log@ "@svc@ healthy (attempt $i)"
        exit 0
    fi
~    @log@ "@svc@ not ready, retry $i/$@v_tries@"
    sleep "$@v_wait@"
    i=$((i + 1))
done
@@CALLS@@
@log@ "@svc@ failed its health check after $@v_tries@ attempts"
exit 1
"""

BACKUP = r"""# Nightly logical backup of @db@ to local disk and object storage.
@@HEAD@@
@v_db@="${PGDATABASE:-@db@}"
@v_dir@="${BACKUP_DIR:-/var/backups/@svc@}"
@v_keep@="${KEEP_DAYS:-@days@}"
BUCKET="${BACKUP_BUCKET:-@bucket@}"
STAMP="$(date +%Y%m%d-%H%M%S)"
@v_out@="$@v_dir@/$@v_db@-$STAMP.sql.gz"

usage() {
    echo "Usage: $(basename "$0") [--no-upload]" >&2
    exit 2
}

UPLOAD=1
case "${1:-}" in
    --no-upload) UPLOAD=0 ;;
    -h|--help) usage ;;
esac

mkdir -p "$@v_dir@"
@log@ "dumping $@v_db@ to $@v_out@"
pg_dump --no-owner --format=plain "$@v_db@" | gzip -9 > "$@v_out@"
~chmod 600 "$@v_out@"
if [ "$UPLOAD" -eq 1 ]; then
    aws s3 cp "$@v_out@" "$BUCKET/@svc@/" --only-show-errors
fi
@@CALLS@@
@log@ "removing dumps older than $@v_keep@ days"
find "$@v_dir@" -name "*.sql.gz" -mtime +"$@v_keep@" -exec rm -f {} \;
~du -sh "$@v_dir@"
"""

RESTORE = r"""# Restore @db@ from a dump file. This destroys the current contents of the database.
@@HEAD@@
usage() {
    echo "Usage: $(basename "$0") <dump.sql.gz> [--force]" >&2
    exit 2
}

[ $# -ge 1 ] || usage
@v_out@="$1"
@v_db@="${PGDATABASE:-@db@}"
@v_host@="${PGHOST:-@host@}"

[ -f "$@v_out@" ] || { echo "no such dump: $@v_out@" >&2; exit 1; }
if [ "${2:-}" != "--force" ]; then
    printf 'This drops %s on %s. Type the database name to continue: ' "$@v_db@" "$@v_host@"
    read -r answer
    [ "$answer" = "$@v_db@" ] || exit 1
fi

@log@ "restoring $@v_db@ on $@v_host@ from $@v_out@"
~psql -h "$@v_host@" -d postgres \
~    -c "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '$@v_db@';"
dropdb -h "$@v_host@" --if-exists "$@v_db@"
createdb -h "$@v_host@" "$@v_db@"
gunzip -c "$@v_out@" | psql -h "$@v_host@" -d "$@v_db@" -v ON_ERROR_STOP=1
@@CALLS@@
~@log@ "restore of $@v_db@ finished"
"""

MONITOR = r"""# Watch disk usage on this host; page on-call for @svc@ when a threshold is crossed.
@@HEAD@@
@v_limit@="${DISK_LIMIT:-@limit@}"
WEBHOOK="${ALERT_WEBHOOK:-https://hooks.acme.example/alerts/@svc@}"
@v_host@="$(hostname)"

alert() {
    curl -fsS -X POST -H 'Content-Type: application/json' \
        -d "{\"service\": \"@svc@\", \"host\": \"$@v_host@\", \"text\": \"$1\"}" \
        "$WEBHOOK" >/dev/null || @log@ "alert delivery failed"
}

df -P | awk 'NR > 1 {print $5, $6}' | while read -r used mount; do
    pct="${used%\%}"
    if [ "$pct" -ge "$@v_limit@" ]; then
        alert "disk $mount at ${pct}% on $@v_host@"
~        sleep @wait@
    fi
done

load="$(cut -d ' ' -f 1 /proc/loadavg)"
~@log@ "load average on $@v_host@ is $load"
@@CALLS@@
~@log@ "monitor pass done for @svc@"
"""

BUILD = r"""# Build the @svc@ image and push it to @registry@.
@@HEAD@@
REGISTRY="${REGISTRY:-@registry@}"
@v_tag@="${BUILD_TAG:-$(git rev-parse --short HEAD)}"
CONTEXT="${BUILD_CONTEXT:-services/@svc@}"

usage() {
    echo "Usage: $(basename "$0") [--push]" >&2
    exit 2
}

PUSH=0
for arg in "$@"; do
    case "$arg" in
        --push) PUSH=1 ;;
        *) usage ;;
    esac
done

@log@ "building $REGISTRY/@svc@:$@v_tag@ from $CONTEXT"
docker build --pull -t "$REGISTRY/@svc@:$@v_tag@" -t "$REGISTRY/@svc@:latest" "$CONTEXT"
~docker image inspect "$REGISTRY/@svc@:$@v_tag@" >/dev/null
if [ "$PUSH" -eq 1 ]; then
    docker push "$REGISTRY/@svc@:$@v_tag@"
    docker push "$REGISTRY/@svc@:latest"
fi
@@CALLS@@
~@log@ "build of @svc@ done"
"""

CLEANUP = r"""# Clean up old logs, scratch files and dangling docker data for @svc@.
@@HEAD@@
@v_dir@="${LOG_DIR:-/var/log/@svc@}"
@v_keep@="${KEEP_DAYS:-@days@}"
TMP_ROOT="${TMP_ROOT:-/tmp/@svc@}"
DRY_RUN="${DRY_RUN:-0}"

usage() {
    echo "Usage: $(basename "$0") [--dry-run]" >&2
    exit 2
}

case "${1:-}" in
    --dry-run) DRY_RUN=1 ;;
    -h|--help) usage ;;
esac

@rm@() {
    if [ "$DRY_RUN" -eq 1 ]; then
        echo "would remove: $*"
    else
        rm -rf "$@"
    fi
}

@log@ "pruning files older than $@v_keep@ days in $@v_dir@"
find "$@v_dir@" -type f -name "*.log.*" -mtime +"$@v_keep@" -print | while read -r f; do
    @rm@ "$f"
done
@rm@ "$TMP_ROOT"
~sudo chown -R app:app "$@v_dir@"
docker system prune -f --filter "until=@hours@h"
@@CALLS@@
"""

DB = r"""# Database maintenance for @db@: vacuum, analyze and reindex bloated tables.
@@HEAD@@
@v_db@="${PGDATABASE:-@db@}"
@v_host@="${PGHOST:-@host@}"
@v_limit@="${BLOAT_LIMIT:-@limit@}"
PSQL="psql -h $@v_host@ -d $@v_db@ -v ON_ERROR_STOP=1 -qAt"

usage() {
    echo "Usage: $(basename "$0") [vacuum|reindex|all]" >&2
    exit 2
}

MODE="${1:-all}"
case "$MODE" in
    vacuum|reindex|all) ;;
    *) usage ;;
esac

if [ "$MODE" != "reindex" ]; then
    @log@ "vacuum analyze on $@v_db@"
    $PSQL -c "VACUUM (ANALYZE, VERBOSE);"
fi
if [ "$MODE" != "vacuum" ]; then
    QUERY="SELECT relname FROM pg_stat_user_tables WHERE n_dead_tup > $@v_limit@ * 1000;"
    for table in $($PSQL -c "$QUERY"); do
        @log@ "reindexing $table"
        $PSQL -c "REINDEX TABLE CONCURRENTLY $table;"
~        sleep @wait@
    done
fi
@@CALLS@@
~@log@ "maintenance of $@v_db@ finished"
"""

# name -> (family, verb, text)
SHELL_TEMPLATES: dict[str, tuple[str, str, str]] = {
    "deploy": ("deploy", "deploy", DEPLOY),
    "health": ("health", "healthcheck", HEALTH),
    "backup": ("backup", "backup", BACKUP),
    "restore": ("backup", "restore", RESTORE),
    "monitor": ("monitoring", "monitor", MONITOR),
    "build": ("build", "build", BUILD),
    "cleanup": ("cleanup", "cleanup", CLEANUP),
    "db": ("db", "vacuum", DB),
}
