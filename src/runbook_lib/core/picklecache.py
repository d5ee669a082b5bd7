"""A cache kept in one pickle file of the workspace, written atomically and tagged with a
version: a file of another version, or one that cannot be read, is ignored (and rebuilt by the
caller), never trusted."""

from __future__ import annotations

import os
import pickle
from pathlib import Path
from typing import Any

from runbook_lib.core.gcquiet import quiet_gc


def load(path: Path, version: int) -> Any | None:
    """What `save` wrote with the same version, or None."""
    try:
        with open(path, "rb") as fh, quiet_gc():
            found, value = pickle.load(fh)
    except (OSError, pickle.UnpicklingError, EOFError, ValueError, TypeError, AttributeError,
            ImportError, IndexError):
        return None
    return value if found == version else None


def save(path: Path, version: int, value: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb") as fh, quiet_gc():
        pickle.dump((version, value), fh, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(tmp, path)
