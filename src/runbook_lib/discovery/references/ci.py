"""CI: GitHub Actions (workflows and composite actions), GitLab CI, CircleCI, Cloud Build,
pre-commit hooks and release-tool commands, and Jenkinsfile `sh` steps.

Each step is shell code run in a fresh shell at the repo root (or its `working-directory`, or a
Cloud Build step's `dir`): a `cd` carries to the later commands of its own step only. A GitLab
job's `script:` items share one shell.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator

import yaml

from .argv import Word, interpret
from .lines import Hit
from .shwalk import Shell, act, walk
from .source import Source
from .values import norm

Matrix = dict[str, list[yaml.ScalarNode]]
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_RUN_KEYS = ("run", "script", "before_script", "after_script", "command",
             "preReleaseCommand", "postReleaseCommand")
# Travis CI's phases in the order it runs them: each a command or a list of them, run in one
# shell from the checkout
_TRAVIS_KEYS = ("before_install", "install", "before_script", "script", "after_success",
                "after_failure", "after_script", "before_deploy", "after_deploy")
_WORKDIR_KEYS = ("working-directory", "working_directory", "dir")
_GHA = re.compile(r"\$\{\{\s*([^}]*?)\s*\}\}")
_DIR = re.compile(r"\bdir\s*\(\s*(?:path\s*:\s*)?['\"]([^'\"]+)['\"]\s*\)\s*\{")
_SH = re.compile(r"""\bsh\s*\(?\s*(?:script\s*:\s*)?('''|\"\"\"|'|")""")


def extract_ci(src: Source) -> Iterator[Hit]:
    if src.path.rpartition("/")[2].startswith("Jenkinsfile"):
        return _jenkins(src)
    return _yaml_ci(src)


def _yaml_ci(src: Source) -> Iterator[Hit]:
    try:
        documents = list(yaml.compose_all("\n".join(src.lines), Loader=_Loader))
    except Exception:  # odd YAML: nothing can be said about its steps
        return iter(())
    shell = src.shell(src.where(""))
    stack: list[tuple[yaml.Node, Matrix]] = [(d, {}) for d in documents if d is not None]
    while stack:
        node, matrix = stack.pop()
        if isinstance(node, yaml.MappingNode):
            keys = {k.value: v for k, v in node.value if isinstance(k, yaml.ScalarNode)}
            matrix = _matrix(keys.get("strategy")) or matrix
            _step(keys, src, shell, matrix)
            stack.extend((v, matrix) for _, v in node.value if isinstance(v, yaml.Node))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend((v, matrix) for v in node.value)
    return iter(shell.hits)


def _matrix(strategy: yaml.Node | None) -> Matrix:
    """A GitHub Actions job's `strategy.matrix`: each name's values (also from `include`)."""
    if not isinstance(strategy, yaml.MappingNode):
        return {}
    keys = {k.value: v for k, v in strategy.value if isinstance(k, yaml.ScalarNode)}
    out: Matrix = {}
    rows = [keys.get("matrix")]
    include = _mapping(keys.get("matrix")).get("include")
    rows += include.value if isinstance(include, yaml.SequenceNode) else []
    for row in rows:
        for name, values in _mapping(row).items():
            items = values.value if isinstance(values, yaml.SequenceNode) else [values]
            out.setdefault(name, []).extend(
                i for i in items if isinstance(i, yaml.ScalarNode) and i.value)
    return out


def _mapping(node: yaml.Node | None) -> dict[str, yaml.Node]:
    if not isinstance(node, yaml.MappingNode):
        return {}
    return {k.value: v for k, v in node.value if isinstance(k, yaml.ScalarNode)}


def _step(keys: dict[str, yaml.Node], src: Source, shell: Shell, matrix: Matrix) -> None:
    folder = _folder(keys, src)
    # a CI file away from the root is often a template copied to another repo's root: the
    # files beside it are the ones it runs (likely)
    beside = () if src.folder in ("", ".github/workflows", folder) else (src.folder,)
    shell.where = src.where(folder, *beside)
    shell.where.variables["GITHUB_ACTION_PATH"] = "\x00" + src.folder
    shell.cd = ()
    if "args" in keys and isinstance(keys["args"], yaml.SequenceNode) and "name" in keys:
        _cloudbuild(keys, src, shell)
    if "entry" in keys and "id" in keys:
        _hook(keys["entry"], shell)
    travis = src.path.rpartition("/")[2] == ".travis.yml"
    for key in _TRAVIS_KEYS if travis else _RUN_KEYS:
        node = keys.get(key)
        if isinstance(node, yaml.ScalarNode) and node.value:
            start = len(shell.hits)
            _code(node, src, shell)
            _matrix_code(node, matrix, shell, {h.target for h in shell.hits[start:]})
        elif isinstance(node, yaml.SequenceNode):
            for item in node.value:  # one shell for the whole list (GitLab)
                if isinstance(item, yaml.ScalarNode):
                    _code(item, src, shell, keep=True)


def _folder(keys: dict[str, yaml.Node], src: Source) -> str:
    for key in _WORKDIR_KEYS:
        node = keys.get(key)
        if isinstance(node, yaml.ScalarNode) and node.value:
            value = node.value
            if value.startswith(("~", "$")):
                return ""
            if key == "dir":  # Cloud Build: relative to the submitted folder (root or config's)
                top = norm(value)
                if top is not None and top in src.lookup.index.dirs:
                    return top
                return norm(src.folder + "/" + value) or ""
            return norm(value) or ""
    return src.folder if src.path.rpartition("/")[2].startswith("cloudbuild") else ""


def _code(node: yaml.ScalarNode, src: Source, shell: Shell, keep: bool = False) -> None:
    text = _GHA.sub(_expression, node.value) if "${{" in node.value else node.value
    block = node.style in ("|", ">")
    shell.line0 = node.start_mark.line + (1 if block else 0)
    shell.fixed = 0
    if not keep:
        shell.cd = ()
    walk(text, shell)


def _matrix_code(node: yaml.ScalarNode, matrix: Matrix, shell: Shell, own: set[str]) -> None:
    """`run: ${{ matrix.cmd }}`: the step runs each value of the job's matrix, and the row is
    on the value's own line, where the path is written; a file the step runs whatever the
    value (`own`: `bin/tool install ${{ matrix.version }}`) has its row on the step alone,
    unless the value is part of its path (`./${{ matrix.os }}-build.sh`)."""
    names = {m.group(1)[len("matrix."):] for m in _GHA.finditer(node.value)
             if m.group(1).startswith("matrix.")}
    for name in sorted(names & matrix.keys()):
        pattern = re.compile(r"\$\{\{\s*matrix\." + re.escape(name) + r"\s*\}\}")
        for item in matrix[name]:
            text = _GHA.sub(_expression, pattern.sub(item.value.replace("\\", r"\\"),
                                                     node.value))
            saved, shell.rule = shell.rule, "matrix"
            shell.cd, shell.line0, shell.fixed = (), 0, item.start_mark.line + 1
            start = len(shell.hits)
            walk(text, shell)
            shell.hits[start:] = [h for h in shell.hits[start:]
                                  if h.target not in own or item.value in h.target]
            shell.rule, shell.fixed = saved, 0


def _expression(match: re.Match[str]) -> str:
    name = match.group(1)
    # braced: tree-sitter-bash reads `admin:$X-build` as two words, `admin:${X}-build` as one
    if name == "github.workspace":
        return "${GITHUB_WORKSPACE}"
    if name == "github.action_path":
        return "${GITHUB_ACTION_PATH}"
    return "${GITHUB_EXPRESSION}"


def _argv(items: list[yaml.Node]) -> list[Word]:
    return [Word(str(i.value), str(i.value), i.start_mark.line + 1) for i in items
            if isinstance(i, yaml.ScalarNode)]


def _cloudbuild(keys: dict[str, yaml.Node], src: Source, shell: Shell) -> None:
    items = keys["args"].value
    args = _argv(items)
    entry = keys.get("entrypoint")
    code = items[1] if len(items) > 1 and args[:1] and args[0].value == "-c" else None
    if isinstance(entry, yaml.ScalarNode) and entry.value in ("bash", "sh") and isinstance(
            code, yaml.ScalarNode) and code.style in ("|", ">"):
        _code(code, src, shell)  # a script block: its lines keep their own numbers
        return
    if isinstance(entry, yaml.ScalarNode) and entry.value:
        args = [Word(entry.value, entry.value, entry.start_mark.line + 1), *args]
    elif not args or "/" not in (args[0].value or ""):
        return  # the builder image's own entrypoint gets the arguments
    for action in interpret(args, "cloudbuild"):
        act(action, shell)


def _hook(entry: yaml.Node, shell: Shell) -> None:
    if not isinstance(entry, yaml.ScalarNode):
        return
    try:
        parts = shlex.split(entry.value)
    except ValueError:
        return
    words = [Word(p, p, entry.start_mark.line + 1) for p in parts]
    for action in interpret(words, "pre-commit"):
        act(action, shell)


def _jenkins(src: Source) -> Iterator[Hit]:
    stack: list[tuple[int, str]] = []
    depth = 0
    shell = src.shell(src.where(""))
    text = "\n".join(src.lines)
    starts = [0]
    for line in src.lines:
        starts.append(starts[-1] + len(line) + 1)
    folders = []
    for _no, line in enumerate(src.lines, 1):
        for match in _DIR.finditer(line):
            folder = stack[-1][1] if stack else ""
            stack.append((depth + 1, norm(folder + "/" + match.group(1)) or folder))
        folders.append(stack[-1][1] if stack else "")
        depth += line.count("{") - line.count("}")
        while stack and depth < stack[-1][0]:
            stack.pop()
    for match in _SH.finditer(text):
        if _commented(text, match.start()):
            continue
        quote = match.group(1)
        end = text.find(quote, match.end())
        if end < 0:
            continue
        row = text.count("\n", 0, match.end())
        shell.where = src.where(folders[row] if row < len(folders) else "")
        shell.cd, shell.line0, shell.fixed = (), row, 0
        walk(text[match.end():end], shell)
    return iter(shell.hits)


def _commented(text: str, pos: int) -> bool:
    start = text.rfind("\n", 0, pos) + 1
    return "//" in text[start:pos]
