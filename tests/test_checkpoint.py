from __future__ import annotations

import hashlib
import json
import os
import stat
from pathlib import Path
from typing import Any

import pytest

from conftest import git, make_repo
from runbook_lib.core.errors import BadInput, RunbookError
from runbook_lib.execution import checkpoint
from runbook_lib.execution.checkpoint import create_checkpoint, restore_backup, verify_backup

BIG = 4000


def sample_repo(tmp_path: Path) -> Path:
    repo = make_repo(tmp_path / "repo", {
        "run.sh": "#!/bin/sh\necho run\n", "README.md": "hello\n",
        ".gitignore": ".env\nbuild/\n*.bin\n", "lib/util.py": "X = 1\n"})
    (repo / "notes.txt").write_text("untracked notes\n", encoding="utf-8")
    (repo / "my notes v2.txt").write_text("spaces in the name\n", encoding="utf-8")
    (repo / ".env").write_text("TOKEN=secret\n", encoding="utf-8")
    (repo / "secret.key").write_bytes(b"\x00\x01key\xff")
    (repo / "secret.key").chmod(0o600)
    (repo / "build").mkdir()
    (repo / "build" / "tool").write_text("#!/bin/sh\n", encoding="utf-8")
    (repo / "build" / "tool").chmod(0o750)
    (repo / "big.bin").write_bytes(os.urandom(BIG))
    (repo / "link-to-run").symlink_to("run.sh")
    (repo / "dangling").symlink_to("../nowhere/at/all")
    return repo


def snapshot(repo: Path) -> dict[str, tuple[str, int, str]]:
    """path -> (kind, mode, content hash or link target) of everything outside .git."""
    result = {}
    for path in sorted(repo.rglob("*")):
        rel = path.relative_to(repo).as_posix()
        if rel == ".git" or rel.startswith(".git/"):
            continue
        st = os.lstat(path)
        if stat.S_ISLNK(st.st_mode):
            result[rel] = ("link", 0, os.readlink(path))
        elif stat.S_ISREG(st.st_mode):
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            result[rel] = ("file", stat.S_IMODE(st.st_mode), digest)
        else:
            result[rel] = ("dir", 0, "")
    return result


def entries(cp: checkpoint.Checkpoint) -> dict[str, dict[str, Any]]:
    manifest = json.loads((cp.backup_dir / "manifest.json").read_text(encoding="utf-8"))
    return {e["path"]: e for e in manifest["entries"]}


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_checkpoint_tags_head_and_backs_up_what_git_does_not_hold(tmp_path: Path) -> None:
    repo = sample_repo(tmp_path)
    before = snapshot(repo)
    head = git(repo, "rev-parse", "HEAD").strip()
    cp = create_checkpoint(repo, tmp_path / "ws", 1, max_file_bytes=BIG - 1)
    assert (cp.batch, cp.tag, cp.commit, cp.branch) == (1, "runbook/checkpoint-001", head, "main")
    assert cp.backup_dir == tmp_path / "ws" / "backups" / "001"
    assert git(repo, "rev-parse", "runbook/checkpoint-001^{commit}").strip() == head
    found = entries(cp)
    assert sorted(found) == sorted(["big.bin", "build/tool", "dangling", ".env", "link-to-run",
                                    "my notes v2.txt", "notes.txt", "secret.key"])
    assert found["secret.key"]["mode"] == "0600"
    assert found["secret.key"]["sha256"] == sha(repo / "secret.key")
    assert found["build/tool"]["mode"] == "0750"
    assert found[".env"]["sha256"] == sha(repo / ".env") and found[".env"]["archived"]
    assert found["my notes v2.txt"]["type"] == "file"
    assert found["link-to-run"] == {**found["link-to-run"], "type": "symlink",
                                    "target": "run.sh", "archived": True}
    assert found["dangling"]["target"] == "../nowhere/at/all"
    big = found["big.bin"]
    assert big["archived"] is False and "max_file_bytes" in big["reason"]
    assert big["sha256"] == sha(repo / "big.bin") and big["size"] == BIG
    assert cp.skipped == ("big.bin",) and cp.files == 7
    assert verify_backup(cp.backup_dir) == []
    assert snapshot(repo) == before  # a checkpoint changes nothing in the repo
    assert git(repo, "status", "--porcelain", "--untracked-files=no") == ""


def test_restore_is_byte_identical_and_safe_to_repeat(tmp_path: Path) -> None:
    repo = sample_repo(tmp_path)
    before = snapshot(repo)
    cp = create_checkpoint(repo, tmp_path / "ws", 1, max_file_bytes=BIG - 1)
    for rel in ["notes.txt", "my notes v2.txt", ".env", "secret.key", "link-to-run",
                "dangling", "build/tool"]:
        (repo / rel).unlink()
    (repo / "build").rmdir()
    restored = restore_backup(cp.backup_dir, repo)
    assert sorted(restored) == sorted(["build/tool", "dangling", ".env", "link-to-run",
                                       "my notes v2.txt", "notes.txt", "secret.key"])
    assert snapshot(repo) == before
    assert (repo / "link-to-run").is_symlink()
    assert restore_backup(cp.backup_dir, repo) == []  # twice: nothing left to do
    assert snapshot(repo) == before


def test_restore_refuses_to_overwrite_other_content_unless_forced(tmp_path: Path) -> None:
    repo = sample_repo(tmp_path)
    cp = create_checkpoint(repo, tmp_path / "ws", 2, max_file_bytes=BIG - 1)
    (repo / ".env").write_text("TOKEN=changed by the user\n", encoding="utf-8")
    (repo / "notes.txt").unlink()
    with pytest.raises(BadInput, match=r"\.env"):
        restore_backup(cp.backup_dir, repo)
    assert (repo / ".env").read_text(encoding="utf-8") == "TOKEN=changed by the user\n"
    assert not (repo / "notes.txt").exists()  # refused means nothing restored at all
    assert restore_backup(cp.backup_dir, repo, ["notes.txt"]) == ["notes.txt"]
    with pytest.raises(BadInput, match="not in it"):
        restore_backup(cp.backup_dir, repo, ["big.bin"])  # hashed, never stored
    assert restore_backup(cp.backup_dir, repo, [".env"], force=True) == [".env"]
    assert (repo / ".env").read_text(encoding="utf-8") == "TOKEN=secret\n"
    kept = list((cp.backup_dir / "replaced").rglob(".env"))
    assert [p.read_text(encoding="utf-8") for p in kept] == ["TOKEN=changed by the user\n"]


def test_restore_refuses_a_path_through_a_symlink(tmp_path: Path) -> None:
    repo = sample_repo(tmp_path)
    cp = create_checkpoint(repo, tmp_path / "ws", 1, max_file_bytes=BIG - 1)
    outside = tmp_path / "outside"
    outside.mkdir()
    (repo / "build" / "tool").unlink()
    (repo / "build").rmdir()
    (repo / "build").symlink_to(outside)
    with pytest.raises(BadInput, match="symlink"):
        restore_backup(cp.backup_dir, repo, ["build/tool"])
    assert list(outside.iterdir()) == []


def test_dirty_tracked_tree_is_refused_and_untouched(tmp_path: Path) -> None:
    repo = sample_repo(tmp_path)
    (repo / "README.md").write_text("edited, not committed\n", encoding="utf-8")
    (repo / "lib" / "util.py").write_text("X = 2\n", encoding="utf-8")
    git(repo, "add", "lib/util.py")  # staged counts too
    before = snapshot(repo)
    with pytest.raises(BadInput) as refused:
        create_checkpoint(repo, tmp_path / "ws", 1)
    message = str(refused.value)
    assert "README.md" in message and "lib/util.py" in message
    assert "commit or stash them first" in message
    assert snapshot(repo) == before
    assert git(repo, "tag", "--list") == ""
    assert not (tmp_path / "ws" / "backups").exists()
    assert git(repo, "diff", "--cached", "--name-only").strip() == "lib/util.py"


def test_dirty_message_lists_at_most_five_paths(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {f"s{i}.sh": "echo\n" for i in range(8)}
    repo = make_repo(tmp_path / "repo", files)
    for rel in files:
        (repo / rel).write_text("changed\n", encoding="utf-8")
    with pytest.raises(BadInput, match=r"s4\.sh and 3 more; commit or stash them first"):
        create_checkpoint(repo, tmp_path / "ws", 1)


def test_detached_head_is_refused(tmp_path: Path) -> None:
    repo = sample_repo(tmp_path)
    git(repo, "checkout", "-q", "--detach")
    with pytest.raises(BadInput, match="detached HEAD: check out a branch first"):
        create_checkpoint(repo, tmp_path / "ws", 1)
    assert git(repo, "tag", "--list") == ""


def test_not_a_repo_and_no_commits_are_refused(tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    plain.mkdir()
    with pytest.raises(BadInput, match="not a git repository"):
        create_checkpoint(plain, tmp_path / "ws", 1)
    empty = make_repo(tmp_path / "empty", {"a.sh": "echo\n"}, commit=False)
    with pytest.raises(BadInput, match="no commits yet"):
        create_checkpoint(empty, tmp_path / "ws", 1)
    repo = sample_repo(tmp_path)
    with pytest.raises(BadInput, match="pass its top folder"):
        create_checkpoint(repo / "lib", tmp_path / "ws", 1)
    with pytest.raises(BadInput, match="inside the repo"):
        create_checkpoint(repo, repo / "build" / "ws", 1)
    assert git(repo, "tag", "--list") == ""


def test_tag_pointing_elsewhere_is_refused_and_rerun_keeps_old_backup(tmp_path: Path) -> None:
    repo = sample_repo(tmp_path)
    ws = tmp_path / "ws"
    first = create_checkpoint(repo, ws, 1)
    again = create_checkpoint(repo, ws, 1)  # same HEAD: safe, earlier backup kept aside
    assert again.tag == first.tag and again.commit == first.commit
    assert len(list((ws / "backups").glob("001.replaced-*"))) == 1
    assert verify_backup(again.backup_dir) == []
    (repo / "README.md").write_text("next\n", encoding="utf-8")
    git(repo, "commit", "-qam", "next")
    with pytest.raises(BadInput, match="already points at"):
        create_checkpoint(repo, ws, 1)
    assert git(repo, "rev-parse", "runbook/checkpoint-001").strip() == first.commit


def test_failed_verification_removes_the_tag_and_the_backup(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = sample_repo(tmp_path)
    monkeypatch.setattr(checkpoint, "verify_backup", lambda folder: ["x: content differs"])
    with pytest.raises(RunbookError, match="did not verify"):
        create_checkpoint(repo, tmp_path / "ws", 3)
    assert git(repo, "tag", "--list") == ""
    assert list((tmp_path / "ws" / "backups").iterdir()) == []


def test_file_changing_during_backup_is_caught(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    repo = sample_repo(tmp_path)
    real = checkpoint._write_backup

    def write_then_edit(*args: Any) -> list[dict[str, Any]]:
        result = real(*args)
        (repo / "notes.txt").write_text("edited meanwhile\n", encoding="utf-8")
        return result

    monkeypatch.setattr(checkpoint, "_write_backup", write_then_edit)
    with pytest.raises(RunbookError, match=r"notes\.txt changed while it was being backed up"):
        create_checkpoint(repo, tmp_path / "ws", 1)
    assert git(repo, "tag", "--list") == ""


def test_total_size_limit_is_a_recorded_skip(tmp_path: Path) -> None:
    repo = sample_repo(tmp_path)
    cp = create_checkpoint(repo, tmp_path / "ws", 1, max_total_bytes=100)
    found = entries(cp)
    assert found["big.bin"]["archived"] is False
    assert "max_total_bytes" in found["big.bin"]["reason"]
    assert cp.bytes <= 100 and verify_backup(cp.backup_dir) == []


def test_nested_repository_is_recorded_not_followed(tmp_path: Path) -> None:
    repo = sample_repo(tmp_path)
    make_repo(repo / "vendor" / "inner", {"x.sh": "echo\n"})
    cp = create_checkpoint(repo, tmp_path / "ws", 1)
    inner = entries(cp)["vendor/inner"]
    assert inner["type"] == "repo" and inner["archived"] is False


def test_corrupted_archive_is_reported(tmp_path: Path) -> None:
    repo = sample_repo(tmp_path)
    cp = create_checkpoint(repo, tmp_path / "ws", 1)
    archive = cp.backup_dir / "files.tar"
    data = bytearray(archive.read_bytes())
    offset = data.find(b"TOKEN=secret")
    data[offset:offset + 5] = b"XXXXX"
    archive.write_bytes(bytes(data))
    problems = verify_backup(cp.backup_dir)
    assert any("files.tar does not match" in p for p in problems)
    assert any(p.startswith(".env: content differs") for p in problems)
    with pytest.raises(BadInput, match="cannot restore"):
        restore_backup(cp.backup_dir, repo)
    archive.write_bytes(bytes(data[:1024]))  # truncated
    assert verify_backup(cp.backup_dir)
    (cp.backup_dir / "manifest.json").unlink()
    assert "missing or unreadable" in verify_backup(cp.backup_dir)[0]
