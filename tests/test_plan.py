from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from campaign import Campaign, campaign_from, make_template
from runbook_lib.execution.batch import BatchParams, run_batch
from runbook_lib.planning.rewrites import rewrite_line


@pytest.mark.parametrize(("line", "source", "new"), [
    ('"$(dirname "$0")/legacy/echo.sh" one', "ops/run.sh",
     '"$(dirname "$0")/../tools/echo.sh" one'),
    ("bash jobs/echo.sh x", "Makefile", "bash tools/echo.sh x"),
    ("*/5 * * * * /opt/app/jobs/echo.sh >> /var/log/x", "cron/app.crontab",
     "*/5 * * * * /opt/app/tools/echo.sh >> /var/log/x"),
    ("See `jobs/echo.sh` for details.", "docs/ops.md", "See `tools/echo.sh` for details."),
])
def test_rewrite_line_changes_only_the_word(line: str, source: str, new: str) -> None:
    member = "ops/legacy/echo.sh" if source.startswith("ops/") else "jobs/echo.sh"
    assert rewrite_line(line, source, member, "tools/echo.sh") == new


@pytest.mark.parametrize("line", [
    "bash jobs/echo.sh; bash jobs/echo.sh",  # twice: not an exact site
    "bash jobs/prebuild_echo.sh",  # a look-alike name
    "bash other/echo.sh",  # another file of the same name
    "echo.sh",  # a bare name could resolve through the working folder
])
def test_rewrite_line_refuses_unclear_sites(line: str) -> None:
    assert rewrite_line(line, "ops/run.sh", "jobs/echo.sh", "tools/echo.sh") is None


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_template(tmp_path_factory.mktemp("template"), scripts=100)


@pytest.fixture
def camp(template: Path, tmp_path: Path) -> Campaign:
    return campaign_from(template, tmp_path / "c")


def test_plan_orders_batches_and_projects_counts(camp: Campaign) -> None:
    plan = camp.plan
    assert plan["base_commit"] and plan["branch"] == "main"
    counts = [b["projected_scripts"] for b in plan["batches"]]
    assert counts == sorted(counts, reverse=True)
    assert plan["scripts_after"] == counts[-1] < plan["scripts_before"]
    risky = [bool(b["risky"]) for b in plan["batches"] if not b["actions"][0]["action"]
             .startswith("rewrite")]
    assert risky == sorted(risky), "risky batches come last"
    for b in plan["batches"]:
        for a in b["actions"]:
            path = a.get("file") or a["path"]
            assert plan["files"][path], f"no sha256 recorded for {path}"
    assert any("person" in w["reason"] or "BASH_SOURCE" in w["reason"] for w in plan["waiting"])


def test_rewrite_batches_point_callers_at_the_canonical(camp: Campaign) -> None:
    rewrites = [(b["batch"], a) for b in camp.plan["batches"] for a in b["actions"]
                if a["action"] == "rewrite_reference"]
    assert rewrites, "the sample's exec shims have callers to rewrite"
    for number in sorted({n for n, _ in rewrites}):
        outcome = run_batch(BatchParams(camp.ws, number))
        assert outcome.status == "promoted", outcome.checks
    for _, action in rewrites:
        lines = (camp.repo / action["file"]).read_text("utf-8").split("\n")
        assert lines[action["line"] - 1] == action["new"]
    done = subprocess.run(["bash", "ops/run_echo.sh"], cwd=camp.repo, capture_output=True,
                          text=True, input="", check=False)
    assert done.returncode == 3 and done.stdout == "args:one\nargs:two\n"


def test_copies_under_another_shell_wait_for_a_person(tmp_path: Path) -> None:
    from conftest import make_repo
    from runbook_lib.discovery.discover import DiscoveryParams, run_discovery
    from runbook_lib.planning.plan import PlanParams, build_plan
    from runbook_lib.similarity import SimilarityParams, run_similarity

    body = 'name="$1"\nif [[ -n "$name" ]]; then\n  echo "hello $name"\nfi\nexit 0\n'
    repo = make_repo(tmp_path / "r", {
        "a/greet.sh": "#!/bin/bash\n" + body, "b/greet.sh": "#!/bin/sh\n" + body,
        "Makefile": "all:\n\tbash a/greet.sh x\n\tsh b/greet.sh y\n",
    })
    ws = tmp_path / "ws"
    run_discovery(DiscoveryParams(repo=repo, workspace=ws))
    run_similarity(ws, SimilarityParams(workspace=ws))
    plan = build_plan(PlanParams(workspace=ws))
    shims = [a for b in plan["batches"] for a in b["actions"] if a["action"] == "shim"]
    assert not shims
    assert any("runs under" in w["reason"] for w in plan["waiting"])


def test_likely_callers_are_never_rewritten(tmp_path: Path) -> None:
    from runbook_lib.planning.groups import Tables
    from runbook_lib.planning.rewrites import _rewrites

    repo = tmp_path / "repo"
    (repo / "ops").mkdir(parents=True)
    (repo / "ops/run.sh").write_text("bash scripts/copy.sh\nbash scripts/copy.sh --x\n")
    rows = [{"source": "ops/run.sh", "line": 1, "target": "scripts/copy.sh", "kind": "script",
             "confidence": "likely", "live": True, "status": "resolved"},
            {"source": "ops/run.sh", "line": 2, "target": "scripts/copy.sh", "kind": "script",
             "confidence": "certain", "live": True, "status": "resolved"}]
    import pandas as pd

    inventory = pd.DataFrame([{"path": p} for p in ("ops/run.sh", "scripts/copy.sh")])
    tables = Tables(repo, inventory, pd.DataFrame(rows), pd.DataFrame())
    found = _rewrites(tables, "scripts/copy.sh", "scripts/canonical.sh", set(),
                      frozenset({"script"}))
    assert [r["line"] for r in found] == [2]


def test_variants_wait_for_a_merge_with_parameters_and_renamed_copies_are_shimmed(
        tmp_path: Path) -> None:
    from conftest import make_repo
    from runbook_lib.discovery.discover import DiscoveryParams, run_discovery
    from runbook_lib.planning.plan import PlanParams, build_plan
    from runbook_lib.similarity import SimilarityParams, run_similarity

    body = ('TARGET="${DEPLOY_HOST:-web-01.internal}"\nPORT=8080\n'
            'echo "deploying web to $TARGET"\nssh "$TARGET" "docker restart web"\n'
            'curl -fsS "http://$TARGET:$PORT/healthz"\necho "web is up on $TARGET"\n')
    renamed = body.replace("TARGET", "REMOTE")  # only the script's own name differs
    variant = body.replace("web", "api").replace("8080", "9090")  # another service
    repo = make_repo(tmp_path / "r", {
        "ops/deploy_web.sh": "#!/bin/bash\nset -e\n" + body,
        "old/deploy_web_copy.sh": "#!/bin/bash\nset -e\n" + renamed,
        "ops/deploy_api.sh": "#!/bin/bash\nset -e\n" + variant,
        # two callers: ops/deploy_web.sh is the canonical
        "Makefile": "all:\n\tbash ops/deploy_web.sh\n\tbash old/deploy_web_copy.sh\n"
                    "\tbash ops/deploy_api.sh\nweb:\n\tbash ops/deploy_web.sh\n",
    })
    ws = tmp_path / "ws"
    run_discovery(DiscoveryParams(repo=repo, workspace=ws))
    result = run_similarity(ws, SimilarityParams(workspace=ws, shellcheck=False))
    types = dict(zip(result.clusters["path"], result.clusters["clone_type"], strict=True))
    assert types["old/deploy_web_copy.sh"] == "renamed"
    assert types["ops/deploy_api.sh"] == "variant"
    plan = build_plan(PlanParams(workspace=ws))
    shims = {a["path"] for b in plan["batches"] for a in b["actions"] if a["action"] == "shim"}
    assert "old/deploy_web_copy.sh" in shims or "ops/deploy_web.sh" in shims
    assert "ops/deploy_api.sh" not in shims
    waiting = [w for w in plan["waiting"] if "ops/deploy_api.sh" in w["members"]]
    assert waiting and "merge with parameters" in waiting[0]["reason"]
    assert "9090" in waiting[0]["reason"]


@pytest.mark.parametrize(("values", "words"), [
    ({"usage_sinks": ["mail"]}, "usage_sinks must name file, syslog or both"),
    ({"usage_sinks": []}, "usage_sinks must name file, syslog or both"),
    ({"usage_log": "usage.log"}, "usage_log must be an absolute path"),
    ({"observe_days": -1.0}, "observe_days must not be negative"),
])
def test_bad_usage_parameters_are_refused(camp: Campaign, values: dict[str, object],
                                          words: str) -> None:
    from runbook_lib.core.errors import BadInput
    from runbook_lib.planning.plan import PlanParams, build_plan

    before = (camp.ws / "plan.json").read_bytes()
    with pytest.raises(BadInput, match=words):
        build_plan(PlanParams(workspace=camp.ws, **values))  # type: ignore[arg-type]
    assert (camp.ws / "plan.json").read_bytes() == before


def test_first_plan_quarantines_instead_of_retiring(camp: Campaign) -> None:
    kinds = {a["action"] for b in camp.plan["batches"] for a in b["actions"]}
    assert "quarantine" in kinds and "retire" not in kinds
    for action in (a for b in camp.plan["batches"] for a in b["actions"]):
        if action["action"] in ("quarantine", "shim"):
            assert action["usage"] == {"log": "/var/log/runbook-usage.log", "syslog": True}


def test_the_ledger_counts_promoted_batches_only(tmp_path: Path) -> None:
    """When a window starts: the promotion of the quarantine, again at a rewrite of a shim's
    caller; a batch rolled back afterwards starts nothing."""
    import json

    from runbook_lib.planning import observe

    def batch(number: int, status: str, finished: str, events: list[dict[str, str]],
              rolled_back: bool = False) -> None:
        folder = tmp_path / "batches" / f"{number:03d}"
        folder.mkdir(parents=True)
        (folder / "validation.json").write_text(json.dumps(
            {"status": status, "finished": finished, "observe": events}), "utf-8")
        if rolled_back:
            (folder / "rollback.json").write_text("{}", "utf-8")

    batch(1, "promoted", "2026-01-01T10:00:00.5Z", [
        {"path": "a.sh", "action": "quarantine", "canonical": ""},
        {"path": "b.sh", "action": "shim", "canonical": "c.sh"}])
    batch(2, "promoted", "2026-01-05T10:00:00Z", [
        {"path": "b.sh", "action": "rewrite", "canonical": "c.sh"}])
    batch(3, "promoted", "2026-01-06T10:00:00Z", [
        {"path": "d.sh", "action": "quarantine", "canonical": ""}], rolled_back=True)
    batch(4, "rolled_back", "2026-01-07T10:00:00Z", [
        {"path": "e.sh", "action": "quarantine", "canonical": ""}])
    watches = observe.ledger(tmp_path, None)
    assert sorted(watches) == ["a.sh", "b.sh"]
    assert watches["b.sh"].action == "shim" and watches["b.sh"].canonical == "c.sh"
    assert watches["b.sh"].since.isoformat() == "2026-01-05T10:00:00+00:00"
    now = observe.parse_time("2026-01-31T11:00:00Z")
    assert now is not None
    same_second = [observe.parse_time("2026-01-01T10:00:00Z")]
    used = observe.status(watches["a.sh"], [t for t in same_second if t], now, 30)
    assert used["decision"] == "in use" and used["uses"] == 1
    assert observe.status(watches["a.sh"], [], now, 30)["decision"] == "retire"
    assert observe.status(watches["b.sh"], [], now, 30)["decision"] == "observing"
