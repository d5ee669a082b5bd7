"""Same-job families on small real repos: discovery, then similarity, as a user runs them."""

from __future__ import annotations

from pathlib import Path

from familykit import families_of
from runbook_lib.discovery.discover import DiscoveryParams, run_discovery
from runbook_lib.similarity import SimilarityParams, run_similarity

WRAPPER = """#!/bin/bash
# Create a cluster: check the parameters, then hand them to the worker.
set -euo pipefail
SCRIPT_DIR=$(cd "$(dirname "$0")" && pwd)
log() { echo "$(date +%T) create-cluster: $*"; }
need() { [ -n "${!1:-}" ] || { log "missing $1"; exit 2; }; }
need CLUSTER_NAME
need CLUSTER_REGION
need NODE_COUNT
case "$CLUSTER_REGION" in
    europe-*|us-*) ;;
    *) log "unsupported region $CLUSTER_REGION"; exit 2 ;;
esac
if ! [[ "$NODE_COUNT" =~ ^[0-9]+$ ]] || (( NODE_COUNT > 20 )); then
    log "node count must be a number up to 20"
    exit 2
fi
HAND_OVER <<EOF
${CLUSTER_NAME}
${CLUSTER_REGION}
${NODE_COUNT}
EOF
log "done"
"""

WORKER = """#!/bin/bash
# Worker: create the cluster from the three values on stdin.
set -euo pipefail
log() { echo "$(date +%T) create-cluster: $*"; }
need() { [ -n "${!1:-}" ] || { log "missing $1"; exit 2; }; }
read -r CLUSTER_NAME
read -r CLUSTER_REGION
read -r NODE_COUNT
need CLUSTER_NAME
need CLUSTER_REGION
need NODE_COUNT
log "creating ${CLUSTER_NAME} in ${CLUSTER_REGION} with ${NODE_COUNT} nodes"
gcloud container clusters create "$CLUSTER_NAME" --region "$CLUSTER_REGION" \\
    --num-nodes "$NODE_COUNT"
gcloud container clusters get-credentials "$CLUSTER_NAME" --region "$CLUSTER_REGION"
kubectl create namespace apps --dry-run=client -o yaml | kubectl apply -f -
kubectl label namespace apps owner=platform --overwrite
kubectl apply -f "/etc/clusters/${CLUSTER_NAME}/"
log "done"
"""


def _families(tmp_path: Path, hand_over: str) -> list[set[str]]:
    repo, ws = tmp_path / "repo", tmp_path / "ws"
    (repo / "provision").mkdir(parents=True)
    (repo / "provision/create_cluster.sh").write_text(WRAPPER.replace("HAND_OVER", hand_over))
    (repo / "provision/_create_cluster.sh").write_text(WORKER)
    run_discovery(DiscoveryParams(repo=repo, workspace=ws, deploy_roots=["/opt/app"]))
    result = run_similarity(ws, SimilarityParams(workspace=ws, shellcheck=False))
    return [set(g) for g in result.families.groupby("family_id")["path"].apply(set)]


def test_a_wrapper_and_the_script_it_runs_are_no_family(tmp_path: Path) -> None:
    # the same job tokens and the same checks, but one runs the other: caller and callee
    called = _families(tmp_path / "called", '"${SCRIPT_DIR}/_create_cluster.sh"')
    assert called == []
    # the same two texts, the worker not run by the wrapper: a family, so the call decided
    apart = _families(tmp_path / "apart", "cat")
    assert apart == [{"provision/create_cluster.sh", "provision/_create_cluster.sh"}]


SCAFFOLD = '''"""Tests of the {job} step of the pipeline."""
import unittest

import apache_beam as beam
from apache_beam.testing.test_pipeline import TestPipeline
from apache_beam.testing.util import assert_that, equal_to

from . import {module}


class {name}Test(unittest.TestCase):
    def _run(self, rows, expected, fn):
        with TestPipeline() as p:
            out = p | beam.Create(rows) | beam.Map(fn)
            assert_that(out, equal_to(expected))

{body}

if __name__ == "__main__":
    unittest.main()
'''
CHURN_BODY = '''    def test_tenure_is_bucketed(self):
        self._run([{"tenure": 3}], [{"tenure": "short"}], features.bucket)

    def test_missing_tenure_is_zero(self):
        self._run([{}], [{"tenure": "short"}], features.bucket)

    def test_churned_flag(self):
        row = features.bucket({"tenure": 30, "churned": "yes"})
        self.assertEqual(row["tenure"], "long")
        self.assertIn("churned", row)
        self.assertTrue(row["churned"] == "yes")
        for tenure in (0, 11, 12, 100):
            self.assertIn(features.bucket({"tenure": tenure})["tenure"], ("short", "long"))
'''
RATINGS_BODY = '''    def test_user_ids_are_indexed(self):
        self._run([{"user": "a"}], [{"user": 0}], ratings.index_users)

    def test_ratings_are_scaled(self):
        self._run([{"rating": 5}], [{"rating": 1.0}], ratings.scale)

    def test_index_is_stable(self):
        ratings.USERS.clear()
        first = ratings.index_users({"user": "x"})
        again = ratings.index_users({"user": "x"})
        other = ratings.index_users({"user": "y"})
        self.assertEqual(first, again)
        self.assertNotEqual(first["user"], other["user"])
        self.assertEqual(len(ratings.USERS), 2)
        with self.assertRaises(KeyError):
            ratings.index_users({})
'''
FEATURES = '''"""Churn features."""


def bucket(row):
    tenure = row.get("tenure", 0)
    return {**row, "tenure": "short" if tenure < 12 else "long"}
'''
RATINGS = '''"""Ratings for the recommender."""
USERS = {}


def index_users(row):
    return {**row, "user": USERS.setdefault(row["user"], len(USERS))}


def scale(row):
    return {**row, "rating": row["rating"] / 5}
'''


RATINGS_CHECKS = '''    def test_scaled_ratings_stay_in_range(self):
        for rating in range(6):
            scaled = ratings.scale({"rating": rating})["rating"]
            self.assertGreaterEqual(scaled, 0.0)
            self.assertLessEqual(scaled, 1.0)

    def test_unknown_users_get_new_ids(self):
        self._run([{"user": "new"}], [{"user": len(ratings.USERS)}], ratings.index_users)

    def test_many_users(self):
        names = [f"user-{n}" for n in range(50)]
        ids = [ratings.index_users({"user": name})["user"] for name in names]
        self.assertEqual(sorted(set(ids)), ids)
        self.assertGreaterEqual(len(ratings.USERS), 50)
        ratings.USERS.pop("user-0")
        self.assertNotIn("user-0", ratings.USERS)
'''


def test_two_tests_of_different_modules_are_no_family(tmp_path: Path) -> None:
    """Tests are the job of their subject: the same scaffolding around other modules is not
    the same job; a second test of the same module is."""
    repo, ws = tmp_path / "repo", tmp_path / "ws"
    for project, module, body, code in (("churn", "features", CHURN_BODY, FEATURES),
                                        ("ratings", "ratings", RATINGS_BODY, RATINGS)):
        folder = repo / project / "preprocess"
        folder.mkdir(parents=True)
        (folder / "__init__.py").write_text("")
        (folder / f"{module}.py").write_text(code)
        (folder / "preprocess_test.py").write_text(SCAFFOLD.format(
            job=project, module=module, name=module.title(), body=body))
    (repo / "ratings/checks").mkdir()
    (repo / "ratings/checks/preprocess_test.py").write_text(SCAFFOLD.format(
        job="ratings", module="ratings", name="RatingChecks", body=RATINGS_CHECKS).replace(
        "from . import ratings", "from ratings.preprocess import ratings"))
    run_discovery(DiscoveryParams(repo=repo, workspace=ws))
    result = run_similarity(ws, SimilarityParams(workspace=ws, shellcheck=False))
    assert result.clusters.empty
    grouped = [set(g) for g in result.families.groupby("family_id")["path"].apply(set)]
    assert grouped == [{"ratings/preprocess/preprocess_test.py",
                        "ratings/checks/preprocess_test.py"}]


# Two start scripts that share their set-up and structure (set, trap, exit, fi, done) and the
# check of one variable; what each starts, and how, is its own.
START_APP = """#!/bin/bash
set -euo pipefail
trap 'kill 0' TERM
if [ -z "${APP_HOME:-}" ]; then
  exit 2
fi
STEPS
"""
ADMIN_STEPS = """java -version
ulimit -n 65536
install -d -m 0700 "$APP_HOME/servers/admin/security"
printf 'username=%s\\npassword=%s\\n' "$ADMIN_USER" "$ADMIN_PASS" > boot.properties
mv boot.properties "$APP_HOME/servers/admin/security/"
"$APP_HOME/bin/startAdmin.sh" > admin.out 2>&1 &
curl -fs --retry 20 --retry-delay 3 "http://localhost:7001/ready"
tail -f admin.out"""
CACHE_STEPS = """redis-cli -h "$CACHE_HOST" ping
mkdir -p "$APP_HOME/run"
chown -R app:app "$APP_HOME/run"
sysctl -w vm.overcommit_memory=1
envsubst < cache.conf.in > "$APP_HOME/run/cache.conf"
exec redis-server "$APP_HOME/run/cache.conf" --port "$CACHE_PORT"
logger -t cache "started on $CACHE_PORT"
wait"""


def test_shared_set_up_and_structure_is_no_shared_work(tmp_path: Path) -> None:
    def families(steps: str) -> list[set[str]]:
        repo, ws = tmp_path / steps[:4].strip(), tmp_path / f"{steps[:4].strip()}-ws"
        for folder, text in (("east", ADMIN_STEPS), ("west", steps)):
            (repo / folder).mkdir(parents=True)
            (repo / folder / "start_admin_server.sh").write_text(
                START_APP.replace("STEPS", text))
        run_discovery(DiscoveryParams(repo=repo, workspace=ws))
        result = run_similarity(ws, SimilarityParams(workspace=ws, shellcheck=False))
        assert result.clusters.empty
        return [set(g) for g in result.families.groupby("family_id")["path"].apply(set)]

    # a third of all statements alike, but only the `if` among what the scripts do
    assert families(CACHE_STEPS) == []
    # three of the admin script's steps in the other: the same work, a family
    shared = "\n".join(ADMIN_STEPS.splitlines()[:3] + CACHE_STEPS.splitlines()[3:])
    assert families(shared) == [{"east/start_admin_server.sh", "west/start_admin_server.sh"}]


COMPLETION = """#!/bin/bash
#
# Bash completion script for NAME
#
_complete_FN() { mapfile -t COMPREPLY < <(NAME --complete "${COMP_WORDS[@]}"); }
complete -F _complete_FN NAME
"""


def test_a_header_that_names_its_own_script_names_its_target(tmp_path: Path) -> None:
    # "completion for vault" in vault.bash, "completion for vault-agent" in vault-agent.bash:
    # with the own names taken out the headers read alike, but they name two programs
    two = families_of(tmp_path / "two", {
        "completion/vault.bash": COMPLETION.replace("NAME", "vault").replace("FN", "vault"),
        "completion/vault-agent.bash": COMPLETION.replace("NAME", "vault-agent")
        .replace("FN", "agent"),
    })
    assert two == []
    # one name spelt two ways (the same job tokens): the same header, a family
    one = families_of(tmp_path / "one", {
        "completion/vault_agent.bash": COMPLETION.replace("NAME", "vault_agent")
        .replace("FN", "va"),
        "completion/vault-agent.bash": COMPLETION.replace("NAME", "vault-agent")
        .replace("FN", "agent"),
    })
    assert one == [{"completion/vault_agent.bash", "completion/vault-agent.bash"}]


HOOK = """#!/bin/bash
##
# Runs between the configuration and the start of the daemons.
# Save it in your config folder as "on-start.sh" to enable it.
##
"""


def test_a_hook_stub_that_only_prints_shares_no_work(tmp_path: Path) -> None:
    # test fixtures: the default stub says hello, the cases each patch something else
    cases = families_of(tmp_path / "cases", {
        "test/config/default/on-start.sh": HOOK + 'echo "default on-start.sh ran"\n',
        "test/config/spam-folder/on-start.sh":
            HOOK + 'echo "[on-start.sh] renaming the spam folder"\n'
            "sed -i -e 's/folder Junk/folder Spam/' /etc/mail/folders.conf\n",
        "test/config/lmtp-port/on-start.sh":
            HOOK + 'echo "[on-start.sh] LMTP on a TCP port"\n'
            "cat >/etc/mail/lmtp.inc <<EOF\nlisten = 127.0.0.1:24\nEOF\n",
    })
    assert cases == []
    # two releases of the stub, each only printing: the same job
    releases = families_of(tmp_path / "releases", {
        "agent/1.0/hooks/on-start.sh": HOOK + 'echo "Preparing the agent"\n',
        "agent/latest/hooks/on-start.sh": HOOK + 'echo "Preparing the management agent"\n',
    })
    assert releases == [{"agent/1.0/hooks/on-start.sh", "agent/latest/hooks/on-start.sh"}]
