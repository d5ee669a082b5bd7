"""Checks that prove behaviour is kept: old and new run on the declared cases, in the sandbox.

- behaviour: every case of every script the batch touches runs against the checkpoint tree
  (old) and the batch tree (new) in identical sandboxes; exit code, stdout, stderr, file
  effects and findings must agree. A difference that disappears when the canonical's path is
  read as the shim's path is a `location` difference: shown, and it does not fail the batch.
- coverage: lines of the batch's scripts (and their canonicals) that the cases ran.
- performance: old against new, interleaved, median of `perf_runs` runs each.
"""

from __future__ import annotations

import contextlib
import difflib
import posixpath
import statistics
import tempfile
from collections.abc import Collection, Iterator
from pathlib import Path
from typing import Any

from runbook_lib.checks.context import BatchContext, Check, CheckFn, touched_paths
from runbook_lib.core import workspace
from runbook_lib.core.errors import BadInput
from runbook_lib.discovery import classify
from runbook_lib.gitops import gitrepo
from runbook_lib.sandbox import coverage_shell, isolate
from runbook_lib.sandbox.cases import Case, for_scripts, load_cases, probe_case

CLIP = 2000  # characters of each output kept in validation.json


def select_cases(ctx: BatchContext) -> list[Case]:
    """Declared cases of the scripts the batch touches; with `probe`, one bare run of the rest."""
    touched = set(touched_paths(ctx.batch))
    chosen = for_scripts(load_cases(ctx.repo / ctx.params.cases), touched)
    if ctx.params.probe:
        declared = {c.script for c in chosen}
        chosen += [probe_case(p, float(ctx.params.probe_timeout)) for p in sorted(touched)
                   if p not in declared and _is_script(ctx.repo, ctx.old, p)]
    return chosen


def _is_script(repo: Path, commit: str, path: str) -> bool:
    text = gitrepo.show_file(repo, commit, path)
    first = (text or "").split("\n", 1)[0]
    return text is not None and classify.script_language(path, first) is not None


@contextlib.contextmanager
def trees(ctx: BatchContext) -> Iterator[tuple[Path, Path]]:
    """The checkpoint and batch trees as plain folders (git archive: the repo is only read)."""
    with tempfile.TemporaryDirectory(prefix="runbook-trees-") as tmp:
        pair = Path(tmp) / "old", Path(tmp) / "new"
        for folder, commit in zip(pair, (ctx.old, ctx.new), strict=True):
            gitrepo.export_tree(ctx.repo, commit, folder)
        yield pair


def paired_runs(ctx: BatchContext, box: isolate.Sandbox,
                cases: list[Case]) -> list[dict[str, Any]]:
    """Old and new result of every selected case, traced; kept in the batch folder for reuse."""
    saved = _runs_file(ctx)
    if saved.exists():
        data = workspace.read_json(saved)
        if data.get("old") == ctx.old and data.get("new") == ctx.new:
            return list(data["runs"])
    runs: list[dict[str, Any]] = []
    with trees(ctx) as (old, new):
        for case in cases:
            options = isolate.Options(trace=True, strict=case.probe)
            runs.append({"case": case.as_dict(), "expect_exit": case.expect_exit,
                         "old": _plain(box.run(old, case, options)),
                         "new": _plain(box.run(new, case, options))})
    saved.parent.mkdir(parents=True, exist_ok=True)
    workspace.write_json(saved, {"old": ctx.old, "new": ctx.new, "runs": runs})
    return runs


def _runs_file(ctx: BatchContext) -> Path:
    return ctx.ws / "batches" / f"{int(ctx.batch['batch']):03d}" / "behaviour-runs.json"


def _plain(result: isolate.RunResult) -> dict[str, Any]:
    return {"exit_code": result.exit_code, "stdout": result.stdout, "stderr": result.stderr,
            "seconds": result.seconds, "timed_out": result.timed_out,
            "effects": result.effects, "findings": result.findings,
            "lines": {p: sorted(n) for p, n in result.lines.items()}}


def renames(batch: dict[str, Any], script: str) -> list[tuple[str, str]]:
    """(canonical, shim) pairs, the case's own script first: how a path may read after shimming."""
    pairs = [(str(a["canonical"]), str(a["path"])) for a in batch["actions"]
             if a["action"] == "shim"]
    pairs.sort(key=lambda pair: pair[1] != script)
    return pairs


def relocate(text: str, pairs: list[tuple[str, str]]) -> str:
    """`text` with every form of a canonical's path written as its shim's path."""
    for canonical, shim in pairs:
        # the exec shim names the canonical relative to its own folder: two/../one/x.sh
        folder = posixpath.dirname(shim) or "."
        via = posixpath.join(isolate.TREE, folder, posixpath.relpath(canonical, folder))
        for old, new in ((via, f"{isolate.TREE}/{shim}"),
                         (f"{isolate.TREE}/{canonical}", f"{isolate.TREE}/{shim}"),
                         (canonical, shim),
                         (posixpath.basename(canonical), posixpath.basename(shim))):
            text = text.replace(old, new)
    return text


def usage_logs(batch: dict[str, Any]) -> set[str]:
    """The usage log files the batch's shims and quarantines append to (planning.usagelog):
    a new attempt to write there is the usage record, not a behaviour of the script."""
    return {str(a["usage"]["log"]) for a in batch["actions"]
            if isinstance(a.get("usage"), dict) and a["usage"].get("log")}


def compare(pair: dict[str, Any], pairs: list[tuple[str, str]],
            logs: Collection[str] = ()) -> list[dict[str, Any]]:
    """Every difference between the old and new run of one case, with its kind."""
    old, new = pair["old"], pair["new"]
    diffs = [_expect(pair, side) for side in ("old", "new")
             if pair["expect_exit"] is not None and pair[side]["exit_code"] != pair["expect_exit"]]
    for key in ("exit_code", "stdout", "stderr"):
        if old[key] != new[key]:
            moved = isinstance(old[key], str) and relocate(new[key], pairs) == old[key]
            diffs.append({"what": key, "kind": "location" if moved else "behaviour",
                          "diff": _diff(str(old[key]), str(new[key]))})
    if old["effects"] != new["effects"]:  # a file written elsewhere is not found by its readers
        keys = sorted(k for k in old["effects"].keys() | new["effects"].keys()
                      if old["effects"].get(k) != new["effects"].get(k))
        diffs.append({"what": "files", "kind": "behaviour",
                      "diff": [f"{k}: {old['effects'].get(k, '-')} -> "
                               f"{new['effects'].get(k, '-')}" for k in keys]})
    if _attempts(old["findings"], logs) != _attempts(new["findings"], logs):
        diffs.append({"what": "findings", "kind": "behaviour",
                      "diff": _diff("\n".join(old["findings"]), "\n".join(new["findings"]))})
    return diffs


def _expect(pair: dict[str, Any], side: str) -> dict[str, Any]:
    return {"what": "expect_exit", "kind": "behaviour",
            "diff": [f"{side}: exit {pair[side]['exit_code']}, the case expects "
                     f"{pair['expect_exit']}"]}


def _attempts(found: list[str], logs: Collection[str]) -> set[str]:
    kept = set()
    for finding in found:
        if any(f" {log} (" in finding or finding == f"wrote in /tmp: {log.removeprefix('/tmp/')}"
               for log in logs):
            continue  # the usage record of a shim or quarantined script
        # names of files in /tmp are often random (mktemp): compare that /tmp was used
        kept.add("wrote in /tmp" if finding.startswith("wrote in /tmp:") else finding)
    return kept


def _diff(old: str, new: str) -> list[str]:
    lines = list(difflib.unified_diff(old.splitlines(), new.splitlines(), "old", "new",
                                      lineterm="", n=1))
    return [line[:300] for line in lines[:40]]


def behaviour(ctx: BatchContext) -> Check:
    box, status, reason, cases = _prepared(ctx)
    if box is None:
        return Check("behaviour", status, reason)
    runs = paired_runs(ctx, box, cases)
    results = [_case_result(ctx, pair) for pair in runs]
    failed = [r["case"] for r in results if r["status"] == "different"]
    moved = [r["case"] for r in results if r["status"] == "location"]
    return Check("behaviour", "fail" if failed else "pass", {
        "sandbox": f"{box.kind}{'+strace' if box.strace else ''}", "cases": len(runs),
        "runs": 2 * len(runs), "different": failed, "location": moved, "results": results})


def _case_result(ctx: BatchContext, pair: dict[str, Any]) -> dict[str, Any]:
    case = pair["case"]
    diffs = compare(pair, renames(ctx.batch, case["script"]), usage_logs(ctx.batch))
    kinds = {d["kind"] for d in diffs}
    status = "different" if "behaviour" in kinds else "location" if kinds else "same"
    return {"case": case["name"], "script": case["script"], "probe": case["probe"],
            "status": status, "exit": [pair["old"]["exit_code"], pair["new"]["exit_code"]],
            "seconds": [pair["old"]["seconds"], pair["new"]["seconds"]],
            "findings": pair["new"]["findings"], "differences": diffs,
            "stdout": [pair["old"]["stdout"][:CLIP], pair["new"]["stdout"][:CLIP]],
            "stderr": [pair["old"]["stderr"][:CLIP], pair["new"]["stderr"][:CLIP]]}


def _prepared(ctx: BatchContext) -> tuple[isolate.Sandbox | None, str, str, list[Case]]:
    """The sandbox and the cases, or why not: "fail" for a bad cases file, "skip" when there
    is no case (no sandbox is even looked for, no tree is copied) or no sandbox."""
    try:
        cases = select_cases(ctx)  # a bad cases file is reported by every check that needs it
    except BadInput as exc:
        return None, "fail", str(exc), []
    if not cases:
        return None, "skip", (f"no declared cases in {ctx.params.cases} for the batch's "
                              "scripts (and probe is off): behaviour not compared"), []
    box = isolate.find()
    return box, "skip", "" if box else isolate.unavailable_reason(), cases


def coverage(ctx: BatchContext) -> Check:
    box, status, reason, cases = _prepared(ctx)
    minimum = _minimum(float(ctx.params.min_coverage))
    if box is None:
        return Check("coverage", "fail" if minimum else status, reason)
    runs = paired_runs(ctx, box, cases)
    ran: dict[str, set[int]] = {}
    for pair in runs:
        for path, numbers in pair["new"]["lines"].items():
            ran.setdefault(path, set()).update(numbers)
    rows = [_file_coverage(ctx.worktree, path, ran.get(path, set())) for path in _targets(ctx)]
    measured = [r for r in rows if r["statements"]]
    done, total = sum(r["run"] for r in measured), sum(r["statements"] for r in measured)
    share = round(done / total, 4) if total else 0.0
    ok = not minimum or (total > 0 and share >= minimum)
    return Check("coverage", "pass" if ok else "fail", {
        "batch": share, "statements": total, "run": done, "minimum": minimum,
        "cases": len(runs), "scripts": rows})


def _minimum(value: float) -> float:
    return value / 100 if value > 1 else value  # 95 and 0.95 both mean 95 %


def _targets(ctx: BatchContext) -> list[str]:
    paths = set(touched_paths(ctx.batch)) | {str(a["canonical"]) for a in ctx.batch["actions"]
                                             if a.get("canonical")}
    return sorted(p for p in paths if (ctx.worktree / p).is_file())


def _file_coverage(tree: Path, path: str, ran: set[int]) -> dict[str, Any]:
    text = (tree / path).read_text("utf-8", "replace")
    language = classify.script_language(path, text.split("\n", 1)[0])
    groups = coverage_shell.executable_lines(text, language)
    done, total = coverage_shell.share(groups, ran) if groups is not None else (0, 0)
    return {"script": path, "language": language or "", "measured": groups is not None,
            "statements": total, "run": done, "coverage": round(done / total, 4) if total
            else None}


def performance(ctx: BatchContext) -> Check:
    box, status, reason, cases = _prepared(ctx)
    if box is None:
        return Check("performance", status, reason)
    chosen = [c for c in cases if not c.probe]
    if not chosen:
        return Check("performance", "skip", "no declared cases for the batch's scripts")
    with trees(ctx) as (old, new):
        rows = _perf_rows(box, old, new, chosen, ctx.params)
        first = {r["script"] for r in rows if r["status"] == "slower"}
        if first:  # a slowdown must show again in a second, independent round to count
            again = _perf_rows(box, old, new, [c for c in chosen if c.script in first],
                               ctx.params)
            confirmed = {r["script"] for r in again if r["status"] == "slower"}
            for row in rows:
                if row["script"] in first and row["script"] not in confirmed:
                    row["status"] = "ok"
                    row["note"] = "slower in the first round only: noise"
    slower = [r["script"] for r in rows if r["status"] == "slower"]
    return Check("performance", "fail" if slower else "pass", {
        "runs": int(ctx.params.perf_runs), "threshold": ctx.params.perf_threshold,
        "min_seconds": ctx.params.perf_min_seconds, "slower": slower, "scripts": rows})


def _perf_rows(box: isolate.Sandbox, old: Path, new: Path, cases: list[Case],
               params: Any) -> list[dict[str, Any]]:
    times: dict[str, tuple[float, float]] = {}
    for case in cases:
        a, b = _timed(box, old, new, case, int(params.perf_runs))
        before = times.get(case.script, (0.0, 0.0))
        times[case.script] = (before[0] + a, before[1] + b)
    return [_perf_row(script, a, b, params) for script, (a, b) in sorted(times.items())]


def _timed(box: isolate.Sandbox, old: Path, new: Path, case: Case, runs: int
           ) -> tuple[float, float]:
    """Median wall seconds of old and new; rounds alternate which side goes first."""
    seconds: dict[Path, list[float]] = {old: [], new: []}
    quiet = isolate.Options(observe=False)
    for index in range(max(runs, 1)):
        for tree in (old, new) if index % 2 == 0 else (new, old):
            seconds[tree].append(box.run(tree, case, quiet).seconds)
    return statistics.median(seconds[old]), statistics.median(seconds[new])


def _perf_row(script: str, old: float, new: float, params: Any) -> dict[str, Any]:
    too_slow = (new > old * (1 + float(params.perf_threshold))
                and new - old > float(params.perf_min_seconds))
    return {"script": script, "old_s": round(old, 4), "new_s": round(new, 4),
            "ratio": round(new / old, 3) if old else None,
            "status": "slower" if too_slow else "ok"}


CHECKS: dict[str, CheckFn] = {"behaviour": behaviour, "coverage": coverage,
                              "performance": performance}
