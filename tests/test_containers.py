"""Containers against a real Docker engine: discovery, the integration check, the monitor
window and service-state snapshots. The engine-free tests prove the "no engine" paths."""

from __future__ import annotations

import hashlib
import io
import json
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

import dockerkit
from conftest import git, make_repo
from runbook_lib.checks.containers import CHECKS, containers_check, monitor
from runbook_lib.checks.context import BatchContext
from runbook_lib.cli.main import main
from runbook_lib.containers import sdk
from runbook_lib.core.errors import BadInput, RunbookError
from runbook_lib.discovery.references.containers import container_references
from runbook_lib.discovery.references.model import RepoIndex
from runbook_lib.execution.batch import BatchOutcome
from runbook_lib.execution.snapshots import restore_snapshot, snapshot_services
from runbook_lib.views import containers

CHECK = "#!/bin/sh\necho \"status: ok\"\n"
SHIM = "#!/bin/sh\n# runbook shim\nexec \"$(dirname \"$0\")/../scripts/check.sh\" \"$@\"\n"
COMPOSE = (
    "services:\n"
    "  web:\n"
    f"    image: {dockerkit.IMAGE}\n"
    "    command: [\"sleep\", \"600\"]\n"
    "    volumes:\n"
    "      - .:/srv:ro\n"
    "      - cache:/var/cache\n"
    "    healthcheck:\n"
    "      test: [\"CMD\", \"sh\", \"/srv/ops/check.sh\"]\n"
    "      timeout: 5s\n"
    "volumes:\n"
    "  cache: {}\n"
)
FILES: dict[str, str | bytes] = {
    "scripts/check.sh": CHECK, "ops/check.sh": CHECK, "scripts/serve.sh": "exec sleep 600\n",
    "tools/tool.sh": "echo tool\n", "docker-compose.yml": COMPOSE,
}
HEALTH = ["CMD-SHELL", "sh /app/ops/check.sh"]


@pytest.fixture(scope="session")
def engine() -> Iterator[sdk.Engine]:
    found = dockerkit.connect_or_skip()
    dockerkit.build_image(found)
    yield found
    found.remove_prefixed(dockerkit.NAME_PREFIX)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return make_repo(tmp_path / "repo", FILES)


def batch_context(repo: Path, change: dict[str, str | None], **params: Any) -> BatchContext:
    """A batch commit on its own branch and worktree: `change` writes (or deletes, None)."""
    tree = repo.parent / "worktree"
    git(repo, "worktree", "add", "-q", "-b", "runbook/batch-001", str(tree))
    for rel, text in change.items():
        if text is None:
            (tree / rel).unlink()
        else:
            (tree / rel).write_text(text, encoding="utf-8")
    git(tree, "commit", "-q", "-am", "batch 1")
    batch = {"batch": 1, "actions": [{"action": "shim", "path": p, "canonical": "scripts/check.sh"}
                                     for p in change]}
    old, new = git(repo, "rev-parse", "main").strip(), git(tree, "rev-parse", "HEAD").strip()
    return BatchContext(repo, repo.parent / "ws", tree, batch, old, new, Path("unused"),
                        params=SimpleNamespace(containers=True, **params))


@pytest.mark.docker
def test_references_from_running_container(engine: sdk.Engine, repo: Path) -> None:
    volumes = {**dockerkit.bind(repo, "/app"),
               **dockerkit.bind(repo / "tools/tool.sh", "/usr/local/bin/tool.sh", True)}
    with dockerkit.running(engine, command=["sh", "/app/scripts/serve.sh"], volumes=volumes,
                           healthcheck=dockerkit.health(HEALTH)) as name:
        scripts = {p for p in FILES if p.endswith(".sh")}
        rows, note = container_references(repo, RepoIndex.build(scripts, set(FILES)))
    mine = {(r.line, r.target, r.kind, r.status, r.live) for r in rows
            if r.source == f"container:{name}"}
    assert mine == {
        (2, "scripts/serve.sh", "container", "resolved", True),  # command
        (3, "ops/check.sh", "container", "resolved", True),  # healthcheck
        (11, "tools/tool.sh", "container", "resolved", True),  # the file mounted by itself
    }
    assert "running container(s) read" in note


def test_no_engine_is_a_reason_not_a_traceback(monkeypatch: pytest.MonkeyPatch,
                                               tmp_path: Path) -> None:
    monkeypatch.setenv("DOCKER_HOST", f"unix://{tmp_path}/missing.sock")
    rows, note = container_references(tmp_path, RepoIndex.build(set(), set()))
    assert rows == [] and note.startswith("no Docker engine reachable")
    assert note.endswith("container references skipped")
    ctx = BatchContext(tmp_path, tmp_path, tmp_path, {"batch": 1, "actions": []}, "a", "b",
                       tmp_path, params=SimpleNamespace(containers=True))
    check = containers_check(ctx)
    assert check.status == "skip" and "no Docker engine reachable" in check.details
    assert monitor(ctx, 5, 0).status == "skip"
    with pytest.raises(sdk.NoEngine, match="start dockerd"):
        snapshot_services(["db=true"], tmp_path)
    with pytest.raises(BadInput, match="container=command"):
        snapshot_services(["no-command"], tmp_path)


def test_check_is_off_when_containers_false(tmp_path: Path) -> None:
    ctx = BatchContext(tmp_path, tmp_path, tmp_path, {"batch": 1, "actions": []}, "a", "b",
                       tmp_path, params=SimpleNamespace(containers=False))
    assert CHECKS["containers"](ctx).status == "skip"
    assert monitor(ctx, 0, 0).details == "monitor window is 0 s (off)"


@pytest.mark.docker
def test_check_passes_for_a_shim_that_keeps_behaviour(engine: sdk.Engine,
                                                      repo: Path) -> None:
    ctx = batch_context(repo, {"ops/check.sh": SHIM})
    with dockerkit.running(engine, volumes=dockerkit.bind(repo, "/app"),
                           healthcheck=dockerkit.health(HEALTH)) as name, \
            dockerkit.running(engine) as unrelated:
        check = containers_check(ctx)
    assert check.status == "pass", check.details
    by_label = {row["container"]: row for row in check.details}
    assert set(by_label) == {f"container {name}", "compose docker-compose.yml#web"}
    assert f"container {unrelated}" not in by_label
    probe = by_label[f"container {name}"]["probes"][0]
    assert probe["probe"] == "healthcheck" and probe["same"]
    assert probe["old"]["stdout"] == probe["new"]["stdout"] == "status: ok\n"
    assert engine.names(sdk.CHECK_PREFIX) == []


@pytest.mark.docker
def test_check_fails_when_the_healthcheck_script_is_retired(engine: sdk.Engine,
                                                            repo: Path) -> None:
    ctx = batch_context(repo, {"ops/check.sh": None})
    with dockerkit.running(engine, volumes=dockerkit.bind(repo, "/app"),
                           healthcheck=dockerkit.health(HEALTH)) as name:
        check = containers_check(ctx)
    assert check.status == "fail"
    rows = {row["container"]: row for row in check.details}
    assert {r["status"] for r in rows.values()} == {"fail"}
    probe = rows[f"container {name}"]["probes"][0]
    assert probe["old"]["exit"] == 0 and probe["new"]["exit"] != 0
    assert "check.sh" in probe["new"]["stderr"]
    assert engine.names(sdk.CHECK_PREFIX) == []
    table = containers.container_rows(BatchOutcome(1, "rolled_back", "", [check.as_dict()]))
    row = table[table["container"] == f"container {name}"].iloc[0]
    assert (row["probe"], row["exit old"], row["same"]) == ("healthcheck", 0, "no")
    assert "check.sh" in row["note"]
    assert (repo / "ops/check.sh").read_text() == CHECK  # the repo itself is untouched


@pytest.mark.docker
def test_check_catches_a_shim_whose_target_a_service_does_not_mount(
        engine: sdk.Engine, tmp_path: Path) -> None:
    # the service sees only ops/: the shim's canonical in scripts/ is not there
    compose = COMPOSE.replace(".:/srv:ro", "./ops:/srv/ops:ro")
    repo = make_repo(tmp_path / "repo", {**FILES, "docker-compose.yml": compose})
    check = containers_check(batch_context(repo, {"ops/check.sh": SHIM}))
    assert check.status == "fail"
    (row,) = check.details
    (probe,) = row["probes"]
    assert probe["old"]["exit"] == 0 and probe["new"]["exit"] != 0
    assert "../scripts/check.sh: not found" in probe["new"]["stderr"]


@pytest.mark.docker
def test_compose_service_without_its_image_is_skipped(engine: sdk.Engine,
                                                      tmp_path: Path) -> None:
    compose = COMPOSE.replace(f"image: {dockerkit.IMAGE}", "build: .")
    repo = make_repo(tmp_path / "repo", {**FILES, "docker-compose.yml": compose})
    check = containers_check(batch_context(repo, {"ops/check.sh": SHIM}))
    assert check.status == "skip"
    (row,) = check.details
    assert row["status"] == "skip" and "repo_web is not on this engine" in row["reason"]


@pytest.mark.docker
def test_monitor_sees_a_container_turn_unhealthy(engine: sdk.Engine, repo: Path) -> None:
    ctx = batch_context(repo, {"ops/check.sh": SHIM})
    with dockerkit.running(engine, volumes=dockerkit.bind(repo, "/app"),
                           healthcheck=dockerkit.health(HEALTH)) as name, \
            dockerkit.running(engine, healthcheck=dockerkit.health(["CMD", "false"])):
        calm = monitor(ctx, 2, 0)
        assert calm.status == "pass" and calm.details["watched"] == [name]
        threading.Timer(0.5, (repo / "ops/check.sh").unlink).start()
        start = time.monotonic()
        broken = monitor(ctx, 30, 0)
        elapsed = time.monotonic() - start
    assert broken.status == "fail" and broken.details["unhealthy"] == {name: "unhealthy"}
    table = containers.monitor_rows(BatchOutcome(1, "promoted", "", [broken.as_dict()]))
    assert table.to_dict("records")[0]["state"] == "unhealthy"
    assert elapsed < 15  # it stops watching as soon as the limit is passed


@pytest.mark.docker
def test_monitor_tolerates_up_to_the_threshold(engine: sdk.Engine, repo: Path) -> None:
    ctx = batch_context(repo, {"ops/check.sh": SHIM})
    with dockerkit.running(engine, volumes=dockerkit.bind(repo, "/app"),
                           healthcheck=dockerkit.health(HEALTH)):
        (repo / "ops/check.sh").unlink()
        result = monitor(ctx, 4, 1)
    assert result.status == "pass" and len(result.details["unhealthy"]) == 1


@pytest.mark.docker
def test_snapshot_is_stored_with_its_sha256_and_restored(engine: sdk.Engine,
                                                         tmp_path: Path) -> None:
    blob = os.urandom(3_000_000) + b"\x00end\n"
    backup = tmp_path / "ws" / "backups" / "001"
    with dockerkit.running(engine) as name:
        engine.exec_with_input(name, ["sh", "-c", "cat > /data/state.bin"], io.BytesIO(blob))
        entries = snapshot_services([f"{name}=cat /data/state.bin", f"{name}=echo second"],
                                    backup)
        assert [e["name"] for e in entries] == [name, f"{name}-2"]
        stored = backup / "snapshots" / f"{name}.out"
        assert stored.read_bytes() == blob
        manifest = json.loads((backup / "snapshots.json").read_text())
        assert manifest["snapshots"][0]["sha256"] == hashlib.sha256(blob).hexdigest()
        dockerkit.run_in(engine, name, "sh", "-c", "echo lost > /data/state.bin")
        # tee echoes all it reads: output and input must flow at once (no deadlock)
        done = restore_snapshot(backup, name, None, "tee /data/state.bin")
        assert done["exit_code"] == 0 and done["stdout"].endswith("\x00end\n")
        assert dockerkit.run_in(engine, name, "cat", "/data/state.bin") == blob


@pytest.mark.docker
def test_snapshot_failures_and_damage_are_refused(engine: sdk.Engine,
                                                  tmp_path: Path) -> None:
    backup = tmp_path / "backup"
    with dockerkit.running(engine) as name:
        with pytest.raises(RunbookError, match="exited 1"):
            snapshot_services([f"{name}=cat /data/missing"], backup)
        assert list((backup / "snapshots").iterdir()) == []
        snapshot_services([f"{name}=echo state"], backup)
        with pytest.raises(RunbookError, match="exited 3"):
            restore_snapshot(backup, name, None, "cat >/dev/null; exit 3")
        (backup / "snapshots" / f"{name}.out").write_text("tampered")
        with pytest.raises(BadInput, match="damaged"):
            restore_snapshot(backup, name, None, "cat > /data/x")
        assert dockerkit.run_in(engine, name, "ls", "/data") == b""
        with pytest.raises(BadInput, match="no snapshot named nope"):
            restore_snapshot(backup, "nope", None, "true")


@pytest.mark.docker
def test_snapshot_restore_command(engine: sdk.Engine, tmp_path: Path,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    ws = tmp_path / "ws"
    ws.mkdir()
    with dockerkit.running(engine) as name:
        dockerkit.run_in(engine, name, "sh", "-c", "echo v1 > /data/conf")
        snapshot_services([f"{name}=cat /data/conf"], ws / "backups" / "001")
        dockerkit.run_in(engine, name, "sh", "-c", "echo v2 > /data/conf")
        code = main(["snapshot-restore", "--workspace", str(ws), "--batch", "1", "--name", name,
                     "--command", "cat > /data/conf"])
        assert code == 0, capsys.readouterr().err
        assert dockerkit.run_in(engine, name, "cat", "/data/conf") == b"v1\n"
    assert "restored snapshot" in capsys.readouterr().out
    events = [json.loads(line)["event"] for line in (ws / "audit.jsonl").read_text().splitlines()]
    assert events[-3:] == ["snapshot-restore-start", "snapshot-restore", "command"]
