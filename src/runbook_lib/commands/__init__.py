"""One module per subcommand; each registers its parser and a handler."""

from __future__ import annotations

import argparse

from runbook_lib.commands import (
    audit,
    batch,
    demo,
    discover,
    plan,
    report,
    runall,
    safety,
    sample,
    similarity,
    snapshots,
)


def register_all(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    for module in (sample, discover, similarity, plan, batch, safety, demo, snapshots,
                   report, audit, runall):
        module.register(sub)
