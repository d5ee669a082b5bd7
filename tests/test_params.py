from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest

from runbook_lib.archive import params
from runbook_lib.core.errors import BadInput


@dataclass(frozen=True)
class Example:
    repo: Path
    count: int = 3
    ratio: float = 0.5
    names: list[str] = field(default_factory=list)
    flag: bool = False


def test_builds_with_types() -> None:
    got = params.build(Example, {"repo": "r", "count": 4, "ratio": 1, "names": "a", "flag": True})
    assert got == Example(Path("r"), 4, 1.0, ["a"], True)


@pytest.mark.parametrize(("values", "message"), [
    ({"repo": "r", "cuont": 1}, "unknown parameter(s) cuont"),
    ({"count": 1}, "missing required parameter repo"),
    ({"repo": "r", "count": "many"}, "count must be an integer"),
    ({"repo": "r", "count": True}, "count must be an integer"),
    ({"repo": "r", "flag": "yes"}, "flag must be true or false"),
    ({"repo": "r", "names": 3}, "names must be a list"),
    ({"repo": ""}, "repo must be a path"),
])
def test_refuses_bad_values(values: dict[str, object], message: str) -> None:
    with pytest.raises(BadInput, match=message.replace("(", r"\(").replace(")", r"\)")):
        params.build(Example, values)


def test_parse_value_keeps_types() -> None:
    assert params.parse_value("3") == 3
    assert params.parse_value("[a, b]") == ["a", "b"]
    assert params.parse_value("true") is True
    assert params.parse_value("demo/repo") == "demo/repo"


def test_load_yaml_errors(tmp_path: Path) -> None:
    with pytest.raises(BadInput, match="cannot read"):
        params.load_yaml(tmp_path / "missing.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("- a list\n", "utf-8")
    with pytest.raises(BadInput, match="must hold a mapping"):
        params.load_yaml(bad)
