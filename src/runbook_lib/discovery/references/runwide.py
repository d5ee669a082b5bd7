"""Run-wide tables built once before scanning: the names the checkout goes by, declared
third-party dependencies, the images Dockerfiles build (and compose services mount into), and
the import roots they and the project files give."""

from __future__ import annotations

import ast
import configparser
import posixpath
import re
import tomllib
from pathlib import Path

from .baseimage import published, untagged
from .bats import make_exports
from .composefile import Service, read_services
from .copycontext import guessed
from .dockerfile import image, parse
from .facts import Facts, Image
from .imagepath import path_commands, search_path
from .kinds import is_requirements, source_kind
from .lookup import Lookup
from .modules import global_roots
from .resolve import GONE, Where, absolute
from .selfclone import origin_of
from .values import norm, set_repo_names

_REQUIREMENT = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")
# distributions whose import name differs from their project name
_IMPORT_NAMES = {"pyyaml": "yaml", "beautifulsoup4": "bs4", "pillow": "PIL",
                 "python_dateutil": "dateutil", "scikit_learn": "sklearn", "docker_py": "docker",
                 "opencv_python": "cv2", "psycopg2_binary": "psycopg2", "python_dotenv": "dotenv",
                 "pyjwt": "jwt", "python_jose": "jose", "attrs": "attr", "protobuf": "google",
                 "gitpython": "git", "pymysql": "pymysql", "msgpack_python": "msgpack"}


def repo_names(root: Path) -> set[str]:
    """The checkout's folder name, and `name` for a folder called `owner+name`; and the hidden
    folder a tool clones itself into (`/etc/.pihole` for pi-hole, `~/.nvm`, `~/.pyenv`): `.name`,
    also with `-`, `_` and `.` dropped. The bare name without them (`/etc/pihole`) is not one:
    that is as often the tool's configuration folder as its checkout."""
    name = root.resolve().name
    names = {name, name.rpartition("+")[2]}
    origin = origin_of(root)  # a checkout in a folder of another name (`git clone URL exp`)
    if origin is not None:
        names.add(origin[1])
    hidden = {"." + n for n in names if n and not n.startswith(".")}
    hidden |= {"." + squeezed for n in names if (squeezed := re.sub(r"[-_.]", "", n))}
    return names | hidden


def prepare_lookup(lk: Lookup, root: Path) -> None:
    lk.root = root
    names = repo_names(root)
    lk.repo_names = frozenset(names)
    set_repo_names(names)
    lk.third_party = _dependencies(lk, root)
    makefiles = [p for p in sorted(lk.index.files) if source_kind(p) == "make"]
    images, built_as = _images(lk, root)
    facts = Facts(images=images, built_as=built_as,
                  bats_exports=make_exports(makefiles, lambda p: _read(root, p)))
    lk.facts = facts
    pythonpath: list[tuple[str, str]] = []
    for img in facts.images:
        if img.guessed:  # its WORKDIR's folder in the repo is a guess: no certain import root
            continue
        where = Where(img.dockerfile, (), maps=[m for m in img.maps if m not in img.named_mounts])
        for folder in (img.workdir, *img.pythonpath):
            mapped = absolute(folder, where, lk)
            if mapped is not None and mapped != GONE and mapped in lk.index.dirs:
                pythonpath.append((mapped, img.context))
    lk.py_roots = global_roots(lk.index, pythonpath)


def _read(root: Path, path: str) -> str | None:
    try:
        return (root / path).read_text(encoding="utf-8", errors="replace")
    except (OSError, ValueError):
        return None


def _images(lk: Lookup, root: Path) -> tuple[list[Image], dict[str, str]]:
    images: dict[str, Image] = {}
    contexts = lk.compose_contexts or {}
    for path in sorted(lk.index.files):
        if source_kind(path) != "dockerfile":
            continue
        text = _read(root, path)
        if text is None:
            continue
        parse(text)  # in this process, before any worker forks (dockerfile.py says why)
        if path in lk.index.archived:
            continue
        context = contexts.get(path, posixpath.dirname(path))
        stage = image(text, context, lk)
        env_path = [p for p in (stage.env.get("PATH") or "").split(":") if p.startswith("/")]
        pythonpath = [p for p in (stage.env.get("PYTHONPATH") or "").split(":")
                      if p.startswith("/")]
        commands = path_commands(search_path(stage.env.get("PATH")), stage.maps, lk)
        own = len(stage.maps) - stage.inherited
        images[path] = Image(path, context, list(stage.maps), stage.workdir, env_path, pythonpath,
                             commands, stage.maps[:own], stage.maps[own:],
                             guessed=guessed(path, lk))
    composed = [(path, read_services(_read(root, path) or "", posixpath.dirname(path)))
                for path in sorted(lk.index.files) if source_kind(path) == "compose"]
    built_as: dict[str, str] = {}
    for _, services in composed:
        for service in services:
            if service.dockerfile and service.image:
                built_as.setdefault(untagged(service.image), service.dockerfile)
    for path, services in composed:
        _mounts(posixpath.dirname(path), services, images, built_as, lk)
    return list(images.values()), built_as


def _mounts(folder: str, services: list[Service], images: dict[str, Image],
            built_as: dict[str, str], lk: Lookup) -> None:
    """A compose service's bind mounts are part of the image it builds, as its scripts see it;
    also of the repo image it runs by name without building it (baseimage.published), kept
    apart as a guess."""
    for service in services:
        img = images.get(service.dockerfile or "")
        named = img is None and service.dockerfile is None and bool(service.image)
        if named:
            img = images.get(published(service.image or "", built_as, lk) or "")
        if img is None:
            continue
        for volume in service.volumes:
            repo = norm(folder + "/" + volume.source) if volume.source.startswith(".") else None
            if repo is not None and volume.target.startswith("/"):
                img.maps.insert(0, (posixpath.normpath(volume.target), repo))
                if named:
                    img.named_mounts.append(img.maps[0])
        extra = service.environment.get("PYTHONPATH")
        if extra and not named:
            img.pythonpath += [p for p in extra.split(":") if p.startswith("/")]


def _dependencies(lk: Lookup, root: Path) -> dict[str, tuple[str, ...]]:
    found: dict[str, set[str]] = {}
    for path in lk.index.files:
        name = posixpath.basename(path)
        if is_requirements(name):
            names = _requirements(_read(root, path) or "")
        elif name == "pyproject.toml":
            names = _pyproject(_read(root, path) or "")
        elif name == "setup.cfg":
            names = _setup_cfg(_read(root, path) or "")
        elif name == "setup.py":
            names = _setup_py(_read(root, path) or "")
        else:
            continue
        for dep in names:
            found.setdefault(_IMPORT_NAMES.get(dep, dep), set()).add(posixpath.dirname(path))
    return {name: tuple(sorted(folders)) for name, folders in found.items()}


def _normal(name: str) -> str:
    return re.sub(r"[-.]+", "_", name).lower()


def _requirements(text: str) -> set[str]:
    out = set()
    for line in text.splitlines():
        match = _REQUIREMENT.match(line)
        if match and not line.lstrip().startswith(("-", "#")):
            out.add(_normal(match.group(1)))
    return out


def _pyproject(text: str) -> set[str]:
    try:
        data = tomllib.loads(text)
    except (tomllib.TOMLDecodeError, ValueError):
        return set()
    project = data.get("project", {})
    specs = list(project.get("dependencies", []))
    for extra in (project.get("optional-dependencies") or {}).values():
        specs += list(extra)
    for group in (data.get("dependency-groups") or {}).values():
        specs += [s for s in group if isinstance(s, str)]
    poetry = data.get("tool", {}).get("poetry", {})
    specs += [k for k in (poetry.get("dependencies") or {}) if k != "python"]
    return _requirements("\n".join(s for s in specs if isinstance(s, str)))


def _setup_cfg(text: str) -> set[str]:
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    try:
        parser.read_string(text)
        return _requirements(parser.get("options", "install_requires", fallback=""))
    except configparser.Error:
        return set()


def _setup_py(text: str) -> set[str]:
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError):
        return set()
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.keyword) and node.arg in ("install_requires", "tests_require"):
            for item in ast.walk(node.value):
                if isinstance(item, ast.Constant) and isinstance(item.value, str):
                    out |= _requirements(item.value)
    return out
