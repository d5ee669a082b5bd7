"""runbook rollback, recover, stop, resume, unlock: the ways back."""

from __future__ import annotations

import argparse
from pathlib import Path


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    rollback = sub.add_parser(
        "rollback", help="return the repo to its state before batch N (reverts, history kept)",
        description="Revert the promoted batches from N on, newest first, as new commits. "
        "Refused while tracked files have uncommitted edits; untracked and ignored files are "
        "never touched.")
    rollback.add_argument("--workspace", type=Path, required=True)
    rollback.add_argument("--to", type=int, required=True, help="first batch to undo")
    rollback.set_defaults(handler=run_rollback)
    for name, text, handler in (
        ("recover", "after a crash: finish or undo the interrupted batch, clear stale state",
         run_recover),
        ("stop", "emergency stop: a running batch rolls back at its next step", run_stop),
        ("resume", "lift the emergency stop so batches may start again", run_resume),
    ):
        parser = sub.add_parser(name, help=text, description=text)
        parser.add_argument("--workspace", type=Path, required=True)
        if name == "stop":
            parser.add_argument("--reason", default="stopped by hand")
        parser.set_defaults(handler=handler)
    unlock = sub.add_parser("unlock", help="clear a stale workspace lock by its id",
                            description="Clear the lock left by a process that died.")
    unlock.add_argument("--workspace", type=Path, required=True)
    unlock.add_argument("--id", required=True, help="the lock id the refusal message named")
    unlock.set_defaults(handler=run_unlock)


def run_rollback(args: argparse.Namespace) -> int:
    from runbook_lib.execution.rollback import RollbackParams, rollback

    print(rollback(RollbackParams(args.workspace, args.to)).message)
    return 0


def run_recover(args: argparse.Namespace) -> int:
    from runbook_lib.execution.recover import recover

    done = recover(args.workspace)
    if not done:
        print("nothing to recover: every journal is complete and git left nothing behind")
    for item in done:  # one line per repair
        if item.state != "repaired":
            print(f"{item.journal}: state {item.state} the run")
        for line in item.actions:
            print(f"{item.journal}: {line}")
    return 0


def run_stop(args: argparse.Namespace) -> int:
    from runbook_lib.core import auditlog
    from runbook_lib.execution import lock

    lock.request_stop(args.workspace, args.reason)
    auditlog.append(args.workspace.resolve(), "stop", reason=args.reason)
    print("emergency stop set: a running batch rolls back at its next step; "
          "`runbook resume` lifts it")
    return 0


def run_resume(args: argparse.Namespace) -> int:
    from runbook_lib.core import auditlog
    from runbook_lib.execution import lock

    was = lock.resume(args.workspace)
    auditlog.append(args.workspace.resolve(), "resume", was=was)
    print("resumed" if was else "no emergency stop was set")
    return 0


def run_unlock(args: argparse.Namespace) -> int:
    from runbook_lib.core import auditlog
    from runbook_lib.execution import lock

    info = lock.unlock(args.workspace, args.id)
    auditlog.append(args.workspace.resolve(), "unlock", id=info.id, pid=info.pid)
    print(f"cleared lock {info.id} ({info.operation}, pid {info.pid})")
    return 0
