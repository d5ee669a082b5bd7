from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path

import pandas as pd
import pytest

from runbook_lib.core.errors import BadInput
from runbook_lib.similarity import SimilarityParams, SimilarityResult, run_similarity

DEPLOY = """#!/bin/bash
# Deploy the web service.
set -euo pipefail
TARGET_HOST="${DEPLOY_HOST:-web-01.internal}"
IMAGE="registry.acme.internal/web:${TAG:-latest}"
echo "deploying $IMAGE to $TARGET_HOST"
ssh -o BatchMode=yes "deploy@$TARGET_HOST" "docker pull $IMAGE"
ssh -o BatchMode=yes "deploy@$TARGET_HOST" "docker stop web || true"
ssh -o BatchMode=yes "deploy@$TARGET_HOST" "docker run -d --name web -p 8080:8080 $IMAGE"
sleep 5
if curl -fsS "http://$TARGET_HOST:8080/healthz" >/dev/null; then
    echo "web is up on $TARGET_HOST"
else
    echo "web did not come up on $TARGET_HOST" >&2
    exit 1
fi
"""
# the same code, other layout and comments
NORMALISED = """#!/bin/bash
set -euo pipefail
# copied from deploy_web.sh
TARGET_HOST="${DEPLOY_HOST:-web-01.internal}"
IMAGE="registry.acme.internal/web:${TAG:-latest}"

echo "deploying $IMAGE to $TARGET_HOST"
ssh -o BatchMode=yes "deploy@$TARGET_HOST" "docker pull $IMAGE"
ssh -o BatchMode=yes "deploy@$TARGET_HOST" "docker stop web || true"
ssh -o BatchMode=yes "deploy@$TARGET_HOST" "docker run -d --name web -p 8080:8080 $IMAGE"
sleep 5
if curl -fsS "http://$TARGET_HOST:8080/healthz" >/dev/null
then
  echo "web is up on $TARGET_HOST"
else
  echo "web did not come up on $TARGET_HOST" >&2
  exit 1
fi
"""
# every name and literal changed consistently: the same job for another service
VARIANT = (DEPLOY.replace("TARGET_HOST", "REMOTE").replace("web", "api")
           .replace("8080", "9090").replace("sleep 5", "sleep 10"))
# only the script's own variable names changed: interchangeable
RENAMED = DEPLOY.replace("TARGET_HOST", "REMOTE").replace("IMAGE", "IMG")
# a few lines deleted, added and edited
NEAR = (DEPLOY.replace('sleep 5\n', 'sleep 7\necho "waiting done"\n')
        .replace('ssh -o BatchMode=yes "deploy@$TARGET_HOST" "docker stop web || true"\n', ""))

BOILER = '#!/bin/bash\nset -euo pipefail\nSCRIPT_DIR="$(cd "$(dirname "$0")" && pwd)"\n'
LOG = ("log() {\n    printf '%s %s\\n' \"$(date '+%F %T')\" \"$*\" >&2\n}\n")

BUILD_ALL = """#!/bin/bash
set -euo pipefail
for svc in api worker web; do
    docker build -t "registry.acme.internal/$svc:latest" "services/$svc"
    docker push "registry.acme.internal/$svc:latest"
done
"""
BUILD_ALL_TOO = """#!/bin/bash
set -e
docker build -t registry.acme.internal/api services/api
docker build -t registry.acme.internal/worker services/worker
docker push registry.acme.internal/api
"""
BUILD_SIMPLE = "#!/bin/bash\ndocker compose build --pull\ndocker compose push\n"


def _unrelated(n: int) -> str:
    """Short scripts that share only boilerplate (and a pasted log())."""
    bodies = [
        'log "rotating"\nfind /var/log/app -name "*.gz" -mtime +7 -delete\n',
        'log "syncing"\nrsync -a /srv/data/ backup-01:/srv/data/\n',
        'log "warming"\ncurl -fsS http://localhost:8080/warm >/dev/null\n',
        'log "vacuum"\npsql -d app -c "VACUUM ANALYZE;"\n',
        'log "certs"\ncertbot renew --quiet\n',
    ]
    return BOILER + LOG + bodies[n]


SCRIPTS: dict[str, tuple[str, str]] = {
    "deploy/deploy_web.sh": ("bash", DEPLOY),
    "ops/deploy_web.sh": ("bash", DEPLOY),
    "ops/deploy_web_reformatted.sh": ("bash", NORMALISED),
    "deploy/deploy_api.sh": ("bash", VARIANT),
    "deploy/deploy_web_renamed.sh": ("bash", RENAMED),
    "legacy/deploy_web_v1.sh": ("bash", NEAR),
    "deploy/deploy_web.sh.backup_20240101": ("bash", DEPLOY),
    "old/deploy_web.sh": ("bash", DEPLOY),
    **{f"jobs/job_{n}.sh": ("bash", _unrelated(n)) for n in range(5)},
    "build/build_all_images.sh": ("bash", BUILD_ALL),
    "build/build-all-images.sh": ("bash", BUILD_ALL_TOO),
    "build_all_images_simple.sh": ("bash", BUILD_SIMPLE),
    "tools/hello.py": ("python", 'print("hello")\nprint("world")\nprint("again")\n'),
    "tools/hello.sh": ("bash", 'print("hello")\nprint("world")\nprint("again")\n'),
}
ARCHIVED = {"deploy/deploy_web.sh.backup_20240101", "old/deploy_web.sh"}
LIVE_CALLERS = {"ops/deploy_web.sh": 2, "deploy/deploy_web.sh": 1, "jobs/job_0.sh": 1}
INVENTORY = ("path", "language", "lines", "bytes", "sha256", "mode", "executable", "shebang",
             "archived", "backup_of", "encoding", "last_commit", "risks", "env_vars",
             "callers", "live_callers")


def _workspace(tmp_path: Path, scripts: dict[str, tuple[str, str]]) -> Path:
    """A repo of real scripts and the tables discovery would write for it."""
    repo, ws = tmp_path / "repo", tmp_path / "ws"
    ws.mkdir()
    rows = []
    for path, (language, text) in sorted(scripts.items()):
        (repo / path).parent.mkdir(parents=True, exist_ok=True)
        (repo / path).write_text(text, encoding="utf-8")
        data = text.encode()
        backup = path.rsplit(".backup_", 1)[0] if ".backup_" in path else ""
        risks = ";".join(
            [*(["network"] if "ssh " in text or "curl " in text else []),
             *([] if "set -e" in text or language == "python" else ["no_errexit"])])
        live = LIVE_CALLERS.get(path, 0)
        rows.append([path, language, text.count("\n"), len(data),
                     hashlib.sha256(data).hexdigest(), "0755", "true", text.split("\n")[0],
                     "true" if path in ARCHIVED else "false", backup, "utf-8", "", risks, "",
                     live, live])
    with open(ws / "inventory.csv", "w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh, lineterminator="\n")
        out.writerow(INVENTORY)
        out.writerows(rows)
    with open(ws / "references.csv", "w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh, lineterminator="\n")
        out.writerow(["source", "line", "target", "kind", "status", "resolved", "live", "text"])
        out.writerow(["cron/app.cron", 1, "ops/deploy_web.sh", "cron", "resolved", "true",
                      "true", "0 1 * * * /opt/app/ops/deploy_web.sh"])
    (ws / "discovery.json").write_text(json.dumps({"repo": str(repo)}), encoding="utf-8")
    return ws


@pytest.fixture
def result(tmp_path: Path) -> SimilarityResult:
    ws = _workspace(tmp_path, SCRIPTS)
    return run_similarity(ws, SimilarityParams(workspace=ws, shellcheck=False))


def _cluster_of(result: SimilarityResult, path: str) -> str:
    rows = result.clusters[result.clusters["path"] == path]
    return str(rows["cluster_id"].iloc[0]) if len(rows) else ""


def test_every_clone_type_lands_in_one_n_way_cluster(result: SimilarityResult) -> None:
    members = result.clusters[result.clusters["cluster_id"] == _cluster_of(
        result, "deploy/deploy_web.sh")]
    types = dict(zip(members["path"], members["clone_type"], strict=True))
    assert types == {
        "ops/deploy_web.sh": "exact",  # the canonical: its own strongest link
        "deploy/deploy_web.sh": "exact", "deploy/deploy_web.sh.backup_20240101": "exact",
        "old/deploy_web.sh": "exact", "ops/deploy_web_reformatted.sh": "normalised",
        "deploy/deploy_web_renamed.sh": "renamed", "deploy/deploy_api.sh": "variant",
        "legacy/deploy_web_v1.sh": "near",
    }
    near = members[members["clone_type"] == "near"].iloc[0]
    assert 0.7 <= near["similarity"] < 1 and near["literals"] > 0.5
    assert "literals blinded" in near["evidence"]
    assert set(result.pairs.columns) >= {"a", "b", "similarity", "clone_type", "literals"}
    with_canonical = result.pairs[(result.pairs["a"] == "ops/deploy_web.sh")
                                  | (result.pairs["b"] == "ops/deploy_web.sh")]
    assert len(with_canonical) == 7


def test_a_variant_lists_its_parameters(result: SimilarityResult) -> None:
    rows = result.clusters.set_index("path")
    mine = json.loads(rows.loc["deploy/deploy_api.sh", "parameters"])
    theirs = json.loads(rows.loc["ops/deploy_web.sh", "parameters"])
    assert set(mine) == set(theirs) and len(mine) >= 3
    changed = {theirs[p]: mine[p] for p in mine}
    assert changed["web-01.internal"] == "api-01.internal"
    assert changed["5"] == "10"
    assert any("8080" in k and "9090" in v for k, v in changed.items())
    assert "merge with parameters" in rows.loc["deploy/deploy_api.sh", "evidence"]
    assert rows.loc["deploy/deploy_web_renamed.sh", "parameters"] == ""


def test_canonical_is_live_and_not_archived_with_the_reason(result: SimilarityResult) -> None:
    rows = result.clusters[result.clusters["canonical"]]
    keep = rows[rows["path"].str.contains("deploy_web")].iloc[0]
    assert keep["path"] == "ops/deploy_web.sh"
    assert "2 live callers" in keep["evidence"] and "deploy/deploy_web.sh has 1" in keep["evidence"]


def test_boilerplate_alone_does_not_make_scripts_alike(result: SimilarityResult) -> None:
    jobs = result.clusters[result.clusters["path"].str.startswith("jobs/")]
    assert jobs.empty
    assert result.pairs[result.pairs["a"].str.startswith("jobs/")].empty


def test_python_and_shell_never_cluster(result: SimilarityResult) -> None:
    assert _cluster_of(result, "tools/hello.py") == ""
    assert _cluster_of(result, "tools/hello.sh") == ""


def test_pasted_function_is_one_fragment_with_its_copies(result: SimilarityResult) -> None:
    log = result.fragments[result.fragments["name"] == "log"]
    assert log["fragment_id"].nunique() == 1
    assert set(log["path"]) == {f"jobs/job_{n}.sh" for n in range(5)}
    assert (log["copies"] == 5).all()
    assert (log["kind"] == "function").all()
    assert (log["start_line"] == 4).all() and (log["end_line"] == 6).all()


def test_same_job_family_by_name_tokens(result: SimilarityResult) -> None:
    family = result.families.groupby("family_id")["path"].apply(set).tolist()
    assert {"build/build_all_images.sh", "build/build-all-images.sh",
            "build_all_images_simple.sh"} in family
    assert result.families["evidence"].str.contains("build-all-images").all()


def test_opportunities_kinds_and_ranking(result: SimilarityResult) -> None:
    opp = result.opportunities
    assert set(opp["kind"]) == {"duplicate", "near_duplicate", "shared_fragment", "family",
                                "backup_copy", "orphan"}
    backup = opp[opp["kind"] == "backup_copy"].iloc[0]
    assert backup["members"] == "deploy/deploy_web.sh.backup_20240101"
    assert backup["keep"] == "deploy/deploy_web.sh"
    orphans = set(opp[opp["kind"] == "orphan"]["members"])
    assert "jobs/job_1.sh" in orphans and "jobs/job_0.sh" not in orphans
    assert "old/deploy_web.sh" not in orphans  # archived: evidence, not an orphan
    ranked = list(zip(-opp["scripts_removed"], -opp["lines_removed"], strict=True))
    assert ranked == sorted(ranked)
    dup = opp[opp["kind"] == "duplicate"].iloc[0]
    assert dup["keep"] == "ops/deploy_web.sh" and dup["risk"] == "network"
    # the backup copy is counted once, by backup_copy, not again by duplicate
    assert dup["scripts_removed"] == 4  # exact, normalised and renamed copies
    removed = opp.groupby("kind")["scripts_removed"].sum()
    assert removed.sum() <= len(SCRIPTS)


def test_tables_are_written_and_identical_run_to_run(tmp_path: Path) -> None:
    ws = _workspace(tmp_path, SCRIPTS)
    params = SimilarityParams(workspace=ws, shellcheck=False)
    names = ("clusters", "pairs", "fragments", "families", "opportunities")
    run_similarity(ws, params)
    first = {n: (ws / f"{n}.csv").read_bytes() for n in names}
    run_similarity(ws, params)
    assert {n: (ws / f"{n}.csv").read_bytes() for n in names} == first
    clusters = pd.read_csv(ws / "clusters.csv")
    assert list(clusters.columns[:5]) == ["cluster_id", "path", "canonical", "similarity",
                                          "clone_type"]


def test_shellcheck_breaks_a_tie_between_different_texts(tmp_path: Path) -> None:
    sloppy = NEAR.replace('"$IMAGE"', "$IMAGE").replace('echo "waiting done"', "echo `date`")
    ws = _workspace(tmp_path, {"a/deploy_web.sh": ("bash", sloppy),
                               "b/deploy_web.sh": ("bash", NEAR)})
    result = run_similarity(ws, SimilarityParams(workspace=ws))
    keep = result.clusters[result.clusters["canonical"]].iloc[0]
    assert keep["path"] == "b/deploy_web.sh"
    assert "shellcheck findings" in keep["evidence"]


def test_missing_inventory_is_a_one_line_refusal(tmp_path: Path) -> None:
    with pytest.raises(BadInput, match="run `runbook discover` first"):
        run_similarity(tmp_path, SimilarityParams(workspace=tmp_path))


def test_bad_threshold_is_refused(tmp_path: Path) -> None:
    with pytest.raises(BadInput, match="threshold"):
        run_similarity(tmp_path, SimilarityParams(workspace=tmp_path, threshold=1.5))


TEMPLATE = """#!/bin/bash
set -euo pipefail
SERVICE="{svc}"
HOST="{svc}-01.internal"
PORT="{port}"
IMAGE="registry.acme.internal/{svc}:latest"
ssh "$HOST" docker pull "$IMAGE"
ssh "$HOST" docker stop "$SERVICE" || true
ssh "$HOST" docker rm "$SERVICE" || true
ssh "$HOST" docker run -d --name "$SERVICE" -p "$PORT:$PORT" "$IMAGE"
curl -fsS "http://$HOST:$PORT/healthz"
echo "$SERVICE is up on $HOST"
"""


def test_a_copy_edited_for_another_service_is_a_near_copy(tmp_path: Path) -> None:
    web = TEMPLATE.format(svc="web", port=8080)
    api = TEMPLATE.format(svc="api", port=9090) + 'logger -t deploy "$SERVICE deployed"\n'
    edited = web.replace("docker rm", "docker container rm")  # a copy edited by hand
    ws = _workspace(tmp_path, {"deploy/web.sh": ("bash", web), "deploy/api.sh": ("bash", api),
                               "old/web.sh": ("bash", edited)})
    result = run_similarity(ws, SimilarityParams(workspace=ws, shellcheck=False))
    rows = result.clusters.set_index("path")
    assert set(rows.index) == {"deploy/web.sh", "deploy/api.sh", "old/web.sh"}
    assert set(rows["clone_type"]) == {"near"}
    # the literals are evidence: the copy edited for api shares fewer of them
    assert rows.loc["deploy/api.sh", "literals"] < rows.loc["old/web.sh", "literals"]


OLD_MIGRATION = """import csv
import re
import sys


def rewrite(line):
    line = re.sub(r"airflow.contrib.operators", "airflow.providers.google", line)
    return line.replace("provide_context=True", "")


def main(path):
    with open(path) as src:
        rows = list(csv.reader(src))
    for row in rows:
        print(rewrite(row[0]))


main(sys.argv[1])
"""
# a newer version: a report written, a second pattern, argument handling changed
NEW_MIGRATION = """import argparse
import csv
import re


def rewrite(line, report):
    found = re.findall(r"from airflow\\.operators\\.(\\w+)", line)
    report.extend(found)
    line = re.sub(r"contrib.hooks", "providers.hooks", line)
    return line.replace("schedule_interval", "schedule")


def main(args):
    report = []
    with open(args.input) as src:
        rows = list(csv.reader(src))
    for row in rows:
        print(rewrite(row[0], report))
    with open(args.report, "w") as out:
        out.write("\\n".join(report))


parser = argparse.ArgumentParser()
parser.add_argument("input")
parser.add_argument("report")
main(parser.parse_args())
"""


def test_an_older_version_under_the_same_name_is_a_family(tmp_path: Path) -> None:
    # the same name, another job: a schema migration
    schema = ("import sqlite3\nimport sys\n\ndb = sqlite3.connect(sys.argv[1])\n"
              "db.execute('ALTER TABLE runs ADD COLUMN owner TEXT')\n"
              "db.execute('CREATE INDEX runs_owner ON runs (owner)')\ndb.commit()\n")
    ws = _workspace(tmp_path, {
        "airflow-migration/airflow_migration/migration.py": ("python", NEW_MIGRATION),
        "airflow-migration/misc/migration.py": ("python", OLD_MIGRATION),
        "airflow-migration/migration.py": ("python", schema),
    })
    result = run_similarity(ws, SimilarityParams(workspace=ws, shellcheck=False))
    assert result.clusters.empty
    families = result.families.groupby("family_id")["path"].apply(set).tolist()
    assert families == [{"airflow-migration/airflow_migration/migration.py",
                         "airflow-migration/misc/migration.py"}]
