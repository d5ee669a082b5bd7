"""runbook usage: records from files, globs, rotated logs and containers into usage.csv."""

from __future__ import annotations

import csv
import gzip
import subprocess
import sys
from pathlib import Path

import pytest

import dockerkit
from runbook_lib.planning import quarantine
from runbook_lib.planning.usagelog import Sinks, script_id


def runbook(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "runbook_lib.cli", *args], capture_output=True,
                          text=True, check=False)


def record(time: str, script: str, host: str = "app-01") -> str:
    return "\t".join(["runbook-usage", "1", time, host, "deploy", script_id(script),
                      f"/opt/app/{script}", "/home/deploy", "/usr/sbin/CRON -f"])


def rows(ws: Path) -> list[dict[str, str]]:
    with open(ws / "usage.csv", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_files_globs_and_rotated_logs_are_merged_once(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    ws.mkdir()
    logs = tmp_path / "logs"
    logs.mkdir()
    (logs / "usage.log").write_text(record("2026-11-01T10:00:00Z", "ops/a.sh") + "\n"
                                    "unrelated line\n", "utf-8")
    (logs / "usage.log.1.gz").write_bytes(gzip.compress(
        (record("2026-10-01T10:00:00Z", "ops/b.sh") + "\n").encode()))
    syslog = ("Nov  2 10:00:00 app-02 runbook-usage: " + record(
        "2026-11-02T10:00:00Z", "ops/a.sh", "app-02").replace("\t", "#011") + "\n")
    (tmp_path / "syslog").write_text(syslog, "utf-8")
    done = runbook("usage", "--workspace", str(ws), "--from", str(logs / "usage.log*"),
                   "--from", str(tmp_path / "syslog"))
    assert done.returncode == 0, done.stderr
    assert "3 use(s) of 2 script(s)" in done.stdout
    again = runbook("usage", "--workspace", str(ws), "--from", str(logs / "usage.log"))
    assert again.returncode == 0 and "(0 new;" in again.stdout
    found = rows(ws)
    assert [(r["time"], r["host"], r["script"]) for r in found] == [
        ("2026-10-01T10:00:00Z", "app-01", "ops/b.sh"),
        ("2026-11-01T10:00:00Z", "app-01", "ops/a.sh"),
        ("2026-11-02T10:00:00Z", "app-02", "ops/a.sh")]
    assert found[0]["parent"] == "/usr/sbin/CRON -f" and found[0]["source"].startswith("file:")


@pytest.mark.parametrize(("source", "words"), [
    ("missing.log", "no such file"), ("nothing-*.log", "no file matches"),
    ("docker:", "needs the container's name"),
])
def test_bad_sources_are_refused_in_one_line(tmp_path: Path, source: str, words: str) -> None:
    (tmp_path / "ws").mkdir()
    done = runbook("usage", "--workspace", str(tmp_path / "ws"), "--from",
                   str(tmp_path / source) if not source.startswith("docker") else source)
    assert done.returncode == 2 and words in done.stderr and done.stderr.count("\n") == 1
    assert not (tmp_path / "ws" / "usage.csv").exists()


@pytest.mark.docker
def test_records_from_a_script_run_inside_a_container(tmp_path: Path) -> None:
    """A quarantined script run by busybox sh in a container; its log read back from there."""
    engine = dockerkit.connect_or_skip()
    dockerkit.build_image(engine)
    script = tmp_path / "job.sh"
    script.write_bytes(quarantine.add_header(b"#!/bin/sh\necho job\n", "sh", "ops/job.sh",
                                             Sinks("/tmp/usage.log", True), "note"))
    script.chmod(0o755)
    ws = tmp_path / "ws"
    ws.mkdir()
    with dockerkit.running(engine, volumes=dockerkit.bind(tmp_path, "/app", True)) as name:
        assert dockerkit.run_in(engine, name, "sh", "/app/job.sh") == b"job\n"
        done = runbook("usage", "--workspace", str(ws), "--from", f"docker:{name}:/tmp/usage.log")
        assert done.returncode == 0, done.stderr
        missing = runbook("usage", "--workspace", str(ws), "--from", f"docker:{name}")
    assert missing.returncode == 0 and "0 from docker:" in missing.stdout
    [row] = rows(ws)
    assert row["script"] == "ops/job.sh" and row["path"] == "/app/job.sh"
    assert row["source"] == f"docker:{name}:/tmp/usage.log"
    gone = runbook("usage", "--workspace", str(ws), "--from", "docker:runbook-no-such-thing")
    assert gone.returncode == 2 and "runbook-no-such-thing" in gone.stderr
