"""The one module that talks to a Docker engine (the docker SDK); its failures become errors.

The SDK is untyped, so it is imported as `Any` and everything it returns is turned into the
dataclasses below before it leaves this module.
"""

from __future__ import annotations

import importlib
import io
import os
import socket
import tarfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import IO, Any

from runbook_lib.core.errors import RunbookError

DEFAULT_SOCKET = "/var/run/docker.sock"

CHECK_PREFIX = "runbook-check-"  # every container runbook starts carries this name prefix
LABEL = "runbook.check"  # ... and this label, so leftovers can be found and removed
NETWORK_LABEL = "runbook.network"  # "needed" on a container or service: its copy gets a network
CHUNK = 1 << 16


class NoEngine(RunbookError):
    """No Docker engine can be reached; the message says why and what to do."""


@dataclass(frozen=True)
class Mount:
    source: str  # host path (bind mounts) or volume name
    target: str  # path inside the container
    kind: str = "bind"
    writable: bool = True


@dataclass(frozen=True)
class ContainerInfo:
    id: str
    name: str
    image: str  # image id
    entrypoint: list[str]
    command: list[str]
    healthcheck: list[str]  # Docker's Test list: ["CMD", ...] or ["CMD-SHELL", "..."]; [] none
    health_timeout: float  # seconds
    mounts: tuple[Mount, ...]
    working_dir: str
    env: tuple[str, ...]
    labels: dict[str, str]
    status: str  # running, exited, ...
    health: str  # starting, healthy, unhealthy, or "" without a healthcheck


@dataclass(frozen=True)
class RunSpec:
    image: str
    name: str
    entrypoint: list[str] | None = None
    command: list[str] | None = None
    binds: tuple[Mount, ...] = ()
    working_dir: str = ""
    env: tuple[str, ...] = ()
    network: str = "none"


@dataclass(frozen=True)
class RunResult:
    exit_code: int | None  # None: still running when the time limit came (then killed)
    stdout: str
    stderr: str
    seconds: float


@dataclass
class Engine:
    """A connected engine: a thin typed facade over `docker.DockerClient`."""

    client: Any
    errors: tuple[type[BaseException], ...] = field(default=(OSError,))

    def running(self) -> list[ContainerInfo]:
        with self._errors("listing containers"):
            return [_info(c.attrs) for c in self.client.containers.list()]

    def inspect(self, name: str) -> ContainerInfo:
        with self._errors(f"inspecting container {name}"):
            return _info(self.client.containers.get(name).attrs)

    def has_image(self, ref: str) -> bool:
        with self._errors(f"looking up image {ref}"):
            try:
                self.client.images.get(ref)
            except self._module.errors.ImageNotFound:
                return False
            return True

    def import_rootfs(self, tar_bytes: bytes, repository: str, tag: str) -> None:
        """An image from a root folder's tar (no registry needed)."""
        with self._errors(f"importing image {repository}:{tag}"):
            self.client.api.import_image_from_data(tar_bytes, repository=repository, tag=tag)

    def run_once(self, spec: RunSpec, timeout: float) -> RunResult:
        """Start a throw-away container, wait for it (kill at the time limit), remove it."""
        start = time.monotonic()
        with self._errors(f"running throw-away container {spec.name}"):
            container = self.client.containers.create(**_create_args(spec))
            try:
                container.start()
                code = _wait(container, timeout)
                out = container.logs(stdout=True, stderr=False)
                err = container.logs(stdout=False, stderr=True)
            finally:
                container.remove(force=True)
        return RunResult(code, _text(out), _text(err), round(time.monotonic() - start, 3))

    def exec_to(self, name: str, cmd: list[str], out: IO[bytes]) -> tuple[int, str]:
        """Run `cmd` in a running container, streaming stdout into `out`; (exit, stderr)."""
        err = bytearray()
        with self._errors(f"running a command in container {name}"):
            exec_id = self.client.api.exec_create(name, cmd, stdout=True, stderr=True)["Id"]
            for chunk_out, chunk_err in self.client.api.exec_start(exec_id, stream=True,
                                                                   demux=True):
                if chunk_out:
                    out.write(chunk_out)
                if chunk_err and len(err) < CHUNK:
                    err += chunk_err
            code = self.client.api.exec_inspect(exec_id)["ExitCode"]
        return int(code if code is not None else -1), _text(bytes(err))

    def exec_with_input(self, name: str, cmd: list[str], data: IO[bytes]) -> RunResult:
        """Run `cmd` in a running container with `data` on its standard input."""
        start = time.monotonic()
        with self._errors(f"running a command with input in container {name}"):
            exec_id = self.client.api.exec_create(name, cmd, stdin=True, stdout=True,
                                                  stderr=True)["Id"]
            sock = self.client.api.exec_start(exec_id, socket=True)
            try:
                out, err = _feed(sock, data, self._module.utils.socket.frames_iter)
            finally:
                sock.close()
            code = self.client.api.exec_inspect(exec_id)["ExitCode"]
        return RunResult(int(code if code is not None else -1), _text(out), _text(err),
                         round(time.monotonic() - start, 3))

    def read_file(self, name: str, path: str) -> bytes | None:
        """A file's bytes from a container (running or stopped), None when it has none."""
        with self._errors(f"reading {path} from container {name}"):
            container = self.client.containers.get(name)  # a missing container is an error
            try:
                stream, _ = container.get_archive(path)
            except self._module.errors.NotFound:
                return None
            with tarfile.open(fileobj=io.BytesIO(b"".join(stream))) as tar:
                member = next((m for m in tar.getmembers() if m.isfile()), None)
                found = tar.extractfile(member) if member is not None else None
                return found.read() if found is not None else None

    def remove_prefixed(self, prefix: str = CHECK_PREFIX) -> list[str]:
        """Remove every container (running or not) whose name starts with `prefix`."""
        removed: list[str] = []
        with self._errors("removing leftover check containers"):
            for container in self.client.containers.list(all=True, filters={"name": prefix}):
                if container.name.startswith(prefix):
                    container.remove(force=True)
                    removed.append(container.name)
        return removed

    def names(self, prefix: str, all_states: bool = True) -> list[str]:
        with self._errors("listing containers"):
            found = self.client.containers.list(all=all_states, filters={"name": prefix})
            return sorted(c.name for c in found if c.name.startswith(prefix))

    @property
    def _module(self) -> Any:
        return importlib.import_module("docker")

    @contextmanager
    def _errors(self, what: str) -> Iterator[None]:
        try:
            yield
        except self.errors as exc:
            raise RunbookError(f"docker: {what} failed: {_first_line(exc)}") from exc


def connect(timeout: float = 60) -> Engine:
    """The engine DOCKER_HOST (or the default socket) names; NoEngine when unreachable."""
    host = os.environ.get("DOCKER_HOST", "") or "unix://" + DEFAULT_SOCKET
    if host.startswith("unix://") and not os.path.exists(host[len("unix://"):]):
        # no socket file, no engine: said without loading the SDK (a third of a second)
        raise NoEngine(f"no Docker engine reachable (no socket {host[len('unix://'):]}): "
                       "start dockerd or set DOCKER_HOST")
    try:
        docker: Any = importlib.import_module("docker")
    except ImportError as exc:
        raise NoEngine("the docker Python package is not installed "
                       "(pip install 'docker>=7')") from exc
    errors = (docker.errors.DockerException, OSError)
    try:
        client = docker.from_env(timeout=timeout)
        client.ping()
    except errors as exc:
        raise NoEngine(f"no Docker engine reachable ({_first_line(exc)}): start dockerd "
                       "or set DOCKER_HOST") from exc
    return Engine(client, errors)


def try_connect() -> tuple[Engine | None, str]:
    """(engine, "") or (None, the reason none is reachable)."""
    try:
        return connect(), ""
    except NoEngine as exc:
        return None, str(exc)


def _create_args(spec: RunSpec) -> dict[str, Any]:
    volumes = {m.source: {"bind": m.target, "mode": "rw" if m.writable else "ro"}
               for m in spec.binds}
    return {
        "image": spec.image, "name": spec.name, "entrypoint": spec.entrypoint,
        "command": spec.command, "volumes": volumes, "working_dir": spec.working_dir or None,
        "environment": list(spec.env), "network_mode": spec.network,
        "labels": {LABEL: "1"}, "ports": {}, "publish_all_ports": False,
        "hostname": "runbook-check",  # a random one would make old and new outputs differ
    }


def _wait(container: Any, timeout: float) -> int | None:
    deadline = time.monotonic() + timeout
    while True:
        container.reload()
        state = container.attrs["State"]
        if state["Status"] in ("exited", "dead"):
            return int(state["ExitCode"])
        if time.monotonic() > deadline:
            container.kill()
            return None
        time.sleep(0.05)


def _feed(sock: Any, data: IO[bytes], frames_iter: Any) -> tuple[bytes, bytes]:
    """Send `data`, then EOF, while a thread reads the output: a command that writes while it
    reads (psql echoing each statement) would otherwise block us both once buffers fill."""
    raw = getattr(sock, "_sock", sock)
    out, err = bytearray(), bytearray()
    failed: list[BaseException] = []

    def read() -> None:
        try:
            for stream, chunk in frames_iter(sock, False):
                (out if stream == 1 else err).extend(chunk)
        except Exception as exc:  # handed to the caller's thread below
            failed.append(exc)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        while chunk := data.read(CHUNK):
            raw.sendall(chunk)
        raw.shutdown(socket.SHUT_WR)  # end of input: the command sees EOF
    finally:
        reader.join()
    if failed:
        raise failed[0]
    return bytes(out), bytes(err)


def _info(attrs: dict[str, Any]) -> ContainerInfo:
    config, state = attrs.get("Config") or {}, attrs.get("State") or {}
    health = config.get("Healthcheck") or {}
    test = list(health.get("Test") or [])
    return ContainerInfo(
        id=attrs["Id"], name=str(attrs.get("Name", "")).lstrip("/"), image=attrs["Image"],
        entrypoint=_words(config.get("Entrypoint")), command=_words(config.get("Cmd")),
        healthcheck=[] if test[:1] == ["NONE"] else test,
        health_timeout=(health.get("Timeout") or 30_000_000_000) / 1e9,
        mounts=tuple(_mount(m) for m in attrs.get("Mounts") or []),
        working_dir=config.get("WorkingDir") or "", env=tuple(config.get("Env") or ()),
        labels=dict(config.get("Labels") or {}), status=str(state.get("Status", "")),
        health=str((state.get("Health") or {}).get("Status", "")),
    )


def _mount(m: dict[str, Any]) -> Mount:
    kind = str(m.get("Type", "bind"))
    source = str(m.get("Source") if kind == "bind" else m.get("Name") or m.get("Source"))
    return Mount(source, str(m.get("Destination", "")), kind, bool(m.get("RW", True)))


def _words(value: Any) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else [str(v) for v in value]


def _text(data: bytes | None) -> str:
    return (data or b"").decode("utf-8", errors="replace")


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0][:300]
