"""Reading the services of a compose file: line ranges, build context, bind volumes."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass, field

import yaml

from .kinds import source_kind
from .lookup import Lookup
from .values import norm

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_JOB_EXEC = re.compile(r"^(?:ofelia|chadburn)\.job-exec\.[^.]+\.command$")


@dataclass(slots=True)
class Volume:
    first: int  # 1-based lines the entry spans
    last: int
    source: str
    target: str


@dataclass(slots=True)
class Service:
    first: int
    last: int
    context: str | None = None  # repo folder of the build context
    dockerfile: str | None = None  # repo path of the Dockerfile it builds
    working_dir: str | None = None
    image: str | None = None  # the image it runs, as written
    volumes: list[Volume] = field(default_factory=list)
    # (command | entrypoint | healthcheck, a string or an argv, 1-based line)
    commands: list[tuple[str, str | list[str], int]] = field(default_factory=list)
    environment: dict[str, str] = field(default_factory=dict)
    # (command, 1-based line) of the scheduler labels that run a command in its container
    labels: list[tuple[str, int]] = field(default_factory=list)


def read_services(text: str, folder: str) -> list[Service]:
    """The services of a compose file; [] when it is not YAML we can read."""
    try:
        documents = list(yaml.compose_all(text, Loader=_Loader))
    except Exception:  # any YAML oddity: the caller scans the lines without services
        return []
    out: list[Service] = []
    for document in documents:
        mapping = _get(document, "services") or (None if _get(document, "version") else document)
        if isinstance(mapping, yaml.MappingNode):
            out.extend(_service(value, folder) for _, value in mapping.value
                       if isinstance(value, yaml.MappingNode))
    return out


def _get(node: yaml.Node | None, key: str) -> yaml.Node | None:
    """A key of a mapping, also through `<<: *anchor` merges (the mapping's own keys win)."""
    if isinstance(node, yaml.MappingNode):
        merged: list[yaml.Node] = []
        for k, value in node.value:
            if isinstance(k, yaml.ScalarNode) and k.value == key:
                return value if isinstance(value, yaml.Node) else None
            if isinstance(k, yaml.ScalarNode) and k.value == "<<":
                merged += value.value if isinstance(value, yaml.SequenceNode) else [value]
        for other in merged:
            found = _get(other, key)
            if found is not None:
                return found
    return None


def _command_value(node: yaml.Node | None) -> str | list[str] | None:
    if isinstance(node, yaml.ScalarNode) and node.value:
        return str(node.value)
    if isinstance(node, yaml.SequenceNode):
        return [str(v.value) for v in node.value if isinstance(v, yaml.ScalarNode)]
    return None


def _scalar(node: yaml.Node | None) -> str | None:
    return node.value if isinstance(node, yaml.ScalarNode) and node.value else None


def last_line(node: yaml.Node) -> int:
    """1-based line where a node's content ends."""
    if isinstance(node, yaml.MappingNode) and node.value:
        return last_line(node.value[-1][1])
    if isinstance(node, yaml.SequenceNode) and node.value:
        return last_line(node.value[-1])
    end = node.end_mark
    return max(node.start_mark.line + 1, end.line + (1 if end.column else 0))


def _service(node: yaml.MappingNode, folder: str) -> Service:
    service = Service(node.start_mark.line + 1, last_line(node))
    build = _get(node, "build")
    context = _scalar(build) or _scalar(_get(build, "context")) or "."
    if build is not None and not context.startswith("/"):
        service.context = norm(folder + "/" + context)
        name = _scalar(_get(build, "dockerfile")) or "Dockerfile"
        if service.context is not None:
            service.dockerfile = norm(service.context + "/" + name)
    service.working_dir = _scalar(_get(node, "working_dir"))
    service.image = _scalar(_get(node, "image"))
    for field_name, value in (("command", _get(node, "command")),
                              ("entrypoint", _get(node, "entrypoint")),
                              ("healthcheck", _get(_get(node, "healthcheck"), "test"))):
        command = _command_value(value)
        if command and value is not None:
            service.commands.append((field_name, command, value.start_mark.line + 1))
    env = _get(node, "environment")
    if isinstance(env, yaml.MappingNode):
        service.environment = {str(k.value): str(v.value) for k, v in env.value
                               if isinstance(k, yaml.ScalarNode) and isinstance(v, yaml.ScalarNode)}
    elif isinstance(env, yaml.SequenceNode):
        pairs = [str(v.value).partition("=") for v in env.value if isinstance(v, yaml.ScalarNode)]
        service.environment = {k: v for k, _, v in pairs}
    service.labels = _job_labels(_get(node, "labels"))
    volumes = _get(node, "volumes")
    if isinstance(volumes, yaml.SequenceNode):
        service.volumes = [v for v in map(_volume, volumes.value) if v is not None]
    return service


def _job_labels(node: yaml.Node | None) -> list[tuple[str, int]]:
    """`ofelia.job-exec.NAME.command: "..."` (ofelia, and chadburn that reads the same labels):
    a command the scheduler execs in this service's running container; `$$` is compose's `$`."""
    pairs: list[tuple[str, str, int]] = []
    if isinstance(node, yaml.MappingNode):
        pairs = [(str(k.value), str(v.value), v.start_mark.line + 1) for k, v in node.value
                 if isinstance(k, yaml.ScalarNode) and isinstance(v, yaml.ScalarNode)]
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            if isinstance(item, yaml.ScalarNode):
                key, _, value = str(item.value).partition("=")
                pairs.append((key, value, item.start_mark.line + 1))
    return [(value.replace("$$", "$"), line) for key, value, line in pairs
            if _JOB_EXEC.match(key) and value]


def _volume(node: yaml.Node) -> Volume | None:
    first, last = node.start_mark.line + 1, last_line(node)
    text = _scalar(node)
    if text is not None:
        parts = text.split(":")
        return Volume(first, last, parts[0], parts[1]) if len(parts) >= 2 else None
    source, target = _scalar(_get(node, "source")), _scalar(_get(node, "target"))
    if source and target and (_scalar(_get(node, "type")) or "bind") == "bind":
        return Volume(first, last, source, target)
    return None


def compose_contexts(lk: Lookup, read: Callable[[str], str | None]) -> dict[str, str]:
    """Dockerfile path -> the build context a compose file gives it (read once per run)."""
    out: dict[str, str] = {}
    for path in sorted(lk.index.files):
        if source_kind(path) != "compose":
            continue
        text = read(path)
        for service in read_services(text or "", posixpath.dirname(path)):
            if service.dockerfile and service.context is not None:
                out.setdefault(service.dockerfile, service.context)
    return out
