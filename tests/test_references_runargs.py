"""Scripts that run their own arguments (`exec "$@"`): the words a caller hands them are a
command of their own, `likely`, and only for scripts whose own code runs them."""

from __future__ import annotations

from pathlib import Path

from test_references_support import rules, scan_repo

ENTRY = {
    "Dockerfile": ("FROM python:3.12-slim\nCOPY docker/entrypoint.sh /entrypoint.sh\n"
                          "COPY docker/launch.sh /launch.sh\n"
                          'CMD ["/entrypoint.sh", "/launch.sh"]\n'),
    "docker/entrypoint.sh": ('#!/bin/bash\nset -e\nif [ -n "$DB_WAIT" ]; then\n'
                             "  sleep 2\nfi\nexec \"$@\"\n"),
    "docker/launch.sh": "#!/bin/bash\nexec gunicorn app.wsgi\n",
}


def test_a_command_handed_to_an_entrypoint_that_runs_it_is_called(tmp_path: Path) -> None:
    got = rules(tmp_path, ENTRY, "Dockerfile")
    assert (4, "docker/launch.sh", "dockerfile", "runs-args>command", "likely", True) in got
    assert (4, "docker/entrypoint.sh", "dockerfile", "command", "certain", True) in got, got


WRAPPER = {
    "bin/with-venv.sh": ('#!/bin/sh\n. "$(dirname "$0")/../.venv/bin/activate"\n'
                         'exec gosu app "$@"\n'),
    "bin/report.sh": "#!/bin/bash\n./bin/with-venv.sh python tools/report.py --daily\n",
    "tools/report.py": "print('report')\n",
}


def test_a_wrapper_runs_the_interpreter_and_script_it_is_given(tmp_path: Path) -> None:
    got = rules(tmp_path, WRAPPER, "bin/report.sh")
    assert (2, "tools/report.py", "script", "runs-args>python", "likely", True) in got


# traps: scripts that take the same words as data, or run something else with them
NOT_RUNNERS = {
    "bin/notify.sh": '#!/bin/bash\necho "deploying: $@"\nprintf "%s\\n" "$@" >> /tmp/log\n',
    "bin/again.sh": '#!/bin/bash\n[ -n "$LOCKED" ] || exec "$0" "$@"\n',
    "bin/shifted.sh": '#!/bin/bash\nshift\nexec "$@"\n',
    "bin/inner.sh": '#!/bin/bash\nrun() { "$@"; }\nrun true\n',
    "bin/deploy.sh": ("#!/bin/bash\n./bin/notify.sh tools/report.py\n"
                      "./bin/again.sh tools/report.py\n"
                      "./bin/inner.sh tools/report.py\n"
                      "./bin/shifted.sh tools/report.py\n"),
    "tools/report.py": "print('report')\n",
}


def test_words_handed_to_a_script_that_does_not_run_them_are_no_call(tmp_path: Path) -> None:
    found = scan_repo(tmp_path, NOT_RUNNERS, only="bin/deploy.sh")
    assert {t for _, _, t, _, _ in found} == {"bin/notify.sh", "bin/again.sh", "bin/inner.sh",
                                              "bin/shifted.sh"}
