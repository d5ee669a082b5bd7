"""Container checks of a batch: old against new in throw-away copies, and the monitor window.

The copies get the repo trees as `git archive` of the checkpoint and of the batch commit, each
in its own temporary folder, so whatever a command writes lands in a throw-away tree (never in
the repo, never in the batch worktree). They get only the mounts that map the repo (live data
volumes are never handed to a copy), no published ports, and no network unless the original
carries the label runbook.network=needed.
"""

from __future__ import annotations

import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from runbook_lib.checks.compose import compose_targets
from runbook_lib.checks.context import BatchContext, Check, touched_paths
from runbook_lib.containers import sdk
from runbook_lib.core.errors import RunbookError
from runbook_lib.discovery.references.containers import (
    FIELDS,
    Target,
    command_lines,
    healthcheck_argv,
    hits,
    reaches,
    running_target,
)
from runbook_lib.discovery.references.lookup import Lookup, build_lookup
from runbook_lib.discovery.references.model import RESOLVED, SCRIPT_EXTENSIONS, RepoIndex
from runbook_lib.gitops import gitrepo

COMMAND_TIMEOUT = 10.0  # a service's main command that is still running then counts as "up"
TAIL = 2000  # characters of output kept in the report per run
POLL = 0.5


def containers_check(ctx: BatchContext) -> Check:
    """Run what reaches the batch's scripts against the checkpoint and the batch commit.

    Finding what reaches costs one list call of the engine and reads of git's listings and
    the batch worktree's compose files; trees are copied only for containers that do."""
    engine, reason = _engine(ctx)
    if engine is None:
        return Check("containers", "skip", reason)
    try:
        touched = set(touched_paths(ctx.batch))
        lk = build_lookup(tree_index(_listed(ctx), touched))
        reaching = [t for t in _targets(engine, ctx) if any(reaches(t, lk, touched))]
        if not reaching:
            return _verdict([])
        return _verdict(_check_all(engine, ctx, _with_images(engine, ctx, reaching), lk,
                                   touched))
    except RunbookError as exc:  # the engine went away, git failed: nothing was proven
        return Check("containers", "fail", str(exc))


def _check_all(engine: sdk.Engine, ctx: BatchContext, targets: list[Target], lk: Lookup,
               touched: set[str]) -> list[dict[str, Any]]:
    run_id = f"{sdk.CHECK_PREFIX}{uuid.uuid4().hex[:8]}"
    with tempfile.TemporaryDirectory(prefix="runbook-containers-",
                                     ignore_cleanup_errors=True) as tmp:
        old = gitrepo.export_tree(ctx.repo, ctx.old, Path(tmp) / "old")
        new = gitrepo.export_tree(ctx.repo, ctx.new, Path(tmp) / "new")
        try:
            return [r for t in targets if
                    (r := _check_target(engine, t, lk, touched, (old, new), run_id))]
        finally:
            engine.remove_prefixed(run_id)


def _engine(ctx: BatchContext) -> tuple[sdk.Engine | None, str]:
    if ctx.params is not None and not getattr(ctx.params, "containers", True):
        return None, "container checks are off (containers: false)"
    return sdk.try_connect()


def _verdict(results: list[dict[str, Any]]) -> Check:
    if not results:
        return Check("containers", "skip", "no running container or compose service reaches "
                     "the batch's scripts")
    statuses = {r["status"] for r in results}
    status = "fail" if "fail" in statuses else "pass" if "pass" in statuses else "skip"
    return Check("containers", status, results)


def tree_index(files: set[str], touched: set[str]) -> RepoIndex:
    """An index of the listed files; scripts are the touched paths and *.sh/*.py."""
    scripts = {f for f in files if f.endswith(SCRIPT_EXTENSIONS)} | touched
    return RepoIndex.build(scripts, files | touched)


def _listed(ctx: BatchContext) -> set[str]:
    """Files of the checkpoint and of the batch commit, from git (nothing is copied)."""
    return set(_files(ctx.repo, ctx.old)) | set(_files(ctx.repo, ctx.new))


def _files(repo: Path, commit: str) -> list[str]:
    """Regular files of a commit (symlinks and submodules left out, as on disk)."""
    return [p for p, mode in gitrepo.tree_modes(repo, commit).items() if mode in gitrepo.REGULAR]


def _targets(engine: sdk.Engine, ctx: BatchContext) -> list[Target]:
    """Running containers (one list call), then compose services of the batch tree; an
    image is looked up on the engine only for a service that reaches the batch (later)."""
    running = [running_target(i, ctx.repo) for i in engine.running()
               if not i.name.startswith(sdk.CHECK_PREFIX)]
    covered = {t.service for t in running if t.service}
    compose = [t for t in compose_targets(ctx.worktree, _files(ctx.repo, ctx.new),
                                          lambda _: False, ctx.repo.name)
               if t.service not in covered]
    return running + compose


def _with_images(engine: sdk.Engine, ctx: BatchContext, targets: list[Target]) -> list[Target]:
    """The compose targets read again, this time asking the engine which image each
    service without an `image:` was built as (compose v1 and v2 name them differently)."""
    files = sorted({t.source for t in targets if t.label.startswith("compose ")})
    if not files:
        return targets
    again = {t.label: t for t in compose_targets(ctx.worktree, files, engine.has_image,
                                                 ctx.repo.name)}
    return [again.get(t.label, t) for t in targets]


def _check_target(engine: sdk.Engine, target: Target, lk: Lookup, touched: set[str],
                  trees: tuple[Path, Path], run_id: str) -> dict[str, Any] | None:
    named, exposed = reaches(target, lk, touched)
    if not named and not exposed:
        return None
    row: dict[str, Any] = {"container": target.label, "reaches": sorted(named | exposed),
                           "probes": []}
    if not engine.has_image(target.image):
        return {**row, "status": "skip", "reason": f"image {target.image} is not on this "
                "engine: build or pull it to check this service"}
    try:
        for number, (probe, argv, timeout) in enumerate(_probes(target, lk, touched)):
            name = f"{run_id}-{_slug(target.label)}-{number}"
            row["probes"].append(_compare(engine, target, probe, argv, timeout, trees, name))
    except RunbookError as exc:
        return {**row, "status": "fail", "reason": str(exc)}
    same = all(p["same"] for p in row["probes"])
    return {**row, "status": "pass" if same else "fail"}


def _probes(target: Target, lk: Lookup,
            touched: set[str]) -> list[tuple[str, list[str] | None, float]]:
    """What to run: the healthcheck, and the main command when it names a batch script or
    there is no healthcheck (None: the target's own entrypoint and command)."""
    fields = {h.line for h, _ in hits(target, lk) if h.status == RESOLVED and h.target in touched}
    out: list[tuple[str, list[str] | None, float]] = []
    argv = healthcheck_argv(target.healthcheck)
    if argv:
        out.append(("healthcheck", argv, target.health_timeout))
    if not argv or fields & {FIELDS["entrypoint"], FIELDS["command"]}:
        out.append(("command", None, COMMAND_TIMEOUT))
    return out


def _compare(engine: sdk.Engine, target: Target, probe: str, argv: list[str] | None,
             timeout: float, trees: tuple[Path, Path], name: str) -> dict[str, Any]:
    results = [engine.run_once(_spec(target, argv, tree, f"{name}-{side}"), timeout)
               for side, tree in zip(("old", "new"), trees, strict=True)]
    old, new = results
    same = (old.exit_code, old.stdout, old.stderr) == (new.exit_code, new.stdout, new.stderr)
    lines = command_lines(target)
    shown = " ".join(argv) if argv else " ".join(filter(None, (lines.get("entrypoint"),
                                                               lines.get("command"))))
    return {"probe": probe, "run": shown, "same": same,
            "old": _shown(old), "new": _shown(new)}


def _spec(target: Target, argv: list[str] | None, tree: Path, name: str) -> sdk.RunSpec:
    binds = tuple(sdk.Mount(str(tree / m.source), m.target, "bind", m.writable)
                  for m in target.binds)
    entry, command = (argv[:1], argv[1:]) if argv else (target.entrypoint or None,
                                                        target.command or None)
    return sdk.RunSpec(
        image=target.image, name=name, entrypoint=entry, command=command, binds=binds,
        working_dir=target.working_dir, env=target.env,
        network="bridge" if target.network else "none",
    )


def _shown(result: sdk.RunResult) -> dict[str, Any]:
    return {"exit": result.exit_code if result.exit_code is not None else "still running",
            "stdout": result.stdout[-TAIL:], "stderr": result.stderr[-TAIL:],
            "seconds": result.seconds}


def _slug(label: str) -> str:
    return "".join(c if c.isalnum() or c in "_.-" else "-" for c in label)[-60:].strip("-.")


def monitor(ctx: BatchContext, seconds: int, max_unhealthy: int) -> Check:
    """Watch the running containers that use the batch's scripts for `seconds` after promotion:
    fail once more than `max_unhealthy` of them are unhealthy or no longer running."""
    if seconds <= 0:
        return Check("monitor", "skip", "monitor window is 0 s (off)")
    engine, reason = _engine(ctx)
    if engine is None:
        return Check("monitor", "skip", reason)
    watched = watched_containers(engine, ctx)
    if not watched:
        return Check("monitor", "skip", "no running container uses the batch's scripts")
    bad = _watch(engine, watched, seconds, max_unhealthy)
    details = {"watched": watched, "seconds": seconds, "max_unhealthy": max_unhealthy,
               "unhealthy": bad}
    return Check("monitor", "fail" if len(bad) > max_unhealthy else "pass", details)


def watched_containers(engine: sdk.Engine, ctx: BatchContext) -> list[str]:
    """Names of the running containers whose command lines or mounts reach the batch."""
    touched = set(touched_paths(ctx.batch))
    lk = build_lookup(tree_index(set(_files(ctx.repo, ctx.new)), touched))
    out = []
    for info in engine.running():
        named, exposed = reaches(running_target(info, ctx.repo), lk, touched)
        if (named or exposed) and not info.name.startswith(sdk.CHECK_PREFIX):
            out.append(info.name)
    return sorted(out)


def _watch(engine: sdk.Engine, names: list[str], seconds: int,
           max_unhealthy: int) -> dict[str, str]:
    """Container -> what went wrong, polling until the window ends or the limit is passed."""
    deadline = time.monotonic() + seconds
    bad: dict[str, str] = {}
    while True:
        for name in names:
            if name not in bad and (state := _bad_state(engine.inspect, name)):
                bad[name] = state
        if len(bad) > max_unhealthy or time.monotonic() >= deadline:
            return bad
        time.sleep(min(POLL, max(0.0, deadline - time.monotonic())))


def _bad_state(inspect: Callable[[str], sdk.ContainerInfo], name: str) -> str:
    try:
        info = inspect(name)
    except RunbookError:
        return "gone"
    if info.status != "running":
        return info.status
    return "unhealthy" if info.health == "unhealthy" else ""


CHECKS: dict[str, Callable[[BatchContext], Check]] = {"containers": containers_check}
