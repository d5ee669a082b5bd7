"""Step parameters: typed dataclasses loaded from YAML or key/value pairs, checked strictly.

papermill only warns about unknown names and never checks types; every step validates its
parameters here first, so a typo is a clear refusal instead of a silent default.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Mapping
from pathlib import Path
from typing import Any, TypeVar

import yaml

from runbook_lib.core.errors import BadInput

T = TypeVar("T")


def load_yaml(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except OSError as exc:
        raise BadInput(f"cannot read parameters file {path}: {exc.strerror}") from exc
    except yaml.YAMLError as exc:
        raise BadInput(f"parameters file {path} is not valid YAML: {exc}".splitlines()[0]) from exc
    if not isinstance(data, dict):
        raise BadInput(f"parameters file {path} must hold a mapping of names to values")
    return data


def parse_value(text: str) -> Any:
    """A `-p key value` value, read as YAML so numbers, booleans and lists keep their type."""
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError:
        return text


def build(cls: type[T], values: Mapping[str, Any]) -> T:
    """Instantiate the dataclass `cls`, refusing unknown keys, wrong types, missing values."""
    hints = typing.get_type_hints(cls)
    fields = {f.name: f for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
    unknown = sorted(set(values) - set(fields))
    if unknown:
        raise BadInput(f"unknown parameter(s) {', '.join(unknown)}; known: {', '.join(fields)}")
    kwargs: dict[str, Any] = {}
    for name, f in fields.items():
        if name in values:
            kwargs[name] = _coerce(name, values[name], hints[name])
        elif f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
            raise BadInput(f"missing required parameter {name}")
    return cls(**kwargs)


def _coerce(name: str, value: Any, hint: Any) -> Any:
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        if value is None and type(None) in args:
            return None
        options = [a for a in args if a is not type(None)]
        return _coerce(name, value, options[0])
    if origin in (list, tuple):
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list | tuple):
            raise BadInput(f"parameter {name} must be a list, got {value!r}")
        items = [_coerce(name, v, args[0]) for v in value]
        return tuple(items) if origin is tuple else items
    return _scalar(name, value, hint)


def _scalar(name: str, value: Any, hint: Any) -> Any:
    if hint is Path:
        if not isinstance(value, str | Path) or str(value) == "":
            raise BadInput(f"parameter {name} must be a path, got {value!r}")
        return Path(value)
    if hint is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if hint is bool and not isinstance(value, bool):
        raise BadInput(f"parameter {name} must be true or false, got {value!r}")
    if hint is int and (isinstance(value, bool) or not isinstance(value, int)):
        raise BadInput(f"parameter {name} must be an integer, got {value!r}")
    if hint in (str, float) and not isinstance(value, hint):
        raise BadInput(f"parameter {name} must be a {hint.__name__}, got {value!r}")
    return value


def as_plain(obj: Any) -> dict[str, Any]:
    """A parameters dataclass as YAML-friendly values (paths as strings, tuples as lists)."""
    out: dict[str, Any] = {}
    for key, value in dataclasses.asdict(obj).items():
        if isinstance(value, Path):
            value = str(value)
        elif isinstance(value, tuple | list):
            value = [str(v) if isinstance(v, Path) else v for v in value]
        out[key] = value
    return out
