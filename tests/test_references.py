"""Reference kinds, the rules every kind shares (archived sources, deploy roots, symlinks, docs
and data as evidence) and odd input."""

from __future__ import annotations

from pathlib import Path

import pytest

from runbook_lib.discovery.references import source_kind
from test_references_support import rules, scan_repo


@pytest.mark.parametrize(("path", "kind"), [
    ("Dockerfile", "dockerfile"), ("app/Dockerfile.prod", "dockerfile"),
    ("app/Dockerfile_SDK", "dockerfile"), ("requirements-dev.txt", "config"),
    ("tools/x/cloudbuild.yaml", "ci"), ("roles/r/tasks/main.yml", "ansible"),
    ("Procfile", "procfile"), ("pyproject.toml", "config"), ("x/action.yml", "ci"),
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


def test_archived_sources_and_self_references(tmp_path: Path) -> None:
    files = {
        "scripts/build.sh": "# usage: build.sh\necho build.sh\n./build.sh --again\n",
        "scripts/run.sh": "./build.sh\n",
        "backup/run.sh": "../scripts/build.sh\n",
    }
    assert scan_repo(tmp_path, files) == {
        ("scripts/run.sh", 1, "scripts/build.sh", "resolved", True),
        ("backup/run.sh", 1, "scripts/build.sh", "resolved", False),  # archived: not live
    }


def test_deploy_root_and_symlinks(tmp_path: Path) -> None:
    files = {"scripts/deploy.sh": "", "ops/run.sh": (
        "/opt/app/scripts/deploy.sh\n"
        "/opt/app/deploy.sh\n"  # the root symlink, seen from the deploy root
        "/opt/app/scripts/gone.sh\n"
        "/usr/local/bin/other.sh\n"
    )}
    links = {"deploy.sh": "scripts/deploy.sh", "bin/deploy": "/opt/app/scripts/deploy.sh"}
    rows = rules(tmp_path, files, "ops/run.sh", links)
    assert {(r[0], r[1]) for r in rows} == {
        (1, "scripts/deploy.sh"), (2, "scripts/deploy.sh"), (3, "/opt/app/scripts/gone.sh")}
    # a symlink is a live reference from the link to its target, also through a deploy root
    assert rules(tmp_path / "again", files, "deploy.sh", links) == {
        (1, "scripts/deploy.sh", "symlink", "symlink", "certain", True)}
    assert rules(tmp_path / "third", files, "bin/deploy", links) == {
        (1, "scripts/deploy.sh", "symlink", "symlink", "certain", True)}


def test_the_repo_named_inside_an_absolute_path_is_likely(tmp_path: Path) -> None:
    files = {"helper/cold.sh": "", "standby.sh": "/opt/repo/helper/cold.sh\n"}  # folder: repo
    assert rules(tmp_path, files, "standby.sh", None) == {
        (1, "helper/cold.sh", "script", "command", "likely", True)}


def test_docs_and_data_are_never_live(tmp_path: Path) -> None:
    files = {
        "scripts/deploy.sh": "",
        "docs/ops.md": "Run `scripts/deploy.sh` then `./cleanup.sh`.\n",
        "reports/refs.json": '{"path": "scripts/deploy.sh"}\n',
    }
    assert scan_repo(tmp_path, files, kinds=True) == {
        ("docs/ops.md", 1, "scripts/deploy.sh", "resolved", False),
        ("docs/ops.md", 1, "./cleanup.sh", "missing", False),
        ("reports/refs.json", 1, "scripts/deploy.sh", "resolved", False),
    }


def test_odd_input_never_raises(tmp_path: Path) -> None:
    files = {
        "scripts/deploy.sh": "",
        "docker-compose.yml": "services: [: {\n  command: ./scripts/deploy.sh\n",
        "package.json": '{"scripts": {"d": "bash scripts/deploy.sh"}}\n',
        ".github/workflows/x.yml": "\t- run: ./scripts/deploy.sh\n  - : [\n",
        "Dockerfile": "FROM\nCOPY\nRUN ((( ./scripts/deploy.sh\n",
        "data.json": "\x01 scripts/deploy.sh " + "a/b.sh " * 20000 + "\n",
        "run.sh": "$(((( ${ \"' scripts/deploy.sh `\n" + "x" * 100000 + "\n",
        "bad.py": "def (:\nimport scripts.deploy\n",
    }
    rows = scan_repo(tmp_path, files, kinds=True)
    assert ("package.json", 1, "scripts/deploy.sh", "resolved", True) in rows
    assert ("data.json", 1, "scripts/deploy.sh", "resolved", False) in rows
    assert ("data.json", 1, "a/b.sh", "missing", False) in rows


def test_text_is_the_stripped_line_cut_at_300(tmp_path: Path) -> None:
    from runbook_lib.discovery.references import RepoIndex, scan_file
    index = RepoIndex.build({"a.sh", "b.sh"}, {"a.sh", "b.sh"})
    line = "   ./a.sh " + "x" * 400
    (ref,) = scan_file("b.sh", line + "\n", "script", index, tmp_path, False)
    assert (ref.kind, ref.text) == ("script", line.strip()[:300])


def test_every_kind_has_an_extractor_and_prepare_is_optional(tmp_path: Path) -> None:
    from runbook_lib.discovery.references import EXTRACTORS, RepoIndex, prepare, scan_file
    from runbook_lib.discovery.references.model import KINDS

    assert set(EXTRACTORS) == set(KINDS) - {"container"}  # containers are not files
    (tmp_path / "compose.yml").write_text("services: {web: {build: {context: ., dockerfile: x}}}")
    index = RepoIndex.build({"a.sh"}, {"a.sh", "compose.yml", "b.bin"})
    prepare(index, tmp_path)
    assert scan_file("b.bin", "./a.sh\n", "binary", index, tmp_path, False) == []
    (ref,) = scan_file("x/b.sh", "echo\r\n../a.sh\r\n", "script", index, tmp_path, False)
    assert (ref.line, ref.target, ref.text) == (2, "a.sh", "../a.sh")
