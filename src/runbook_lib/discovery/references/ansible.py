"""Ansible playbooks and role tasks: `shell`/`command`/`script` tasks are shell code (after
`{{ var }}` is filled from the role's defaults and vars and the playbooks' `vars:`), `chdir:` is
the working folder, `zuul.project.src_dir` is the checkout, and a task named after a module in
the role's `library/` runs that module."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator

import yaml

from .lines import Hit
from .lookup import Lookup
from .model import CERTAIN, RESOLVED
from .resolve import OUTSIDE, Found, cd_value
from .shwalk import Shell, walk
from .source import Source
from .values import ANCHOR, norm

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_JINJA = re.compile(r"\{\{\s*([\w.]+)\s*(?:\|[^}]*)?\}\}")
_SHELL_MODULES = frozenset({"shell", "command", "raw", "ansible.builtin.shell",
                            "ansible.builtin.command", "ansible.builtin.raw"})
_SCRIPT_MODULES = frozenset({"script", "ansible.builtin.script"})
# the checkout of the project under test in a Zuul job
_CHECKOUT = {"zuul.project.src_dir": ANCHOR, "zuul_work_dir": ANCHOR}
_MAX_DEPTH = 6


def is_ansible(path: str) -> bool:
    parts = path.split("/")
    if not parts[-1].endswith((".yml", ".yaml")):
        return False
    return "playbooks" in parts[:-1] or (len(parts) >= 3 and parts[-2] in ("tasks", "handlers")
                                          and "roles" in parts[:-2])


def extract_ansible(src: Source) -> Iterator[Hit]:
    try:
        documents = list(yaml.compose_all("\n".join(src.lines), Loader=_Loader))
    except Exception:  # odd YAML: nothing can be said about its tasks
        return iter(())
    variables = ansible_vars(src)
    shell = src.shell(src.where())
    role = _role(src.path)
    stack: list[yaml.Node] = [d for d in documents if d is not None]
    while stack:
        node = stack.pop()
        if isinstance(node, yaml.MappingNode):
            keys = {k.value: v for k, v in node.value if isinstance(k, yaml.ScalarNode)}
            lines = {k.value: k.start_mark.line + 1 for k, _ in node.value
                     if isinstance(k, yaml.ScalarNode)}
            _task(keys, lines, variables, src, shell, role)
            stack.extend(v for _, v in node.value if isinstance(v, yaml.Node))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
    return iter(shell.hits)


def _role(path: str) -> str | None:
    parts = path.split("/")
    if "roles" in parts[:-2]:
        i = len(parts) - 1 - parts[::-1].index("roles")
        return "/".join(parts[:i + 2])
    return None


def _task(keys: dict[str, yaml.Node], lines: dict[str, int], variables: dict[str, str],
          src: Source, shell: Shell, role: str | None) -> None:
    args = keys.get("args")
    chdir = _scalar(_get(args, "chdir"))
    for name, node in keys.items():
        if name in _SHELL_MODULES:
            code = _scalar(node) or _scalar(_get(node, "cmd"))
            folder = chdir or _scalar(_get(node, "chdir"))
            if code:
                _run(code, node, folder, variables, src, shell)
        elif name in _SCRIPT_MODULES:
            _script(_scalar(node) or _scalar(_get(node, "cmd")) or "", node, src, shell, role)
        elif role is not None and "." not in name:
            found = src.lookup.find(f"{role}/library/{name}.py")
            if found is not None:
                shell.add(lines[name], Found(RESOLVED, found, CERTAIN), "ansible-module")


def _run(code: str, node: yaml.Node, folder: str | None, variables: dict[str, str],
         src: Source, shell: Shell) -> None:
    block = isinstance(node, yaml.MappingNode) or getattr(node, "style", None) in ("|", ">")
    cmd = _get(node, "cmd") if isinstance(node, yaml.MappingNode) else node
    start = (cmd or node).start_mark.line
    shell.line0 = start + (1 if getattr(cmd, "style", None) in ("|", ">") else 0)
    shell.fixed = 0 if block else start + 1
    shell.where = src.where()
    # without chdir a task runs in the remote user's home: relative paths are not the repo's
    shell.cd = cd_value(fill(folder, variables), shell.where, src.lookup, ()) if folder else OUTSIDE
    walk(fill(code, variables), shell)


def _script(value: str, node: yaml.Node, src: Source, shell: Shell, role: str | None) -> None:
    path = value.split()[0] if value.split() else ""
    bases = [f"{role}/files"] if role else []
    bases.append(posixpath.dirname(src.path))
    for base in bases:
        found = src.lookup.find(norm(base + "/" + path))
        if found is not None:
            shell.add(node.start_mark.line + 1, Found(RESOLVED, found, CERTAIN), "ansible-script")
            return


def fill(text: str, variables: dict[str, str]) -> str:
    """`{{ name }}` replaced by its value (recursively), unknown ones by an unknown variable."""
    for _ in range(_MAX_DEPTH):
        replaced = _JINJA.sub(lambda m: variables.get(m.group(1)) or _CHECKOUT.get(
            m.group(1)) or "${ANSIBLE_" + m.group(1).replace(".", "_") + "}", text)
        if replaced == text:
            break
        text = replaced
    return text


def ansible_vars(src: Source) -> dict[str, str]:
    """Role defaults and vars, overridden by every playbook's `vars:` (read once per run)."""
    lk = src.lookup
    role = _role(src.path)
    key = ("ansible-vars", role)
    if key not in lk.memo:
        found: dict[str, str] = {}
        for path in _var_files(lk, role):
            found.update(_mapping(src.read(path)))
        found.update(_play_vars(src))
        lk.memo[key] = found
    return dict(lk.memo[key])


def _var_files(lk: Lookup, role: str | None) -> list[str]:
    if role is None:
        return []
    return [p for p in (f"{role}/defaults/main.yaml", f"{role}/defaults/main.yml",
                        f"{role}/vars/main.yaml", f"{role}/vars/main.yml") if p in lk.index.files]


def _play_vars(src: Source) -> dict[str, str]:
    lk = src.lookup
    if ("ansible-play-vars",) not in lk.memo:
        out: dict[str, str] = {}
        for path in sorted(lk.index.files):
            if is_ansible(path) and "playbooks" in path.split("/"):
                try:
                    data = yaml.safe_load(src.read(path) or "")
                except yaml.YAMLError:
                    continue
                for play in data if isinstance(data, list) else []:
                    if isinstance(play, dict) and isinstance(play.get("vars"), dict):
                        out.update({str(k): str(v) for k, v in play["vars"].items()
                                    if isinstance(v, str | int)})
        lk.memo[("ansible-play-vars",)] = out
    return dict(lk.memo[("ansible-play-vars",)])


def _mapping(text: str | None) -> dict[str, str]:
    try:
        data = yaml.safe_load(text or "")
    except yaml.YAMLError:
        return {}
    if not isinstance(data, dict):
        return {}
    return {str(k): str(v) for k, v in data.items() if isinstance(v, str | int)}


def _get(node: yaml.Node | None, key: str) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        for k, value in node.value:
            if isinstance(k, yaml.ScalarNode) and k.value == key:
                return value if isinstance(value, yaml.Node) else None
    return None


def _scalar(node: yaml.Node | None) -> str | None:
    return str(node.value) if isinstance(node, yaml.ScalarNode) and node.value else None
