from __future__ import annotations

import itertools
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from runbook_lib.archive import audit, runner
from runbook_lib.core import auditlog
from test_report import write_campaign


@pytest.fixture(scope="module")
def archived(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A workspace with three archived report runs (real papermill executions)."""
    ws = write_campaign(tmp_path_factory.mktemp("audit") / "ws")
    for target in (0, 15, 16):
        record = runner.run_step("report", {"workspace": str(ws), "target_scripts": target}, ws,
                                 log_output=False)
        assert record.status == "ok", record.error
    return ws


@pytest.fixture
def ws(archived: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "ws"
    shutil.copytree(archived, copy)
    return copy


def verify(ws: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "runbook_lib.cli", "audit", "verify",
                           "--workspace", str(ws)], capture_output=True, text=True, check=False)


def run_folders(ws: Path) -> list[Path]:
    return sorted(p for p in (ws / "archive").iterdir() if p.is_dir())


def flip_byte(path: Path, offset: int) -> None:
    path.chmod(0o644)  # archived files are read-only; a tamperer would do the same
    data = bytearray(path.read_bytes())
    data[offset] ^= 0x01
    path.write_bytes(bytes(data))


def test_untouched_trail_verifies(ws: Path) -> None:
    assert audit.verify(ws) == []
    done = verify(ws)
    assert done.returncode == 0, done.stdout
    assert "ok: 3 archived runs" in done.stdout


def test_records_chain_and_point_at_manifests(ws: Path) -> None:
    lines = list(auditlog.read_lines(ws / "audit.jsonl"))
    assert lines[0].record and lines[0].record["prev"] == auditlog.GENESIS
    for before, line in itertools.pairwise(lines):
        assert line.record and line.record["prev"] == auditlog.record_hash(before.text)
    ends = [ln.record for ln in lines if ln.record and ln.record["event"] == "run-end"]
    assert len(ends) == 3
    for end in ends:
        manifest = ws / "archive" / end["archive"] / "manifest.json"
        assert audit.sha256_file(manifest) == end["manifest_sha256"]


def test_archived_files_are_read_only(ws: Path) -> None:
    for folder in run_folders(ws):
        for path in folder.iterdir():
            assert not path.stat().st_mode & 0o222, path


def test_a_flipped_byte_in_an_archived_notebook_is_named(ws: Path) -> None:
    notebook = next(run_folders(ws)[1].glob("*.ipynb"))
    flip_byte(notebook, notebook.stat().st_size // 2)
    done = verify(ws)
    assert done.returncode == 1
    rel = f"archive/{notebook.parent.name}/{notebook.name}"
    assert f"MISMATCH {rel}: sha256 differs from the manifest" in done.stdout
    assert done.stdout.count("MISMATCH") == 1


def test_a_flipped_byte_in_a_manifest_is_named(ws: Path) -> None:
    manifest = run_folders(ws)[0] / "manifest.json"
    text = manifest.read_text("utf-8")
    flip_byte(manifest, text.index('"host"') + 10)
    problems = audit.verify(ws)
    assert any(p.startswith(f"archive/{manifest.parent.name}/manifest.json: sha256 differs")
               for p in problems), problems


def test_a_deleted_middle_record_is_named(ws: Path) -> None:
    log = ws / "audit.jsonl"
    lines = log.read_text("utf-8").splitlines(keepends=True)
    middle = len(lines) // 2
    log.write_text("".join(lines[:middle] + lines[middle + 1:]), "utf-8")
    problems = audit.verify(ws)
    assert any(p.startswith(f"audit.jsonl line {middle + 1} ") and "prev does not match" in p
               for p in problems), problems


def test_a_deleted_run_end_record_leaves_its_folder_unaccounted(ws: Path) -> None:
    log = ws / "audit.jsonl"
    lines = log.read_text("utf-8").splitlines(keepends=True)
    assert json.loads(lines[-1])["event"] == "run-end"
    log.write_text("".join(lines[:-1]), "utf-8")  # truncating the tail keeps the chain valid
    problems = audit.verify(ws)
    assert problems == [f"archive/{run_folders(ws)[-1].name}: no run-end record in audit.jsonl "
                        "(record removed, or the run never finished)"]


def test_an_edited_record_is_named_by_the_next_one(ws: Path) -> None:
    log = ws / "audit.jsonl"
    lines = log.read_text("utf-8").splitlines(keepends=True)
    lines[1] = lines[1].replace('"run-', '"RUN-', 1)
    log.write_text("".join(lines), "utf-8")
    problems = audit.verify(ws)
    assert any(p.startswith("audit.jsonl line 3 ") for p in problems), problems


def test_an_added_or_removed_archive_file_is_named(ws: Path) -> None:
    folder = run_folders(ws)[2]
    (folder / "extra.txt").write_text("later\n", "utf-8")
    html = next(folder.glob("*.html"))
    html.unlink()
    problems = audit.verify(ws)
    assert f"archive/{folder.name}/extra.txt: not listed in the manifest (added afterwards)" \
        in problems
    assert f"archive/{folder.name}/{html.name}: listed in the manifest but missing" in problems


def test_running_folders_are_not_problems(ws: Path) -> None:
    (ws / "archive" / "20990101T000000.000000Z__report__abc").mkdir()
    assert len(audit.verify(ws)) == 1
    assert audit.verify(ws, running=["20990101T000000.000000Z__report__abc"]) == []


def test_missing_log_and_missing_workspace(tmp_path: Path) -> None:
    assert audit.verify(tmp_path) == [f"{tmp_path / 'audit.jsonl'} is missing: no audit trail"]
    done = verify(tmp_path / "nope")
    assert done.returncode == 2 and "no such folder" in done.stderr


def test_concurrent_appends_keep_one_chain(tmp_path: Path) -> None:
    code = ("import sys\nfrom pathlib import Path\nfrom runbook_lib.core import auditlog\n"
            "for i in range(50):\n    auditlog.append(Path(sys.argv[1]), 'tick', i=i)\n")
    procs = [subprocess.Popen([sys.executable, "-c", code, str(tmp_path)]) for _ in range(4)]
    assert all(p.wait() == 0 for p in procs)
    assert audit.verify(tmp_path) == []
    assert len((tmp_path / "audit.jsonl").read_text("utf-8").splitlines()) == 200
    assert os.path.getsize(tmp_path / "audit.jsonl") > 0
