"""The usage header of quarantined scripts and shims: nothing the script does changes, and each
run leaves one record in each sink (planning.quarantine, planning.usagelog)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest

from runbook_lib.planning import quarantine, shims, usagelog
from runbook_lib.planning.usagelog import Sinks
from runbook_lib.proc import shellcheck

BASH = """#!/bin/bash
# shellcheck disable=SC2034
# usage: job.sh NAME...
set -euo pipefail
UNUSED=1
echo "0=$0 args=$# [$*] first=$_"
read -r line || true
echo "stdin=$line"
echo "err" >&2
exit 7
"""
SH = """#!/bin/sh
set -eu
echo "0=$0 args=$# [$*]"
read -r line || true
echo "stdin=$line"
false
echo "not reached under set -e"
"""
PYTHON = '''#!/usr/bin/env python3
# -*- coding: utf-8 -*-
"""Prints what it sees."""
from __future__ import annotations

import sys

names = sorted(n for n in globals() if not n.startswith("__"))
print(__doc__, sys.argv[1:], sys.stdin.read().strip(), names)
sys.exit(5)
'''
NOTE = quarantine.why(3, 30)


def run(argv: list[str], cwd: Path) -> tuple[int, str, str]:
    done = subprocess.run(argv, cwd=cwd, input="hello\n", capture_output=True, text=True,
                          check=False, env={"PATH": os.environ["PATH"]})
    return done.returncode, done.stdout, done.stderr


def before_after(tmp: Path, name: str, text: str, language: str, sinks: Sinks,
                 how: list[str]) -> tuple[tuple[int, str, str], tuple[int, str, str]]:
    """The script run as `how` (+ its path), before and after the header, at the same path."""
    path = tmp / name
    path.write_text(text, "utf-8")
    path.chmod(0o755)
    old = run([*how, f"./{name}", "a b", "c"], tmp)
    path.write_bytes(quarantine.add_header(text.encode(), language, f"ops/{name}", sinks, NOTE))
    new = run([*how, f"./{name}", "a b", "c"], tmp)
    return old, new


def records(log: Path) -> list[usagelog.Record]:
    lines = log.read_text("utf-8").splitlines() if log.exists() else []
    return [r for r in map(usagelog.parse, lines) if r is not None]


@pytest.mark.parametrize(("text", "how"), [(BASH, []), (BASH, ["bash"]), (SH, ["sh"]),
                                           (SH, ["busybox", "sh"])])
def test_shell_header_changes_nothing_and_records_the_run(tmp_path: Path, text: str,
                                                          how: list[str]) -> None:
    if how and shutil.which(how[0]) is None:
        pytest.skip(f"{how[0]} is not installed")
    log = tmp_path / "usage.log"
    old, new = before_after(tmp_path, "job.sh", text, "bash", Sinks(str(log), True), how)
    assert new == old
    assert old[0] in (1, 7) and "stdin=hello" in old[1]
    [record] = records(log)
    assert record.script == "ops/job.sh" and record.path == "./job.sh"
    assert record.cwd == str(tmp_path) and record.user and record.host
    assert "pytest" in record.parent  # the command line of the process that ran it
    when = datetime.fromisoformat(record.time.replace("Z", "+00:00"))
    assert abs((datetime.now(UTC) - when).total_seconds()) < 60


def test_a_log_that_cannot_be_written_is_skipped_silently(tmp_path: Path) -> None:
    for log in (tmp_path / "missing" / "usage.log", Path("/proc/version")):
        old, new = before_after(tmp_path, "job.sh", BASH, "bash", Sinks(str(log), True), [])
        assert new == old


def test_python_header_keeps_docstring_future_imports_globals_and_exit(tmp_path: Path) -> None:
    log = tmp_path / "usage.log"
    old, new = before_after(tmp_path, "tool.py", PYTHON, "python", Sinks(str(log), False),
                            [sys.executable])
    assert new == old and old[0] == 5
    assert "Prints what it sees. ['a b', 'c'] hello ['annotations', 'sys']" in old[1]
    [record] = records(log)
    assert record.script == "ops/tool.py" and record.path == str(tmp_path / "tool.py")


def test_an_imported_module_records_its_import(tmp_path: Path) -> None:
    log = tmp_path / "usage.log"
    lib = b'"""A helper."""\nVALUE = 42\n'
    (tmp_path / "helper.py").write_bytes(
        quarantine.add_header(lib, "python", "lib/helper.py", Sinks(str(log), False), NOTE))
    done = subprocess.run([sys.executable, "-c", "import helper; print(helper.VALUE, "
                           "helper.__doc__, [n for n in vars(helper) if not n.startswith('__')])"],
                          cwd=tmp_path, capture_output=True, text=True, check=True)
    assert done.stdout == "42 A helper. ['VALUE']\n" and done.stderr == ""
    assert [r.script for r in records(log)] == ["lib/helper.py"]


@pytest.mark.parametrize(("name", "text", "language"), [
    ("job.sh", BASH, "bash"), ("job.sh", SH, "sh"),
    ("lib.sh", "# shellcheck shell=bash\nf() {\n  echo x\n}\n", "bash"),
    ("empty.sh", "", "sh"), ("comments.sh", "# nothing yet\n", "sh"),
    ("old.sh", "#!/bin/sh\ncd $1\nrm -rf *\n", "sh"),  # findings of its own stay as they were
    ("vars.sh", "#!/bin/sh\nr=1\nh=2\nt=3\necho \"$r$h$t\"\n", "sh"),  # short names too
])
def test_no_new_shellcheck_findings(name: str, text: str, language: str) -> None:
    if not shellcheck.available():
        pytest.skip("shellcheck is not installed")
    new = quarantine.add_header(text.encode(), language, name, Sinks("/var/log/x.log", True),
                                NOTE).decode()
    assert not Counter(shellcheck.codes(new)) - Counter(shellcheck.codes(text))


def test_shims_record_their_use_too(tmp_path: Path) -> None:
    log = tmp_path / "usage.log"
    (tmp_path / "tools").mkdir()
    (tmp_path / "tools" / "real.sh").write_text("#!/bin/bash\necho \"real $*\"\nexit 3\n")
    (tmp_path / "tools" / "real.sh").chmod(0o755)
    shim = shims.render("exec", "ops/copy.sh", "tools/real.sh", "#!/bin/bash", 2,
                        Sinks(str(log), True))
    (tmp_path / "ops").mkdir()
    (tmp_path / "ops" / "copy.sh").write_text(shim, "utf-8")
    (tmp_path / "ops" / "copy.sh").chmod(0o755)
    assert run(["ops/copy.sh", "x"], tmp_path) == (3, "real x\n", "")
    assert [r.script for r in records(log)] == ["ops/copy.sh"]
    if shellcheck.available():
        assert shellcheck.codes(shim) == []


@pytest.mark.parametrize("language", ["bash", "python"])
def test_syslog_sink_goes_through_logger(tmp_path: Path, language: str) -> None:
    """logger writes to /dev/log: here a socket of the test's, bound there in a bubblewrap
    mount namespace so the machine's own /dev is untouched."""
    if shutil.which("bwrap") is None or shutil.which("logger") is None:
        pytest.skip("needs bubblewrap and logger")
    sock_path = tmp_path / "log.sock"
    server = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    server.bind(str(sock_path))
    server.settimeout(10)
    text, name = (BASH, "job.sh") if language == "bash" else (PYTHON, "tool.py")
    script = tmp_path / name
    script.write_bytes(quarantine.add_header(text.encode(), language, f"ops/{name}",
                                             Sinks("", True), NOTE))
    script.chmod(0o755)
    done = subprocess.run(["bwrap", "--ro-bind", "/", "/", "--dev", "/dev", "--bind",
                           str(tmp_path), str(tmp_path), "--bind", str(sock_path), "/dev/log",
                           "--chdir", str(tmp_path), str(script)], input="x\n",
                          capture_output=True, text=True, check=False)
    if "Operation not permitted" in done.stderr or "bwrap:" in done.stderr:
        pytest.skip(f"bubblewrap cannot run here: {done.stderr.strip()}")
    message = server.recv(65536).decode("utf-8", "replace")
    server.close()
    assert "runbook-usage" in message.split("\t")[0]  # the tag logger was given
    record = usagelog.parse(message)
    assert record is not None and record.script == f"ops/{name}"


def test_records_survive_syslog_escaping_and_odd_paths() -> None:
    ident = usagelog.script_id("odd dir/it's ü.sh")
    assert "/" not in ident and "." not in ident and " " not in ident
    line = ("Nov 28 12:00:00 host runbook-usage: runbook-usage#0111#0112026-11-28T12:00:00Z"
            f"#011host#011alice#011{ident}#011/opt/x.sh#011/root#011cron x")
    record = usagelog.parse(line)
    assert record is not None and record.script == "odd dir/it's ü.sh"
    assert record.user == "alice" and record.parent == "cron x"
    assert usagelog.parse("runbook-usage started") is None


@pytest.mark.parametrize(("data", "language", "problem"), [
    (b"#!/usr/bin/env python\nprint 'py2'\n", "python", "does not parse"),
    (b"#!/bin/sh\r\necho hi\r\n", "sh", "CRLF"),
    (b"#!/bin/sh\necho \xff\n", "sh", "UTF-8"),
])
def test_scripts_the_header_cannot_keep_are_refused(data: bytes, language: str,
                                                    problem: str) -> None:
    assert problem in quarantine.problem(data, language)


def test_files_other_programs_read_wait_and_a_file_broken_before_passes_syntax(
        tmp_path: Path) -> None:
    """A Terraform file behind a stray shebang is never given a header; a script whose syntax
    was already broken is quarantined, and the syntax check does not blame the batch."""
    from conftest import make_repo
    from runbook_lib.discovery.discover import DiscoveryParams, run_discovery
    from runbook_lib.execution.batch import BatchParams, run_batch
    from runbook_lib.planning.approve import ApproveParams, approve
    from runbook_lib.planning.plan import PlanParams, build_plan
    from runbook_lib.similarity import SimilarityParams, run_similarity

    tf = '#!/bin/bash\n# Copyright\nvariable "region" {\n  default = "x"\n}\n'
    repo = make_repo(tmp_path / "repo", {"infra/variables.tf": tf,
                                         "tools/broken": "#!/bin/bash\nif then\n"})
    ws = tmp_path / "ws"
    run_discovery(DiscoveryParams(repo=repo, workspace=ws, containers=False))
    run_similarity(ws, SimilarityParams(workspace=ws, shellcheck=False))
    plan = build_plan(PlanParams(workspace=ws, usage_sinks=["file"],
                                 usage_log=str(tmp_path / "usage.log")))
    planned = [a["path"] for b in plan["batches"] for a in b["actions"]]
    assert planned == ["tools/broken"]
    waiting = {w["cluster"]: w["reason"] for w in plan["waiting"]}
    assert "ends in .tf" in waiting["infra/variables.tf"]
    approve(ApproveParams(ws, "tester", allow_risk=True))
    outcome = run_batch(BatchParams(ws, plan["batches"][0]["batch"], perf_min_seconds=1.0))
    checks = {c["name"]: c["status"] for c in outcome.checks}
    assert outcome.status == "promoted" and checks["syntax"] == "pass", outcome.checks
    assert (repo / "infra/variables.tf").read_text() == tf
