"""Recovery after a crash: what killed git commands left in the repository is cleared, then
each unfinished journal is settled to exactly before or exactly after its run.

Recovery journals itself (WS/recoveries/STAMP/journal.jsonl) and every step is idempotent:
killed at any moment, the next `recover` does the rest, and one with nothing to do changes
nothing.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from runbook_lib.core import auditlog, workspace
from runbook_lib.core.errors import BadInput
from runbook_lib.execution import lock
from runbook_lib.execution.journal import Journal, read_journal
from runbook_lib.execution.settle import Recovered, settle_run
from runbook_lib.gitops import leftovers, repair

RUNS = ("batches", "rollbacks")


def unfinished(ws: Path, kinds: tuple[str, ...] = RUNS) -> list[Path]:
    journals = [j for kind in kinds for j in sorted((ws / kind).glob("*/journal.jsonl"))]
    return [j for j in journals if not _finished(read_journal(j))]


def _finished(records: list[dict[str, Any]]) -> bool:
    return any(r["step"] == "finish" and r["phase"] == "done" for r in records)


def recover(ws_in: Path) -> list[Recovered]:
    """Everything repaired and settled, one Recovered per journal or kind of repair; empty
    when there was nothing to do (and then nothing was changed)."""
    ws = ws_in.resolve()
    held = lock.read_lock(ws)
    if held is not None and lock.holder_alive(held) is not False:
        raise BadInput(f"{held.operation} is still running (pid {held.pid} on {held.host}), or "
                       "runs on another host; stop it with `runbook stop` instead")
    repo = Path(workspace.read_json(ws / "plan.json")["repo"])
    found = leftovers.find(repo, ws / "worktrees")
    repair.check_quiet(repo, found)
    if held is None and not found and not unfinished(ws, (*RUNS, "recoveries")) \
            and not _temporary(ws):
        auditlog.append(ws, "recover", result="nothing to do", recovered=[])
        return []
    if held is not None:
        lock.unlock(ws, held.id)
    with lock.workspace_lock(ws, "recover"):
        done = _recover_locked(ws, repo, held)
    auditlog.append(ws, "recover", result="ok", recovered=[r.__dict__ for r in done],
                    stale_lock=held.id if held else None)
    return done


def _recover_locked(ws: Path, repo: Path, held: lock.LockInfo | None) -> list[Recovered]:
    journal = Journal(ws / "recoveries" / auditlog.stamp() / "journal.jsonl")
    done: list[Recovered] = []
    if held is not None:
        done.append(Recovered("workspace", "repaired", [
            f"removed the lock of `{held.operation}` (pid {held.pid}, no longer running)"]))
    earlier = _earlier_recoveries(ws, journal.path)
    journal.step("repair")
    said = repair.repair(repo, leftovers.find(repo, ws / "worktrees"))
    journal.done("repair", repairs=said)
    if said:
        done.append(Recovered("repository", "repaired", said))
    for path in unfinished(ws):
        journal.step("settle", journal=path.relative_to(ws).as_posix())
        item = settle_run(ws, repo, path)
        journal.done("settle", state=item.state, actions=item.actions)
        done.append(item)
    journal.step("tidy")
    tidied = [*_tidy(ws), *_close(earlier, ws)]
    if tidied:
        done.append(Recovered("workspace", "repaired", tidied))
    journal.done("finish", recovered=len(done))
    return done


def _earlier_recoveries(ws: Path, own: Path) -> list[Path]:
    return [p for p in unfinished(ws, ("recoveries",)) if p != own]


def _close(earlier: list[Path], ws: Path) -> list[str]:
    """An earlier recover that was killed: its work was just done again; its journal ends."""
    said = []
    for path in earlier:
        records = read_journal(path)
        step = records[-1]["step"] if records else "its start"
        Journal(path).done("finish", redone=True)
        said.append(f"an earlier recover ({path.parent.name}) was interrupted at {step}: "
                    "its work is done")
    return said


def _temporary(ws: Path) -> list[Path]:
    """What a killed run leaves in the workspace: a half-written backup, the temporary copy
    of a batch's JSON file."""
    return sorted({*ws.glob("backups/*.partial"), *ws.glob("batches/*/*.tmp")})


def _tidy(ws: Path) -> list[str]:
    said = []
    for path in _temporary(ws):
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink(missing_ok=True)
        said.append(f"removed {path.relative_to(ws).as_posix()} (left by a killed run)")
    return said
