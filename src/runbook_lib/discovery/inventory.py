"""One inventory row per script, computed from the file's bytes."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from runbook_lib.discovery import classify, risks
from runbook_lib.discovery.roles import Traits

COLUMNS = (
    "path", "language", "lines", "bytes", "sha256", "mode", "executable", "shebang", "archived",
    "backup_of", "encoding", "last_commit", "risks", "env_vars", "callers", "live_callers", "role",
)


@dataclass
class ScriptRow:
    path: str
    language: str
    lines: int
    bytes: int
    sha256: str
    mode: str
    executable: bool
    shebang: str
    archived: bool
    backup_of: str
    encoding: str
    last_commit: str = ""
    risks: str = ""
    env_vars: str = ""
    callers: int = 0
    live_callers: int = 0
    role: str = "script"  # discovery.roles: only a `script` may be quarantined or retired
    traits: Traits = field(default_factory=Traits)  # what roles read in the text (no column)


def decode(data: bytes) -> tuple[str, str]:
    """Text and encoding label; invalid UTF-8 is read with replacement characters."""
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("utf-8", errors="replace"), "invalid-utf8"


def script_row(path: str, data: bytes, text: str, encoding: str, language: str, mode: int,
               known_paths: frozenset[str], sha256: str = "") -> ScriptRow:
    first = text.split("\n", 1)[0]
    original = classify.backup_original(path)
    flags, names = risks.analyse(text, language)
    return ScriptRow(
        path=path,
        language=language,
        lines=text.count("\n") + (1 if text and not text.endswith("\n") else 0),
        bytes=len(data),
        sha256=sha256 or hashlib.sha256(data).hexdigest(),
        mode=f"{mode & 0o7777:04o}",
        executable=bool(mode & 0o111),
        shebang=first.strip() if first.startswith("#!") else "",
        archived=classify.is_archived(path),
        backup_of=original if original in known_paths else "",
        encoding=encoding,
        risks=risks.join(flags),
        env_vars=";".join(names),
    )
