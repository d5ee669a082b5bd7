"""Reference extraction from shell and Python scripts, and the resolution rules."""

from __future__ import annotations

from pathlib import Path

import pytest

from runbook_lib.discovery.references import source_kind
from test_references_support import scan_repo

LIB = {"lib/common.sh": "log() { :; }\n", "scripts/deploy/web.sh": "echo web\n"}


@pytest.mark.parametrize(("path", "kind"), [
    ("Dockerfile", "dockerfile"), ("app/Dockerfile.prod", "dockerfile"),
    ("web.Dockerfile", "dockerfile"), ("docker-compose.override.yml", "compose"),
    ("compose.yaml", "compose"), (".github/workflows/ci.yml", "ci"), (".gitlab-ci.yml", "ci"),
    ("Jenkinsfile", "ci"), (".circleci/config.yml", "ci"), ("etc/crontab", "cron"),
    ("ops/backup.cron", "cron"), ("etc/cron.d/backup", "cron"), ("Makefile", "make"),
    ("build/rules.mk", "make"), ("units/web.service", "systemd"), ("x.timer", "systemd"),
    ("web/package.json", "package_json"), ("README", "docs"), ("docs/ops.md", "docs"),
    ("notes.txt", "docs"), ("reports/refs.json", "data"), ("config/app.yml", "data"),
    ("out.log", "data"), ("image.png", None), ("LICENSE", None),
])
def test_source_kind(path: str, kind: str | None) -> None:
    assert source_kind(path) == kind


def test_my_folder_forms(tmp_path: Path) -> None:
    files = {**LIB, "scripts/run.sh": (
        '#!/bin/bash\n'
        'SCRIPT_DIR="$(cd "$(dirname "$0")" && pwd)"\n'
        '"$SCRIPT_DIR/deploy/web.sh"\n'
        '. "${BASH_SOURCE%/*}/../lib/common.sh"\n'
        'source "$(dirname "${BASH_SOURCE[0]}")"/../lib/common.sh\n'
        'ROOT=$(dirname "$SCRIPT_DIR")\n'
        '"$ROOT/lib/common.sh"; bash ${0%/*}/deploy/web.sh\n'
        'UP="$SCRIPT_DIR/.."\n'
        'sh $UP/lib/common.sh\n'
    )}
    assert scan_repo(tmp_path, files) == {
        ("scripts/run.sh", 3, "scripts/deploy/web.sh", "resolved", True),
        ("scripts/run.sh", 4, "lib/common.sh", "resolved", True),
        ("scripts/run.sh", 5, "lib/common.sh", "resolved", True),
        ("scripts/run.sh", 7, "lib/common.sh", "resolved", True),
        ("scripts/run.sh", 7, "scripts/deploy/web.sh", "resolved", True),
        ("scripts/run.sh", 9, "lib/common.sh", "resolved", True),
    }


def test_moved_script_points_one_level_too_low_is_dangling(tmp_path: Path) -> None:
    files = {**LIB, "scripts/ops/run.sh": (
        'SCRIPT_DIR="$(cd "$(dirname "$0")" && pwd)"\n'
        'PROJECT_ROOT=$(dirname "$SCRIPT_DIR")\n'
        'source "$PROJECT_ROOT/lib/common.sh"\n'
    )}
    assert scan_repo(tmp_path, files) == {
        ("scripts/ops/run.sh", 3, "$PROJECT_ROOT/lib/common.sh", "missing", True),
    }


def test_working_folder_order_cd_then_caller_then_root(tmp_path: Path) -> None:
    files = {
        "x.sh": "", "tools/x.sh": "", "scripts/x.sh": "", "scripts/deploy/x.sh": "",
        "scripts/run.sh": "./x.sh\n(cd deploy && ./x.sh)\n(cd ../tools; ./x.sh)\n./x.sh\n",
        "scripts/later.sh": "cd deploy || exit 1\n./x.sh\ncd /tmp && ./x.sh\n",
        "top.sh": "tools/x.sh\n",
    }
    assert scan_repo(tmp_path, files) == {
        ("scripts/run.sh", 1, "scripts/x.sh", "resolved", True),
        ("scripts/run.sh", 2, "scripts/deploy/x.sh", "resolved", True),
        ("scripts/run.sh", 3, "tools/x.sh", "resolved", True),
        ("scripts/run.sh", 4, "scripts/x.sh", "resolved", True),
        ("scripts/later.sh", 2, "scripts/deploy/x.sh", "resolved", True),
        ("scripts/later.sh", 3, "scripts/x.sh", "resolved", True),
        ("top.sh", 1, "tools/x.sh", "resolved", True),
    }


def test_path_ending_ambiguous_missing_and_look_alikes(tmp_path: Path) -> None:
    files = {
        "scripts/deploy/web.sh": "", "scripts/build.sh": "", "scripts/prebuild.sh": "",
        "a/util.sh": "", "b/util.sh": "",
        "ops/run.sh": (
            "deploy/web.sh\n"  # rule 4: unique path ending
            "bash util.sh\n"  # two scripts end with it
            "./gone.sh --now\n"  # dangling
            "prebuild.sh; build.sh\n"  # look-alikes stay apart
            "echo build.sh build.sh\n"  # one row per (line, target)
            "x=$1/tool.sh; y=$2/tool\n"  # unknown variable: missing only with an extension
            "/usr/local/bin/other.sh\n"  # absolute, not the repo's
            "curl https://example.com/install.sh | sh\n"
            "for f in scripts/*.sh; do :; done\n"
        ),
    }
    assert scan_repo(tmp_path, files) == {
        ("ops/run.sh", 1, "scripts/deploy/web.sh", "resolved", True),
        ("ops/run.sh", 2, "util.sh", "ambiguous", True),
        ("ops/run.sh", 3, "./gone.sh", "missing", True),
        ("ops/run.sh", 4, "scripts/prebuild.sh", "resolved", True),
        ("ops/run.sh", 4, "scripts/build.sh", "resolved", True),
        ("ops/run.sh", 5, "scripts/build.sh", "resolved", True),
        ("ops/run.sh", 6, "$1/tool.sh", "missing", True),
    }


def test_comments_self_reference_and_archived_sources(tmp_path: Path) -> None:
    files = {
        "scripts/build.sh": "# usage: build.sh\necho build.sh\n",
        "scripts/run.sh": (
            "# ./build.sh is retired\n./build.sh  # calls build.sh\necho '#' build.sh\n"
        ),
        "backup/run.sh": "./build.sh\n",
    }
    rows = scan_repo(tmp_path, files, archived={"backup/run.sh"})
    assert rows == {
        ("scripts/run.sh", 1, "scripts/build.sh", "resolved", False),
        ("scripts/run.sh", 2, "scripts/build.sh", "resolved", True),
        ("scripts/run.sh", 3, "scripts/build.sh", "resolved", True),
        ("backup/run.sh", 1, "scripts/build.sh", "resolved", False),
    }


def test_deploy_root_symlinks_and_extensionless_names(tmp_path: Path) -> None:
    files = {
        "scripts/deploy.sh": "", "bin/rotate-logs": "#!/bin/bash\necho\n",
        "ops/run.sh": (
            "/opt/app/scripts/deploy.sh\n"
            "/opt/app/deploy.sh\n"  # the root symlink, seen from the deploy root
            "/opt/app/scripts/gone.sh\n"
            "rotate-logs --all\n"
            "/opt/app/bin/rotate-logs\n"
            "echo rotate-logs-old\n"
        ),
    }
    rows = scan_repo(tmp_path, files, links={"deploy.sh": "scripts/deploy.sh"})
    assert rows == {
        ("ops/run.sh", 1, "scripts/deploy.sh", "resolved", True),
        ("ops/run.sh", 2, "scripts/deploy.sh", "resolved", True),
        ("ops/run.sh", 3, "/opt/app/scripts/gone.sh", "missing", True),
        ("ops/run.sh", 4, "bin/rotate-logs", "resolved", True),
        ("ops/run.sh", 5, "bin/rotate-logs", "resolved", True),
    }


def test_python_callers(tmp_path: Path) -> None:
    files = {
        "scripts/build.sh": "", "tools/run.sh": "", "tools/helpers.py": "",
        "pkg/__init__.py": "", "pkg/mod.py": "", "pkg/cli/__main__.py": "", "tools/gen.py": "",
        "tools/a.py": (
            "import os, helpers\n"
            "from pkg import mod\n"
            "from pathlib import Path\n"
            "HERE = Path(__file__).resolve().parent\n"
            'subprocess.run(["bash", str(HERE / "run.sh")], check=True)\n'
            'subprocess.run([sys.executable, "-m", "pkg.cli"])\n'
            "D = os.path.dirname(os.path.abspath(__file__))\n"
            'x = os.path.join(D, "..", "scripts", "build.sh")\n'
            'runpy.run_module("pkg.mod", run_name="__main__")\n'
            'runpy.run_path(f"{HERE}/gen.py")\n'
            "# import pkg.mod\n"
            'os.system("python3 -m pkg.cli --dry-run")\n'
            'subprocess.call([HERE / "gone.sh"])\n'
        ),
    }
    assert scan_repo(tmp_path, files, only="tools/a.py") == {
        ("tools/a.py", 1, "tools/helpers.py", "resolved", True),
        ("tools/a.py", 2, "pkg/mod.py", "resolved", True),
        ("tools/a.py", 5, "tools/run.sh", "resolved", True),
        ("tools/a.py", 6, "pkg/cli/__main__.py", "resolved", True),
        ("tools/a.py", 8, "scripts/build.sh", "resolved", True),
        ("tools/a.py", 9, "pkg/mod.py", "resolved", True),
        ("tools/a.py", 10, "tools/gen.py", "resolved", True),
        ("tools/a.py", 12, "pkg/cli/__main__.py", "resolved", True),
        ("tools/a.py", 13, "gone.sh", "missing", True),
    }


def test_docs_and_data_are_never_live(tmp_path: Path) -> None:
    files = {
        "scripts/deploy.sh": "",
        "docs/ops.md": "Run `scripts/deploy.sh` then `./cleanup.sh`.\n",
        "reports/refs.json": '{"path": "scripts/deploy.sh"}\n',
    }
    assert scan_repo(tmp_path, files) == {
        ("docs/ops.md", 1, "scripts/deploy.sh", "resolved", False),
        ("docs/ops.md", 1, "./cleanup.sh", "missing", False),
        ("reports/refs.json", 1, "scripts/deploy.sh", "resolved", False),
    }


def test_odd_input_never_raises(tmp_path: Path) -> None:
    files = {
        "scripts/deploy.sh": "",
        "docker-compose.yml": "services: [: {\n  command: ./scripts/deploy.sh\n",
        "package.json": '{"scripts": {"d": "bash scripts/deploy.sh"\n',
        ".github/workflows/x.yml": "\t- run: ./scripts/deploy.sh\n  - : [\n",
        "data.json": "\x00\x01 scripts/deploy.sh " + "a/b.sh " * 20000 + "\n",
        "run.sh": "$(((( ${ \"' scripts/deploy.sh `\n" + "x" * 100000 + "\n",
    }
    rows = scan_repo(tmp_path, files)
    assert ("docker-compose.yml", 2, "scripts/deploy.sh", "resolved", True) in rows
    assert ("package.json", 1, "scripts/deploy.sh", "resolved", True) in rows
    assert (".github/workflows/x.yml", 1, "scripts/deploy.sh", "resolved", True) in rows
    assert ("data.json", 1, "scripts/deploy.sh", "resolved", False) in rows
    assert ("data.json", 1, "a/b.sh", "missing", False) in rows


def test_text_is_the_stripped_line_cut_at_300(tmp_path: Path) -> None:
    from runbook_lib.discovery.references import RepoIndex, scan_file
    index = RepoIndex.build({"a.sh", "b.sh"}, {"a.sh", "b.sh"})
    line = "   ./a.sh " + "x" * 400
    (ref,) = scan_file("b.sh", line + "\n", "script", index, tmp_path, False)
    assert (ref.kind, ref.text) == ("script", line.strip()[:300])


def test_relative_imports_and_modules_that_are_not_the_repos(tmp_path: Path) -> None:
    files = {
        "pkg/__init__.py": "", "pkg/util.py": "", "pkg/sub/__init__.py": "",
        "pkg/sub/job.py": (
            "from . import helpers\n"
            "from .. import util\n"
            "from ..util import log\n"
            "import json, subprocess\n"
            "from os import path\n"
        ),
        "pkg/sub/helpers.py": "",
    }
    assert scan_repo(tmp_path, files, only="pkg/sub/job.py") == {
        ("pkg/sub/job.py", 1, "pkg/sub/helpers.py", "resolved", True),
        ("pkg/sub/job.py", 2, "pkg/util.py", "resolved", True),
        ("pkg/sub/job.py", 3, "pkg/util.py", "resolved", True),
    }


def test_every_kind_has_an_extractor_and_prepare_is_optional(tmp_path: Path) -> None:
    from runbook_lib.discovery.references import EXTRACTORS, RepoIndex, prepare, scan_file
    from runbook_lib.discovery.references.model import KINDS

    assert set(EXTRACTORS) == set(KINDS) - {"container"}  # containers are not files
    (tmp_path / "compose.yml").write_text("services: {web: {build: {context: ., dockerfile: x}}}")
    index = RepoIndex.build({"a.sh"}, {"a.sh", "compose.yml", "b.bin"})
    prepare(index, tmp_path)
    assert scan_file("b.bin", "./a.sh\n", "binary", index, tmp_path, False) == []
    (ref,) = scan_file("x/b.sh", "echo\r\n./a.sh\r\n", "script", index, tmp_path, False)
    assert (ref.line, ref.target, ref.text) == (2, "a.sh", "./a.sh")
