"""Turns a recipe (template, vocab, options, calls) into the lines of one script."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from runbook_lib.sample.blocks import PY_HEAD, PY_MAIN, SHELL_POST, SHELL_PRE
from runbook_lib.sample.model import Line
from runbook_lib.sample.python_templates import IMPORTS, MAIN_GUARD, PYTHON_TEMPLATES
from runbook_lib.sample.shell_templates import (
    DIE_FRAGMENT,
    LOG_FRAGMENT,
    SHELL_TEMPLATES,
)
from runbook_lib.sample.vocab import substitute

SHEBANGS = {"bash": "#!/bin/bash", "env-bash": "#!/usr/bin/env bash", "sh": "#!/bin/sh",
            "python": "#!/usr/bin/env python3"}
SET_E = {"bash": "set -euo pipefail", "sh": "set -eu"}


@dataclass(frozen=True)
class Recipe:
    template: str
    vocab: Mapping[str, str]
    shebang: str = "bash"  # a key of SHEBANGS
    set_e: bool = True
    fragments: tuple[str, ...] = ()  # pasted shell functions: "log", "die"
    head: tuple[Line, ...] = ()  # after set -e (sourcing) or after Python constants
    calls: tuple[Line, ...] = ()  # at the template's @@CALLS@@ marker
    sources_log: bool = False  # a sourced library defines log()
    blocks: tuple[str, ...] = ()  # keys of the optional blocks (blocks.py)
    extra: Mapping[str, str] = field(default_factory=dict)

    @property
    def language(self) -> str:
        return {"env-bash": "bash"}.get(self.shebang, self.shebang)

    @property
    def family(self) -> str:
        return template_info(self.template)[0]

    @property
    def verb(self) -> str:
        return template_info(self.template)[1]

    def with_calls(self, *calls: Line) -> Recipe:
        return replace(self, calls=tuple(calls))


def template_info(name: str) -> tuple[str, str, str]:
    return SHELL_TEMPLATES[name] if name in SHELL_TEMPLATES else PYTHON_TEMPLATES[name]


def render(recipe: Recipe) -> list[Line]:
    vocab = {**recipe.vocab, **recipe.extra}
    logs = "log" in recipe.fragments or recipe.sources_log
    vocab["log"] = "log" if logs else "echo"
    vocab["verb"] = recipe.verb
    text = template_info(recipe.template)[2]
    if recipe.language == "python":
        text = text.replace("@@IMPORTS@@\n", IMPORTS) + MAIN_GUARD
    lines = [Line(SHEBANGS[recipe.shebang])]
    for raw in text.rstrip("\n").split("\n"):
        lines.extend(_expand(raw, recipe, vocab))
    return lines


def _expand(raw: str, recipe: Recipe, vocab: Mapping[str, str]) -> list[Line]:
    stripped = raw.strip()
    if stripped == "@@HEAD@@":
        return _head(recipe, vocab)
    if stripped == "@@CALLS@@":
        indent = raw[: len(raw) - len(raw.lstrip())]
        post = PY_MAIN if recipe.language == "python" else SHELL_POST
        return _blocks(recipe, post, vocab, False) + [_fill(c, vocab, indent) for c in recipe.calls]
    drop = raw.startswith("~")
    return [Line(substitute(raw[1:] if drop else raw, vocab), drop=drop)]


def _fill(line: Line, vocab: Mapping[str, str], indent: str = "") -> Line:
    text = indent + substitute(line.text, vocab) if line.text else ""
    return replace(line, text=text)


def _head(recipe: Recipe, vocab: Mapping[str, str]) -> list[Line]:
    if recipe.language == "python":
        return [_fill(h, vocab) for h in recipe.head] + _blocks(recipe, PY_HEAD, vocab, True)
    lines: list[Line] = []
    if recipe.set_e:
        lines.append(Line(SET_E["sh" if recipe.language == "sh" else "bash"]))
    lines.extend(_fill(h, vocab) for h in recipe.head)
    if "log" in recipe.fragments:
        lines.append(Line(""))
        lines.extend(Line(t) for t in LOG_FRAGMENT)
    if "die" in recipe.fragments:
        lines.append(Line(""))
        lines.extend(Line(t) for t in DIE_FRAGMENT)
    lines.extend(_blocks(recipe, SHELL_PRE, vocab, True))
    lines.append(Line(""))
    return lines


def _blocks(recipe: Recipe, pool: Mapping[str, str], vocab: Mapping[str, str],
            before: bool) -> list[Line]:
    """The recipe's blocks found in `pool`, separated by blank lines."""
    lines: list[Line] = []
    gap = ["", ""] if before and recipe.language == "python" else [""]
    for key in recipe.blocks:
        if key in pool:
            text = substitute(pool[key], vocab).split("\n")
            lines.extend(Line(t) for t in gap + text)
    return lines
