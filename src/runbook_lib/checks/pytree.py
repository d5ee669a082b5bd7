"""The checkpoint's tree as discovery resolves Python in it: its import roots, packages and
pytest collection, built once per batch for the checks that ask (imports, tests).

The listing is git's (the checkpoint commit); configuration files are read in the batch
worktree, where a batch never changes them (it changes scripts only).
"""

from __future__ import annotations

from runbook_lib.checks.context import BatchContext
from runbook_lib.core import workspace
from runbook_lib.discovery.references.lookup import Lookup
from runbook_lib.discovery.treeindex import tree_lookup
from runbook_lib.gitops import gitrepo


def checkpoint_lookup(ctx: BatchContext) -> Lookup:
    found = ctx.memo.get("checkpoint_lookup")
    if found is None:
        files = [p for p, mode in gitrepo.tree_modes(ctx.repo, ctx.old).items()
                 if mode in gitrepo.REGULAR]
        info = workspace.read_json(ctx.ws / "discovery.json")
        deploy = tuple(str(r) for r in info.get("deploy_roots", []))
        found = ctx.memo["checkpoint_lookup"] = tree_lookup(ctx.worktree, files, deploy)
    assert isinstance(found, Lookup)
    return found


def new_files(ctx: BatchContext) -> frozenset[str]:
    found = ctx.memo.get("new_files")
    if found is None:
        found = ctx.memo["new_files"] = frozenset(gitrepo.tree_modes(ctx.repo, ctx.new))
    assert isinstance(found, frozenset)
    return found
