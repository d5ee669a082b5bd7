from __future__ import annotations

import os
import select
import shutil
import socket
import time
import uuid
from pathlib import Path

import pytest

from runbook_lib.sandbox import isolate
from runbook_lib.sandbox.cases import Case

KINDS = ["bwrap", "unshare"]


def box_or_skip(kind: str = "bwrap") -> isolate.Sandbox:
    box = isolate.find(kind)
    if box is None:
        pytest.skip(f"{kind} cannot create a sandbox here: {isolate.unavailable_reason()}")
    return box


def tree_with(tmp_path: Path, scripts: dict[str, str]) -> Path:
    tree = tmp_path / "repo"
    for rel, text in scripts.items():
        (tree / rel).parent.mkdir(parents=True, exist_ok=True)
        (tree / rel).write_text(text, "utf-8")
        (tree / rel).chmod(0o755)
    return tree


def processes_with(token: str) -> list[str]:
    found = []
    for entry in Path("/proc").iterdir():
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if entry.name.isdigit() and token in cmdline:
            found.append(f"{entry.name}: {cmdline}")
    return found


HOSTILE = """#!/bin/bash
echo "in the copy" > made_here.txt
echo x > "$HOME/.hostile-{t}"
echo x > /tmp/hostile-{t}
echo x > /root/hostile-{t}
echo x > "$(dirname "$PWD")/hostile-{t}"
echo x > "{outside}/hostile-{t}"
exec 3<>/dev/tcp/127.0.0.1/{port} && echo connected
( trap '' HUP TERM; while :; do echo alive >> "{outside}/marker-{t}"; sleep 0.1; done ) &
setsid sleep 4242.{n} &
nohup sleep 4343.{n} >/dev/null 2>&1 &
echo started
exit 0
"""


@pytest.mark.parametrize("kind", KINDS)
def test_hostile_script_escapes_nothing_and_every_attempt_is_reported(
        tmp_path: Path, kind: str) -> None:
    box = box_or_skip(kind)
    token, n = uuid.uuid4().hex[:10], str(uuid.uuid4().int % 10**6)
    outside = Path("/var/tmp") / f"runbook-test-{token}"  # a host folder, not under /tmp
    outside.mkdir()
    try:
        check_hostile(box, tmp_path, outside, token, n)
    finally:
        shutil.rmtree(outside)


def check_hostile(box: isolate.Sandbox, tmp_path: Path, outside: Path, token: str,
                  n: str) -> None:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(5)
    port = listener.getsockname()[1]
    tree = tree_with(tmp_path, {"evil.sh": HOSTILE.format(t=token, n=n, port=port,
                                                          outside=outside)})
    result = box.run(tree, Case("evil.sh", timeout=20))
    time.sleep(0.5)  # a survivor would write its marker or show up as a process by now
    assert result.exit_code == 0 and "started" in result.stdout, result
    assert "connected" not in result.stdout
    assert select.select([listener], [], [], 0.5)[0] == []  # nobody knocked
    listener.close()
    for host_path in (Path.home() / f".hostile-{token}", Path(f"/tmp/hostile-{token}"),
                      Path(f"/root/hostile-{token}"), tmp_path / f"hostile-{token}",
                      outside / f"hostile-{token}", outside / f"marker-{token}",
                      tree / "made_here.txt"):
        assert not host_path.exists(), f"{host_path} escaped the sandbox"
    assert processes_with(f"4242.{n}") == [] and processes_with(f"4343.{n}") == []
    assert processes_with(f"{isolate.TREE}/evil.sh") == []
    text = "\n".join(result.findings)
    assert f"wrote in $HOME: .hostile-{token}" in text
    assert f"wrote in /tmp: hostile-{token}" in text
    assert f"/root/hostile-{token}" in text
    assert f"/runbook/hostile-{token}" in text  # the copy's parent
    assert f"{outside}/hostile-{token}" in text
    assert f"network: connect to 127.0.0.1:{port}" in text
    assert result.effects == {"made_here.txt": result.effects["made_here.txt"]}
    assert result.effects["made_here.txt"].startswith("created")


@pytest.mark.parametrize("kind", KINDS)
def test_time_limit_kills_the_whole_tree(tmp_path: Path, kind: str) -> None:
    box = box_or_skip(kind)
    n = str(uuid.uuid4().int % 10**6)
    tree = tree_with(tmp_path, {"hang.sh": f"#!/bin/bash\nsleep 5151.{n} &\nsleep 5252.{n}\n"})
    start = time.perf_counter()
    result = box.run(tree, Case("hang.sh", timeout=1))
    assert result.timed_out and result.exit_code == 124
    assert time.perf_counter() - start < 8
    time.sleep(0.3)
    assert processes_with(f"5151.{n}") == [] and processes_with(f"5252.{n}") == []


def test_environment_is_scrubbed_and_fixed(tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RUNBOOK_TEST_SECRET", "s3cret")
    box = box_or_skip()
    tree = tree_with(tmp_path, {"env.sh": "#!/bin/bash\nenv | sort\ncat\n"})
    result = box.run(tree, Case("env.sh", env={"MODE": "case"}, stdin="from stdin\n"))
    env = dict(line.split("=", 1) for line in result.stdout.splitlines() if "=" in line)
    assert "RUNBOOK_TEST_SECRET" not in result.stdout
    assert env["PATH"] == isolate.ENV["PATH"] and env["HOME"] == isolate.HOME
    assert (env["LANG"], env["TZ"], env["MODE"]) == ("C.UTF-8", "UTC", "case")
    assert env["PWD"] == isolate.TREE
    assert "from stdin" in result.stdout


def test_file_effects_in_the_copy_are_recorded(tmp_path: Path) -> None:
    box = box_or_skip()
    tree = tree_with(tmp_path, {
        "fx.sh": "#!/bin/bash\necho new > out/created.txt\necho more >> keep.txt\n"
                 "rm gone.txt\nchmod 600 mode.txt\ncat input.txt\n",
        "keep.txt": "kept\n", "gone.txt": "bye\n", "mode.txt": "m\n", "out/.keep": ""})
    result = box.run(tree, Case("fx.sh", files={"input.txt": "fixture\n"}))
    assert result.stdout == "fixture\n" and result.exit_code == 0
    kinds = {path: effect.split()[0] for path, effect in result.effects.items()}
    assert kinds == {"out/created.txt": "created", "keep.txt": "changed",
                     "gone.txt": "deleted", "mode.txt": "changed"}
    assert (tree / "gone.txt").exists() and not (tree / "input.txt").exists()


def test_probe_mode_makes_the_copy_read_only(tmp_path: Path) -> None:
    box = box_or_skip()
    tree = tree_with(tmp_path, {"w.sh": "#!/bin/bash\necho x > here.txt\necho done\n"})
    result = box.run(tree, Case("w.sh", probe=True), isolate.Options(strict=True))
    assert "Read-only file system" in result.stderr and result.effects == {}
    assert any("here.txt" in f for f in result.findings)


def test_tracing_records_lines_and_leaves_output_alone(tmp_path: Path) -> None:
    box = box_or_skip()
    tree = tree_with(tmp_path, {
        "t.sh": "#!/bin/bash\nif [ \"${1:-}\" = x ]; then\n  echo yes\nelse\n  echo no >&2\nfi\n",
        "p.py": "#!/usr/bin/env python3\nimport sys\nif sys.argv[1:]:\n    print('yes')\n"
                "else:\n    print('no')\n"})
    plain = box.run(tree, Case("t.sh", args=("x",)))
    traced = box.run(tree, Case("t.sh", args=("x",)), isolate.Options(trace=True))
    assert (plain.stdout, plain.stderr) == (traced.stdout, traced.stderr) == ("yes\n", "")
    assert traced.lines == {"t.sh": {2, 3}}
    py = box.run(tree, Case("p.py"), isolate.Options(trace=True))
    assert py.stdout == "no\n"
    pytest.importorskip("coverage")
    assert py.lines["p.py"] == {2, 3, 6}


def test_without_strace_findings_come_from_stderr(tmp_path: Path) -> None:
    box = box_or_skip()
    tree = tree_with(tmp_path, {"w.sh": "#!/bin/bash\necho x > ../up.txt\n"})
    result = isolate.Sandbox(box.kind, strace=False).run(tree, Case("w.sh"))
    assert any(f.startswith("write outside the copy (from stderr)") for f in result.findings)


def test_no_sandbox_tool_means_none_and_a_reason(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("runbook_lib.sandbox.isolate.shutil.which", lambda name: None)
    isolate.find.cache_clear()
    try:
        assert isolate.find() is None
        assert "neither bubblewrap" in isolate.unavailable_reason()
    finally:
        monkeypatch.undo()
        isolate.find.cache_clear()


def test_the_host_tree_is_never_written(tmp_path: Path) -> None:
    box = box_or_skip()
    tree = tree_with(tmp_path, {"rm.sh": "#!/bin/bash\nrm -rf ./* && echo wiped\n"})
    before = sorted(os.listdir(tree))
    result = box.run(tree, Case("rm.sh"))
    assert result.stdout == "wiped\n" and sorted(os.listdir(tree)) == before


@pytest.mark.parametrize("kind", KINDS)
def test_binds_show_host_folders_read_only_or_writable(tmp_path: Path, kind: str) -> None:
    """A tool's interpreter is bound read-only (test collection); the demo's usage log folder
    writable, so a quarantined script run by hand can record its use."""
    box = box_or_skip(kind)
    shown, log = tmp_path / "venv", tmp_path / "usage"
    shown.mkdir()
    log.mkdir()
    (shown / "tool.txt").write_text("from the host\n", "utf-8")
    tree = tree_with(tmp_path, {"job.sh": f"#!/bin/sh\ncat {shown}/tool.txt\n"
                                          f"echo kept > {log}/used.log\n"
                                          f"echo no > {shown}/written.txt || echo refused\n"})
    options = isolate.Options(observe=False, ro_binds=(str(shown),), rw_binds=(str(log),))
    result = box.run(tree, Case("job.sh", timeout=20), options)
    assert result.stdout == "from the host\nrefused\n", result.stderr
    assert (log / "used.log").read_text("utf-8") == "kept\n"
    assert not (shown / "written.txt").exists()
