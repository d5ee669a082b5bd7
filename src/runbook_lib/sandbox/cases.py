"""Declared test cases: the only ways a target script may be run (see docs/cases.md)."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from runbook_lib.core.errors import BadInput

KEYS = {"name", "script", "args", "env", "stdin", "files", "timeout", "expect_exit"}
DEFAULT_TIMEOUT = 30.0
MAX_TIMEOUT = 3600.0


@dataclass(frozen=True)
class Case:
    script: str  # repo-relative path of the script to run
    args: tuple[str, ...] = ()
    env: dict[str, str] = field(default_factory=dict)
    stdin: str = ""
    files: dict[str, str] = field(default_factory=dict)  # fixture files, relative to the tree
    timeout: float = DEFAULT_TIMEOUT
    expect_exit: int | None = None
    name: str = ""
    probe: bool = False  # run without a declared case (--probe): strictest sandbox

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "script": self.script, "args": list(self.args),
                "timeout": self.timeout, "probe": self.probe}


def load_cases(path: Path) -> list[Case]:
    """The cases declared in `path`; no file means no cases."""
    if not path.is_file():
        return []
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise BadInput(f"cannot read cases file {path}: {exc}") from exc
    except yaml.YAMLError as exc:
        raise BadInput(f"cases file {path} is not valid YAML: {exc}".splitlines()[0]) from exc
    return parse_cases(data, str(path))


def parse_cases(data: Any, source: str) -> list[Case]:
    if isinstance(data, dict) and set(data) == {"cases"}:
        data = data["cases"]
    if data is None:
        return []
    if not isinstance(data, list):
        raise BadInput(f"{source}: expected a list of cases (or a mapping with `cases:`)")
    cases = [_case(entry, f"{source}: case {i + 1}") for i, entry in enumerate(data)]
    names = [c.name for c in cases]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise BadInput(f"{source}: case names must be unique; repeated: {', '.join(duplicates)}")
    return cases


def probe_case(script: str, timeout: float) -> Case:
    return Case(script=script, timeout=timeout, name=f"{script}#probe", probe=True)


def for_scripts(cases: list[Case], scripts: set[str]) -> list[Case]:
    return [c for c in cases if c.script in scripts]


def _case(entry: Any, where: str) -> Case:
    if not isinstance(entry, dict):
        raise BadInput(f"{where}: must be a mapping with at least `script`")
    unknown = sorted(set(map(str, entry)) - KEYS)
    if unknown:
        raise BadInput(f"{where}: unknown key(s) {', '.join(unknown)}; known: "
                       f"{', '.join(sorted(KEYS))}")
    if "script" not in entry:
        raise BadInput(f"{where}: `script` (the repo-relative path to run) is missing")
    script = _relative(entry["script"], f"{where}: script")
    args = _strings(entry.get("args", []), f"{where}: args")
    return Case(
        script=script, args=tuple(args), env=_mapping(entry.get("env", {}), f"{where}: env"),
        stdin=_text(entry.get("stdin", ""), f"{where}: stdin"),
        files=_files(entry.get("files", {}), f"{where}: files"),
        timeout=_timeout(entry.get("timeout", DEFAULT_TIMEOUT), f"{where}: timeout"),
        expect_exit=_exit(entry.get("expect_exit"), f"{where}: expect_exit"),
        name=_text(entry.get("name", ""), f"{where}: name") or f"{script}#{where.split()[-1]}",
    )


def _relative(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise BadInput(f"{where} must be a non-empty repo-relative path")
    norm = posixpath.normpath(value)
    if value.startswith("/") or norm == ".." or norm.startswith("../") or "\0" in value:
        raise BadInput(f"{where} must stay inside the repo (relative, no `..`): {value!r}")
    return norm


def _scalar(value: Any, where: str) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise BadInput(f"{where} must be a string or number, not {type(value).__name__}")
    return str(value)


def _strings(value: Any, where: str) -> list[str]:
    if not isinstance(value, list):
        raise BadInput(f"{where} must be a list of strings")
    return [_scalar(v, f"{where}[{i}]") for i, v in enumerate(value)]


def _mapping(value: Any, where: str) -> dict[str, str]:
    if not isinstance(value, dict):
        raise BadInput(f"{where} must be a mapping of names to strings")
    return {_scalar(k, f"{where} key"): _scalar(v, f"{where}.{k}") for k, v in value.items()}


def _files(value: Any, where: str) -> dict[str, str]:
    files = _mapping(value, where)
    return {_relative(name, f"{where} name"): text for name, text in files.items()}


def _text(value: Any, where: str) -> str:
    if not isinstance(value, str):
        raise BadInput(f"{where} must be a string")
    return value


def _timeout(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise BadInput(f"{where} must be a number of seconds")
    if not 0 < value <= MAX_TIMEOUT:
        raise BadInput(f"{where} must be between 0 and {MAX_TIMEOUT:g} seconds, not {value}")
    return float(value)


def _exit(value: Any, where: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 255:
        raise BadInput(f"{where} must be an exit code from 0 to 255")
    return value
