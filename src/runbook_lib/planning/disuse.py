"""Scripts with no live caller: quarantined first, retired only after a window with no use.

The absence of a caller is not proof of disuse: people run scripts by hand, from other
machines and from schedulers outside the repository. So a `script` (never a library, test,
package marker, entry point or plugin) that nothing live calls and no declared case names
gets a `quarantine` action: usage lines at its top, nothing else changed. A later plan turns it
into `retire` once `observe_days` have passed since its quarantine was promoted with no use
recorded; a shim likewise, once no live caller is left and it recorded no use for as long.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import PurePosixPath
from typing import Any

from runbook_lib.discovery.references.model import SCRIPT_EXTENSIONS
from runbook_lib.planning import images, observe, quarantine, shims
from runbook_lib.planning.groups import (
    Group,
    Tables,
    Waiting,
    caller_flags,
    retire_action,
    test_suite_reason,
)
from runbook_lib.planning.usagelog import Sinks


@dataclass
class Disuse:
    cases: frozenset[str]  # scripts that runbook-cases.yaml names: in use by declaration
    watches: dict[str, observe.Watch]
    uses: dict[str, list[datetime]]
    now: datetime
    days: float
    sinks: Sinks
    orphans: bool = True  # retire_orphans
    backups: bool = True  # retire_backups
    observing: list[dict[str, Any]] = field(default_factory=list)
    kept: list[dict[str, str]] = field(default_factory=list)

    def quarantine(self, tables: Tables, path: str) -> dict[str, Any]:
        row = tables.row(path)
        return {"action": "quarantine", "path": path, "cluster": "",
                "language": str(row.get("language", "")), "observe_days": self.days,
                "usage": self.sinks.as_dict(),
                "reason": f"no live caller found: observed {self.days:g} days before retiring"}


def disuse_groups(tables: Tables, skip: set[str], d: Disuse) -> tuple[list[Group], list[Waiting]]:
    groups: list[Group] = []
    waiting: list[Waiting] = []
    for path in sorted(str(p) for p in tables.inventory["path"]):
        row = tables.row(path)
        if path in skip or int(row.get("live_callers", 0) or 0) > 0:
            continue
        why = kept_reason(row, d) or _cookbook_payload(tables, path) or \
            test_suite_reason(path)
        if why:
            d.kept.append({"path": path, "reason": why})
            continue
        group, wait = _one(tables, path, d)
        groups += [group] if group else []
        waiting += [wait] if wait else []
    return groups, waiting


def kept_reason(row: dict[str, Any], d: Disuse) -> str:
    """Why a script with no live caller is neither quarantined nor retired, or ""."""
    role, path = str(row.get("role") or "script"), str(row["path"])
    if role != "script":
        return f"role {role}: only scripts are quarantined or retired"
    if path in d.cases:
        return "a declared case in runbook-cases.yaml runs it: in use"
    if row.get("backup_of") and not d.backups:
        return "backup copy, and retire_backups is off"
    if not (row.get("backup_of") or row.get("archived")) and not d.orphans:
        return "no live caller, and retire_orphans is off"
    return ""


def _cookbook_payload(tables: Tables, path: str) -> str:
    """A file under a Chef cookbook's files/ is payload its recipes copy to nodes
    (`remote_directory '/opt/x' do source 'x'`), whole folders at a time: neither observed
    there nor safe to delete here."""
    parts = path.split("/")
    for i, part in enumerate(parts[:-1]):
        if part == "files" and (tables.repo / "/".join(parts[:i]) / "metadata.rb").is_file():
            return "in a Chef cookbook's files/, which its recipes copy to nodes"
    return ""


def _one(tables: Tables, path: str, d: Disuse) -> tuple[Group | None, Waiting | None]:
    text = tables.text(path)
    if quarantine.is_quarantined(text) or shims.MARK in text:
        return _observed(tables, path, d)
    problem = _foreign(path, tables.row(path)) or quarantine.problem(
        tables.data(path), str(tables.row(path).get("language", "")))
    if problem:
        return None, Waiting(path, [path], f"no live caller, but it cannot be quarantined: "
                             f"{problem}")
    group = Group(path, [d.quarantine(tables, path)], caller_flags(tables, path), 0)
    group.observed = 1
    return group, None


def _foreign(path: str, row: dict[str, Any]) -> str:
    """A file named for another program (`variables.tf` with a stray `#!/bin/bash`, a
    `.sh.tmpl` template) is read by that program: a usage header would change what it sees."""
    suffix = PurePosixPath(path).suffix
    if not suffix or suffix in SCRIPT_EXTENSIONS or row.get("archived") or row.get("backup_of"):
        return ""
    return f"its name ends in {suffix}, so another program may read it and see the header"


def _observed(tables: Tables, path: str, d: Disuse) -> tuple[Group | None, Waiting | None]:
    """Retire a watched script whose window passed with no use; else note how it stands. One
    the docs still tell people to run waits for a person to update them first."""
    watch = d.watches.get(path)
    if watch is None:  # marked in the file but not in the ledger: watched from this plan on
        watch = observe.Watch(path, "shim" if shims.MARK in tables.text(path) else
                              "quarantine", d.now)
    entry = observe.status(watch, d.uses.get(path, []), d.now, d.days)
    d.observing.append(entry)
    if entry["decision"] != "retire":
        return None, None
    docs = [f"{r['source']}:{r['line']}" for r in tables.refs_to(path) if r["kind"] == "docs"]
    docs = docs or _archived_callers(tables, path) or readme_beside(tables, path) or \
        _front_door(path) or images.folder_copied(tables.repo, path)
    if docs and not watch.canonical:
        entry["decision"] = "docs"
        return None, Waiting(path, [path], f"no use recorded in {entry['age_days']:g} days, "
                             f"but the docs mention it ({docs[0]}): update them, then plan "
                             "again")
    reason = (f"{watch.action} since {entry['since']} ({entry['age_days']:g} days), no live "
              "caller and no recorded use")
    action = retire_action(path, reason, "", watch.canonical)
    return Group(path, [action], caller_flags(tables, path), 1), None


def _archived_callers(tables: Tables, path: str) -> list[str]:
    """A line of an archived file that runs or copies it (`ADD confd.sh /etc/sv/confd/run` in
    Archive/.../Dockerfile.template): not a live caller, but deleting the script alone would
    leave that build broken; a person retires them together."""
    return [f"{r['source']}:{r['line']}, an archived file that still runs it"
            for r in tables.refs_to(path)
            if r["kind"] not in ("docs", "data") and r["source"] != path][:1]


def _front_door(path: str) -> list[str]:
    """A script at the repository's root is what people run after cloning it (`./update.sh`,
    `./generate_config.sh`), from machines whose uses nobody gathers."""
    return [] if "/" in path else [f"{path} sits at the repository's root, its front door"]


def readme_beside(tables: Tables, path: str) -> list[str]:
    """A README in the script's folder or one above it that names the file (in any case:
    `volume_Limit_Calculator.sh` for volume_Limit_calculator.sh; `cd 21 && bash build.sh`
    from OracleJava/README.md), or the one in its own folder when it is the folder's only
    script. Such tools are copied and run elsewhere (a Lambda handler, a diagnostic run on a
    customer's host), where no use is ever recorded."""
    folder = posixpath.dirname(path)
    alone = sum(posixpath.dirname(str(p)) == folder for p in tables.inventory["path"]) == 1
    name = posixpath.basename(path).lower()
    while True:
        for readme in images.named(tables.repo / folder, ("readme",)):
            text = readme.read_bytes().decode("utf-8", errors="replace").lower()
            if name in text or (alone and folder == posixpath.dirname(path)):
                found = text.find(name)
                line = text.count("\n", 0, found) + 1 if found >= 0 else 1
                return [f"{posixpath.join(folder, readme.name)}:{line}"]
        if not folder:
            return []
        folder = posixpath.dirname(folder)

