"""Helpers the fixed and scaled parts share to write one script and its truth."""

from __future__ import annotations

from dataclasses import dataclass

from runbook_lib.sample.model import Line, Meta
from runbook_lib.sample.render import Recipe, render
from runbook_lib.sample.sink import Sink, is_archived


@dataclass(frozen=True)
class Placed:
    """A script written from a recipe, kept so copies of it can be made."""

    path: str
    recipe: Recipe
    job: str
    location_sensitive: bool = False


def fragments_of(recipe: Recipe) -> tuple[str, ...]:
    return tuple(f for f in ("log", "die") if f in recipe.fragments)


def write_recipe(sink: Sink, path: str, recipe: Recipe, commit: int, job: str,
                 location_sensitive: bool = False) -> Placed:
    meta = Meta(path=path, language=recipe.language, family=recipe.family, job=job,
                archived=is_archived(path), fragments=fragments_of(recipe),
                location_sensitive=location_sensitive)
    sink.write_script(meta, render(recipe), commit)
    return Placed(path, recipe, job, location_sensitive)


def write_hand(sink: Sink, path: str, kind: tuple[str, str, str], lines: list[Line],
               commit: int, sourced: bool = False, location_sensitive: bool = False,
               fragments: tuple[str, ...] = ()) -> None:
    """A script written line by line; `kind` is (language, family, job)."""
    language, family, job = kind
    meta = Meta(path=path, language=language, family=family, job=job,
                archived=is_archived(path), sourced=sourced,
                location_sensitive=location_sensitive, fragments=fragments)
    sink.write_script(meta, lines, commit)


def write_copy(sink: Sink, path: str, origin: Placed, kind: str, lines: list[Line],
               commit: int, backup_of: str | None = None, job: str | None = None) -> None:
    meta = Meta(path=path, language=origin.recipe.language, family=origin.recipe.family,
                job=job or origin.job, origin=origin.path, clone_kind=kind,
                archived=is_archived(path) or backup_of is not None, backup_of=backup_of,
                location_sensitive=origin.location_sensitive,
                fragments=fragments_of(origin.recipe))
    sink.write_script(meta, lines, commit)
