"""imports: every Python import of the repository that resolved before the batch still resolves
after it.

Not read from references.csv: the import statements of the checkpoint's Python files are
parsed again (`ast`, by discovery's Python scanner) and resolved through the import roots of
the checkpoint tree (discovery's resolution: project files, src/ layouts, PYTHONPATH and
container WORKDIRs, the importer's own package). A statement that reached a module the batch
removes fails the batch, naming the importing file and the statement's line in the new tree.
A statement the batch itself removed (a caller rewritten, a module shimmed) is not an import
any more.

Only files that may name a removed module are parsed (its module name appears in their
text), so a batch costs one listing and a read of the Python files, not a discovery.
"""

from __future__ import annotations

import csv
import posixpath
import re
from collections.abc import Callable
from pathlib import Path

from runbook_lib.checks.context import BatchContext, Check
from runbook_lib.checks.pytree import checkpoint_lookup, new_files
from runbook_lib.discovery.references import scan_file
from runbook_lib.discovery.references.lookup import Lookup
from runbook_lib.gitops import gitrepo


def imports_check(ctx: BatchContext) -> Check:
    gone = {p for p, status in ctx.changed.items() if status == "D" and p.endswith(".py")}
    if not gone:
        return Check("imports", "pass", "the batch removes no Python module")
    names = re.compile("|".join(sorted(re.escape(module_name(p)) for p in gone)))
    lk = checkpoint_lookup(ctx)
    problems: list[str] = []
    parsed = 0
    for path in python_files(ctx):
        text = _read(ctx.worktree / path)
        if text is None or not names.search(text):
            continue  # a file that does not even hold the name cannot import the module
        old = text if path not in ctx.changed else gitrepo.show_file(ctx.repo, ctx.old, path)
        parsed += 1
        problems += broken(path, old or "", text, lk, gone)
    if problems:
        return Check("imports", "fail", problems)
    return Check("imports", "pass", {"removed_modules": sorted(gone), "files_parsed": parsed})


def module_name(path: str) -> str:
    """The last part of the dotted name a file is imported by (a package's for __init__.py)."""
    stem = posixpath.basename(path).removesuffix(".py")
    return posixpath.basename(posixpath.dirname(path)) if stem == "__init__" else stem


def python_files(ctx: BatchContext) -> list[str]:
    """Python files of the new tree: *.py, and the scripts discovery found to be Python
    (extensionless ones with a python shebang)."""
    present = new_files(ctx)
    found = {p for p in present if p.endswith(".py")}
    inventory = ctx.ws / "inventory.csv"
    if inventory.exists():
        with open(inventory, encoding="utf-8", newline="") as fh:
            found |= {r["path"] for r in csv.DictReader(fh)
                      if r["language"] == "python" and r["path"] in present}
    return sorted(found)


def broken(path: str, old: str, new: str, lk: Lookup, gone: set[str]) -> list[str]:
    """`path`'s import statements (as the checkpoint had them) that reached a removed module
    and are still in its new text: `file:line: statement imports X (removed)`."""
    assert lk.root is not None
    targets: dict[int, set[str]] = {}
    for ref in scan_file(path, old, "python", lk.index, lk.root, False):
        if ref.kind == "import" and ref.resolved:
            targets.setdefault(ref.line, set()).add(ref.target)
    old_lines, new_lines = old.split("\n"), new.split("\n")
    out = []
    for line, reached in sorted(targets.items()):
        lost = sorted(reached & gone)
        statement = old_lines[line - 1].strip() if line <= len(old_lines) else ""
        where = line if old == new else _line_in(new_lines, statement,
                                                 line + len(new_lines) - len(old_lines))
        if lost and where:
            out.append(f"{path}:{where}: `{statement[:200]}` imports {', '.join(lost)} "
                       "(removed by the batch)")
    return out


def _line_in(lines: list[str], statement: str, near: int) -> int:
    """The line (1-based) of the new text holding `statement`, nearest to `near`; 0 if none."""
    found = [i + 1 for i, line in enumerate(lines) if line.strip() == statement]
    return min(found, key=lambda i: abs(i - near)) if found and statement else 0


def _read(path: Path) -> str | None:
    try:
        return path.read_text("utf-8", "replace")
    except OSError:
        return None


CHECKS: dict[str, Callable[[BatchContext], Check]] = {"imports": imports_check}
