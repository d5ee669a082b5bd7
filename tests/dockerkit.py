"""A real Docker engine for tests: connecting, a busybox image built without any registry,
and long-lived test containers that are always removed.

CI (`.ci/run`) installs docker.io and busybox-static and starts dockerd. Under CI a missing
engine fails the tests instead of skipping them, so they cannot silently stop running; only
when .ci/run could not start dockerd (it says why in RUNBOOK_NO_DOCKER) do they skip there.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import tarfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from runbook_lib.containers import sdk

IMAGE = "runbook-test:busybox"
# per test session, so that a session cleans up only its own containers
NAME_PREFIX = f"runbook-test-{uuid.uuid4().hex[:6]}-"
FOLDERS = ("bin", "tmp", "app", "data", "etc", "root")


def connect_or_skip() -> sdk.Engine:
    """The engine; skipped with the reason when none can be reached (failed under CI)."""
    try:
        return sdk.connect()
    except sdk.NoEngine as exc:
        _unavailable(f"{exc} (CI's .ci/run installs docker.io and starts dockerd)")
    raise AssertionError("unreachable")


def _unavailable(reason: str) -> None:
    cannot_start = os.environ.get("RUNBOOK_NO_DOCKER", "")
    if os.environ.get("CI") and not cannot_start:
        pytest.fail(f"container tests must run in CI: {reason}")
    pytest.skip(f"{reason}; {cannot_start}" if cannot_start else reason)


def static_busybox() -> Path:
    """busybox-static's binary: it needs no libraries inside the image."""
    for candidate in ("/bin/busybox", "/usr/bin/busybox", shutil.which("busybox") or ""):
        path = Path(candidate) if candidate else None
        if path is not None and path.is_file() and b"ld-linux" not in path.read_bytes()[:8192]:
            return path
    _unavailable("no static busybox (apt-get install busybox-static)")
    raise AssertionError("unreachable")


def rootfs_tar(busybox: Path) -> bytes:
    """A root folder: /bin/busybox, a link per applet, a few empty folders."""
    applets = subprocess.run([str(busybox), "--list"], capture_output=True, text=True,
                             check=True).stdout.split()
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        for folder in FOLDERS:
            info = tarfile.TarInfo(folder)
            info.type, info.mode = tarfile.DIRTYPE, 0o1777 if folder == "tmp" else 0o755
            tar.addfile(info)
        tar.add(str(busybox), "bin/busybox")
        for applet in applets:
            if applet != "busybox":
                link = tarfile.TarInfo(f"bin/{applet}")
                link.type, link.linkname = tarfile.SYMTYPE, "busybox"
                tar.addfile(link)
    return buf.getvalue()


def build_image(engine: sdk.Engine) -> str:
    """Import the image unless the engine has it (it holds nothing that changes per run)."""
    if not engine.has_image(IMAGE):
        repository, tag = IMAGE.split(":")
        engine.import_rootfs(rootfs_tar(static_busybox()), repository, tag)
    return IMAGE


def health(test: list[str], interval: float = 1.0, retries: int = 1) -> dict[str, Any]:
    """A healthcheck for the SDK: fast, so a test sees `unhealthy` within seconds."""
    return {"test": test, "interval": int(interval * 1e9), "timeout": int(5e9),
            "retries": retries, "start_period": 0}


@contextmanager
def running(engine: sdk.Engine, **kwargs: Any) -> Iterator[str]:
    """A long-lived busybox container (sleeps unless told otherwise), removed afterwards."""
    name = f"{NAME_PREFIX}{uuid.uuid4().hex[:6]}"
    kwargs.setdefault("command", ["sleep", "600"])
    kwargs.setdefault("network_mode", "none")
    container = engine.client.containers.run(IMAGE, name=name, detach=True, **kwargs)
    try:
        yield name
    finally:
        container.remove(force=True)


def run_in(engine: sdk.Engine, name: str, *cmd: str) -> bytes:
    out = io.BytesIO()
    code, err = engine.exec_to(name, list(cmd), out)
    assert code == 0, f"{cmd} failed in {name}: {err}"
    return out.getvalue()


def bind(host: Path, target: str, read_only: bool = False) -> dict[str, dict[str, str]]:
    return {str(host): {"bind": target, "mode": "ro" if read_only else "rw"}}
