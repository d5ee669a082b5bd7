"""tests: pytest collects no fewer tests after the batch, and no new collection error.

`pytest --collect-only -q` runs in the sandbox (collection imports the repo's modules) on the
checkpoint tree and on the batch tree, with the Python of `tests_python` (default: the one
running runbook; a virtualenv of the repo's own dependencies is better). Only test modules
that discovery's pytest rules collect (discovery/references/pytests.py, over the checkpoint
tree) and that may import what the batch changed (checks.importers) are collected. A batch that
changes no Python code costs nothing.
"""

from __future__ import annotations

import json
import posixpath
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from runbook_lib.checks import importers
from runbook_lib.checks.behaviour import trees
from runbook_lib.checks.context import BatchContext, Check
from runbook_lib.checks.pytree import checkpoint_lookup
from runbook_lib.discovery.references.pytests import CONFIGS, collected_tests
from runbook_lib.gitops import gitrepo
from runbook_lib.proc import run
from runbook_lib.sandbox import isolate
from runbook_lib.sandbox.cases import Case

TIMEOUT = 300.0
_FRAME = re.compile(r"^(\S+\.py):(\d+): in ")


@dataclass
class Collected:
    counts: dict[str, int] = field(default_factory=dict)  # test file -> tests
    errors: dict[str, str] = field(default_factory=dict)  # test file -> where and why
    problem: str = ""  # pytest itself failed (usage error, crash)


def tests_check(ctx: BatchContext) -> Check:
    python = _python(ctx)
    changed_py = _changed_code(ctx)
    if not changed_py:
        return Check("tests", "skip", "the batch changes no Python code (a usage header leaves "
                     "what a module defines as it was): collection is the same")
    lk = checkpoint_lookup(ctx)
    roots = collected_tests(lk)  # what discovery's pytest rules collect, and from where
    texts = _python_texts(ctx, sorted(lk.index.files))
    reached = importers.importers(set(changed_py), texts)
    chosen = sorted(f for f in roots if f in reached)
    if any(posixpath.basename(p) in CONFIGS for p in changed_py):
        chosen = sorted(roots)
    if not chosen:
        return Check("tests", "pass", "no test module may import what the batch changed")
    info = _interpreter(python)
    if "error" in info:
        return Check("tests", "skip", info["error"])
    box = isolate.find()
    if box is None:
        return Check("tests", "skip", isolate.unavailable_reason())
    with trees(ctx) as (old_tree, new_tree):
        old = _collect(box, old_tree, python, info["prefixes"], chosen, roots)
        new = _collect(box, new_tree, python, info["prefixes"],
                       [f for f in chosen if (new_tree / f).is_file()], roots)
    return verdict(old, new, len(chosen))


def verdict(old: Collected, new: Collected, chosen: int) -> Check:
    if old.problem:
        return Check("tests", "skip", f"pytest could not collect the checkpoint's tests: "
                     f"{old.problem}")
    lost = [f for f in sorted(set(old.counts) | set(old.errors))
            if f not in new.counts and f not in new.errors]
    problems = [f"{f}: test module gone ({old.counts.get(f, 0)} tests)" for f in lost]
    problems += [f"{f}: {n} tests collected before, {new.counts.get(f, 0)} after"
                 for f, n in sorted(old.counts.items())
                 if f not in lost and new.counts.get(f, 0) < n and f not in new.errors]
    problems += [f"{f}: new collection error: {why}" for f, why in sorted(new.errors.items())
                 if f not in old.errors]
    if new.problem:
        problems.append(f"pytest could not collect the batch's tests: {new.problem}")
    details: dict[str, Any] = {"modules": chosen, "tests_before": sum(old.counts.values()),
                               "tests_after": sum(new.counts.values()),
                               "errors_before": sorted(old.errors)}
    if problems:
        return Check("tests", "fail", {**details, "problems": problems})
    if not old.counts and old.errors:
        return Check("tests", "skip", {**details, "reason": "no test module imports in the "
                                       "checkpoint either (the repo's dependencies are not "
                                       "installed for tests_python?): " +
                                       _first(old.errors)})
    return Check("tests", "pass", details)


def _first(errors: dict[str, str]) -> str:
    path = sorted(errors)[0]
    return f"{path}: {errors[path]}"


def _python(ctx: BatchContext) -> str:
    given = str(getattr(ctx.params, "tests_python", "") or "")
    return given or sys.executable


def _interpreter(python: str) -> dict[str, Any]:
    """Its prefixes (shown read-only in the sandbox), or why it cannot collect."""
    code = ("import importlib.util, json, sys; print(json.dumps([sys.prefix, sys.base_prefix, "
            "importlib.util.find_spec('pytest') is not None]))")
    try:
        done = run([python, "-I", "-c", code], check=False, timeout=60, cwd=Path("/"))
        prefix, base, has = json.loads(done.stdout)
    except (OSError, ValueError, TypeError, RuntimeError) as exc:
        return {"error": f"tests_python {python} does not run: {exc}"}
    if not has:
        return {"error": f"pytest is not installed for {python} (set tests_python to an "
                "interpreter that has it, ideally with the repo's dependencies)"}
    return {"prefixes": tuple(sorted({str(Path(prefix).resolve()), str(Path(base).resolve())}))}


def _old(ctx: BatchContext, path: str) -> str | None:
    return gitrepo.show_file(ctx.repo, ctx.old, path)


def _python_texts(ctx: BatchContext, files: list[str]) -> dict[str, str]:
    """Text of every Python file of the batch tree (the checkpoint's for removed ones)."""
    out: dict[str, str] = {}
    for path in files:
        if path.endswith(".py"):
            full = ctx.worktree / path
            text = full.read_text("utf-8", "replace") if full.is_file() else _old(ctx, path)
            out[path] = text or ""
    return out


def _changed_code(ctx: BatchContext) -> list[str]:
    """Python files and pytest configs the batch changes, except those whose only change is
    a quarantine's usage header (it runs at import and defines nothing)."""
    quarantined = {str(a["path"]) for a in ctx.batch["actions"] if a["action"] == "quarantine"}
    return sorted(p for p in ctx.changed if p not in quarantined and (
        p.endswith(".py") or posixpath.basename(p) in CONFIGS))


def _collect(box: isolate.Sandbox, tree: Path, python: str, prefixes: tuple[str, ...],
             chosen: list[str], roots: dict[str, str]) -> Collected:
    found = Collected()
    by_root: dict[str, list[str]] = {}
    for path in chosen:
        by_root.setdefault(roots[path], []).append(path)
    for root, paths in sorted(by_root.items()):
        _collect_root(box, tree, python, prefixes, root, paths, found)
    return found


def _collect_root(box: isolate.Sandbox, tree: Path, python: str, prefixes: tuple[str, ...],
                  root: str, paths: list[str], found: Collected) -> None:
    inside = posixpath.join(isolate.TREE, root) if root else isolate.TREE
    # run from the config's folder, so every path pytest prints is relative to it
    argv = ["/bin/sh", "-c", 'cd "$0" && exec "$@"', inside, python, "-m", "pytest",
            "--collect-only", "-q", "-p", "no:cacheprovider", "-o", "addopts=", "--rootdir",
            inside, *[posixpath.relpath(p, root or ".") for p in paths]]
    case = Case(script="", timeout=TIMEOUT, env={"PYTHONDONTWRITEBYTECODE": "1"})
    result = box.run_argv(tree, argv, case, isolate.Options(observe=False, ro_binds=prefixes))
    if result.exit_code not in (0, 1, 2, 5):
        tail = (result.stderr.strip() or result.stdout.strip()).splitlines()[-3:]
        found.problem = f"exit {result.exit_code}: {' | '.join(tail)}"[:500]
        return
    parse_output(result.stdout, root, found)


def parse_output(stdout: str, root: str, found: Collected) -> None:
    """Items (`path::name`) and errors of `pytest --collect-only -q`; paths made
    repo-relative (pytest prints them relative to its rootdir). An error reads as the last
    frame inside the repo (file:line) and the exception line."""
    def rel(path: str) -> str:
        path = path.removeprefix(isolate.TREE + "/")
        return posixpath.normpath(posixpath.join(root, path)) if root else path

    where: dict[str, str] = {}
    why: dict[str, str] = {}
    section = ""
    for line in stdout.splitlines():
        head = line.split("::", 1)[0]
        frame = _FRAME.match(line)
        if "::" in line and head.endswith(".py") and not line.startswith(" "):
            found.counts[rel(head)] = found.counts.get(rel(head), 0) + 1
        elif line.startswith("_") and "ERROR collecting " in line:
            section = rel(line.split("ERROR collecting ", 1)[1].strip(" _"))
            where[section], why[section] = section, ""
        elif line.startswith("="):
            section = ""
        elif section and frame and not frame[1].startswith("/"):
            where[section] = f"{rel(frame[1])}:{frame[2]}"
        elif section and line.startswith("E ") and not why[section]:
            why[section] = line[1:].strip()
        elif line.startswith("ERROR "):
            path = rel(line[len("ERROR "):].split(" - ", 1)[0].strip())
            where.setdefault(path, path)
            why[path] = why.get(path) or line.partition(" - ")[2]
    for path in where:
        found.errors[path] = f"{where[path]}: {why.get(path) or 'collection error'}"


CHECKS: dict[str, Callable[[BatchContext], Check]] = {"tests": tests_check}
