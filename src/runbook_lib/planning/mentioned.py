"""A shim, quarantine or retire waits for a person when a runnable file names the script on a
line that discovery did not read as a call.

Discovery's rules miss callers that real repositories have: a command kept in a variable and
run later (`ping_cmd="$TOP_DIR/tools/ping_neutron.sh $net"`), a command string handed to a
function (`run_process dstat "$TOP_DIR/tools/dstat.sh $LOGDIR"`), a script run in a container
through a bind mount (`docker run -v $PWD:/w img /w/packagejar.sh`), an `echo` that tells the
user to run it. The batch's `mentions` check catches such a line only when the file is
removed; a shim breaks the container run and a quarantine leads to a retire that the check
then rolls back. So the plan searches every path it would act on, and every file name of
them, in the tracked runnable files at HEAD (the batch check's rules: not docs, not data, not
a comment, not a line discovery read as a reference to a file of that name), and lets a person
decide on each one named.
"""

from __future__ import annotations

import posixpath
import re
from collections import Counter
from pathlib import Path

from runbook_lib.checks import mentions
from runbook_lib.gitops import gitrepo
from runbook_lib.planning.groups import Group, Waiting

ACTED = frozenset({"shim", "quarantine", "retire"})


def hold_mentioned(repo: Path, ws: Path, groups: list[Group], cases: str,
                   scripts: list[str]) -> tuple[list[Group], list[Waiting]]:
    """The groups without the actions on mentioned scripts, and why each of those waits.
    The declared cases file (`cases`) names scripts to run them in the sandbox: no mention."""
    paths = sorted({str(a["path"]) for g in groups for a in g.actions
                    if a["action"] in ACTED})
    if not paths:
        return groups, []
    names = mentions.patterns(paths, [], every_name=True)
    found = mentions.unexplained(repo, "HEAD", names, ws / "references.csv",
                                 list(gitrepo.tree_modes(repo, "HEAD")))
    # (a retired shim's docs are rewritten to name its canonical)
    retired = [str(a["path"]) for g in groups for a in g.actions
               if a["action"] == "retire" and not a.get("canonical")]
    for path, hits in _named_anywhere(repo, retired, scripts).items():
        found[path] = hits + found.get(path, [])
    found = {p: [h for h in hits if h[0] != cases] for p, hits in found.items()}
    shimmed = {str(a["path"]) for g in groups for a in g.actions if a["action"] == "shim"}
    found = {p: h for p, h in ((p, _for(p in shimmed, h)) for p, h in found.items()) if h}
    if not found:
        return groups, []
    waiting = [_waiting(path, hits) for path, hits in sorted(found.items())]
    kept = []
    for group in groups:
        held = [a for a in group.actions if a["action"] in ACTED and a["path"] in found]
        if held:
            _drop(group, held)
        if group.actions:
            kept.append(group)
    return kept, waiting


def _named_anywhere(repo: Path, paths: list[str], scripts: list[str]
                    ) -> dict[str, list[mentions.Hit]]:
    """Before a file is deleted, its path named in any other tracked text file counts, docs
    and data too (a status page: `<pre>./helper-scripts/backup_and_restore.sh backup
    all</pre>`); so does its file name anywhere in its own folder, comments too (`# This
    is scripted in build.sh: $ bash build.sh` in the Dockerfile beside it), and the path of
    its folder when it is that folder's only script (`[Setup_Replication](S3/Setup_Replication/)`
    in a README's list of tools)."""
    folders = Counter(posixpath.dirname(p) for p in scripts)
    alone = {p: posixpath.dirname(p) for p in paths
             if posixpath.dirname(p) and folders[posixpath.dirname(p)] == 1}
    words = sorted({w for p in paths for w in (p, posixpath.basename(p))} | set(alone.values()))
    found: dict[str, list[mentions.Hit]] = {}
    for start in range(0, len(words), mentions.MAX_PATTERNS):
        for hit in gitrepo.grep_fixed(repo, "HEAD", words[start:start + mentions.MAX_PATTERNS]):
            for path in paths:
                if hit[0] != path and (path in hit[2] or _beside(hit, path) or
                                       _names_folder(hit, alone.get(path))):
                    found.setdefault(path, []).append(hit)
    return found


def _names_folder(hit: mentions.Hit, folder: str | None) -> bool:
    return folder is not None and not hit[0].startswith(folder + "/") and re.search(
        r"(?<![\w-])" + re.escape(folder) + r"(?:/|\)|\s|$)", hit[2]) is not None


def _beside(hit: mentions.Hit, path: str) -> bool:
    folder = posixpath.dirname(path)
    return bool(folder) and hit[0].startswith(folder + "/") and \
        posixpath.basename(path) in hit[2]


def _for(shim: bool, hits: list[mentions.Hit]) -> list[mentions.Hit]:
    """A shim keeps the path working where the checkout is, so text a line only prints
    (`echo "see x.sh"`) cannot break it; for a quarantine such a line may tell a person to
    run the script, and it stays."""
    return [h for h in hits if not shim or h[2].split(maxsplit=1)[:1] not in (["echo"],
                                                                             ["printf"])]


def _waiting(path: str, hits: list[mentions.Hit]) -> Waiting:
    # a line naming it through a folder (`$TOP_DIR/tools/x.sh`) tells a person most
    where, line, text = sorted(hits, key=lambda h: "/" + posixpath.basename(path) not in h[2])[0]
    more = f" (and {len(hits) - 1} more)" if len(hits) > 1 else ""
    return Waiting(path, [path], f"{where}:{line} names it on a line discovery did not read "
                   f"as a call ({text.strip()[:120]}){more}: a person decides")


def _drop(group: Group, held: list[dict[str, object]]) -> None:
    for action in held:
        group.actions.remove(action)
        if action["action"] == "quarantine":
            group.observed -= 1
        else:
            group.scripts -= 1
