"""tree-sitter parsers for shell and Python, one per process and language, made on first use.

tree-sitter never raises on broken input: a script with stray quotes parses into a tree
with ERROR nodes, which is what a tool reading other people's scripts needs.
"""

from __future__ import annotations

import functools

import tree_sitter
import tree_sitter_bash
import tree_sitter_python


@functools.cache
def parser(python: bool) -> tree_sitter.Parser:
    grammar = tree_sitter_python.language() if python else tree_sitter_bash.language()
    return tree_sitter.Parser(tree_sitter.Language(grammar))


def parse(source: bytes, python: bool) -> tree_sitter.Tree:
    return parser(python).parse(source)
