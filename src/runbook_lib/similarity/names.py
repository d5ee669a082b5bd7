"""Script names as word tokens: build_all_images.sh ~ build-all-images.sh ~ buildAllImages.py."""

from __future__ import annotations

import re

_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_SPLIT = re.compile(r"[^A-Za-z0-9]+")
_EXTENSIONS = (".sh", ".bash", ".ksh", ".zsh", ".py")
_BACKUP = re.compile(r"(?:\.backup_[^/]*|\.bak|\.orig|~)$")
# words that mark a variant of the same job rather than a different job
# (not "backup" or "test": those name jobs; backup copies are told by their suffix)
VARIANT_WORDS = frozenset({
    "simple", "new", "old", "v1", "v2", "v3", "copy", "fixed", "fix", "final", "tmp", "temp",
    "draft", "wip", "alt", "legacy", "orig", "bak", "latest", "updated", "working", "my",
    "script",
})


def name_tokens(name: str) -> list[str]:
    """Lower-case word tokens of a file name, without extension or backup suffix."""
    stem = _BACKUP.sub("", name)
    for ext in _EXTENSIONS:
        if stem.endswith(ext):
            stem = stem[: -len(ext)]
            break
    return [t.lower() for t in _SPLIT.split(_CAMEL.sub("_", stem)) if t]


def job_tokens(name: str) -> tuple[str, ...]:
    """The tokens that name the job: variant words dropped, order kept. Numbers stay: they
    often name a target (db_2, db_15) as much as a version."""
    return tuple(t for t in name_tokens(name) if t not in VARIANT_WORDS)


def name_similarity(a: tuple[str, ...], b: tuple[str, ...]) -> float:
    """Dice over job tokens: build_all_images ~ build-all-images = 1.0."""
    if not a or not b:
        return 0.0
    common = len(set(a) & set(b))
    return 2 * common / (len(set(a)) + len(set(b)))
