from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


CONDA_NAMES = {"docker-py": "docker"}  # conda-forge names that differ from PyPI's


def _name(requirement: str) -> str:
    name = re.split(r"[<>=!~ \[]", requirement, maxsplit=1)[0].lower().replace("_", "-")
    return CONDA_NAMES.get(name, name)


def test_environment_yml_lists_every_dependency() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    wanted = {_name(r) for r in project["dependencies"] + project["optional-dependencies"]["dev"]}
    env = yaml.safe_load((ROOT / "environment.yml").read_text("utf-8"))
    listed: set[str] = set()
    for item in env["dependencies"]:
        if isinstance(item, dict):
            listed |= {_name(p) for p in item["pip"] if not p.startswith("-")}
        else:
            listed.add(_name(item))
    assert wanted <= listed, sorted(wanted - listed)
