"""Actions of argv.py that load Python code by name: modules, application specs, `python -c`
code, test collection (pytest, unittest) and migration runners (alembic), resolved through the
import roots seen from the working folder of the command."""

from __future__ import annotations

import ast
import posixpath

from .argv import Action
from .lookup import Lookup
from .model import CERTAIN, LIKELY, RESOLVED
from .modules import Root, resolve_module, roots_for
from .pytests import (
    alembic_files,
    collect_tests,
    django_migrations,
    fastapi_target,
    unittest_patterns,
)
from .resolve import OUTSIDE, Found
from .shwalk import Shell
from .values import ANCHOR, evaluate, norm


def _files(action: Action, folder: str, lk: Lookup) -> list[str]:
    if action.what == "fastapi":
        return fastapi_target(action.words, folder, lk)
    if action.what == "alembic":
        return alembic_files(action.words, folder, lk)
    if action.what == "django-migrations":
        return django_migrations(folder, lk)
    paths = [w.value for w in action.words if w.value]
    if action.what == "unittest":
        return collect_tests(paths, folder, lk, unittest_patterns(action.pattern))
    return collect_tests(paths, folder, lk)


def path_dirs(lk: Lookup) -> list[tuple[str, str]]:
    """PATH folders of the repo before any assignment: the deploy roots' bin folders."""
    if not lk.index.deploy_roots:
        return []
    return [(name, LIKELY) for name in ("bin", "sbin") if name in lk.index.dirs]


def working_folders(sh: Shell) -> list[tuple[str, str]]:
    """(folder, confidence) the command may run in, most likely first."""
    if sh.cd == OUTSIDE:
        return []
    if sh.cd:
        return [(f, CERTAIN) for f in sh.cd]
    out = []
    if sh.where.workdir is not None:
        from .resolve import GONE, absolute

        mapped = absolute(sh.where.workdir, sh.where, sh.lk)
        if mapped is not None and mapped != GONE:
            out.append((mapped, CERTAIN))
    out += [(b, CERTAIN if i == 0 else LIKELY) for i, b in enumerate(sh.where.bases)]
    return out


def command_roots(sh: Shell, action: Action) -> list[Root]:
    folders = working_folders(sh)
    roots = [Root(f, f, c) for f, c in folders]
    env = dict(action.env)
    pythonpath = env.get("PYTHONPATH") or sh.where.variables.get("PYTHONPATH")
    for part in (pythonpath or "").split(":"):
        value = evaluate(part, sh.where.variables, sh.where.file) if "$" in part else part
        folder = _folder(value, folders)
        if folder is not None:
            roots.insert(0, Root(folder, folder))
    if folders:
        probe = posixpath.join(folders[0][0], "__probe__.py")
        roots += [r for r in roots_for(probe, sh.lk) if r.folder not in {x.folder for x in roots}]
    return roots


def _folder(value: str | None, folders: list[tuple[str, str]]) -> str | None:
    if not value:
        return None
    if value.startswith(ANCHOR):
        return norm(value[1:])
    if value.startswith("/"):
        return None
    return norm(folders[0][0] + "/" + value) if folders else None


def hook(sh: Shell, action: Action) -> None:
    what = action.what
    if what == "module":
        _module(sh, action, action.words[0].value, main=True)
    elif what == "app":
        spec = action.words[0].value or ""
        _module(sh, action, spec.split(":", 1)[0].strip(), main=False)
    elif what == "python":
        _python_code(sh, action)
    elif what in ("pytest", "unittest", "alembic", "fastapi", "django-migrations"):
        _collected(sh, action)


def _module(sh: Shell, action: Action, dotted: str | None, main: bool) -> None:
    if not dotted:
        return
    found = resolve_module(dotted, command_roots(sh, action), sh.lk, main=main)
    if found is None:
        return
    line = action.words[0].line
    last = len(found.files) - 1
    for i, path in enumerate(found.files):
        rule = action.rule if i == last or path.endswith("__main__.py") else \
            f"{action.rule}+package"
        sh.add(line, Found(RESOLVED, path, found.confidence), rule)


def _python_code(sh: Shell, action: Action) -> None:
    code = action.words[0].value or ""
    try:
        tree = ast.parse(code)
    except (SyntaxError, ValueError, RecursionError):
        return
    for node in ast.walk(tree):
        names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
            [node.module] if isinstance(node, ast.ImportFrom) and node.module and not node.level
            else [])
        for name in names:
            found = resolve_module(name, command_roots(sh, action), sh.lk)
            if found is None:
                continue
            for path in found.files:
                sh.add(action.words[0].line, Found(RESOLVED, path, found.confidence),
                       f"{action.rule}>import", kind="import")


def _collected(sh: Shell, action: Action) -> None:
    """The first working folder (of those the command may run in) where it finds something."""
    line = action.words[0].line if action.words else 0
    for folder, confidence in working_folders(sh):
        files = _files(action, folder, sh.lk)
        if files:
            sure = CERTAIN if confidence == CERTAIN and action.what == "fastapi" else LIKELY
            for path in files:
                sh.add(line, Found(RESOLVED, path, sure), action.rule)
            return
