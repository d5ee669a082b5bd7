"""Same-job families on small real repos: discovery, then similarity, as a user runs them."""

from __future__ import annotations

from pathlib import Path

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
