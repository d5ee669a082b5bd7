"""The scripts discovery found, read once from the repo and normalised once per distinct text."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from runbook_lib.core import workspace
from runbook_lib.core.errors import BadInput
from runbook_lib.core.gcquiet import quiet_gc
from runbook_lib.core.parallel import Progress, map_chunks
from runbook_lib.similarity import cache
from runbook_lib.similarity.normalise import Form, language_group, normalise

REFERENCE_COLUMNS = ("source", "target", "kind", "status", "live")


@dataclass(frozen=True, slots=True)
class Script:
    path: str
    language: str
    group: str  # scripts are compared only inside one group (shell, python, zsh)
    lines: int
    sha256: str
    archived: bool
    backup_of: str
    risks: tuple[str, ...]
    live_callers: int
    callers: int
    content: int  # index into Corpus.forms: one form per distinct (group, sha256)


@dataclass(frozen=True)
class Corpus:
    repo: Path
    scripts: list[Script]  # sorted by path
    forms: list[Form]
    references: pd.DataFrame  # source, target, kind, status, live

    def form(self, script: Script) -> Form:
        return self.forms[script.content]


# Set in the parent before the pool forks, so workers read files without pickling the root.
_ROOT = Path()


def load(ws: Path, workers: int = 0, progress: Progress | None = None,
         use_cache: bool = True) -> Corpus:
    """The scripts of the workspace's inventory with their forms; with `use_cache`, forms of
    texts the last run normalised are read from the workspace cache (and this run's kept)."""
    global _ROOT
    inventory = _read_table(ws / "inventory.csv", "run `runbook discover` first")
    if "path" not in inventory.columns:
        raise BadInput(f"{ws / 'inventory.csv'} has no path column: run `runbook discover` again")
    summary = workspace.read_json(ws / "discovery.json")
    repo = Path(str(summary.get("repo", ""))) if isinstance(summary, dict) else Path()
    if not repo.is_dir():
        raise BadInput(f"the repo discovery read ({repo}) is gone: run `runbook discover` again")
    scripts, jobs, keys = _scripts(inventory)
    _ROOT = repo
    known = cache.load(ws) if use_cache else {}
    todo = [n for n, key in enumerate(keys) if key not in known or key[1].startswith("path:")]
    fresh = map_chunks(_normalise_chunk, [jobs[n] for n in todo], workers, "normalise",
                       progress)
    for n, form in zip(todo, fresh, strict=True):
        known[keys[n]] = _compact(form)
    forms = [known[key] for key in keys]
    if use_cache and (todo or len(known) != len(keys)):
        cache.save(ws, {key: known[key] for key in keys if not key[1].startswith("path:")})
    refs_path = ws / "references.csv"
    refs = _read_table(refs_path, "") if refs_path.exists() else pd.DataFrame()
    return Corpus(repo, scripts, forms, _references(refs))


def _read_table(path: Path, hint: str) -> pd.DataFrame:
    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False)
    except FileNotFoundError as exc:
        raise BadInput(f"{path.name} is missing from the workspace: {hint}") from exc
    except (OSError, ValueError) as exc:
        raise BadInput(f"cannot read {path}: {exc}".splitlines()[0]) from exc


def _scripts(inv: pd.DataFrame) -> tuple[list[Script], list[tuple[str, str]],
                                         list[tuple[str, str]]]:
    """Rows as Scripts, sorted by path; jobs = (path, language) of the first of each text,
    keys = its (group, sha256)."""
    names = [str(c) for c in inv.columns]
    rows = [dict(zip(names, values, strict=True))
            for values in zip(*workspace.lists(inv), strict=True)]
    rows.sort(key=lambda r: str(r["path"]))
    contents: dict[tuple[str, str], int] = {}
    jobs: list[tuple[str, str]] = []
    scripts: list[Script] = []
    for r in rows:
        language = str(r.get("language", "")).strip().lower()
        group = language_group(language)
        sha = str(r.get("sha256", "")) or "path:" + str(r["path"])
        key = (group, sha)
        if key not in contents:
            contents[key] = len(jobs)
            jobs.append((str(r["path"]), language))
        scripts.append(Script(
            path=str(r["path"]), language=language, group=group,
            lines=_int(r.get("lines")), sha256=sha, archived=_bool(r.get("archived")),
            backup_of=str(r.get("backup_of", "")),
            risks=tuple(f for f in str(r.get("risks", "")).split(";") if f),
            live_callers=_int(r.get("live_callers")), callers=_int(r.get("callers")),
            content=contents[key],
        ))
    return scripts, jobs, list(contents)


def _normalise_chunk(jobs: Sequence[tuple[str, str]]) -> list[Form]:
    with quiet_gc():
        return [normalise(read_text(_ROOT, path), language, path) for path, language in jobs]


def _compact(form: Form) -> Form:
    """Forms come back from worker processes with their own copies of every string."""
    form.commands = tuple(sys.intern(c) for c in form.commands)
    form.functions = tuple((sys.intern(n), a, b, h) for n, a, b, h in form.functions)
    return form


def read_text(repo: Path, path: str) -> str:
    """The script's text; "" when it vanished since discovery (it is then alike nothing)."""
    try:
        return (repo / path).read_bytes().decode("utf-8", errors="replace")
    except OSError:
        return ""


def _references(refs: pd.DataFrame) -> pd.DataFrame:
    for col in REFERENCE_COLUMNS:
        if col not in refs.columns:
            refs[col] = pd.Series(dtype=str)
    out = refs.loc[:, list(REFERENCE_COLUMNS)].copy()
    out["live"] = out["live"].map(_bool)
    return out


def _int(value: object) -> int:
    try:
        return int(float(str(value)))
    except ValueError:
        return 0


def _bool(value: object) -> bool:
    return str(value).strip().lower() in ("true", "1", "yes")
