"""git, writing side: the target repo's refs, our worktrees and commits (the checkout itself:
`checkout`)."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from runbook_lib.core.errors import BadInput, RunbookError
from runbook_lib.gitops import gitrepo
from runbook_lib.gitops.gitrepo import branch_exists as branch_exists
from runbook_lib.gitops.gitrepo import current_branch as current_branch
from runbook_lib.gitops.runner import git, git_bytes


def add_worktree(repo: Path, path: Path, branch: str, base_commit: str) -> None:
    """A linked worktree at path on `branch`, new from base_commit (or already there)."""
    path = path.resolve()
    git(repo, "worktree", "prune")  # a worktree folder deleted by hand blocks its path
    if _worktree_of(repo, path).get("branch") == f"refs/heads/{branch}":
        tip = gitrepo.resolve_commit(repo, f"refs/heads/{branch}")
        if tip == gitrepo.resolve_commit(repo, base_commit):
            return  # running twice: the same fresh worktree is already there
    if path.exists() and (not path.is_dir() or any(path.iterdir())):
        raise BadInput(f"worktree folder {path} exists and is not empty; nothing changed")
    if branch_exists(repo, branch):
        tip, base = (gitrepo.resolve_commit(repo, r) for r in (f"refs/heads/{branch}",
                                                               base_commit))
        if tip != base:
            raise BadInput(f"branch {branch} already exists at {short(tip)}, not at "
                           f"{short(base)}: delete it or pick another name; nothing changed")
        git(repo, "worktree", "add", "--quiet", str(path), branch)
    else:
        git(repo, "worktree", "add", "--quiet", "-b", branch, str(path), base_commit)


def remove_worktree(repo: Path, path: Path) -> None:
    """Remove a linked worktree of ours (changes in it are dropped) and prune stale entries."""
    path = path.resolve()
    listed = gitrepo.worktrees(repo)
    if listed and Path(listed[0]["worktree"]).resolve() == path:
        raise BadInput(f"{path} is the main worktree of {repo}: refusing to remove it")
    entry = _worktree_of(repo, path)
    if "locked" in entry:  # a `worktree add` killed half-way: prune skips locked ones
        git(repo, "worktree", "unlock", str(path))
    if entry and path.exists():
        # Ours, and its work is committed: deleting the folder is what `worktree remove
        # --force` does, without first stat-ing every file of a large tree.
        shutil.rmtree(path)
    elif path.exists() and (not path.is_dir() or any(path.iterdir())):
        raise BadInput(f"{path} is not a worktree of {repo}: refusing to remove it")
    git(repo, "worktree", "prune")


def commit_all(worktree: Path, message: str) -> str:
    """Stage and commit everything in a linked worktree of ours; returns the new commit."""
    if not _is_linked_worktree(worktree):
        # `add -A` in the user's own checkout would commit their unrelated work.
        raise BadInput(f"{worktree} is not a linked worktree: refusing to commit there")
    git(worktree, "add", "-A")
    if git(worktree, "diff", "--cached", "--quiet", check=False).returncode == 0:
        raise BadInput(f"nothing to commit in {worktree}: the batch changed no file")
    git(worktree, "commit", "-q", "--no-verify", "--cleanup=whitespace", "-F", "-",
        input_text=message)
    return git(worktree, "rev-parse", "HEAD").stdout.strip()


def changed_paths(repo: Path, old: str, new: str) -> dict[str, str]:
    """Path -> git status letter (A, M, D, T) between two commits; renames are A plus D."""
    done = git(repo, "diff", "--name-status", "-z", "--no-renames", old, new)
    fields = done.stdout.split("\0")
    return {path: status for status, path in zip(fields[0::2], fields[1::2], strict=False)
            if path}


def revert_in_index(repo: Path, base: str, commits: list[str]) -> str:
    """Revert `commits` on top of base, newest first, one new commit each, without a
    checkout: patches are applied to a private index (the user's index and files untouched).
    Returns the last new commit; a conflict raises and creates no ref."""
    if not commits:
        raise BadInput("no commits to revert")
    ordered = sorted(commits, key=lambda c: _depth(repo, c, base), reverse=True)
    with tempfile.TemporaryDirectory(prefix="runbook-revert-") as tmp:
        env = {**os.environ, "GIT_INDEX_FILE": str(Path(tmp) / "index")}
        git_bytes(repo, "read-tree", base, env=env)
        parent = base
        for commit in ordered:
            patch = git_bytes(repo, "diff-tree", "-p", "--binary", "--full-index",
                              "--no-renames", f"{commit}^", commit)
            try:
                git_bytes(repo, "apply", "-R", "--cached", "--whitespace=nowarn", env=env,
                          input_bytes=patch)
            except RunbookError as exc:
                raise RunbookError(f"cannot revert {short(commit)} on {short(base)}: later "
                                   f"changes conflict with it ({exc}); nothing changed") from exc
            tree = git_bytes(repo, "write-tree", env=env).decode().strip()
            subject = git(repo, "log", "-1", "--format=%s", commit).stdout.strip()
            message = f'Revert "{subject}"\n\nThis reverts commit {commit}.\n'
            parent = git(repo, "commit-tree", tree, "-p", parent,
                         input_text=message).stdout.strip()
    return parent


def create_tag(repo: Path, tag: str, commit: str) -> bool:
    """Create refs/tags/<tag> at commit; False when it is already there, refused elsewhere."""
    existing = gitrepo.resolve_commit(repo, f"refs/tags/{tag}")
    if existing == commit:
        return False
    if existing is not None:
        raise BadInput(f"tag {tag} already points at {short(existing)}, not at HEAD "
                       f"{short(commit)}: that batch was checkpointed elsewhere; nothing changed")
    git(repo, "update-ref", "-m", "runbook: checkpoint", f"refs/tags/{tag}", commit, "")
    return True


def delete_tag(repo: Path, tag: str, expected: str | None = None) -> bool:
    return delete_ref(repo, f"refs/tags/{tag}", expected)


def delete_branch(repo: Path, branch: str, expected: str | None = None) -> bool:
    """Delete a branch no worktree has checked out; False when it does not exist."""
    holder = checkout_of(repo, branch)
    if holder is not None:
        raise BadInput(f"branch {branch} is checked out in {holder}: not deleting it")
    return delete_ref(repo, f"refs/heads/{branch}", expected)


def rename_ref(repo: Path, old: str, new: str, commit: str, why: str) -> None:
    """Give the ref `old` (at commit) the name `new`, in one transaction that creates the
    new name before it deletes the old: a crash leaves both names, never neither."""
    script = f"start\ncreate {new} {commit}\ndelete {old} {commit}\nprepare\ncommit\n"
    git(repo, "update-ref", "-m", f"runbook: {why}", "--stdin", input_text=script)


def put_ref(repo: Path, ref: str, new: str, old: str | None, why: str) -> None:
    """Set ref to new only if it holds old (None: only if it does not exist)."""
    git(repo, "update-ref", "-m", f"runbook: {why}", ref, new, old or "")


def cas_ref(repo: Path, ref: str, new: str, old: str, why: str) -> None:
    """Set ref to new only if it still holds old, in one git transaction."""
    script = f"start\nupdate {ref} {new} {old}\nprepare\ncommit\n"
    done = git(repo, "update-ref", "-m", f"runbook: {why}", "--stdin", input_text=script,
               check=False)
    if done.returncode == 0:
        return
    found = gitrepo.resolve_commit(repo, ref)
    name = ref.removeprefix("refs/heads/")
    if found != old:
        raise RunbookError(f"branch {name} moved since the checkpoint (expected {short(old)}, "
                           f"found {short(found)}); nothing promoted")
    detail = (done.stderr.strip().splitlines() or ["no output"])[-1]
    raise RunbookError(f"could not update {name}: {detail}; nothing promoted")


def delete_ref(repo: Path, ref: str, expected: str | None) -> bool:
    raw = git(repo, "rev-parse", "--verify", "-q", ref, check=False).stdout.strip()
    if not raw:
        return False
    if expected is not None and gitrepo.resolve_commit(repo, ref) != expected:
        raise BadInput(f"{ref} moved (expected {short(expected)}): not deleting it")
    git(repo, "update-ref", "-m", "runbook: delete", "-d", ref, raw)
    return True


def checkout_of(repo: Path, branch: str) -> Path | None:
    for entry in gitrepo.worktrees(repo):
        if entry.get("branch") == f"refs/heads/{branch}" and "bare" not in entry:
            return Path(entry["worktree"])
    return None


def _worktree_of(repo: Path, path: Path) -> dict[str, str]:
    for entry in gitrepo.worktrees(repo)[1:]:
        if Path(entry["worktree"]).resolve() == path:
            return entry
    return {}


def _is_linked_worktree(path: Path) -> bool:
    done = git(path, "rev-parse", "--absolute-git-dir", "--git-common-dir", check=False)
    lines = done.stdout.split("\n")
    if done.returncode != 0 or len(lines) < 2:
        return False
    return Path(lines[0]).resolve() != (path / lines[1]).resolve()


def _depth(repo: Path, commit: str, base: str) -> int:
    if not gitrepo.is_ancestor(repo, commit, base):
        raise BadInput(f"{short(commit)} is not in the history of {short(base)}: cannot "
                       "revert it there; nothing changed")
    return int(git(repo, "rev-list", "--count", commit).stdout.strip())


def short(sha: str | None) -> str:
    return sha[:12] if sha else "nothing"
