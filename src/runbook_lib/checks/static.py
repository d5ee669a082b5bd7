"""Static validation of a batch in its worktree: syntax, shellcheck, references, the change set."""

from __future__ import annotations

import csv
import posixpath
import tempfile
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from runbook_lib.checks.context import BatchContext, Check, CheckFn, touched_paths
from runbook_lib.core import workspace
from runbook_lib.discovery import classify
from runbook_lib.gitops import gitrepo
from runbook_lib.proc import run, shellcheck

if TYPE_CHECKING:
    from runbook_lib.discovery.rescan import Tree


def changed_set(ctx: BatchContext) -> Check:
    declared = set(touched_paths(ctx.batch))
    actual = set(ctx.changed)
    extra, missing = sorted(actual - declared), sorted(declared - actual)
    ok = not extra and not missing
    return Check("changed_set", "pass" if ok else "fail",
                 {"declared": len(declared), "extra": extra, "missing": missing})


def modes_kept(ctx: BatchContext) -> Check:
    old, new = gitrepo.tree_modes(ctx.repo, ctx.old), gitrepo.tree_modes(ctx.repo, ctx.new)
    changed = [f"{p}: {old[p]} -> {new[p]}" for p in ctx.changed
               if p in old and p in new and old[p] != new[p]]
    return Check("modes", "fail" if changed else "pass", changed)


def syntax(ctx: BatchContext) -> Check:
    problems: list[str] = []
    for path in _present(ctx):
        text = (ctx.worktree / path).read_text(encoding="utf-8", errors="replace")
        language = classify.script_language(path, text.split("\n", 1)[0])
        problem = _syntax_problem(ctx.worktree / path, text, language)
        if problem and not _failed_before(ctx, path, language):
            problems.append(f"{path}: {problem}")
    return Check("syntax", "fail" if problems else "pass", problems)


def _failed_before(ctx: BatchContext, path: str, language: str | None) -> bool:
    """The checkpoint's file did not parse either (a Terraform file behind a stray shebang):
    the batch did not break it."""
    old = gitrepo.show_file(ctx.repo, ctx.old, path)
    if old is None:
        return False
    with tempfile.TemporaryDirectory(prefix="runbook-syntax-") as tmp:
        full = Path(tmp) / posixpath.basename(path)
        full.write_text(old, encoding="utf-8")
        return bool(_syntax_problem(full, old, language))


def _syntax_problem(full: Path, text: str, language: str | None) -> str:
    if language == "python":
        try:
            compile(text, str(full), "exec")
        except SyntaxError as exc:
            return f"line {exc.lineno}: {exc.msg}"
        return ""
    if language is None:
        return ""
    shell = "bash" if language in ("bash", "ksh", "zsh") else "sh"
    done = run([shell, "-n", str(full)], check=False)
    return done.stderr.strip().splitlines()[0] if done.returncode else ""


def _present(ctx: BatchContext) -> list[str]:
    return sorted(p for p, status in ctx.changed.items() if status != "D")


def shellcheck_new(ctx: BatchContext) -> Check:
    if not shellcheck.available():
        return Check("shellcheck", "skip", "shellcheck is not installed")
    new_findings: dict[str, list[str]] = {}
    for path in _present(ctx):
        new_text = (ctx.worktree / path).read_text(encoding="utf-8", errors="replace")
        if classify.script_language(path, new_text.split("\n", 1)[0]) in (None, "python"):
            continue
        old_text = gitrepo.show_file(ctx.repo, ctx.old, path) or ""
        added = Counter(shellcheck.codes(new_text)) - Counter(shellcheck.codes(old_text))
        if added:
            new_findings[path] = sorted(added)
    return Check("shellcheck", "fail" if new_findings else "pass", new_findings)


def _show(repo: Path, commit: str, path: str) -> str:
    return gitrepo.show_file(repo, commit, path) or ""


def shim_targets(ctx: BatchContext) -> Check:
    problems: list[str] = []
    for action in ctx.batch["actions"]:
        if action["action"] != "shim":
            continue
        target = ctx.worktree / action["canonical"]
        if not target.is_file():
            problems.append(f"{action['path']}: target {action['canonical']} is missing")
        elif action["style"] == "exec" and not target.stat().st_mode & 0o111:
            problems.append(f"{action['path']}: target {action['canonical']} is not executable")
    return Check("shim_targets", "fail" if problems else "pass", problems)


def references(ctx: BatchContext) -> Check:
    """Discovery again in the worktree, for the files the batch changed and the callers of
    what it touched: no live reference may become unresolved, and every live caller line the
    batch did not change must still reach the script it reached before (a retired script's
    caller must not quietly find a namesake elsewhere)."""
    import pandas as pd

    from runbook_lib.discovery.rescan import rescan

    info = workspace.read_json(ctx.ws / "discovery.json")
    baseline = pd.read_csv(ctx.baseline, keep_default_na=False)
    old = _unresolved_live_frame(baseline)
    touched = set(touched_paths(ctx.batch)) | {str(a["canonical"]) for a in ctx.batch["actions"]
                                               if a.get("canonical")}
    new_refs = rescan(_tree(ctx), baseline, ctx.changed, touched,
                      list(info.get("deploy_roots", [])), int(info.get("max_bytes", 1_000_000)),
                      _text_before(ctx, info))
    new_refs.to_csv(ctx.ws / "batches" / f"{ctx.batch['batch']:03d}" / "references.csv",
                    index=False)
    new = _unresolved_live_frame(new_refs)
    broken = [f"{src}: {target} no longer resolves" for src, target in
              sorted((new - old).elements())]
    moved = _live_calls(baseline, set(ctx.changed)) - _live_calls(new_refs, set())
    broken += [f"{src}:{line}: no longer reaches {target}" for src, line, target in
               sorted(moved)]
    return Check("references", "fail" if broken else "pass", broken)


def _text_before(ctx: BatchContext, info: dict[str, Any]) -> Callable[[str], str | None]:
    """A changed file's text in the commit the baseline's line numbers belong to (discovery's,
    or the promoted batch's), for rescan to carry the rows of the lines the batch left as they
    were. None for a file the batch replaced whole (a shim, a merged script): a line it kept
    word for word may mean something else now (a variable or a `cd` above it changed), so
    all its lines are scanned afresh."""
    whole = {str(a["path"]) for a in ctx.batch["actions"] if a["action"] in ("shim", "merge")}
    done = ctx.baseline.parent / "validation.json"
    if done.exists():
        commit = str(workspace.read_json(done).get("commit") or "")
    else:
        commit = str(info.get("commit") or "")
    commit = commit or ctx.old

    def before(path: str) -> str | None:
        return None if path in whole else gitrepo.show_file(ctx.repo, commit, path)

    return before


def _tree(ctx: BatchContext) -> Tree:
    from runbook_lib.discovery.rescan import Tree

    modes = gitrepo.tree_modes(ctx.repo, ctx.new)
    inventory = ctx.ws / "inventory.csv"
    with open(inventory, encoding="utf-8", newline="") as fh:
        scripts = frozenset(row["path"] for row in csv.DictReader(fh))
    return Tree(ctx.worktree, frozenset(p for p, m in modes.items() if m in gitrepo.REGULAR),
                frozenset(p for p, m in modes.items() if m == gitrepo.SYMLINK), scripts)


def _live_calls(frame: Any, skip: set[str]) -> set[tuple[str, int, str]]:
    """(source, line, target) of live resolved references, sources in `skip` left out."""
    live = frame["live"].astype(str).str.lower() == "true"
    rows = frame[live & (frame["status"] == "resolved") & (frame["kind"] != "container")]
    return {(str(s), int(n), str(t)) for s, n, t in
            zip(rows["source"], rows["line"], rows["target"], strict=True) if s not in skip}


def _unresolved_live_frame(frame: Any) -> Counter[tuple[str, str]]:
    live = frame["live"].astype(str).str.lower() == "true"
    rows = frame[live & (frame["status"] != "resolved")]
    return Counter(zip(rows["source"], rows["target"], strict=True))


STATIC_CHECKS: dict[str, CheckFn] = {
    "changed_set": changed_set, "modes": modes_kept, "syntax": syntax,
    "shellcheck": shellcheck_new, "shim_targets": shim_targets, "references": references,
}
