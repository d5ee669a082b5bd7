"""Copies of a script as sprawl makes them: reformatted, renamed, or edited a little."""

from __future__ import annotations

import random
import re
from dataclasses import replace

from runbook_lib.sample.model import Line
from runbook_lib.sample.render import Recipe, render
from runbook_lib.sample.vocab import make_vocab

CLONE_KINDS = ("exact", "normalised", "renamed", "near")
NUMBER = re.compile(r"(?<![\w.$%-])(\d{1,4})(?![\w.%-])")
HEADER_NOTES = (
    "# Copied from the platform repo; keep in sync by hand.",
    "# Maintained by the ops team.",
    "# Reformatted during the 2023 cleanup.",
)
SHELL_EXTRA = (
    'echo "[$(date +%T)] step finished"',
    "sleep 1",
    ': "${DEBUG:=0}"',
    "sync",
)
PYTHON_EXTRA = (
    'print("step finished", flush=True)',
    "time.sleep(1)",
    "sys.stdout.flush()",
)


def clone_lines(kind: str, recipe: Recipe, rng: random.Random,
                new_svc: str = "") -> tuple[list[Line], Recipe]:
    """The copy's lines, and the recipe it would be rendered from (renamed: a new vocab)."""
    if kind == "renamed":
        renamed = replace(recipe, vocab=make_vocab(rng, new_svc, avoid=recipe.vocab))
        return render(renamed), renamed
    lines = render(recipe)
    if kind == "normalised":
        return normalise(lines, recipe.language == "python", rng), recipe
    if kind == "near":
        return near_miss(lines, recipe.language == "python", rng), recipe
    return lines, recipe


def normalise(lines: list[Line], python: bool, rng: random.Random) -> list[Line]:
    """Same code, other layout: indentation, comments and blank lines change."""
    unit = "  " if python else rng.choice(("  ", "\t"))
    out = [lines[0], Line(rng.choice(HEADER_NOTES))]
    for line in lines[1:]:
        stripped = line.text.lstrip()
        if stripped.startswith("#") and not line.refs:
            continue
        out.append(replace(line, text=_reindent(line.text, unit)))
        if stripped.startswith(("fi", "done", "return")) and not line.text.endswith("\\"):
            out.append(Line(""))
    return _squeeze_blanks(out)


def _reindent(text: str, unit: str) -> str:
    body = text.lstrip(" ")
    depth, rest = divmod(len(text) - len(body), 4)
    return unit * depth + " " * rest + body


def _squeeze_blanks(lines: list[Line]) -> list[Line]:
    out: list[Line] = []
    for line in lines:
        if line.text or (out and out[-1].text):
            out.append(line)
    return out


def near_miss(lines: list[Line], python: bool, rng: random.Random) -> list[Line]:
    """Lines deleted, added and edited: roughly 80-92% of the lines agree."""
    spots = [i for i, line in enumerate(lines) if line.drop]
    dropped = set(rng.sample(spots, min(len(spots), rng.randint(2, 3))))
    extra = set(rng.sample(spots, min(len(spots), rng.randint(2, 3))))
    numbers = [i for i, line in enumerate(lines) if NUMBER.search(line.text) and not line.refs]
    edited = set(rng.sample(numbers, min(len(numbers), 2)))
    pool = PYTHON_EXTRA if python else SHELL_EXTRA
    out: list[Line] = []
    for i, line in enumerate(lines):
        if i in edited:
            line = replace(line, text=NUMBER.sub(_bump, line.text, count=1))
        if i not in dropped:
            out.append(line)
        if i in extra:
            indent = line.text[: len(line.text) - len(line.text.lstrip())]
            out.append(Line(indent + rng.choice(pool)))
    return out


def _bump(match: re.Match[str]) -> str:
    return str(int(match.group(1)) * 2 + 1)
