"""Discovery's resolution tables for a tree that someone else lists: a batch's checkpoint or
its worktree, as git lists them. Checks use them to ask discovery's own questions (does this
import resolve? which tests does pytest collect?) of the trees before and after a batch.

Every file with a script extension counts as a script here: probing each file's first bytes,
as discovery does, costs more than a batch may spend, and only Python modules matter to
imports and tests.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from runbook_lib.discovery import classify
from runbook_lib.discovery.references import RepoIndex, prepare
from runbook_lib.discovery.references.lookup import Lookup, lookup_for
from runbook_lib.discovery.references.model import SCRIPT_EXTENSIONS


def tree_lookup(root: Path, files: Iterable[str], deploy_roots: Sequence[str] = ()) -> Lookup:
    """Lookups for the files listed (repo paths), with configuration read under `root`."""
    listed = set(files)
    scripts = {f for f in listed if f.endswith(SCRIPT_EXTENSIONS)}
    archived = {f for f in listed if classify.is_archived(f)}
    index = RepoIndex.build(scripts, listed, {}, archived, tuple(deploy_roots))
    prepare(index, root)
    return lookup_for(index)
