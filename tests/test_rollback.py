from __future__ import annotations

from pathlib import Path

import pytest

from campaign import Campaign, batch_of, campaign_from, git, make_template, shimmed
from runbook_lib.checks.context import BatchContext, Check
from runbook_lib.core.errors import BadInput
from runbook_lib.execution import lock
from runbook_lib.execution.batch import BatchParams, run_batch
from runbook_lib.execution.rollback import RollbackParams, rollback
from state import head, snapshot


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_template(tmp_path_factory.mktemp("template"), scripts=100)


@pytest.fixture
def camp(template: Path, tmp_path: Path) -> Campaign:
    return campaign_from(template, tmp_path / "c", batch_size=3)


def promote_two(camp: Campaign) -> list[int]:
    numbers = sorted({batch_of(camp.plan, p) for p in shimmed(camp.plan, "echo_args.sh")})
    numbers = numbers if len(numbers) > 1 else [numbers[0], numbers[0] + 1]
    for n in numbers:
        assert run_batch(BatchParams(camp.ws, n)).status == "promoted"
    return numbers


def test_rollback_restores_tracked_state_and_keeps_untracked_files(camp: Campaign) -> None:
    tracked_before = {p: v for p, v in snapshot(camp.repo).items()}
    commits_before = int(git(camp.repo, "rev-list", "--count", "HEAD"))
    numbers = promote_two(camp)
    (camp.repo / "notes.txt").write_text("my notes\n", "utf-8")
    (camp.repo / ".env").write_text("TOKEN=changed-after-batches\n", "utf-8")
    extra = {p: snapshot(camp.repo)[p] for p in ("notes.txt", ".env")}
    outcome = rollback(RollbackParams(camp.ws, numbers[0]))
    now = snapshot(camp.repo)
    assert {p: v for p, v in now.items() if p not in extra} == \
        {p: v for p, v in tracked_before.items() if p not in extra}
    assert {p: now[p] for p in extra} == extra
    assert sorted(outcome.batches, reverse=True) == outcome.batches
    assert int(git(camp.repo, "rev-list", "--count", "HEAD")) > commits_before + len(numbers)
    assert "Revert" in git(camp.repo, "log", "-1", "--format=%s")
    assert outcome.seconds < 5
    with pytest.raises(BadInput, match="nothing to roll back"):
        rollback(RollbackParams(camp.ws, numbers[0]))


def test_rollback_refuses_uncommitted_tracked_edits(camp: Campaign) -> None:
    numbers = promote_two(camp)
    target = next(p for p in ("README.md", "docs/README.md") if (camp.repo / p).exists())
    (camp.repo / target).write_text("work in progress\n", "utf-8")
    before, main = snapshot(camp.repo), head(camp.repo)
    with pytest.raises(BadInput, match="uncommitted edits"):
        rollback(RollbackParams(camp.ws, numbers[0]))
    assert snapshot(camp.repo) == before and head(camp.repo) == main


def test_emergency_stop_rolls_back_a_running_batch(camp: Campaign) -> None:
    def pull_stop(ctx: BatchContext) -> Check:
        lock.request_stop(ctx.ws, "test pulls the stop")
        return Check("pull_stop", "pass")

    number = batch_of(camp.plan, shimmed(camp.plan, "echo_args.sh")[0])
    before, main = snapshot(camp.repo), head(camp.repo)
    outcome = run_batch(BatchParams(camp.ws, number), extra_checks={"pull_stop": pull_stop})
    assert outcome.status == "rolled_back" and "emergency stop" in outcome.message
    assert snapshot(camp.repo) == before and head(camp.repo) == main
    with pytest.raises(BadInput, match="emergency stop"):
        run_batch(BatchParams(camp.ws, number))
    lock.resume(camp.ws)
    assert run_batch(BatchParams(camp.ws, number)).status == "promoted"
