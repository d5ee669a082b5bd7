"""The digest of a package's own source: a cache tagged with it never serves a result that an
older rule produced."""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path


@cache
def package_digest(folder: str) -> str:
    """sha256 over every `.py` file below `folder` (names and bytes, in name order)."""
    h = hashlib.sha256()
    top = Path(folder).resolve()
    for path in sorted(top.rglob("*.py")):
        h.update(path.relative_to(top).as_posix().encode() + b"\0" + path.read_bytes())
    return h.hexdigest()
