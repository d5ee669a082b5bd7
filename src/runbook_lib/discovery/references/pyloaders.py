"""Python that loads modules by path from a folder, and relative imports an image makes valid.

A settings loader (`for f in scandir(config_dir): spec_from_file_location("", f.path)`) runs
every `.py` file of the folder it is handed: `read_configurations(config_dir="/etc/app/config/")`
loads each module there, which no import statement names. A function is such a loader when its
body scans a folder (`scandir`, `listdir`, `glob`, `iterdir`, `walk`) and loads files by path
(`spec_from_file_location`, `run_path`, `SourceFileLoader`, `load_source`), itself or through
a function of the same file that does. Each call of it with a string that names a repo folder
(through the images the caller is copied into, for a container path) gives a `likely` `import`
row to each module of that folder, rule `folder-loader`. Whether an imported function is a
loader is known only once its own file is scanned, so those rows are tagged with it
(`Hit.via` = `FILE::FUNCTION`) and kept afterwards, as for scripts that run their arguments.

`from .configuration import read` in `docker/ldap_config.docker.py` fails in the repo (no
`docker/configuration.py`), but the Dockerfile copies both files beside each other; the module
it imports is the repo file the image puts at that container path (`import-relative+image`).
"""

from __future__ import annotations

import ast
import posixpath

from .facts import Image
from .lookup import Lookup
from .resolve import GONE, Where, absolute
from .values import norm

_SCANS = frozenset({"scandir", "listdir", "glob", "iglob", "iterdir", "rglob", "walk"})
_LOADS = frozenset({"spec_from_file_location", "run_path", "SourceFileLoader", "load_source"})
LOADS_TEXT = ("spec_from_file_location", "run_path", "SourceFileLoader", "load_source")
RULE = "folder-loader"


def _called(node: ast.AST) -> set[str]:
    names: set[str] = set()
    for found in ast.walk(node):
        if isinstance(found, ast.Call):
            func = found.func
            if isinstance(func, ast.Attribute):
                names.add(func.attr)
            elif isinstance(func, ast.Name):
                names.add(func.id)
    return names


def folder_loaders(tree: ast.Module) -> set[str]:
    """The functions of a module that load every file of a folder they scan."""
    functions = {n.name: _called(n) for n in ast.walk(tree)
                 if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)}
    by_path = {name for name, calls in functions.items() if calls & _LOADS}
    grown = True
    while grown:  # `_import(path)` that calls spec_from_file_location loads by path too
        more = {name for name, calls in functions.items() if calls & by_path} - by_path
        by_path |= more
        grown = bool(more)
    return {name for name, calls in functions.items() if calls & _SCANS and name in by_path}


def folder_modules(value: str, file: str, images: list[Image], lk: Lookup) -> list[str]:
    """The modules a loader handed `value` runs: the `.py` files of that repo folder."""
    value = value.rstrip("/")
    if not value or "\n" in value:
        return []
    folders: list[str] = []
    files: set[str] = set()
    if value.startswith("/"):  # every folder copied or mounted there, and files mounted into it
        value = posixpath.normpath(value)
        for image in images:
            for prefix, repo in image.maps:
                if repo is not None and (value == prefix or value.startswith(prefix + "/")):
                    folders.append(norm(repo + value[len(prefix):]) or "")
                elif repo is not None and posixpath.dirname(prefix) == value:
                    found = lk.find(repo)
                    files.update([found] if found else [])
    else:
        folder = norm(posixpath.dirname(file) + "/" + value)
        folders += [folder] if folder is not None else []
    files.update(p for f in folders if f in lk.index.dirs for p in lk.in_folder(f))
    return sorted(p for p in files
                  if p.endswith(".py") and not posixpath.basename(p).startswith("__"))


def container_folders(path: str, images: list[Image]) -> list[tuple[Image, str]]:
    """Each image holding `path`, with the container folder the file sits in there."""
    out: list[tuple[Image, str]] = []
    for image in images:
        for prefix, repo in image.maps:  # newest first
            if repo is None:
                continue
            if repo == path:
                out.append((image, posixpath.dirname(prefix)))
                break
            if path.startswith(repo + "/"):
                out.append((image, posixpath.dirname(prefix + path[len(repo):])))
                break
    return out


def image_relative(path: str, level: int, module: str, names: list[str], images: list[Image],
                   lk: Lookup) -> list[str]:
    """The repo files `from .module import names` reaches where an image puts `path`."""
    found: list[str] = []
    for image, folder in container_folders(path, images):
        for _ in range(level - 1):
            folder = posixpath.dirname(folder)
        base = posixpath.join(folder, *module.split(".")) if module else folder
        tries = [base + ".py", base + "/__init__.py"] if module else []
        tries += [posixpath.join(base, n) + ".py" for n in names if not module]
        for container in tries:
            mapped = absolute(container, Where(path, (), maps=image.maps), lk)
            target = lk.find(mapped) if mapped not in (None, GONE) else None
            if target is not None and target != path and target not in found:
                found.append(target)
                break
    return found
