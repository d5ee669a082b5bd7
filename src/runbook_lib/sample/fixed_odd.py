"""Same-job variants, scripts that write scripts, and the inputs discovery must survive."""

from __future__ import annotations

from runbook_lib.sample.common import write_hand
from runbook_lib.sample.model import DEPLOY_ROOT, Line, Meta, ln, plain
from runbook_lib.sample.sink import Sink

SAME_JOB = ["build/build-all-images.sh", "build/build_all_images.sh",
            "build_all_images_simple.sh"]
SYMLINK = ("run-backup.sh", "scripts/db_backup/backup_db.sh")
BINARY = "tools/bin/legacy_agent.sh"
SERVICES = "api worker web"


def write_same_job(sink: Sink) -> None:
    job = ("build-all-images",)
    write_hand(sink, SAME_JOB[1], ("bash", "build", *job), plain(
        "#!/bin/bash", "# Build every service image, in parallel, and push them.",
        "set -euo pipefail", f'SERVICES="${{SERVICES:-{SERVICES}}}"',
        'REGISTRY="${REGISTRY:-registry.acme.internal}"', 'TAG="$(git rev-parse --short HEAD)"',
        "for svc in $SERVICES; do",
        '    docker build -t "$REGISTRY/$svc:$TAG" "services/$svc" &', "done", "wait",
        'for svc in $SERVICES; do', '    docker push "$REGISTRY/$svc:$TAG"', "done"), 0)
    write_hand(sink, SAME_JOB[0], ("sh", "build", *job), plain(
        "#!/bin/sh", "# build all images one after the other (no push, for laptops)",
        f"for d in {SERVICES}; do",
        '  echo "== $d"', '  docker build -t "local/$d:dev" "services/$d" || exit 1',
        "done"), 1)
    write_hand(sink, SAME_JOB[2], ("bash", "build", *job), plain(
        "#!/bin/bash", "# Simple version: docker compose builds whatever the compose file lists.",
        "docker compose build --pull", "docker compose push || true"), 2)
    sink.truth.same_job.append(list(SAME_JOB))


def write_generators(sink: Sink) -> None:
    """Scripts that write other scripts through heredocs."""
    write_hand(sink, "scripts/db/install_vacuum_job.sh", ("bash", "db", "install-vacuum"), [
        *plain("#!/bin/bash", "# Install a wrapper so the DBA team can run the vacuum by hand.",
               "set -euo pipefail", "cat > /usr/local/bin/pg-vacuum-all.sh <<'EOF'", "#!/bin/sh"),
        ln(f'exec {DEPLOY_ROOT}/scripts/db/vacuum_all.sh "$@"', "scripts/db/vacuum_all.sh"),
        *plain("EOF", "chmod 755 /usr/local/bin/pg-vacuum-all.sh",
               'echo "installed /usr/local/bin/pg-vacuum-all.sh"')], 2)
    step = "$TMPD/restore_step.sh"
    write_hand(sink, "scripts/db/restore_drill.sh", ("bash", "db", "restore-drill"), [
        *plain("#!/bin/bash", "# Monthly restore drill into a scratch database.",
               "set -euo pipefail", "TMPD=$(mktemp -d)", "trap 'rm -rf \"$TMPD\"' EXIT"),
        # writing a file is no reference, and $TMPD is unknown: neither line names a repo file
        Line(f"cat > {step} <<EOF", trap=True),
        *plain("#!/bin/sh", "set -e", "createdb drill_$(date +%Y%m)",
               "gunzip -c /var/backups/app/latest.sql.gz | psql -q drill_$(date +%Y%m)",
               "dropdb drill_$(date +%Y%m)", "EOF"),
        Line(f"bash {step}", trap=True)], 2)


def write_build_and_db(sink: Sink) -> None:
    write_hand(sink, "scripts/build/lint_all.sh", ("bash", "build", "lint-shell"), plain(
        "#!/bin/bash", "# Run shellcheck over every tracked shell script.", "set -euo pipefail",
        "git ls-files | grep -E '[.](sh|bash)$' | xargs -r shellcheck -S warning"), 1)
    write_hand(sink, "scripts/build/run_tests.sh", ("bash", "build", "run-tests"), plain(
        "#!/bin/bash", "# Unit tests of the python tools, then a docker smoke build.",
        "set -euo pipefail", "python3 -m pytest -q tools", "docker build -q services/api"), 1)
    write_hand(sink, "scripts/db/migrate.sh", ("bash", "db", "migrate"), plain(
        "#!/bin/bash", "# Apply SQL migrations in order; --check only lists pending ones.",
        'PGDATABASE="${PGDATABASE:-app_prod}"', 'MODE="${1:---apply}"',
        "for f in migrations/*.sql; do", '    [ -e "$f" ] || continue',
        '    if [ "$MODE" = "--check" ]; then', '        echo "pending: $f"', "    else",
        '        psql -v ON_ERROR_STOP=1 -d "$PGDATABASE" -f "$f"', "    fi", "done"), 0)
    write_hand(sink, "bin/opsctl", ("bash", "misc", "opsctl"), plain(
        "#!/usr/bin/env bash", "# Tiny front door for on-call: status | logs <svc>.",
        'case "${1:-status}" in', "    status) docker ps --format '{{.Names}} {{.Status}}' ;;",
        '    logs) docker logs --tail 200 "${2:?service}" ;;',
        '    *) echo "unknown command: $1" >&2; exit 2 ;;', "esac"), 1)


def write_odd_inputs(sink: Sink) -> None:
    truth = sink.truth
    sink.write_bytes(BINARY, b"\x7fELF\x02\x01\x01\x00" + bytes(range(256)) * 4, 1, 0o755)
    truth.skipped.append({"path": BINARY, "reason": "binary"})
    sink.symlink(SYMLINK[0], SYMLINK[1], 0)
    truth.skipped.append({"path": SYMLINK[0], "reason": "symlink", "target": SYMLINK[1]})
    latin1 = ("#!/bin/sh\n# Rapport g\xe9n\xe9r\xe9 chaque lundi (fichier en latin-1)\n"
              "echo \"Caf\xe9: $(date)\" >> /var/tmp/rapport.txt\n").encode("latin-1")
    sink.write_bytes("scripts/misc/latin1_report.sh", latin1, 0, 0o755)
    sink.add_meta(Meta("scripts/misc/latin1_report.sh", "sh", "misc", "latin1-report"))
    sink.write_bytes("scripts/cleanup/placeholder.sh", b"", 1, 0o755)
    sink.add_meta(Meta("scripts/cleanup/placeholder.sh", "sh", "cleanup", "placeholder"))
    write_hand(sink, "tools/fix perms.sh", ("sh", "misc", "fix-perms"), plain(
        "#!/bin/sh", "# one-off from an incident: give the app user its folders back",
        "sudo chown -R app:app /srv/app /var/log/app", "sudo chmod -R g+w /srv/app/uploads"), 2)

