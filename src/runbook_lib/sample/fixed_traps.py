"""The traps of real repositories (words that look like callers and are not) and the caller forms
that only a parser finds: a Python web service run by a Procfile and declared in pyproject.toml,
an Ansible role, a Packer template, an s6-overlay oneshot, a PATH folder the repo sets, a
library that uses its caller's variable, a glob loop, a crontab line a script writes and a
command sent over ssh."""

from __future__ import annotations

from runbook_lib.sample.common import write_hand
from runbook_lib.sample.model import DEPLOY_ROOT, Line, imported, ln, of_kind, plain, trap
from runbook_lib.sample.sink import Sink

WEB = "services/web"
MIGRATE = "scripts/db/migrate.sh"


def write_traps(sink: Sink) -> None:
    _web_service(sink)
    _ansible(sink)
    _packer(sink)
    _s6(sink)
    _shell_traps(sink)
    _python_traps(sink)
    _shell_forms(sink)


def _web_service(sink: Sink) -> None:
    init, main, routes = f"{WEB}/app/__init__.py", f"{WEB}/app/main.py", f"{WEB}/app/routes.py"
    write_hand(sink, init, ("python", "lib", "web-package"), [], 1)
    write_hand(sink, routes, ("python", "lib", "web-routes"), plain(
        '"""Routes of the web service."""', "", "", "def main() -> None:",
        '    print("admin")'), 1)
    write_hand(sink, main, ("python", "lib", "web-app"), [
        Line('"""The web application; gunicorn loads `app` from here."""'),
        # a module named like the standard library's, not imported: only a trap
        *trap("import logging"),
        ln("from app import routes", imported(init), imported(routes)),
        Line(""), Line("app = routes"), Line('logging.getLogger("web")')], 1)
    write_hand(sink, f"{WEB}/app/logging.py", ("python", "lib", "web-logging"), trap(
        '"""Shadows the stdlib name; nothing imports it (main.py means the standard one)."""'), 1)
    tests = f"{WEB}/tests"
    write_hand(sink, f"{tests}/test_routes.py", ("python", "test", "web-tests"), [
        ln("from app import routes", imported(init), imported(routes)), Line(""), Line(""),
        Line("def test_main() -> None:"), Line("    routes.main()")], 1)
    sink.write_doc(f"{WEB}/Procfile", "procfile", [
        ln("web: gunicorn --workers 2 --bind 0.0.0.0:8080 app.main:app", init, main)], 1)
    sink.write_doc(f"{WEB}/pyproject.toml", "config", [
        *plain("[project]", 'name = "web"', 'dependencies = ["gunicorn>=21"]', "",
               "[project.scripts]"),
        ln('web-admin = "app.routes:main"', init, routes),
        *plain("", "[tool.pytest.ini_options]"),
        ln('testpaths = ["tests"]', f"{tests}/test_routes.py")], 1)


def _ansible(sink: Sink) -> None:
    role = "deploy/ansible/roles/nightly"  # (a folder named backup would be archived)
    sink.write_doc(f"{role}/defaults/main.yml", "data",
                   plain(f"app_root: {DEPLOY_ROOT}"), 2)
    sink.write_doc(f"{role}/tasks/main.yml", "ansible", [
        *plain("- name: Nightly backup by hand", "  become: true"),
        ln('  shell: "{{ app_root }}/scripts/db_backup/backup_db.sh --no-upload"',
           "scripts/db_backup/backup_db.sh")], 2)


def _packer(sink: Sink) -> None:
    # the API service's setup script also provisions its VM image (no new script: the
    # similarity benchmark draws its originals from the sample's scripts)
    setup = "services/api/scripts/setup.sh"
    sink.write_doc("services/api/image.pkr.hcl", "packer", [
        *plain("build {", '  sources = ["source.qemu.vm"]', '  provisioner "shell" {'),
        # inline code runs on the machine being built, from its own /tmp
        *trap('    inline  = ["sh /tmp/scripts/setup.sh"]'),
        ln('    scripts = ["${path.root}/scripts/setup.sh"]', setup),
        *plain("  }", "}")], 2)


def _s6(sink: Sink) -> None:
    # an s6-overlay oneshot of the API image runs the installed setup script at boot; a
    # bundle entry and a comment in another oneshot name services, not files
    svc = "services/api/rootfs/etc/s6-overlay/s6-rc.d"
    sink.write_doc(f"{svc}/init-api/type", "s6", plain("oneshot"), 2)
    sink.write_doc(f"{svc}/init-api/up", "s6", [
        ln(f"{DEPLOY_ROOT}/services/api/scripts/setup.sh", "services/api/scripts/setup.sh")], 2)
    sink.write_doc(f"{svc}/init-end/type", "s6", plain("oneshot"), 2)
    sink.write_doc(f"{svc}/init-end/up", "s6", trap("# after setup.sh: the end of the group"), 2)


def _shell_traps(sink: Sink) -> None:
    write_hand(sink, "tools/cli/dbtool", ("bash", "db", "db-tool"), plain(
        "#!/bin/bash", "# List databases; installed on PATH by use_tools.sh.", "psql -l"), 2)
    write_hand(sink, "scripts/misc/traps.sh", ("bash", "misc", "traps"), [
        *plain("#!/bin/bash", "# Lines that name scripts without running them: none is a caller."),
        *trap(
            "if is_enabled dbtool; then echo \"dbtool is enabled\"; fi",
            "dbtool --list",  # a system command of that name: tools/cli is not on PATH here
            '[[ "$1" == "deploy_web.sh" ]] && echo match',
            'case "$job" in backup_db.sh|migrate.sh) echo known ;; esac',
            'echo "run scripts/db/migrate.sh first"',
            "NEXT=scripts/db/migrate.sh",
            'pkill -f "monitor_queue.sh" || true',
            "ps aux | grep -v grep | grep backup_db.sh",
            "chmod +x scripts/db/migrate.sh",
            "[ -x scripts/db/migrate.sh ] && echo ready",
            "# ./scripts/db/migrate.sh"),
        ln(f"ssh ops@db1 {DEPLOY_ROOT}/scripts/db/vacuum_all.sh",
           of_kind("scripts/db/vacuum_all.sh", "script", live=False)),
        ln(f'(crontab -l; echo "*/10 * * * * {DEPLOY_ROOT}/scripts/health/check_all.sh -q") '
           "| crontab -", of_kind("scripts/health/check_all.sh", "cron"))], 2)


def _python_traps(sink: Sink) -> None:
    write_hand(sink, "tools/traps.py", ("python", "misc", "py-traps"), [
        *plain('"""Strings that name scripts without running them: none is a caller."""',
               "import subprocess"), *trap(
        'DOCKERFILE = "FROM alpine\\nCOPY scripts/db/migrate.sh /m.sh\\nCMD [\\"/m.sh\\"]\\n"',
        'STEPS = ["backup_db.sh", "migrate.sh"]',
        'print("run migrate.sh first", DOCKERFILE, STEPS)',
        'subprocess.run(["pkill", "-f", "monitor_queue.sh"], check=False)')], 2)


def _shell_forms(sink: Sink) -> None:
    write_hand(sink, "scripts/misc/use_tools.sh", ("bash", "misc", "use-tools"), [
        *plain("#!/bin/bash", "# Put the repo's tools on PATH, then call one by name.",
               'PATH="$(cd "$(dirname "$0")/../../tools/cli" && pwd):$PATH"'),
        ln("dbtool --list", "tools/cli/dbtool")], 2)
    write_hand(sink, "scripts/lib/paths.sh", ("bash", "lib", "paths-lib"), [
        Line("# Library: callers set APP_DIR before sourcing it."),
        ln("check_migrations() { \"$APP_DIR/scripts/db/migrate.sh\" --check; }", MIGRATE)],
        2, sourced=True)
    write_hand(sink, "scripts/misc/with_paths.sh", ("bash", "misc", "with-paths"), [
        *plain("#!/bin/bash", 'APP_DIR="$(cd "$(dirname "$0")/../.." && pwd)"'),
        ln('source "$APP_DIR/scripts/lib/paths.sh"', "scripts/lib/paths.sh"),
        Line("check_migrations")], 2)
    for name in ("check_disk", "check_mem"):
        write_hand(sink, f"healthchecks/{name}.sh", ("sh", "health", name),
                   plain("#!/bin/sh", f"echo {name} ok"), 2)
    write_hand(sink, "healthchecks/run_all.sh", ("bash", "health", "run-all-checks"), [
        *plain("#!/bin/bash", "# Every check_*.sh beside this script, one after the other."),
        ln('for c in "$(dirname "$0")"/check_*.sh; do bash "$c"; done',
           "healthchecks/check_disk.sh", "healthchecks/check_mem.sh")], 2)
