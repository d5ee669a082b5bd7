"""One module per subcommand; each registers its parser and a handler."""

from __future__ import annotations

import argparse

from runbook_lib.commands import batch, demo, discover, plan, safety, sample, similarity


def register_all(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    for module in (sample, discover, similarity, plan, batch, safety, demo):
        module.register(sub)
