"""A checkpoint before a batch: a tag at HEAD plus a verified backup of what git does not hold."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import stat
import tarfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from runbook_lib.core.auditlog import now_utc
from runbook_lib.core.errors import BadInput, RunbookError
from runbook_lib.core.workspace import sha256_or_empty
from runbook_lib.gitops import gitrepo, gitwrite

ARCHIVE = "files.tar"
MANIFEST = "manifest.json"
CHUNK = 1 << 20


@dataclass(frozen=True)
class Checkpoint:
    batch: int
    tag: str
    commit: str
    branch: str
    backup_dir: Path
    files: int
    bytes: int
    skipped: tuple[str, ...] = ()


def tag_name(batch: int) -> str:
    return f"runbook/checkpoint-{batch:03d}"


def backup_dir_for(ws: Path, batch: int) -> Path:
    return ws / "backups" / f"{batch:03d}"


def create_checkpoint(repo: Path, ws: Path, batch: int, max_file_bytes: int = 50_000_000,
                      max_total_bytes: int = 2_000_000_000) -> Checkpoint:
    """Tag HEAD and back up untracked and ignored files; refuses ambiguous state up front."""
    repo = repo.resolve()
    if repo == ws.resolve() or repo in ws.resolve().parents:
        raise BadInput(f"workspace {ws} is inside the repo {repo}: put it outside")
    commit, branch = gitrepo.check_clean_branch(repo)
    tag = tag_name(batch)
    created = gitwrite.create_tag(repo, tag, commit)
    head = {"batch": batch, "repo": str(repo), "tag": tag, "commit": commit, "branch": branch,
            "max_file_bytes": max_file_bytes, "max_total_bytes": max_total_bytes}
    try:
        entries = _build_backup(repo, backup_dir_for(ws, batch), head)
    except BaseException:
        if created:
            gitwrite.delete_tag(repo, tag, expected=commit)
        raise
    stored = [e for e in entries if e["archived"]]
    return Checkpoint(batch, tag, commit, branch, backup_dir_for(ws, batch), len(stored),
                      sum(int(e["size"]) for e in stored),
                      tuple(e["path"] for e in entries if not e["archived"]))


def _build_backup(repo: Path, final: Path, head: dict[str, Any]) -> list[dict[str, Any]]:
    """Write, fsync and verify the backup beside `final`, then move it into place."""
    partial = final.with_name(final.name + ".partial")
    try:
        entries = _write_backup(repo, partial, head["max_file_bytes"], head["max_total_bytes"])
        _write_manifest(partial, {**head, "created": now_utc(), "entries": entries})
        problems = verify_backup(partial) + [
            f"{e['path']} changed while it was being backed up" for e in entries
            if e["archived"] and _disk_state(repo, e["path"], e) != "same"]
        if problems:
            raise RunbookError(f"backup of {repo} did not verify ({len(problems)} problems, "
                               f"first: {problems[0]}); checkpoint removed, nothing changed")
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    if final.exists():  # an earlier checkpoint of this batch: keep it, never overwrite
        final.rename(final.with_name(f"{final.name}.replaced-{now_utc().replace(':', '')}"))
    partial.rename(final)
    return entries


def verify_backup(backup_dir: Path) -> list[str]:
    """Problems with a backup (archive hash, each stored entry), empty when it is sound."""
    try:
        manifest = read_manifest(backup_dir)
    except BadInput as exc:
        return [str(exc)]
    problems: list[str] = []
    if _sha256_file(backup_dir / ARCHIVE) != manifest.get("archive_sha256"):
        problems.append(f"{ARCHIVE} does not match the sha256 in {MANIFEST} (damaged)")
    try:
        members = dict(_read_members(backup_dir / ARCHIVE))
    except (tarfile.TarError, OSError) as exc:
        return [*problems, f"{ARCHIVE} is unreadable: {exc}"]
    stored = {e["path"]: e for e in manifest["entries"] if e["archived"]}
    for path, entry in stored.items():
        found = members.pop(path, None)
        problem = _entry_problem(entry, found) if found else "missing from the archive"
        if problem:
            problems.append(f"{path}: {problem}")
    problems += [f"{path}: in the archive but not in the manifest" for path in members]
    return problems


def restore_backup(backup_dir: Path, repo: Path, paths: list[str] | None = None,
                   force: bool = False) -> list[str]:
    """Put backed-up files back (modes, symlinks); returns the paths actually written.
    Other content in the way is refused unless force=True, which copies it aside first."""
    states = _restore_states(backup_dir, repo, paths, force)
    todo = [p for p, s in states.items() if s != "same"]
    aside = backup_dir / "replaced" / now_utc().replace(":", "")
    with tarfile.open(backup_dir / ARCHIVE) as tar:
        for rel in todo:
            if states[rel] == "differs":
                (aside / rel).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(repo / rel, aside / rel, follow_symlinks=False)
            _restore_one(tar, tar.getmember(rel), repo / rel)
    return todo


def _restore_states(backup_dir: Path, repo: Path, paths: list[str] | None,
                    force: bool) -> dict[str, str]:
    stored = {e["path"]: e for e in read_manifest(backup_dir)["entries"] if e["archived"]}
    problems = verify_backup(backup_dir) + [f"{p} is not in it" for p in paths or []
                                            if p not in stored]
    if problems:
        raise BadInput(f"cannot restore from {backup_dir}: {problems[0]}; nothing restored")
    states = {p: _disk_state(repo, p, stored[p]) for p in (sorted(stored) if paths is None
                                                            else paths)}
    blocked = [p for p, s in states.items() if s == "folder" or (s == "differs" and not force)]
    if blocked:
        raise BadInput(f"these paths exist with other content: {', '.join(blocked[:5])}; "
                       "nothing restored (force=True overwrites files, keeping a copy)")
    return states


def read_manifest(backup_dir: Path) -> dict[str, Any]:
    try:
        manifest: Any = json.loads((backup_dir / MANIFEST).read_text(encoding="utf-8"))
        if not isinstance(manifest, dict) or not isinstance(manifest.get("entries"), list):
            raise ValueError("no entries")
    except (OSError, ValueError) as exc:
        raise BadInput(f"{backup_dir / MANIFEST} is missing or unreadable: {exc}") from exc
    return manifest


def _write_backup(repo: Path, dest: Path, max_file: int, max_total: int) -> list[dict[str, Any]]:
    shutil.rmtree(dest, ignore_errors=True)  # left by a crashed attempt of ours
    dest.mkdir(parents=True)
    entries: list[dict[str, Any]] = []
    budget = [max_total]
    with open(dest / ARCHIVE, "wb") as fh:
        with tarfile.open(fileobj=fh, mode="w", format=tarfile.PAX_FORMAT) as tar:
            for rel in gitrepo.untracked_and_ignored(repo):
                entries.append(_add_entry(tar, repo, rel, max_file, budget))
        fh.flush()
        os.fsync(fh.fileno())
    return entries


def _add_entry(tar: tarfile.TarFile, repo: Path, rel: str, max_file: int,
               budget: list[int]) -> dict[str, Any]:
    if rel.endswith("/"):
        return _skip(rel.rstrip("/"), "repo", "nested git repository: not backed up")
    path = repo / rel
    try:
        st = os.lstat(path)
    except OSError as exc:
        return _skip(rel, "missing", f"cannot read it ({exc.strerror}); name may not be UTF-8")
    info = tarfile.TarInfo(rel)
    info.mode, info.mtime = stat.S_IMODE(st.st_mode), int(st.st_mtime)
    entry: dict[str, Any] = {"path": rel, "mode": f"{info.mode:04o}", "size": 0}
    if stat.S_ISLNK(st.st_mode):
        info.type, info.linkname = tarfile.SYMTYPE, os.readlink(path)
        tar.addfile(info)
        return {**entry, "type": "symlink", "target": info.linkname, "archived": True}
    if not stat.S_ISREG(st.st_mode):
        return _skip(rel, "other", "not a regular file or symlink")
    return {**entry, "type": "file", **_add_file(tar, path, info, st.st_size, max_file, budget)}


def _add_file(tar: tarfile.TarFile, path: Path, info: tarfile.TarInfo, size: int,
              max_file: int, budget: list[int]) -> dict[str, Any]:
    try:
        fh = open(os.open(path, os.O_RDONLY | os.O_NOFOLLOW), "rb")  # noqa: SIM115
    except OSError as exc:
        return {"size": size, "archived": False, "reason": f"unreadable: {exc.strerror}"}
    with fh:
        digest = _sha256_stream(fh)
        reason = (f"larger than max_file_bytes ({max_file})" if size > max_file else
                  f"over max_total_bytes, {budget[0]} bytes left" if size > budget[0] else "")
        if reason:
            return {"size": size, "sha256": digest, "archived": False,
                    "reason": f"{reason}: hashed, not stored"}
        info.size = size
        fh.seek(0)
        try:  # a file changed since hashing is caught by the verification that follows
            tar.addfile(info, fh)
        except OSError as exc:
            raise RunbookError(f"cannot back up {path}: {exc}; it changed, try again") from exc
    budget[0] -= size
    return {"size": size, "sha256": digest, "archived": True}


def _skip(rel: str, kind: str, reason: str) -> dict[str, Any]:
    return {"path": rel, "type": kind, "archived": False, "reason": reason}


def _write_manifest(dest: Path, manifest: dict[str, Any]) -> None:
    manifest["archive_sha256"] = _sha256_file(dest / ARCHIVE)
    with open(dest / MANIFEST, "w", encoding="utf-8") as fh:
        fh.write(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
        fh.flush()
        os.fsync(fh.fileno())  # durable before anything relies on it


def _read_members(archive: Path) -> Iterator[tuple[str, tuple[tarfile.TarInfo, str | None]]]:
    with tarfile.open(archive) as tar:
        for member in tar:
            fh = tar.extractfile(member) if member.isfile() else None
            yield member.name, (member, _sha256_stream(fh) if fh else None)


def _entry_problem(entry: dict[str, Any], found: tuple[tarfile.TarInfo, str | None]) -> str:
    member, digest = found
    if entry["type"] == "symlink":
        return "" if member.issym() and member.linkname == entry["target"] else "target differs"
    if not member.isfile():
        return "not a file in the archive"
    if f"{member.mode:04o}" != entry["mode"]:
        return f"mode {member.mode:04o} in the archive, {entry['mode']} in the manifest"
    return "" if digest == entry["sha256"] else "content differs (sha256)"


def _disk_state(repo: Path, rel: str, entry: dict[str, Any]) -> str:
    """same / absent / differs / folder: how the file on disk compares with the entry."""
    path = _safe_target(repo, rel)
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return "absent"
    if stat.S_ISDIR(st.st_mode):
        return "folder"
    if entry["type"] == "symlink":
        return "same" if path.is_symlink() and os.readlink(path) == entry["target"] else "differs"
    if not stat.S_ISREG(st.st_mode) or f"{stat.S_IMODE(st.st_mode):04o}" != entry["mode"]:
        return "differs"
    return "same" if _sha256_file(path) == entry["sha256"] else "differs"


def _safe_target(repo: Path, rel: str) -> Path:
    """repo/rel, refusing a path that leaves the repo or passes through a symlink."""
    parts = Path(rel).parts
    if Path(rel).is_absolute() or ".." in parts or not parts:
        raise BadInput(f"unsafe path in the backup: {rel!r}")
    for depth in range(1, len(parts)):
        ancestor = repo.joinpath(*parts[:depth])
        if ancestor.is_symlink() or (ancestor.exists() and not ancestor.is_dir()):
            raise BadInput(f"cannot restore {rel}: {ancestor} is now a symlink or a file")
    return repo / rel


def _restore_one(tar: tarfile.TarFile, member: tarfile.TarInfo, dest: Path) -> None:
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(f".{dest.name}.runbook-restore")
    tmp.unlink(missing_ok=True)  # left by an interrupted restore of ours
    if member.issym():
        os.symlink(member.linkname, tmp)
    else:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        with open(fd, "wb") as out, tar.extractfile(member) as source:  # type: ignore[union-attr]
            shutil.copyfileobj(source, out, CHUNK)
            os.fchmod(out.fileno(), member.mode)
            out.flush()
            os.fsync(out.fileno())
    os.utime(tmp, (member.mtime, member.mtime), follow_symlinks=False)
    os.replace(tmp, dest)


def _sha256_file(path: Path) -> str | None:
    return sha256_or_empty(path) or None  # unreadable or gone: never equal to a hash


def _sha256_stream(fh: IO[bytes]) -> str:
    sha = hashlib.sha256()
    while chunk := fh.read(CHUNK):
        sha.update(chunk)
    return sha.hexdigest()
