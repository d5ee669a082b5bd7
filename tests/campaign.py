"""A consolidation campaign on a sample repo, ready for batches (shared by batch tests)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from runbook_lib.discovery.discover import DiscoveryParams, run_discovery
from runbook_lib.planning.approve import ApproveParams, approve
from runbook_lib.planning.plan import PlanParams, build_plan
from runbook_lib.sample import generate
from runbook_lib.similarity import SimilarityParams, run_similarity

# Side-effect-free scripts added to the sample so tests can compare old and new behaviour.
PURE = {
    "tools/echo_args.sh": "#!/bin/bash\nset -euo pipefail\nprintf 'args:%s\\n' \"$@\"\n"
    "read -r line || true\necho \"stdin:$line\" >&2\nexit 3\n",
    "lib/greet.sh": "#!/bin/bash\n# shellcheck shell=bash\ngreet() {\n  echo \"hello $1\"\n}\n",
}
COPIES = {
    "ops/legacy/echo_args.sh": "tools/echo_args.sh",
    "jobs/echo_args.sh": "tools/echo_args.sh",
    "services/web/lib/greet.sh": "lib/greet.sh",
}
CALLERS = {
    "ops/run_echo.sh": "#!/bin/bash\nset -euo pipefail\n\"$(dirname \"$0\")/legacy/echo_args.sh\" "
    "one two\n",
    "services/web/bin/hello.sh": "#!/bin/bash\nset -euo pipefail\n"
    "source \"$(dirname \"$0\")/../lib/greet.sh\"\ngreet web\n",
    "ops/greet_all.sh": "#!/bin/bash\nset -euo pipefail\n"
    "source \"$(dirname \"$0\")/../lib/greet.sh\"\ngreet ops\n",
    "jobs/greet_job.sh": "#!/bin/bash\nset -euo pipefail\n"
    "source \"$(dirname \"$0\")/../lib/greet.sh\"\ngreet job\n",
    # look-alikes that no action may touch: a similar name, a name in a comment and a string
    "tools/preecho_args.sh": "#!/bin/bash\nset -euo pipefail\necho pre\n",
    "tools/mentions.sh": "#!/bin/bash\nset -euo pipefail\n# echo_args.sh used to live here\n"
    "echo 'see echo_args.sh in the wiki'\n",
    "tools/use_echo.sh": "#!/bin/bash\nset -euo pipefail\n"
    "bash \"$(dirname \"$0\")/../jobs/echo_args.sh\" x\n./tools/echo_args.sh y\n",
}
# make targets keep the callers above live (orphans would be retired by the plan)
MAKEFILE = ("pure.mk", "pure:\n\tbash ops/run_echo.sh\n\tbash services/web/bin/hello.sh\n"
            "\tbash ops/greet_all.sh\n\tbash jobs/greet_job.sh\n\tbash tools/use_echo.sh\n"
            "\tbash tools/preecho_args.sh\n\tbash tools/mentions.sh\n")
LINK = ("echo_args.sh", "ops/legacy/echo_args.sh")


@dataclass
class Campaign:
    root: Path
    repo: Path
    ws: Path
    plan: dict[str, Any]

    def runbook(self, *args: str, env: dict[str, str] | None = None
                ) -> subprocess.CompletedProcess[str]:
        cmd = [sys.executable, "-m", "runbook_lib.cli", *args]
        return subprocess.run(cmd, capture_output=True, text=True, check=False, env=env)


def git(repo: Path, *args: str) -> str:
    ident = ["-c", "user.name=Test", "-c", "user.email=test@example.invalid"]
    return subprocess.run(["git", *ident, "-C", str(repo), *args], capture_output=True,
                          text=True, check=True).stdout


def add_pure_scripts(repo: Path) -> None:
    files = {**PURE, **{c: PURE[o] for c, o in COPIES.items()}, **CALLERS, MAKEFILE[0]: MAKEFILE[1]}
    for rel, text in files.items():
        path = repo / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        path.chmod(0o644 if "lib/" in rel or rel.endswith(".mk") else 0o755)
    (repo / LINK[0]).symlink_to(LINK[1])
    # behaviour checks have their own tests (test_behaviour.py); these campaigns test the
    # git side, so the sample's declared cases are dropped to keep each batch quick
    (repo / "runbook-cases.yaml").unlink(missing_ok=True)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "side-effect-free scripts for tests")


def make_template(root: Path, scripts: int = 150) -> Path:
    sample = generate(root / "repo", scripts=scripts, seed=11)
    add_pure_scripts(sample.repo)
    ws = root / "ws"
    run_discovery(DiscoveryParams(repo=sample.repo, workspace=ws, deploy_roots=["/opt/app"]))
    run_similarity(ws, SimilarityParams(workspace=ws))
    return root


def campaign_from(template: Path, dest: Path, batch_size: int = 6) -> Campaign:
    shutil.copytree(template, dest, symlinks=True)
    repo, ws = dest / "repo", dest / "ws"
    info = json.loads((ws / "discovery.json").read_text("utf-8"))
    info["repo"] = str(repo)
    (ws / "discovery.json").write_text(json.dumps(info), "utf-8")
    plan = build_plan(PlanParams(workspace=ws, batch_size=batch_size))
    approve(ApproveParams(ws, "tester", allow_risk=True))
    return Campaign(dest, repo, ws, plan)


def shimmed(plan: dict[str, Any], name: str) -> list[str]:
    """Paths that the plan turns into shims, among those ending in `name`."""
    return sorted(a["path"] for b in plan["batches"] for a in b["actions"]
                  if a["action"] == "shim" and a["path"].endswith(name))


def batch_of(plan: dict[str, Any], path: str) -> int:
    for batch in plan["batches"]:
        if any(a.get("path") == path for a in batch["actions"]):
            return int(batch["batch"])
    raise AssertionError(f"{path} is in no batch")
