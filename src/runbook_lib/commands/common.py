"""What every notebook step command does: validate, then run the notebook or the library."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import Any

from runbook_lib import params as params_mod
from runbook_lib.parallel import Progress

Direct = Callable[[Any, Progress | None], str]


def run_or_direct(step: str, args: argparse.Namespace, checked: Any, direct: Direct,
                  label: str = "") -> int:
    from runbook_lib import progress, runner, workspace

    if args.direct:
        print(direct(checked, progress.bars(not args.no_progress)))
        return 0
    repo = getattr(checked, "repo", None)
    ws = workspace.prepare(checked.workspace, workspace.check_repo(repo) if repo else None)
    record = runner.run_step(step, params_mod.as_plain(checked), ws, label=label)
    if record.status != "ok":
        print(f"runbook: {step} failed: {record.error}; archived: {record.folder}",
              file=sys.stderr)
        return 1
    print(f"{step} done; executed notebook: {record.notebook}")
    return 0
