"""CI: GitHub Actions, GitLab CI, CircleCI steps, and Jenkinsfile `dir('x') {` blocks.

Each step runs in a fresh shell at the repo root (or its `working-directory`): a `cd` carries
to the later lines of its own step only.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import yaml

from .composefile import last_line
from .lines import Hit, leading_cd, scan_line
from .resolve import Where
from .source import Source
from .values import norm
from .words import hash_comment, slash_comment

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_RUN_KEYS = frozenset({"run", "script", "before_script", "after_script", "command"})
_WORKDIR_KEYS = ("working-directory", "working_directory")
_GHA = re.compile(r"\$\{\{\s*([^}]*?)\s*\}\}")
_ITEM = re.compile(r"\s*(?:-\s+)?(?:[\w-]+:\s*(?:[|>][-+]?\s*)?)?")
_DIR = re.compile(r"\bdir\s*\(\s*(?:path\s*:\s*)?['\"]([^'\"]+)['\"]\s*\)\s*\{")
Block = tuple[int, int, str]  # first line, last line, working folder


def extract_ci(src: Source) -> Iterator[Hit]:
    if src.path.rpartition("/")[2].startswith("Jenkinsfile"):
        return _jenkins(src)
    return _yaml_ci(src)


def _yaml_ci(src: Source) -> Iterator[Hit]:
    blocks = _blocks("\n".join(src.lines)) or _item_blocks(src.lines)
    owner: dict[int, int] = {}
    for i, (first, last, _) in enumerate(blocks):
        owner.update(dict.fromkeys(range(first, last + 1), i))
    wheres = [Where(src.path, (folder,)) for _, _, folder in blocks]
    outside = Where(src.path, ("",))
    cd: tuple[str, ...] = ()
    current = -1
    for no, raw in enumerate(src.lines, 1):
        line = _GHA.sub(_expression, raw) if "${{" in raw else raw
        block = owner.get(no, -1)
        if block != current:
            cd, current = (), block
        where = wheres[block] if block >= 0 else outside
        yield from scan_line(no, line, where, src.lookup, hash_comment, cd)
        if block >= 0:
            moved = leading_cd(_ITEM.sub("", line, count=1), where, src.lookup, cd)
            cd = cd if moved is None else moved


def _expression(match: re.Match[str]) -> str:
    return "$GITHUB_WORKSPACE" if match.group(1) == "github.workspace" else "$GITHUB_EXPRESSION"


def _blocks(text: str) -> list[Block]:
    """Steps (mappings with a run/script/command) with their working folders."""
    try:
        stack: list[yaml.Node] = list(yaml.compose_all(text, Loader=_Loader))
    except Exception:  # odd YAML: fall back to list items as steps
        return []
    out: list[Block] = []
    while stack:
        node = stack.pop()
        if isinstance(node, yaml.MappingNode):
            keys = {k.value: v for k, v in node.value if isinstance(k, yaml.ScalarNode)}
            if any(isinstance(keys.get(k), yaml.ScalarNode | yaml.SequenceNode) for k in _RUN_KEYS):
                out.append((node.start_mark.line + 1, last_line(node), _folder(keys)))
            stack.extend(v for _, v in node.value)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
    return sorted(out)


def _folder(keys: dict[str, yaml.Node]) -> str:
    for key in _WORKDIR_KEYS:
        node = keys.get(key)
        if isinstance(node, yaml.ScalarNode) and node.value:
            value = node.value
            if value.startswith(("~", "$")):
                return ""
            return norm(value) or ""
    return ""


def _item_blocks(lines: list[str]) -> list[Block]:
    starts = [no for no, line in enumerate(lines, 1) if line.lstrip().startswith("- ")]
    ends = [*(s - 1 for s in starts[1:]), len(lines)]
    return [(s, e, "") for s, e in zip(starts, ends, strict=True)]


def _jenkins(src: Source) -> Iterator[Hit]:
    stack: list[tuple[int, str]] = []
    depth = 0
    triple = False
    cd: tuple[str, ...] = ()
    variables: dict[str, str | None] = {}
    for no, line in enumerate(src.lines, 1):
        for match in _DIR.finditer(line):
            folder = stack[-1][1] if stack else ""
            stack.append((depth + 1, norm(folder + "/" + match.group(1)) or folder))
        where = Where(src.path, (stack[-1][1] if stack else "",), variables)
        yield from scan_line(no, line, where, src.lookup, slash_comment, cd if triple else ())
        if triple:
            moved = leading_cd(line, where, src.lookup, cd)
            cd = cd if moved is None else moved
        if (line.count("'''") + line.count('"""')) % 2:
            triple, cd = not triple, ()
        depth += line.count("{") - line.count("}")
        while stack and depth < stack[-1][0]:
            stack.pop()
