"""tree-sitter-bash: one parser per process, and the few node helpers the walker needs."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

Node = Any  # tree_sitter.Node (the package ships no stubs mypy can use)


@lru_cache(maxsize=1)
def _parser() -> Any:
    import tree_sitter_bash
    from tree_sitter import Language, Parser

    return Parser(Language(tree_sitter_bash.language()))


def parse(code: str) -> Node:
    """The root node of `code`; tree-sitter never fails, broken input gives ERROR nodes."""
    return _parser().parse(code.encode("utf-8", errors="replace")).root_node


def text(node: Node) -> str:
    return bytes(node.text).decode("utf-8", errors="replace")


def row(node: Node) -> int:
    """0-based row where the node starts."""
    return int(node.start_point[0])
