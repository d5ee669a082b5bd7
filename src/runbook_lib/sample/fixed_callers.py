"""Fixed caller files: one of each kind the discovery contract names, with exact truth."""

from __future__ import annotations

from runbook_lib.sample.model import DEPLOY_ROOT, Line, copies_folder, ln, missing, plain
from runbook_lib.sample.sink import Sink

API = "services/api"
COMMON_TARGETS = {
    "backup": "scripts/db_backup/backup_db.sh", "check_all": "scripts/health/check_all.sh",
    "cleanup": "scripts/cleanup/cleanup_tmp.sh", "migrate": "scripts/db/migrate.sh",
    "deploy_web": "scripts/deploy/deploy_web.sh", "queue": "scripts/monitoring/monitor_queue.sh",
}
T = COMMON_TARGETS


def write_dockerfile(sink: Sink) -> None:
    lines = [
        *plain("FROM python:3.11-slim", 'LABEL maintainer="platform@acme.example"',
               "WORKDIR /app",
               "RUN apt-get update && apt-get install -y --no-install-recommends curl "
               "postgresql-client && rm -rf /var/lib/apt/lists/*",
               "COPY requirements.txt ./", "RUN pip install --no-cache-dir -r requirements.txt"),
        ln("COPY entrypoint.sh /usr/local/bin/entrypoint.sh", f"{API}/entrypoint.sh"),
        copies_folder("COPY scripts/ /app/scripts/", f"{API}/scripts"),
        ln("RUN ./scripts/setup.sh", f"{API}/scripts/setup.sh"),
        Line("COPY . ."),
        ln("HEALTHCHECK --interval=30s --timeout=5s CMD /app/scripts/healthcheck.sh || exit 1",
           f"{API}/scripts/healthcheck.sh"),
        Line("EXPOSE 8000"),
        ln('ENTRYPOINT ["/usr/local/bin/entrypoint.sh"]', f"{API}/entrypoint.sh"),
        ln('CMD ["/app/scripts/start.sh"]', f"{API}/scripts/start.sh"),
    ]
    sink.write_doc(f"{API}/Dockerfile", "dockerfile", lines, 1)


def write_compose(sink: Sink) -> None:
    lines = [
        *plain("services:", "  api:", "    build:", "      context: ./services/api",
               "    ports:", '      - "8000:8000"'),
        ln('    command: ["/app/scripts/start.sh", "--workers", "4"]', f"{API}/scripts/start.sh"),
        Line("    healthcheck:"),
        ln('      test: ["CMD", "/app/scripts/healthcheck.sh"]', f"{API}/scripts/healthcheck.sh"),
        *plain("      interval: 30s", "  worker:",
               "    image: registry.acme.internal/worker:latest", "    volumes:",
               "      - ./scripts:/app/scripts:ro"),
        ln('    entrypoint: ["/app/scripts/deploy/wait_for_db.sh", "db"]',
           "scripts/deploy/wait_for_db.sh"),
        Line("    command: >"),
        ln("      /app/scripts/db/migrate.sh --apply", T["migrate"]),
        *plain("    healthcheck:", "      test:", "        - CMD-SHELL"),
        ln("        - /app/scripts/health/check_all.sh -q", T["check_all"]),
        *plain("  queue-monitor:", "    image: alpine:3.19", "    volumes:"),
        ln("      - ./scripts/monitoring/monitor_queue.sh:/usr/local/bin/monitor_queue.sh:ro",
           T["queue"]),
        ln("    command: /usr/local/bin/monitor_queue.sh", T["queue"]),
        Line("    healthcheck:"),
        ln('      test: "/usr/local/bin/monitor_queue.sh --once"', T["queue"]),
    ]
    sink.write_doc("docker-compose.yml", "compose", lines, 1)


def write_github(sink: Sink) -> None:
    lines = [
        *plain("name: deploy", "on:", "  push:", "    branches: [main]", "jobs:", "  deploy:",
               "    runs-on: ubuntu-latest", "    steps:", "      - uses: actions/checkout@v4",
               "      - name: Lint"),
        ln("        run: ./scripts/build/lint_all.sh", "scripts/build/lint_all.sh"),
        Line("      - name: Build images"),
        ln("        run: bash build/build_all_images.sh", "build/build_all_images.sh"),
        *plain("      - name: Smoke test the api", "        working-directory: services/api"),
        ln("        run: ./scripts/smoke_test.sh -q", f"{API}/scripts/smoke_test.sh"),
        *plain("      - name: Database checks", "        run: |", "          cd scripts/db"),
        ln("          ./check_replication.sh", "scripts/db/check_replication.sh"),
        ln("          bash ../db_backup/verify_backup.sh /tmp/latest.sql.gz",
           "scripts/db_backup/verify_backup.sh"),
        Line("      - name: Migrate (a cd does not carry into this step)"),
        ln("        run: ./scripts/db/migrate.sh --check", T["migrate"]),
        Line("      - name: Deploy"),
        ln("        run: ./scripts/deploy/deploy_web.sh staging", T["deploy_web"]),
        ln("      # - run: ./scripts/deploy/deploy_legacy.sh",
           missing("./scripts/deploy/deploy_legacy.sh")),
    ]
    sink.write_doc(".github/workflows/deploy.yml", "ci", lines, 1)
    nightly = [*plain("name: nightly", "on:", "  schedule:", '    - cron: "30 1 * * *"', "jobs:",
                      "  nightly:", "    runs-on: [self-hosted, ops]", "    steps:",
                      "      - uses: actions/checkout@v4"),
               ln("      - run: sh jobs/nightly.sh", "jobs/nightly.sh")]
    sink.write_doc(".github/workflows/nightly.yml", "ci", nightly, 2)


def write_gitlab_jenkins(sink: Sink) -> None:
    gitlab = [
        *plain("stages: [test, backup]", "", "test:", "  stage: test", "  script:"),
        ln("    - bash scripts/build/run_tests.sh", "scripts/build/run_tests.sh"),
        ln("    - ./scripts/health/check_all.sh -q", T["check_all"]),
        *plain("", "nightly-backup:", "  stage: backup", "  only: [schedules]", "  script:"),
        ln("    - sh scripts/db_backup/backup_files.sh --no-upload",
           "scripts/db_backup/backup_files.sh"),
    ]
    sink.write_doc(".gitlab-ci.yml", "ci", gitlab, 1)
    jenkins = [
        *plain("pipeline {", "    agent any", "    stages {", "        stage('Build') {",
               "            steps {"),
        ln("                sh './scripts/build/build_images.sh --push'",
           "scripts/build/build_images.sh"),
        Line("                dir('services/api') {"),
        ln("                    sh './scripts/migrate.sh'", f"{API}/scripts/migrate.sh"),
        Line("                }"),
        ln("                // sh './scripts/deploy/deploy_v1.sh'",
           missing("./scripts/deploy/deploy_v1.sh")),
        *plain("            }", "        }", "    }", "}"),
    ]
    sink.write_doc("Jenkinsfile", "ci", jenkins, 1)


def write_cron(sink: Sink) -> None:
    r = DEPLOY_ROOT
    cron = [
        *plain("SHELL=/bin/bash", "MAILTO=ops@acme.example", "# m h dom mon dow command"),
        ln(f"15 2 * * * {r}/scripts/db_backup/backup_db.sh >> /var/log/app/backup.log 2>&1",
           T["backup"]),
        ln(f"*/5 * * * * {r}/scripts/health/check_all.sh -q", T["check_all"]),
        ln(f"0 4 * * 0 {r}/scripts/cleanup/cleanup_tmp.sh", T["cleanup"]),
        ln(f"30 3 * * * cd {r} && python3 tools/nightly_report.py", "tools/nightly_report.py"),
        ln(f"45 3 * * * {r}/scripts/db_backup/backup_legacy_nas.sh",
           missing(f"{r}/scripts/db_backup/backup_legacy_nas.sh")),
        ln(f"#0 1 * * * {r}/scripts/deploy/rollback.sh", "scripts/deploy/rollback.sh"),
        # sources scripts/lib/paths.sh, whose call of migrate.sh needs the APP_DIR it sets
        ln(f"20 3 * * * {r}/scripts/misc/with_paths.sh", "scripts/misc/with_paths.sh"),
    ]
    sink.write_doc("cron/app.crontab", "cron", cron, 0)
    old = [Line("# crontab of the old VM, kept for reference"),
           ln(f"15 2 * * * {r}/scripts/db_backup/backup_db.sh", T["backup"]),
           ln(f"0 5 * * * {r}/scripts/db_backup/backup_legacy_nas.sh",
              missing(f"{r}/scripts/db_backup/backup_legacy_nas.sh"))]
    sink.write_doc("archive/cron/old-vm.crontab", "cron", old, 0, archived=True)


def write_systemd(sink: Sink) -> None:
    r = DEPLOY_ROOT
    unit = [*plain("[Unit]", "Description=Nightly database backup", "", "[Service]",
                   "Type=oneshot", "User=app", f"WorkingDirectory={r}"),
            ln(f"ExecStart={r}/scripts/db_backup/backup_db.sh --no-upload", T["backup"])]
    sink.write_doc("deploy/systemd/app-backup.service", "systemd", unit, 1)
    timer = plain("[Unit]", "Description=Run app-backup nightly", "", "[Timer]",
                  "OnCalendar=*-*-* 02:30:00", "Persistent=true", "Unit=app-backup.service", "",
                  "[Install]", "WantedBy=timers.target")
    sink.write_doc("deploy/systemd/app-backup.timer", "systemd", timer, 1)
    queue = [*plain("[Unit]", "Description=Queue depth monitor", "", "[Service]",
                    f"WorkingDirectory={r}/scripts/monitoring"),
             ln("ExecStart=/bin/sh monitor_queue.sh", T["queue"]),
             *plain("Restart=always", "", "[Install]", "WantedBy=multi-user.target")]
    sink.write_doc("deploy/systemd/queue-monitor.service", "systemd", queue, 1)
