from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from campaign import Campaign, batch_of, campaign_from, git, make_template, shimmed
from runbook_lib.checks.context import BatchContext, Check
from runbook_lib.core.errors import BadInput
from runbook_lib.core.workspace import batch_dir, sha256_file
from runbook_lib.execution import lock
from runbook_lib.execution.batch import BatchParams, run_batch
from runbook_lib.planning.approve import ApproveParams, approve
from state import head, refs, snapshot


@pytest.fixture(scope="session")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_template(tmp_path_factory.mktemp("template"))


@pytest.fixture
def camp(template: Path, tmp_path: Path) -> Campaign:
    return campaign_from(template, tmp_path / "c")


def first_batch(camp: Campaign) -> int:
    return batch_of(camp.plan, shimmed(camp.plan, "echo_args.sh")[0])


def test_promoted_batch_changes_exactly_the_declared_files(camp: Campaign) -> None:
    number = first_batch(camp)
    (camp.repo / "notes.tmp").write_text("untracked work\n", "utf-8")
    before, base = snapshot(camp.repo), head(camp.repo)
    outcome = run_batch(BatchParams(camp.ws, number))
    assert outcome.status == "promoted", outcome.checks
    after = snapshot(camp.repo)
    batch = next(b for b in camp.plan["batches"] if b["batch"] == number)
    declared = {a.get("file") or a["path"] for a in batch["actions"]}
    changed = {p for p in before.keys() | after.keys() if before.get(p) != after.get(p)}
    assert changed == declared
    for look_alike in ("tools/preecho_args.sh", "tools/mentions.sh"):
        assert after[look_alike] == before[look_alike]
    assert after["notes.tmp"] == before["notes.tmp"]
    assert after[".env"] == before[".env"]
    assert head(camp.repo) == outcome.commit != base
    assert git(camp.repo, "status", "--porcelain", "--untracked-files=no") == ""
    for path in declared & set(after):
        assert after[path][0] == before[path][0], f"mode of {path} changed"


def test_promoted_batch_again_is_a_noop(camp: Campaign) -> None:
    number = first_batch(camp)
    run_batch(BatchParams(camp.ws, number))
    state, commit = snapshot(camp.repo), head(camp.repo)
    again = run_batch(BatchParams(camp.ws, number))
    assert again.status == "already" and "already promoted" in again.message
    assert snapshot(camp.repo) == state and head(camp.repo) == commit


def run_old_path(repo: Path, how: str, path: str) -> tuple[int, str, str]:
    cmds = {
        "absolute": [str(repo / path), "a b", "c"],
        "relative": ["./" + path, "a b", "c"],
        "sh": ["bash", path, "a b", "c"],
    }
    done = subprocess.run(cmds[how], cwd=repo, input="line\n", capture_output=True, text=True,
                          check=False)
    return done.returncode, done.stdout, done.stderr


def test_old_paths_keep_working_after_promotion(camp: Campaign) -> None:
    copies = shimmed(camp.plan, "echo_args.sh")
    libs = shimmed(camp.plan, "greet.sh")
    assert len(copies) == 2 and libs == ["services/web/lib/greet.sh"]
    before = {(c, how): run_old_path(camp.repo, how, c) for c in copies
              for how in ("absolute", "relative", "sh")}
    before_link = run_old_path(camp.repo, "relative", "echo_args.sh")
    before_lib = _source_greet(camp.repo)
    for number in sorted({batch_of(camp.plan, c) for c in copies + libs}):
        assert run_batch(BatchParams(camp.ws, number)).status == "promoted"
    for c in copies:
        assert "runbook shim" in (camp.repo / c).read_text("utf-8")
    after = {(c, how): run_old_path(camp.repo, how, c) for c in copies
             for how in ("absolute", "relative", "sh")}
    assert after == before
    assert before[(copies[0], "sh")][0] == 3
    assert run_old_path(camp.repo, "relative", "echo_args.sh") == before_link
    assert "runbook shim" in (camp.repo / "services/web/lib/greet.sh").read_text("utf-8")
    assert _source_greet(camp.repo) == before_lib == (0, "hello web\n", "")


def _source_greet(repo: Path) -> tuple[int, str, str]:
    done = subprocess.run(["bash", "services/web/bin/hello.sh"], cwd=repo, capture_output=True,
                          text=True, check=False)
    return done.returncode, done.stdout, done.stderr


def test_file_edited_after_planning_is_refused(camp: Campaign) -> None:
    number = first_batch(camp)
    target = camp.repo / shimmed(camp.plan, "echo_args.sh")[0]
    target.write_text(target.read_text("utf-8") + "# edited\n", "utf-8")
    git(camp.repo, "commit", "-qam", "edit after planning")
    before, tags = snapshot(camp.repo), refs(camp.repo)
    with pytest.raises(BadInput, match="changed since planning"):
        run_batch(BatchParams(camp.ws, number))
    assert snapshot(camp.repo) == before and refs(camp.repo) == tags


def test_dirty_tree_is_refused_and_untouched(camp: Campaign) -> None:
    readme = next(p for p in ("README.md", "docs/README.md") if (camp.repo / p).exists())
    (camp.repo / readme).write_text("local edit\n", "utf-8")
    before, tags = snapshot(camp.repo), refs(camp.repo)
    with pytest.raises(BadInput, match=r"uncommitted|dirty"):
        run_batch(BatchParams(camp.ws, first_batch(camp)))
    assert snapshot(camp.repo) == before and refs(camp.repo) == tags


def test_unapproved_or_changed_plan_is_refused(camp: Campaign) -> None:
    plan_path = camp.ws / "plan.json"
    plan_path.write_text(plan_path.read_text("utf-8").replace('"batch_size": 6',
                                                              '"batch_size": 7'), "utf-8")
    before = snapshot(camp.repo)
    with pytest.raises(BadInput, match="changed after it was approved"):
        run_batch(BatchParams(camp.ws, 1))
    (camp.ws / "approval.json").unlink()
    with pytest.raises(BadInput, match="not approved"):
        run_batch(BatchParams(camp.ws, 1))
    assert snapshot(camp.repo) == before


def test_second_writer_is_refused(camp: Campaign) -> None:
    before = snapshot(camp.repo)
    with lock.workspace_lock(camp.ws, "batch 1"):
        done = camp.runbook("batch", "--direct", "--workspace", str(camp.ws), "--batch", "1")
    assert done.returncode == 2 and "busy" in done.stderr
    assert snapshot(camp.repo) == before


def test_two_batches_at_once_exactly_one_proceeds(camp: Campaign) -> None:
    number = str(first_batch(camp))
    args = ["batch", "--direct", "--workspace", str(camp.ws), "--batch", number]
    import sys

    procs = [subprocess.Popen([sys.executable, "-m", "runbook_lib.cli", *args],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(2)]
    results = [(p.wait(), p.stdout.read() if p.stdout else "", p.stderr.read() if p.stderr
                else "") for p in procs]
    ends = [json.loads(line) for line in (camp.ws / "audit.jsonl").read_text().splitlines()
            if '"batch-end"' in line]
    assert [e["result"] for e in ends] == ["promoted"]
    codes = sorted(r[0] for r in results)
    assert codes == [0, 0] or codes == [0, 2], results


def test_branch_moved_before_promotion_promotes_nothing(camp: Campaign) -> None:
    def move_branch(ctx: BatchContext) -> Check:
        git(ctx.repo, "commit", "-q", "--allow-empty", "-m", "someone else's commit")
        return Check("move_branch", "pass")

    moved_to: list[str] = []
    outcome = run_batch(BatchParams(camp.ws, first_batch(camp)),
                        extra_checks={"move_branch": move_branch})
    moved_to.append(head(camp.repo))
    assert outcome.status == "rolled_back" and "moved" in outcome.message
    assert git(camp.repo, "log", "-1", "--format=%s") == "someone else's commit\n"
    assert head(camp.repo, "main") != outcome.commit


def test_wrong_action_is_caught_and_rolled_back(camp: Campaign) -> None:
    plan = json.loads((camp.ws / "plan.json").read_text("utf-8"))
    victim = "lib/greet.sh"  # sourced by ops/greet_all.sh and jobs/greet_job.sh
    batch = plan["batches"][0]
    batch["actions"].append({"action": "retire", "path": victim, "reason": "deliberately wrong",
                             "id": "bad"})
    plan["files"][victim] = sha256_file(camp.repo / victim)
    (camp.ws / "plan.json").write_text(json.dumps(plan), "utf-8")
    approve(ApproveParams(camp.ws, "tester", allow_risk=True))
    before, main = snapshot(camp.repo), head(camp.repo)
    outcome = run_batch(BatchParams(camp.ws, 1))
    assert outcome.status == "rolled_back"
    failed = {c["name"] for c in outcome.checks if c["status"] == "fail"}
    assert "references" in failed
    assert snapshot(camp.repo) == before and head(camp.repo) == main
    saved = json.loads((batch_dir(camp.ws, 1) / "validation.json").read_text("utf-8"))
    assert saved["status"] == "rolled_back"
    assert git(camp.repo, "branch", "--list", "runbook/batch-001").strip()


def test_notebook_mode_refuses_before_starting_a_notebook(camp: Campaign) -> None:
    readme = next(p for p in ("README.md", "docs/README.md") if (camp.repo / p).exists())
    (camp.repo / readme).write_text("local edit\n", "utf-8")
    before = snapshot(camp.repo)
    done = camp.runbook("batch", "--workspace", str(camp.ws), "--batch", str(first_batch(camp)))
    assert done.returncode == 2 and "uncommitted changes" in done.stderr
    assert not (camp.ws / "archive").exists()
    assert snapshot(camp.repo) == before


def test_a_caller_line_that_stops_reaching_its_script_is_caught(camp: Campaign) -> None:
    """Each live caller line the batch did not change must reach the script it reached."""
    plan = json.loads((camp.ws / "plan.json").read_text("utf-8"))
    victim = "ops/legacy/echo_args.sh"  # called by ops/run_echo.sh via $(dirname "$0")/legacy
    batch = plan["batches"][0]
    batch["actions"] = [a for a in batch["actions"] if a.get("path") != victim]
    batch["actions"].append({"action": "retire", "path": victim, "reason": "wrong", "id": "x"})
    plan["files"][victim] = sha256_file(camp.repo / victim)
    (camp.ws / "plan.json").write_text(json.dumps(plan), "utf-8")
    approve(ApproveParams(camp.ws, "tester", allow_risk=True))
    main = head(camp.repo)
    outcome = run_batch(BatchParams(camp.ws, 1))
    assert outcome.status == "rolled_back"
    refs = next(c for c in outcome.checks if c["name"] == "references")
    assert refs["status"] == "fail" and any("run_echo.sh" in d for d in refs["details"])
    assert head(camp.repo) == main


def test_incremental_references_match_a_full_discovery(camp: Campaign, tmp_path: Path) -> None:
    """The references check scans only changed files and callers of touched ones; what it
    writes for the next batch is what discovery of the whole new checkout finds."""
    import pandas as pd

    from runbook_lib.discovery.discover import DiscoveryParams, run_discovery

    number = first_batch(camp)
    assert run_batch(BatchParams(camp.ws, number)).status == "promoted"
    fast = pd.read_csv(batch_dir(camp.ws, number) / "references.csv", keep_default_na=False)
    full = run_discovery(DiscoveryParams(repo=camp.repo, workspace=tmp_path / "ws",
                                         deploy_roots=["/opt/app"], containers=False)).references
    tracked = set(git(camp.repo, "ls-files").splitlines())

    def rows(frame: pd.DataFrame) -> set[tuple[str, ...]]:
        frame = frame[frame["source"].isin(tracked)]
        return {tuple(str(v).lower() for v in row) for row in
                frame[["source", "line", "target", "kind", "status", "live"]].to_numpy()}

    assert rows(fast) == rows(full)
