"""runbook plan and runbook approve: batches of actions, and a person's sign-off."""

from __future__ import annotations

import argparse
from typing import Any

from runbook_lib.cli.common import gather, run_or_direct, step_options


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = sub.add_parser(
        "plan", help="plan consolidation as ordered batches of actions (notebook 03)",
        description="Write plan.json: the base commit, the sha256 of every file the plan "
        "touches, and ordered batches of shim, retire, rewrite_reference and merge actions.",
    )
    parser.add_argument("--batch-size", type=int, help="scripts per batch (25)")
    step_options(parser)
    parser.set_defaults(handler=run_plan)
    approve = sub.add_parser(
        "approve", help="approve the plan as it stands (records its sha256)",
        description="Write approval.json. A plan changed after approval is refused by batch.",
    )
    approve.add_argument("--workspace", required=True, help="campaign workspace folder")
    approve.add_argument("--by", default="", help="who approves (default: the current user)")
    approve.add_argument("--allow-risk", action="store_true",
                         help="also approve batches touching destructive, stateful, scheduled "
                         "or docker scripts")
    approve.set_defaults(handler=run_approve)


def run_plan(args: argparse.Namespace) -> int:
    from runbook_lib.archive import params
    from runbook_lib.planning.plan import PlanParams

    checked = params.build(PlanParams, gather(args, {"batch_size": args.batch_size}))
    return run_or_direct("plan", args, checked, _direct)


def _direct(checked: Any, progress: Any) -> str:
    from runbook_lib.planning.plan import build_plan

    plan = build_plan(checked)
    return (f"{len(plan['batches'])} batches: {plan['scripts_before']} scripts -> "
            f"{plan['scripts_after']} projected; {len(plan['waiting'])} waiting for a person "
            f"-> {checked.workspace}/plan.json")


def run_approve(args: argparse.Namespace) -> int:
    from pathlib import Path

    from runbook_lib.planning.approve import ApproveParams, approve

    done = approve(ApproveParams(Path(args.workspace), args.by, args.allow_risk))
    held = done["risky_batches_not_approved"]
    print(f"approved plan {done['plan_sha256'][:12]} by {done['by']}: batches "
          f"{_ranges(done['batches'])}" + (f"; risky batches {_ranges(held)} need --allow-risk"
                                          if held else ""))
    return 0


def _ranges(numbers: list[int]) -> str:
    return ", ".join(str(n) for n in numbers) or "none"
