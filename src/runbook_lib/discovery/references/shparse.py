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
    """The root node of `code`; tree-sitter never fails, broken input gives ERROR nodes.

    tree-sitter-bash reads a line that starts with a backslash (`\\. lib.sh`, `\\rm x`: the
    command without its alias) as more words of the line before; one space in front, which
    the shell ignores, keeps it a command of its own (rows are unchanged)."""
    if "\n\\" in code:
        code = code.replace("\n\\", "\n \\")
    return _parser().parse(code.encode("utf-8", errors="replace")).root_node


# the nodes the walker acts on; everything else is only structure between them
_WANTED = ("command", "variable_assignment", "for_statement", "function_definition",
           "redirected_statement", "pipeline", "subshell", "command_substitution",
           "process_substitution", "case_item")


@lru_cache(maxsize=1)
def _query() -> Any:
    import tree_sitter_bash
    from tree_sitter import Language, Query

    return Query(Language(tree_sitter_bash.language()),
                 "\n".join(f"({kind}) @{kind}" for kind in _WANTED))


def nodes(root: Node) -> list[Node]:
    """The wanted nodes under `root`, in document order, an enclosing node before its parts."""
    from tree_sitter import QueryCursor

    found = [n for group in QueryCursor(_query()).captures(root).values() for n in group]
    found.sort(key=lambda n: (n.start_byte, -n.end_byte))
    return found


def text(node: Node) -> str:
    return node.text.decode("utf-8", errors="replace")  # type: ignore[no-any-return]


def row(node: Node) -> int:
    """0-based row where the node starts."""
    return int(node.start_point[0])
