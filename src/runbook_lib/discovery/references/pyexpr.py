"""Python path expressions as values: `Path(__file__).resolve().parent / "x.sh"`."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator

from .values import ANCHOR, Vars, parent

_SAME = frozenset({
    "os.path.abspath", "os.path.realpath", "os.path.normpath", "path.abspath", "path.realpath",
    "abspath", "realpath", "Path", "pathlib.Path", "PurePath", "PosixPath", "str", "os.fspath",
})
_DIRNAME = frozenset({"os.path.dirname", "path.dirname", "dirname"})
_JOIN = frozenset({"os.path.join", "path.join", "join", "posixpath.join"})
_SAME_METHODS = frozenset({"resolve", "absolute", "expanduser", "as_posix"})
_CWD = frozenset({"os.getcwd", "Path.cwd", "pathlib.Path.cwd", "getcwd"})
_PARENS = r"\((?:[^()]|\((?:[^()]|\([^()]*\))*\))*\)"
_STR = r"(?:\"[^\"]*\"|'[^']*')"
_FRAGMENT = re.compile(
    r"(?:[\w.]+" + _PARENS + r"(?:\.\w+(?:\(\))?)*|[A-Za-z_]\w*(?:\.\w+)*)"
    r"(?:\s*/\s*(?:" + _STR + r"|[A-Za-z_]\w*))*"
)


def value_of(node: ast.AST, variables: Vars, file: str) -> str | None:
    """The value (as in values.py) of an expression, or None when it is unknown."""
    if isinstance(node, ast.Constant):
        return node.value if isinstance(node.value, str) else None
    if isinstance(node, ast.Name):
        if node.id == "__file__":
            return ANCHOR + file
        held = variables.get(node.id)  # a text with unknown parts (text_of) is no value
        return None if held is None or UNKNOWN_WORD in held else held
    if isinstance(node, ast.Attribute) and node.attr == "parent":
        return parent(value_of(node.value, variables, file))
    if isinstance(node, ast.Subscript):
        return _parents(node, variables, file)
    if isinstance(node, ast.Call):
        return _call(node, variables, file)
    if isinstance(node, ast.BinOp):
        return _binop(node, variables, file)
    if isinstance(node, ast.JoinedStr):
        return _concat(node.values, variables, file)
    if isinstance(node, ast.FormattedValue):
        return value_of(node.value, variables, file)
    return None


def _parents(node: ast.Subscript, variables: Vars, file: str) -> str | None:
    base = node.value
    if not (isinstance(base, ast.Attribute) and base.attr == "parents"):
        return None
    if not (isinstance(node.slice, ast.Constant) and isinstance(node.slice.value, int)):
        return None
    value = parent(value_of(base.value, variables, file))
    for _ in range(node.slice.value):
        value = parent(value)
    return value


def _call(node: ast.Call, variables: Vars, file: str) -> str | None:
    name = dotted(node.func)
    args = node.args
    if name in _CWD:
        return "."
    if name in _JOIN and args:
        return join_path([value_of(a, variables, file) for a in args])
    if isinstance(node.func, ast.Attribute) and node.func.attr == "joinpath":
        head = value_of(node.func.value, variables, file)
        return join_path([head, *(value_of(a, variables, file) for a in args)])
    if isinstance(node.func, ast.Attribute) and node.func.attr in _SAME_METHODS:
        return value_of(node.func.value, variables, file)
    if not args:
        return "." if name in ("Path", "pathlib.Path") else None
    if name in _DIRNAME:
        return parent(value_of(args[0], variables, file))
    return value_of(args[0], variables, file) if name in _SAME else None


def _binop(node: ast.BinOp, variables: Vars, file: str) -> str | None:
    left = value_of(node.left, variables, file)
    right = value_of(node.right, variables, file)
    if isinstance(node.op, ast.Div):
        return join_path([left, right])
    if isinstance(node.op, ast.Add) and left is not None and right is not None:
        return left + right
    return None


def _concat(parts: list[ast.expr], variables: Vars, file: str) -> str | None:
    values = [value_of(p, variables, file) for p in parts]
    return None if any(v is None for v in values) else "".join(v or "" for v in values)


def join_path(values: list[str | None]) -> str | None:
    out: str | None = None
    for value in values:
        if value is None:
            return None
        if out is None or value.startswith(("/", ANCHOR)):
            out = value
        else:
            out = out.rstrip("/") + "/" + value
    return out


def dotted(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        head = dotted(node.value)
        return head + "." + node.attr if head else ""
    return ""


def expressions(line: str) -> Iterator[ast.AST]:
    """The parsed nodes of a line, or of its path-like fragments when it does not parse."""
    text = line.strip()
    if text.endswith(":"):
        text += " pass"
    try:
        yield from ast.walk(ast.parse(text))
        return
    except (SyntaxError, ValueError, RecursionError):
        pass
    for match in _FRAGMENT.finditer(line):
        try:
            yield from ast.walk(ast.parse(match.group(), mode="eval"))
        except (SyntaxError, ValueError, RecursionError):
            continue


UNKNOWN_WORD = "$__UNKNOWN__"  # an unknown part of a string, as an unknown shell variable


def text_of(node: ast.AST, variables: Vars, file: str) -> str:
    """The text of a string expression, unknown parts standing as UNKNOWN_WORD."""
    value = value_of(node, variables, file)
    if value is not None:
        return value
    if isinstance(node, ast.Name):
        return variables.get(node.id) or UNKNOWN_WORD
    if isinstance(node, ast.JoinedStr):
        return "".join(text_of(p, variables, file) for p in node.values)
    if isinstance(node, ast.FormattedValue):
        return text_of(node.value, variables, file)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return text_of(node.left, variables, file) + text_of(node.right, variables, file)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
        return holes(text_of(node.left, variables, file), "%")
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
            and node.func.attr == "format":  # `"...".format(x)`: no dotted name
        return holes(text_of(node.func.value, variables, file), "{")
    return UNKNOWN_WORD


_FORMAT_HOLE = re.compile(r"\{\{|\}\}|\{[^{}]*\}")
_PERCENT_HOLE = re.compile(r"%%|%(?:\(\w+\))?[-#0 +]*(?:\d+|\*)?(?:\.\d+)?[a-zA-Z]")


def holes(template: str, style: str) -> str:
    """A `.format` ("{") or `%` template with its placeholders as UNKNOWN_WORD (`{{` and `%%`
    as the characters they stand for): `"bash {}/x.sh"` runs a path not known here, not a
    repo folder named `{}`."""
    pattern, escapes = (_FORMAT_HOLE, ("{{", "}}")) if style == "{" else (_PERCENT_HOLE, ("%%",))
    return pattern.sub(lambda m: m.group()[0] if m.group() in escapes else UNKNOWN_WORD,
                       template)
