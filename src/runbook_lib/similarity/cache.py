"""Normalised forms kept in the workspace, keyed by language group and sha256 of the text, so
a rerun normalises only the scripts that changed (or are new) since the last one.

One pickle file, `WS/cache/similarity-forms.pickle`, written atomically; it carries VERSION,
and a file of another version (or one that cannot be read) is ignored and rebuilt. Only forms
of the scripts in the current inventory are written back, so it never grows past the repo.
"""

from __future__ import annotations

import os
import pickle
from pathlib import Path

from runbook_lib.similarity.normalise import Form

VERSION = 3  # raise when Form or the readers change what they produce
Key = tuple[str, str]  # (language group, sha256)


def path_of(ws: Path) -> Path:
    return ws / "cache" / "similarity-forms.pickle"


def load(ws: Path) -> dict[Key, Form]:
    try:
        with open(path_of(ws), "rb") as fh:
            version, forms = pickle.load(fh)
    except (OSError, pickle.UnpicklingError, EOFError, ValueError, TypeError, AttributeError):
        return {}
    return forms if version == VERSION and isinstance(forms, dict) else {}


def save(ws: Path, forms: dict[Key, Form]) -> None:
    target = path_of(ws)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".tmp")
    with open(tmp, "wb") as fh:
        pickle.dump((VERSION, forms), fh, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(tmp, target)
