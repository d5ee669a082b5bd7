from __future__ import annotations

import json
import re
import subprocess
from collections import Counter
from pathlib import Path, PurePosixPath
from typing import Any

import pytest

from runbook_lib.core.errors import BadInput
from runbook_lib.discovery.references.model import ROW_KINDS, SCRIPT_EXTENSIONS
from runbook_lib.sample import SampleResult, generate

Truth = dict[str, Any]


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True,
                          check=True).stdout


def load(result: SampleResult) -> Truth:
    truth: Truth = json.loads(result.truth.read_text(encoding="utf-8"))
    return truth


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> tuple[SampleResult, Truth]:
    result = generate(tmp_path_factory.mktemp("sample") / "repo", scripts=300, seed=7)
    return result, load(result)


def test_same_seed_gives_identical_repo_and_truth(tmp_path: Path) -> None:
    one = generate(tmp_path / "a" / "repo", scripts=120, seed=3)
    two = generate(tmp_path / "b" / "repo", scripts=120, seed=3)
    assert one.truth.read_bytes() == two.truth.read_bytes()
    assert git(one.repo, "rev-parse", "HEAD") == git(two.repo, "rev-parse", "HEAD")
    assert one.truth == tmp_path / "a" / "repo.truth.json"


def test_different_seeds_differ(tmp_path: Path) -> None:
    one = generate(tmp_path / "a", scripts=120, seed=1)
    two = generate(tmp_path / "b", scripts=120, seed=2)
    assert one.truth.read_bytes() != two.truth.read_bytes()
    assert git(one.repo, "rev-parse", "HEAD") != git(two.repo, "rev-parse", "HEAD")


def test_script_count_is_close_to_the_request(sample: tuple[SampleResult, Truth]) -> None:
    result, truth = sample
    assert len(truth["scripts"]) == result.scripts
    assert 270 <= result.scripts <= 330
    assert truth["seed"] == 7 and truth["scripts_requested"] == 300
    assert truth["deploy_root"] == "/opt/app"


def test_every_clone_kind_and_flag_is_present(sample: tuple[SampleResult, Truth]) -> None:
    scripts = sample[1]["scripts"]
    kinds = Counter(s["clone_kind"] for s in scripts)
    assert set(kinds) == {"original", "exact", "normalised", "renamed", "near"}
    for lang in ("python", "bash"):
        assert {s["clone_kind"] for s in scripts if s["language"] == lang} == set(kinds)
    paths = {s["path"] for s in scripts}
    for s in scripts:
        assert (s["origin"] is None) == (s["clone_kind"] == "original")
        if s["origin"]:
            assert s["origin"] in paths
            origin_lang = next(o["language"] for o in scripts if o["path"] == s["origin"])
            assert (origin_lang == "python") == (s["language"] == "python")
    assert any(s["sourced"] for s in scripts)
    assert sum(s["location_sensitive"] for s in scripts) >= 3
    assert any(s["backup_of"] for s in scripts)
    assert any(s["archived"] and s["path"].startswith("archive/") for s in scripts)
    assert {"bash", "sh", "python"} <= {s["language"] for s in scripts}
    assert 0.1 <= (len(scripts) - kinds["original"]) / len(scripts) <= 0.3


def test_odd_inputs_vendored_same_job_and_fragments(sample: tuple[SampleResult, Truth]) -> None:
    result, truth = sample
    reasons = {s["reason"] for s in truth["skipped"]}
    assert {"binary", "symlink"} <= reasons
    link = next(s["path"] for s in truth["skipped"] if s["reason"] == "symlink")
    assert (result.repo / link).is_symlink()
    paths = {s["path"] for s in truth["scripts"]}
    assert "scripts/cleanup/placeholder.sh" in paths
    assert (result.repo / "scripts/cleanup/placeholder.sh").stat().st_size == 0
    assert any(" " in p for p in paths)
    assert all((result.repo / v / "pyvenv.cfg").exists() or v.endswith("node_modules")
               for v in truth["vendored"])
    assert not any(p.startswith(tuple(truth["vendored"])) for p in paths)
    assert ["build/build-all-images.sh", "build/build_all_images.sh",
            "build_all_images_simple.sh"] in truth["same_job"]
    logged = truth["fragments"]["log"]
    assert len(logged) >= 20
    assert sorted(s["path"] for s in truth["scripts"] if "log" in s["fragments"]) == logged


def test_every_reference_kind_and_status(sample: tuple[SampleResult, Truth]) -> None:
    refs = sample[1]["references"]
    # every kind a row can have, but running containers (not files of a repo)
    assert {r["kind"] for r in refs} == set(ROW_KINDS) - {"container"}
    assert {r["status"] for r in refs} == {"resolved", "ambiguous", "missing"}
    assert any(r["status"] == "missing" and r["live"] for r in refs)
    assert not any(r["live"] for r in refs if r["kind"] in ("docs", "data"))
    keys = [(r["source"], r["line"], r["target"]) for r in refs]
    assert len(keys) == len(set(keys))
    assert all(r["source"] != r["target"] for r in refs)
    assert all(r["line"] >= 1 for r in refs)


def test_orphans_follow_from_live_references(sample: tuple[SampleResult, Truth]) -> None:
    truth = sample[1]
    live = {r["target"] for r in truth["references"] if r["live"] and r["status"] == "resolved"}
    for s in truth["scripts"]:
        assert s["orphan"] == (s["path"] not in live), s["path"]
    ratio = sum(s["orphan"] for s in truth["scripts"]) / len(truth["scripts"])
    assert 0.25 <= ratio <= 0.55


def test_resolved_targets_are_scripts_in_the_repo(sample: tuple[SampleResult, Truth]) -> None:
    result, truth = sample
    paths = {s["path"] for s in truth["scripts"]}
    for ref in truth["references"]:
        assert (result.repo / ref["source"]).is_file()
        if ref["status"] == "resolved":
            assert ref["target"] in paths
            assert (result.repo / ref["target"]).is_file()
            assert not (result.repo / ref["target"]).is_symlink()
    for path in paths:
        assert (result.repo / path).is_file()


def test_everything_is_committed_and_ignored_files_stay(
        sample: tuple[SampleResult, Truth]) -> None:
    repo = sample[0].repo
    assert git(repo, "status", "--porcelain", "--untracked-files=all") == ""
    assert (repo / ".env").exists()
    assert git(repo, "check-ignore", ".env").strip() == ".env"
    assert len(git(repo, "log", "--format=%H").split()) == 4
    dates = {git(repo, "log", "-1", "--format=%ad", "--", p) for p in
             ("Makefile", "docker-compose.yml", "jobs/nightly.sh", "reports")}
    assert len(dates) == 4


def test_scripts_parse(sample: tuple[SampleResult, Truth]) -> None:
    repo = sample[0].repo
    for s in sample[1]["scripts"]:
        data = (repo / s["path"]).read_bytes()
        if s["language"] == "python":
            compile(data, s["path"], "exec")
        else:
            done = subprocess.run(["bash", "-n", s["path"]], cwd=repo, capture_output=True)
            assert done.returncode == 0, (s["path"], done.stderr)


# A deliberately simple scanner: every line holding a word that could name a script must
# be accounted for by the truth (what a correct extractor reports), or be one of the cases
# the contract says produce no row.
SPLIT = re.compile(r"""[\s'"`;|&()<>=,\[\]{}]+""")
MODULE = re.compile(r"(?:-m |run_module\(\"|from |import )([\w.]+)")


def unaccounted(repo: Path, truth: Truth) -> list[str]:
    scripts = {s["path"] for s in truth["scripts"]}
    bases = {PurePosixPath(p).name for p in scripts}
    modules = {p[:-3].replace("/", ".") for p in scripts if p.endswith(".py")}
    modules |= {m.split(".", 1)[1] for m in modules if "." in m}
    excluded = tuple(truth["vendored"]) + tuple(s["path"] for s in truth["skipped"])
    rows = {(r["source"], r["line"]) for r in truth["references"]}
    rows |= {(path, line) for path, line in truth["traps"]}  # named, deliberately not called
    found = []
    for path in git(repo, "ls-files").splitlines():
        if path.startswith(excluded) or not _scanned(path, scripts):
            continue
        text = (repo / path).read_bytes().decode("utf-8", "replace")
        for number, line in enumerate(text.splitlines(), start=1):
            if (path, number) in rows:
                continue
            words = [w for w in SPLIT.split(line) if _candidate(w, bases, path)]
            words += [m for m in MODULE.findall(line) if m in modules]
            if words:
                found.append(f"{path}:{number}: {line.strip()}")
    return found


def _scanned(path: str, scripts: set[str]) -> bool:
    name = PurePosixPath(path).name
    return path in scripts or (not name.startswith(".") and not name.endswith(
        (".conf", ".ini", ".cfg"))) or path.startswith((".github/", ".gitlab"))


def _candidate(word: str, bases: set[str], source: str) -> bool:
    name = word.rsplit("/", 1)[-1]
    if not (name in bases or name.endswith(SCRIPT_EXTENSIONS)):
        return False
    if name == PurePosixPath(source).name:
        return False  # names itself
    # absolute paths outside the deploy root, in scripts, are not references
    return not (word.startswith("/") and not word.startswith("/opt/app/")
                and source.endswith(SCRIPT_EXTENSIONS))


def test_truth_accounts_for_every_candidate_line(sample: tuple[SampleResult, Truth]) -> None:
    result, truth = sample
    assert unaccounted(result.repo, truth) == []


def test_refuses_a_folder_that_is_not_empty(tmp_path: Path) -> None:
    (tmp_path / "keep.txt").write_text("mine\n")
    with pytest.raises(BadInput, match="not empty"):
        generate(tmp_path, scripts=120)
    assert [p.name for p in tmp_path.iterdir()] == ["keep.txt"]
    with pytest.raises(BadInput):
        generate(tmp_path / "keep.txt", scripts=120)


def test_an_empty_folder_is_accepted(tmp_path: Path) -> None:
    (tmp_path / "repo").mkdir()
    result = generate(tmp_path / "repo", scripts=120, seed=5)
    assert result.truth == tmp_path / "repo.truth.json"
    assert result.references > result.scripts
