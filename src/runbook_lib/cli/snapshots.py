"""runbook snapshot-restore: put a service-state snapshot taken at a checkpoint back."""

from __future__ import annotations

import argparse
from pathlib import Path


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = sub.add_parser(
        "snapshot-restore", help="feed a service snapshot of batch N's checkpoint to a restore "
        "command inside its container",
        description="Verify the snapshot's sha256, then stream the stored output into the "
        "standard input of COMMAND, run as `sh -c COMMAND` inside the container (by default "
        "the one the snapshot was taken from). Exit 0 when restored, 1 when the command "
        "failed, 2 when refused (unknown name, damaged snapshot).")
    parser.add_argument("--workspace", type=Path, required=True)
    parser.add_argument("--batch", type=int, required=True, help="batch whose checkpoint holds "
                        "the snapshot")
    parser.add_argument("--name", required=True, help="snapshot name (the container's name; "
                        "see backups/NNN/snapshots.json)")
    parser.add_argument("--command", required=True, help="restore command reading the "
                        "snapshot on stdin, e.g. 'psql -U postgres'")
    parser.add_argument("--container", default="", help="restore into this container instead")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from runbook_lib.core import auditlog
    from runbook_lib.execution import lock
    from runbook_lib.execution.checkpoint import backup_dir_for
    from runbook_lib.execution.snapshots import restore_snapshot

    ws = args.workspace.resolve()
    fields = {"batch": args.batch, "name": args.name, "command": args.command,
              "container": args.container}
    with lock.workspace_lock(ws, f"snapshot-restore {args.name}"):
        auditlog.append(ws, "snapshot-restore-start", **fields)
        done = restore_snapshot(backup_dir_for(ws, args.batch), args.name,
                                args.container or None, args.command)
        auditlog.append(ws, "snapshot-restore", **fields, sha256=done["sha256"])
    print(f"restored snapshot {args.name} ({done['bytes']} bytes, sha256 "
          f"{done['sha256'][:12]}) into {done['container']}")
    return 0
