"""`generate`: the whole sample sprawl repo and its ground truth, reproducibly from a seed."""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

from runbook_lib.core.errors import BadInput
from runbook_lib.sample import fixed_callers as callers
from runbook_lib.sample import fixed_docs as docs
from runbook_lib.sample import fixed_odd as odd
from runbook_lib.sample import gitrepo
from runbook_lib.sample.fixed_cases import write_cases
from runbook_lib.sample.fixed_copies import write_copies
from runbook_lib.sample.fixed_libs import write_libs
from runbook_lib.sample.fixed_scripts import Fixed
from runbook_lib.sample.fixed_tools import write_api_service, write_tools
from runbook_lib.sample.fixed_traps import write_traps
from runbook_lib.sample.model import COMMIT_DATES, COMMIT_MESSAGES
from runbook_lib.sample.scaled import Scaled
from runbook_lib.sample.sink import Sink
from runbook_lib.sample.truth import Truth


@dataclass(frozen=True)
class SampleResult:
    repo: Path
    truth: Path
    scripts: int
    references: int


def truth_path(out: Path) -> Path:
    return out.with_name(out.name + ".truth.json")


def generate(out: Path, scripts: int = 300, seed: int = 7) -> SampleResult:
    """Write a git repo at `out` and its ground truth beside it (`<out>.truth.json`)."""
    out = Path(out).absolute()
    _check_out(out, scripts)
    out.mkdir(parents=True, exist_ok=True)
    truth = Truth()
    sink = Sink(out, truth)
    rng = random.Random(seed)
    _write_fixed(sink, rng)
    Scaled(sink, rng, scripts).run()
    gitrepo.init(out)
    for number, paths in enumerate(sink.commits):
        gitrepo.commit(out, paths, COMMIT_MESSAGES[number], COMMIT_DATES[number])
    docs.write_untracked_ignored(sink)
    truth.write(truth_path(out), seed, scripts)
    return SampleResult(out, truth_path(out), len(truth.scripts), len(set(truth.refs)))


def _check_out(out: Path, scripts: int) -> None:
    if scripts < 1:
        raise BadInput(f"--scripts must be at least 1, got {scripts}")
    if out.is_symlink() or (out.exists() and not out.is_dir()):
        raise BadInput(f"{out} exists and is not a folder; give a new or empty folder")
    if out.is_dir() and any(out.iterdir()):
        raise BadInput(f"{out} is not empty; give a new or empty folder")


def _write_fixed(sink: Sink, rng: random.Random) -> None:
    write_libs(sink)
    fixed = Fixed(sink, rng)
    fixed.write_all()
    write_tools(fixed)
    write_api_service(fixed)
    write_copies(fixed)
    write_cases(sink)
    write_traps(sink)
    for part in (odd.write_same_job, odd.write_generators, odd.write_build_and_db,
                 odd.write_odd_inputs, callers.write_dockerfile, callers.write_compose,
                 callers.write_github, callers.write_gitlab_jenkins, callers.write_cron,
                 callers.write_systemd,
                 docs.write_make_npm, docs.write_docs, docs.write_reports, docs.write_vendored,
                 docs.write_ignored):
        part(sink)
