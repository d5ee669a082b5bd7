"""Patterns met when whole campaigns ran on public repositories (docs/campaigns.md): each one
made a plan shim, quarantine or rewrite something it must leave to a person."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from conftest import git, make_repo
from runbook_lib.discovery.discover import DiscoveryParams, run_discovery
from runbook_lib.execution.batch import BatchParams, run_batch
from runbook_lib.planning.approve import ApproveParams, approve
from runbook_lib.planning.plan import PlanParams, build_plan
from runbook_lib.similarity import SimilarityParams, run_similarity

BODY = ('set -eu\nif [ -d /etc/netplan ]; then\n  echo "netplan found"\n'
        '  apt-get install -y linux-cloud-tools-virtual\nfi\necho "hyper-v tools done"\n'
        'systemctl enable hv-kvp-daemon || true\n')
REPORT = ('set -eu\nfor f in /var/log/*.log; do\n  wc -l "$f"\ndone\n'
          'df -h / | tail -n 1\nuptime\necho "report done"\n')
PACKER = '''build {
  sources = ["source.qemu.vm"]
  provisioner "shell" {
    execute_command = "sudo -E sh -eux '{{ .Path }}'"
    scripts = ["${path.root}/scripts/${var.os_name}/hyperv_${var.os_name}.sh"]
  }
}
'''


def plan_of(files: dict[str, str], tmp_path: Path) -> tuple[Path, Path, dict[str, Any]]:
    repo = make_repo(tmp_path / "repo", files)
    ws = tmp_path / "ws"
    run_discovery(DiscoveryParams(repo=repo, workspace=ws, containers=False))
    run_similarity(ws, SimilarityParams(workspace=ws, shellcheck=False))
    return repo, ws, build_plan(PlanParams(workspace=ws, usage_sinks=["file"],
                                           usage_log=str(tmp_path / "usage.log")))


def after_window(repo: Path, ws: Path, first: dict[str, Any], tmp_path: Path
                 ) -> dict[str, Any]:
    """Run the first plan's batches (all must promote), then plan again with a window of 0."""
    approve(ApproveParams(ws, "tester", allow_risk=True))
    assert all(run_batch(BatchParams(ws, b["batch"])).status == "promoted"
               for b in first["batches"])
    run_discovery(DiscoveryParams(repo=repo, workspace=ws, containers=False))
    run_similarity(ws, SimilarityParams(workspace=ws, shellcheck=False))
    return build_plan(PlanParams(workspace=ws, observe_days=0, usage_sinks=["file"],
                                 usage_log=str(tmp_path / "usage.log")))


def acted(plan: dict[str, Any], kind: str) -> list[str]:
    return sorted(str(a.get("path") or a.get("file")) for b in plan["batches"]
                  for a in b["actions"] if a["action"] == kind)


def test_a_copy_packer_uploads_alone_is_not_shimmed(tmp_path: Path) -> None:
    # chef/bento: packer uploads scripts/ubuntu/hyperv_ubuntu.sh to /tmp on the VM and runs it
    # there; an exec shim of it looked for ../debian/hyperv_debian.sh beside /tmp and failed
    files = {"packer/scripts/debian/hyperv_debian.sh": "#!/bin/sh -eux\n" + BODY,
             "packer/scripts/ubuntu/hyperv_ubuntu.sh": "#!/bin/sh -eux\n" + BODY,
             "packer/build.pkr.hcl": PACKER}
    repo, ws, plan = plan_of(files, tmp_path)
    assert acted(plan, "shim") == []
    waiting = [w for w in plan["waiting"]
               if "packer/scripts/ubuntu/hyperv_ubuntu.sh" in w["members"]]
    assert waiting, plan["waiting"]
    assert "runs away from the checkout (packer/build.pkr.hcl:5" in waiting[0]["reason"]
    assert "a person decides" in waiting[0]["reason"]
    before = git(repo, "rev-parse", "HEAD").strip()
    approve(ApproveParams(ws, "tester", allow_risk=True))
    for batch in plan["batches"]:
        run_batch(BatchParams(ws, batch["batch"]))
    assert (repo / "packer/scripts/ubuntu/hyperv_ubuntu.sh").read_text("utf-8") == \
        files["packer/scripts/ubuntu/hyperv_ubuntu.sh"]
    assert git(repo, "diff", "--stat", before, "HEAD", "--", "packer/scripts") == ""


def test_a_copy_an_image_runs_and_what_it_sources_there_are_not_shimmed(
        tmp_path: Path) -> None:
    lib = 'log() {\n  printf "%s %s\\n" "$(date)" "$*"\n}\nwarn() {\n  log "WARN $*"\n}\n'
    files = {
        # each image copies its own folder; start.sh sources its lib from inside the image
        "images/v1/start.sh": "#!/bin/bash\nsource /opt/lib.sh\n" + BODY,
        "images/v1/lib.sh": "#!/bin/bash\n" + lib,
        "images/v1/Dockerfile": "FROM debian\nCOPY lib.sh /opt/lib.sh\n"
                                "COPY start.sh /opt/start.sh\nCMD [\"/opt/start.sh\"]\n",
        "images/v2/start.sh": "#!/bin/bash\nsource /opt/lib.sh\n" + BODY,
        "images/v2/lib.sh": "#!/bin/bash\n" + lib,
        "images/v2/Dockerfile": "FROM debian\nCOPY lib.sh /opt/lib.sh\n"
                                "COPY start.sh /opt/start.sh\nCMD [\"/opt/start.sh\"]\n",
        # the same pair run from the checkout: shimmed as before
        "ops/a/report.sh": "#!/bin/bash\n" + REPORT, "ops/b/report.sh": "#!/bin/bash\n" + REPORT,
        "Makefile": "all:\n\tbash ops/a/report.sh\n\tbash ops/b/report.sh\n",
    }
    _, _, plan = plan_of(files, tmp_path)
    assert acted(plan, "shim") == ["ops/b/report.sh"]
    reasons = {m: w["reason"] for w in plan["waiting"] for m in w["members"]
               if m.startswith("images/v2/")}
    assert "images/v2/Dockerfile:3" in reasons["images/v2/start.sh"]
    assert "runs away from the checkout" in reasons["images/v2/lib.sh"]


def test_scripts_named_on_lines_discovery_does_not_read_as_calls_wait(tmp_path: Path) -> None:
    pack = 'set -e\nrm -f pack.jar\nmkdir -p com\ncp -r src/* com/\njar cf pack.jar com\n' \
        'rm -rf com/\n'
    files = {
        # openstack/devstack: commands kept in a string, run later by a function
        "lib/stats": "#!/bin/bash\nfunction start_stats {\n"
                     '    run_process stats "$TOP_DIR/tools/stats.sh $LOGDIR"\n}\n'
                     "function ping_check {\n"
                     '    local ping_cmd="$TOP_DIR/tools/ping_net.sh $1"\n    $ping_cmd\n}\n',
        "stack.sh": "#!/bin/bash\nTOP_DIR=$(cd $(dirname \"$0\") && pwd)\n"
                    "source $TOP_DIR/lib/stats\nstart_stats\nping_check net0\n"
                    'echo "run $TOP_DIR/tools/make-user.sh as root first"\n',
        "tools/stats.sh": "#!/bin/bash\nvmstat 1\n",
        "tools/ping_net.sh": "#!/bin/bash\nping -c1 \"$1\"\n",
        "tools/make-user.sh": "#!/bin/bash\nuseradd stack\n",
        "tools/unused.sh": "#!/bin/bash\n# tools/unused.sh: nothing runs this\necho old\n",
        # oracle/docker-images: a copy run inside a container through a bind mount
        "site/v1/pack/packagejar.sh": "#!/bin/bash\n" + pack,
        "site/v2/pack/packagejar.sh": "#!/bin/bash\n" + pack,
        "site/build.sh": "#!/bin/bash\ncd $VERSION/pack\n"
                         "docker run --rm -v ${PWD}:/w groovy /w/packagejar.sh\n",
        "Makefile": "all:\n\tbash stack.sh\n\tVERSION=v1 bash site/build.sh\n",
    }
    repo, ws, plan = plan_of(files, tmp_path)
    assert acted(plan, "quarantine") == ["tools/unused.sh"]
    assert acted(plan, "shim") == []
    reasons = {w["members"][0]: w["reason"] for w in plan["waiting"]}
    # a command line handed to a function is read as a likely call now (cmdstrings.py):
    # stats.sh has a caller, so it neither waits nor is quarantined
    assert "tools/stats.sh" not in reasons
    assert reasons["tools/ping_net.sh"].startswith("lib/stats:6 names it on a line discovery "
                                                   "did not read as a call")
    assert reasons["tools/make-user.sh"].startswith("stack.sh:6 names it")
    assert reasons["site/v2/pack/packagejar.sh"].startswith("site/build.sh:3 names it")
    approve(ApproveParams(ws, "tester", allow_risk=True))
    for batch in plan["batches"]:
        assert run_batch(BatchParams(ws, batch["batch"])).status == "promoted"
    for path in ("tools/stats.sh", "tools/ping_net.sh", "tools/make-user.sh",
                 "site/v2/pack/packagejar.sh"):
        assert (repo / path).read_text("utf-8") == files[path]
    assert "runbook quarantine" in (repo / "tools/unused.sh").read_text("utf-8")


def test_a_posix_sh_library_is_not_given_a_bash_source_shim(tmp_path: Path) -> None:
    # oracle/docker-images: a `#!/bin/sh` setenv.sh that bash build scripts source; its shim
    # found the canonical through BASH_SOURCE, shellcheck failed the batch (SC3028, SC3054)
    # and 24 good quarantines in it were rolled back with it
    lib = ('export REGISTRY=""\nexport HOMEDIR=/scratch/${USER}/docker\n'
           'print_env() {\n  env | grep -e "^REG" | sort\n}\n')
    build = '#!/bin/bash\ncd "$(dirname "$0")"\n. ../setenv.sh\nprint_env\n'
    files = {"one/setenv.sh": "#!/bin/sh\n" + lib, "two/setenv.sh": "#!/bin/sh\n" + lib,
             "one/images/build.sh": build, "two/images/build.sh": build + "echo two\n",
             "bash/a/env.sh": "#!/bin/bash\n" + lib, "bash/b/env.sh": "#!/bin/bash\n" + lib,
             "bash/use.sh": '#!/bin/bash\nsource "$(dirname "$0")/a/env.sh"\n'
                            'source "$(dirname "$0")/b/env.sh"\nprint_env\n',
             "Makefile": "all:\n\tbash one/images/build.sh\n\tbash two/images/build.sh\n"
                         "\tbash bash/use.sh\n"}
    repo, ws, plan = plan_of(files, tmp_path)
    shims = {a["path"]: a["style"] for b in plan["batches"] for a in b["actions"]
             if a["action"] == "shim"}
    assert shims == {"bash/b/env.sh": "source-lib"}
    reasons = {w["members"][-1]: w["reason"] for w in plan["waiting"]}
    assert "a POSIX sh library its callers source" in reasons["two/setenv.sh"]
    approve(ApproveParams(ws, "tester", allow_risk=True))
    outcomes = [run_batch(BatchParams(ws, b["batch"])) for b in plan["batches"]]
    assert [o.status for o in outcomes] == ["promoted"] * len(outcomes)
    assert (repo / "two/setenv.sh").read_text("utf-8") == files["two/setenv.sh"]


def test_a_copy_that_runs_files_beside_its_dollar0_is_not_shimmed(tmp_path: Path) -> None:
    # oracle/docker-images: 14.1.2.0/run_admin_server.sh sources
    # ${scriptDir}/container-scripts/setEnv.sh; a source-keep-0 shim still does through the old
    # $0, but no row would show it, so 14.1.2.0's setEnv.sh would be quarantined, then retired
    run = ('scriptDir="$( cd "$( dirname "$0" )" && pwd )"\n'
           '. "${scriptDir}/env/set_env.sh" "${scriptDir}/domain.properties"\n'
           'docker run -d --name "${ADMIN_HOST:-admin}" -p 9001:7001 "$IMAGE"\n')
    files = {"v12/run_admin.sh": "#!/bin/bash\n" + run, "v14/run_admin.sh": "#!/bin/bash\n" + run,
             "v12/env/set_env.sh": "#!/bin/bash\nexport IMAGE=fmw:12\n",
             "v14/env/set_env.sh": "#!/bin/bash\nexport IMAGE=fmw:14\nexport JAVA=21\n",
             "Makefile": "up12:\n\tbash v12/run_admin.sh\nup14:\n\tbash v14/run_admin.sh\n"}
    _, _, plan = plan_of(files, tmp_path)
    assert acted(plan, "shim") == []
    reasons = {w["members"][-1]: w["reason"] for w in plan["waiting"]}
    assert reasons["v14/run_admin.sh"].startswith(
        "v14/run_admin.sh runs v14/env/set_env.sh beside it, which the shim would still run "
        "through the old $0")


def test_retirement_waits_for_scripts_people_are_told_to_run(tmp_path: Path) -> None:
    # a 40-second window on awslabs/aws-support-tools and mailcow retired Lambda handlers and
    # tools whose folder README documents them, the root's install script and a helper that
    # mailcow's 502 page tells admins to run: uses of such scripts are never gathered
    files = {
        "setup_config.sh": "#!/bin/bash\necho writing mailcow.conf\n",
        "EBS/Calc/volume_limit_calculator.sh": "#!/bin/bash\necho 3000 IOPS\n",
        "EBS/Calc/README.md": "Run it:\n\n    ./Volume_Limit_Calculator.sh vol-1\n",
        "Lambda/echo/lambda_function.py": "def handler(event, context):\n    return event\n",
        "Lambda/echo/README.md": "# echo\nReturns the event it gets.\n",
        "helper/backup_all.sh": "#!/bin/bash\ntar czf /tmp/b.tgz /srv\n",
        "web/status.502.html": "<pre>./helper/backup_all.sh backup all</pre>\n",
        "old/rotate_logs.sh": "#!/bin/bash\necho rotating\n",
        "old/prune.sh": "#!/bin/bash\necho pruning\n",
        "S3/Replicate/setup_rep.py": "import sys\nprint('replicating', sys.argv[1:])\n",
        "docs/tools.md": "| [Replicate](./S3/Replicate/) | set up replication |\n",
        "Makefile": "prune:\n\tbash old/prune.sh\n",
    }
    orphans = ["EBS/Calc/volume_limit_calculator.sh", "Lambda/echo/lambda_function.py",
               "S3/Replicate/setup_rep.py", "helper/backup_all.sh", "old/rotate_logs.sh",
               "setup_config.sh"]
    repo, ws, first = plan_of(files, tmp_path)
    assert acted(first, "quarantine") == orphans
    second = after_window(repo, ws, first, tmp_path)
    assert acted(second, "retire") == ["old/rotate_logs.sh"]
    reasons = {w["members"][0]: w["reason"] for w in second["waiting"]}
    assert "setup_config.sh sits at the repository's root" in reasons["setup_config.sh"]
    assert "(EBS/Calc/README.md:3)" in reasons["EBS/Calc/volume_limit_calculator.sh"]
    assert "(Lambda/echo/README.md:1)" in reasons["Lambda/echo/lambda_function.py"]
    assert reasons["helper/backup_all.sh"].startswith("web/status.502.html:1 names it")
    assert reasons["S3/Replicate/setup_rep.py"].startswith("docs/tools.md:1 names it")
    approve(ApproveParams(ws, "tester", allow_risk=True))
    assert all(run_batch(BatchParams(ws, b["batch"])).status == "promoted"
               for b in second["batches"])
    assert not (repo / "old/rotate_logs.sh").exists()
    assert all((repo / p).exists() for p in orphans if p != "old/rotate_logs.sh")


def test_a_bare_file_name_holds_only_the_nearest_files_of_that_name(tmp_path: Path) -> None:
    # oracle/docker-images: CHECK_SPACE_FILE="checkSpace.sh" in one product's Containerfile
    # held every checkSpace.sh of the monorepo; it names its own folder's
    space = '#!/bin/bash\ndf -P /u01 | tail -1\necho "space checked for {}"\n'
    files = {"GDD/19c/checkSpace.sh": space.format("gdd"),
             "GDD/19c/Containerfile": 'FROM oraclelinux:8\nENV CHECK_SPACE_FILE="checkSpace.sh"\n',
             "RAC/21c/checkSpace.sh": space.format("rac")}
    _, _, plan = plan_of(files, tmp_path)
    assert acted(plan, "quarantine") == ["RAC/21c/checkSpace.sh"]
    reasons = {w["members"][0]: w["reason"] for w in plan["waiting"]}
    assert reasons["GDD/19c/checkSpace.sh"].startswith("GDD/19c/Containerfile:2 names it")


def test_retirement_waits_for_archived_builds_and_folders_that_tell_people_to_run_it(
        tmp_path: Path) -> None:
    # oracle/docker-images: Archive/.../confd.sh, which the archived Dockerfile.template beside
    # it still ADDs, and OracleJava/21/build.sh, which OracleJava/README.md and a comment in
    # the Dockerfile beside it tell people to run, were retired by a 40-second window
    files = {
        "Archive/router/confd.sh": "#!/bin/sh\nexec confd -watch\n",
        "Archive/router/Dockerfile": "FROM alpine\nADD confd.sh /etc/sv/confd/run\n",
        "Java/21/build.sh": "#!/bin/bash\ndocker build -t java:21 .\n",
        "Java/21/Dockerfile": "FROM oraclelinux:9\n# scripted in build.sh, or run\n"
                              "#   $ bash build.sh\n",
        "Java/README.md": "Go to a version's folder and run `bash Build.sh`.\n",
        "Jdk/26/build.sh": "#!/bin/bash\ndocker build -t jdk:26 -f Dockerfile.ol9 .\n",
        "Jdk/README.md": "Images for JDK 26: see each folder.\n",
        "Jdk/26/Dockerfile.ol9": "FROM oraclelinux:9\n# This is scripted in build.sh\n",
        "Jdk/26/old/cleanup.sh": "#!/bin/bash\nrm -rf /tmp/jdk\n",
        "Jdk/26/old/purge.sh": "#!/bin/bash\nrm -rf /var/tmp/jdk\n",
    }
    repo, ws, first = plan_of(files, tmp_path)
    second = after_window(repo, ws, first, tmp_path)
    assert acted(second, "retire") == ["Jdk/26/old/cleanup.sh", "Jdk/26/old/purge.sh"]
    reasons = {w["members"][0]: w["reason"] for w in second["waiting"]}
    assert "(Archive/router/Dockerfile:2, an archived file that still runs it)" in \
        reasons["Archive/router/confd.sh"]
    assert "(Java/README.md:1)" in reasons["Java/21/build.sh"]
    assert reasons["Jdk/26/build.sh"].startswith("Jdk/26/Dockerfile.ol9:2 names it")


def test_a_unittest_module_is_a_test_and_never_quarantined(tmp_path: Path) -> None:
    # oracle/docker-images: test_oragsm_user_constraints.py holds unittest.TestCase classes
    # whose names do not start with Test; pytest collects them, the plan quarantined the file
    files = {"gsm/scripts/test_user_constraints.py":
             "import unittest\n\n\nclass UserGuardTests(unittest.TestCase):\n"
             "    def test_rejects_empty(self):\n        self.assertEqual(1, 1)\n",
             "gsm/scripts/tool.py": "#!/usr/bin/env python3\nprint('tool')\n",
             # professional-services: tests/tests_input_dask.py, run by unittest discover
             "api/tests/tests_input.py":
                 "import unittest\n\n\nclass BasicInput(unittest.TestCase):\n"
                 "    def test_read(self):\n        self.assertTrue(True)\n"}
    plan = plan_of(files, tmp_path)[2]
    assert acted(plan, "quarantine") == ["gsm/scripts/tool.py"]
    kept = {k["path"]: k["reason"] for k in plan["kept"]}
    assert kept["gsm/scripts/test_user_constraints.py"].startswith("role test")
    assert kept["api/tests/tests_input.py"].startswith("role test")


def test_a_script_an_image_may_copy_through_its_base_images_variable_is_kept(
        tmp_path: Path) -> None:
    # oracle/docker-images: extensions/k8s/Dockerfile `COPY $RUN_FILE $START_FILE $ORACLE_BASE/`
    # with START_FILE=startDB.sh set by the base image; startDB.sh was retired and the
    # extension's build broke (found by hand, not by the batch's checks)
    files = {"ext/k8s/Dockerfile": "ARG BASE_IMAGE=db:19\nFROM ${BASE_IMAGE}\n"
                                   "COPY $START_FILE $ORACLE_BASE/\n",
             "ext/k8s/startDB.sh": "#!/bin/bash\nsqlplus / as sysdba <<< startup\n",
             "ext/tools/unused.sh": "#!/bin/bash\necho unused\n"}
    plan = plan_of(files, tmp_path)[2]
    assert acted(plan, "quarantine") == ["ext/tools/unused.sh"]


def test_a_python_module_that_runs_nothing_by_itself_is_not_shimmed(tmp_path: Path) -> None:
    # GoogleCloudPlatform/professional-services: two copies of misc/migration.py, which only
    # defines MigrationUtility and run_migration; a runpy shim would export none of them
    module = ("import csv\n\n\nclass MigrationUtility:\n    def __init__(self, rules):\n"
              "        self.rules = rules\n\n\ndef run_migration(rules):\n"
              "    return MigrationUtility(rules)\n")
    files = {"tools/a/misc/migration.py": "# 2022\n" + module,
             "tools/b/misc/migration.py": "# 2023\n" + module,
             "tools/a/run.py": "#!/usr/bin/env python3\nprint('run')\n",
             "tools/b/run.py": "#!/usr/bin/env python3\nprint('run')\n",
             "Makefile": "all:\n\tpython3 tools/a/run.py\n\tpython3 tools/b/run.py\n"}
    plan = plan_of(files, tmp_path)[2]
    assert acted(plan, "shim") == ["tools/b/run.py"]
    # with no caller each copy is observed as it is (the header records imports too)
    assert acted(plan, "quarantine") == ["tools/a/misc/migration.py",
                                         "tools/b/misc/migration.py"]


def test_an_airflow_dag_outside_a_dags_folder_is_a_plugin_never_retired(tmp_path: Path) -> None:
    # professional-services: DAG files under dag/ and dags-for-pattern2/, uploaded to Composer
    # by hand, were quarantined and then retired: no airflow.cfg named their folder
    dag = ("from airflow import DAG\nfrom airflow.operators.bash import BashOperator\n\n"
           "with DAG('workflow_1', schedule=None) as dag:\n"
           "    BashOperator(task_id='hello', bash_command='echo hi')\n")
    files = {"examples/pattern-1/dag/workflow_1.py": dag,
             "examples/pattern-1/tools/notes.py": "#!/usr/bin/env python3\n"
                                                  "# mentions airflow and a dag only\n"}
    plan = plan_of(files, tmp_path)[2]
    assert acted(plan, "quarantine") == ["examples/pattern-1/tools/notes.py"]
    kept = {k["path"]: k["reason"] for k in plan["kept"]}
    assert kept["examples/pattern-1/dag/workflow_1.py"].startswith("role plugin")


def test_a_cloud_functions_main_py_is_a_plugin_never_retired(tmp_path: Path) -> None:
    # professional-services: main.py beside requirements.txt (a Cloud Function that Terraform
    # deploys) and beside app.yaml (App Engine) were retired by a 40-second window
    main = "def handler(request):\n    return 'ok'\n"
    files = {"fn/inspect/main.py": main, "fn/inspect/requirements.txt": "google-cloud-dlp\n",
             "gae/server/main.py": main, "gae/server/app.yaml": "runtime: python312\n",
             "cli/main.py": "#!/usr/bin/env python3\nprint('cli')\n"}
    plan = plan_of(files, tmp_path)[2]
    assert acted(plan, "quarantine") == ["cli/main.py"]
    kept = {k["path"]: k["reason"] for k in plan["kept"]}
    assert kept["fn/inspect/main.py"].startswith("role plugin")
    assert kept["gae/server/main.py"].startswith("role plugin")


def test_a_script_in_a_chef_cookbooks_files_is_payload_never_observed(tmp_path: Path) -> None:
    # awslabs/aws-support-tools: cpulimit-ruby/files/default/cpulimit-master/tests/run_tests.sh,
    # part of a source tree the recipe copies whole (remote_directory) and builds on the node
    files = {"cookbooks/cpu/metadata.rb": "name 'cpu'\n",
             "cookbooks/cpu/recipes/default.rb": "remote_directory '/opt/cpu/src' do\n"
                                                 "  source 'src'\nend\n",
             "cookbooks/cpu/files/default/src/tests/run_tests.sh": "#!/bin/sh\nmake check\n",
             "tools/old.sh": "#!/bin/sh\necho old\n"}
    plan = plan_of(files, tmp_path)[2]
    assert acted(plan, "quarantine") == ["tools/old.sh"]
    kept = {k["path"]: k["reason"] for k in plan["kept"]}
    assert kept["cookbooks/cpu/files/default/src/tests/run_tests.sh"] == \
        "in a Chef cookbook's files/, which its recipes copy to nodes"


def test_retirement_waits_for_scripts_in_a_folder_an_image_copies_whole(tmp_path: Path) -> None:
    # oracle/docker-images: OracleEssbase/dockerfiles/21.1.0/container-scripts/startAdminServer.sh,
    # shipped by `COPY --chown=oracle:oracle container-scripts /u01/container-scripts`, was
    # retired: nothing in the image names it, people run it there with docker exec
    files = {"ess/Dockerfile": "FROM base\nCOPY --chown=o:o container-scripts /u01/cs\n",
             "ess/container-scripts/startAdmin.sh": "#!/bin/bash\necho admin\n",
             "app/Dockerfile": "FROM base\nCOPY . /app\n",
             "app/bin/tool.sh": "#!/bin/bash\necho tool\n",
             "one/Dockerfile": "FROM base\nCOPY run.sh /\nCMD [\"/run.sh\"]\n",
             "one/run.sh": "#!/bin/sh\necho run\n",
             "one/extra.sh": "#!/bin/sh\necho extra\n"}
    repo, ws, first = plan_of(files, tmp_path)
    # a folder copied by name is a live (likely) caller of its scripts: never quarantined
    assert acted(first, "quarantine") == ["app/bin/tool.sh", "one/extra.sh"]
    second = after_window(repo, ws, first, tmp_path)
    assert acted(second, "retire") == ["one/extra.sh"]
    reasons = {w["members"][0]: w["reason"] for w in second["waiting"]}
    # `COPY . /app` is every file of the context: the plan's own check holds it
    assert "(app/Dockerfile:2, which copies its folder into an image)" in \
        reasons["app/bin/tool.sh"]
    assert (repo / "ess/container-scripts/startAdmin.sh").read_text() == \
        files["ess/container-scripts/startAdmin.sh"]


def test_a_sibling_folder_an_image_copies_by_env_name_is_neither_retired_nor_shimmed(
        tmp_path: Path) -> None:
    # oracle/docker-images RAC: containerfiles/scripts/oragridadd.py was retired; the sibling
    # containerfiles/19.3.0/Containerfile, built from containerfiles/, ships the whole folder
    # with `COPY $RAC_SCRIPTS_DIR $SCRIPT_DIR/scripts` (ENV RAC_SCRIPTS_DIR="scripts")
    grid = "#!/usr/bin/env python3\nimport sys\nprint('add node', sys.argv[1:])\n"
    files = {"rac/files/19c/Containerfile":
             "FROM linux AS base\nENV SCRIPT_DIR=/opt/scripts/startup \\\n"
             '    RAC_SCRIPTS_DIR="scripts"\nCOPY $RAC_SCRIPTS_DIR $SCRIPT_DIR/scripts\n',
             "rac/files/build.sh": "#!/bin/bash\ndocker build -f \"$1\"/Containerfile .\n",
             "rac/files/scripts/gridadd.py": grid,
             "rac/files/scripts/lib/report.sh": "#!/bin/bash\n" + REPORT,
             # copies of both outside the image, run from the checkout
             "tools/gridadd.py": grid, "tools/report.sh": "#!/bin/bash\n" + REPORT,
             "Makefile": "all:\n\tbash tools/report.sh\n\tpython3 tools/gridadd.py\n"}
    repo, ws, first = plan_of(files, tmp_path)
    shipped = ["rac/files/scripts/gridadd.py", "rac/files/scripts/lib/report.sh"]
    assert not set(shipped) & set(acted(first, "shim") + acted(first, "quarantine"))
    reasons = {m: w["reason"] for w in first["waiting"] for m in w["members"]}
    assert "runs away from the checkout (rac/files/19c/Containerfile:4" in \
        reasons["rac/files/scripts/gridadd.py"]
    second = after_window(repo, ws, first, tmp_path)
    assert not set(shipped) & set(acted(second, "retire") + acted(second, "shim"))
    for path in shipped:
        assert (repo / path).read_text() == files[path]


UNIT = "import pandas\n\nassert pandas.DataFrame({'a': [1]}).shape == (1, 1)\n"
RUNS_UNITS = ("from pathlib import Path\n\n\ndef test_units(container):\n"
              "    for host_file in (Path(__file__).parent / 'units').iterdir():\n"
              "        container.run_and_wait(volumes={host_file: {'bind': '/data/x.py'}},\n"
              "                               command=['python', '/data/x.py'])\n")
HOOK = "#!/bin/bash\nexport SOME_VAR=123\necho hook ran\n"


def test_a_test_suites_data_is_neither_quarantined_nor_shimmed(tmp_path: Path) -> None:
    # jupyter/docker-stacks: tests mount units/*.py and data/run-hooks/*.sh into the image's
    # container through the docker SDK and run them there (no row says so); a whole campaign
    # quarantined them, then retired them when no use was recorded on the host
    files = {"tests/by_image/scipy/test_units.py": RUNS_UNITS,
             "tests/by_image/scipy/units/unit_pandas.py": UNIT,
             "tests/by_image/base/data/run-hooks/hook.sh": HOOK,
             "images/base/hooks/hook.sh": HOOK,
             "images/base/Dockerfile": "FROM scratch\nCOPY hooks/hook.sh /usr/local/bin/\n",
             "tools/old.sh": "#!/bin/sh\necho old\n"}
    repo, ws, plan = plan_of(files, tmp_path)
    assert acted(plan, "quarantine") == ["tools/old.sh"]
    assert acted(plan, "shim") == []
    kept = {k["path"]: k["reason"] for k in plan["kept"]}
    assert kept["tests/by_image/scipy/units/unit_pandas.py"].startswith(
        "in a test suite's folder (tests/)")
    assert "tests/by_image/base/data/run-hooks/hook.sh" in kept
    second = after_window(repo, ws, plan, tmp_path)
    assert acted(second, "retire") == ["tools/old.sh"]
    assert (repo / "tests/by_image/scipy/units/unit_pandas.py").read_text() == UNIT
    assert (repo / "tests/by_image/base/data/run-hooks/hook.sh").read_text() == HOOK
