"""Normalised forms kept in the workspace, keyed by language group and sha256 of the text, so
a rerun normalises only the scripts that changed (or are new) since the last one.

One pickle file, `WS/cache/similarity-forms.pickle`, written atomically; it carries VERSION,
and a file of another version (or one that cannot be read) is ignored and rebuilt. Only forms
of the scripts in the current inventory are written back, so it never grows past the repo.
"""

from __future__ import annotations

from pathlib import Path

from runbook_lib.core import picklecache
from runbook_lib.similarity.normalise import Form

VERSION = 4  # raise when Form or the readers change what they produce
Key = tuple[str, str]  # (language group, sha256)


def path_of(ws: Path) -> Path:
    return ws / "cache" / "similarity-forms.pickle"


def load(ws: Path) -> dict[Key, Form]:
    forms = picklecache.load(path_of(ws), VERSION)
    return forms if isinstance(forms, dict) else {}


def save(ws: Path, forms: dict[Key, Form]) -> None:
    picklecache.save(path_of(ws), VERSION, forms)
