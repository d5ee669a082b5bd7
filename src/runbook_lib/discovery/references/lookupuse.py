"""Whether a file runs what a lookup found, or only reads it.

`command_path="$(type -P "tool-$command")"` followed by `exec "$command_path"` is how a
dispatcher runs its subcommands: the lookup's rows are calls. `pyenv-help` looks
`pyenv-$command` up the same way, but only to print the usage comments of the file it finds
(`extract_comments < "$filename"`): renaming the subcommand breaks the help text, so the rows
stay as evidence of that dependency, but nothing is run (not live).

Where the found path goes is followed on the syntax tree:
- a lookup in `V="$(...)"` (or `local V=...`) runs when the file runs a word that uses `$V`,
  or a variable built from it (`other="$V"`, `cmd=("$V" -x)`, `eval "$V --help"`), or prints
  it (`echo "$V"`: for its caller), or exports it (`export V=...`: for the programs it runs);
- a lookup that is a statement of function F (its output is F's output) runs when the file runs
  a word with `$(F ...)` in it, calls F as a statement of its own (its output is the script's),
  or uses a variable assigned from `$(F ...)` as above;
- anywhere else (inside a command word, a heredoc another program runs, the script's own output
  for its caller) it is taken as run, the safe reading.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from . import shparse
from .lines import Hit

Node = shparse.Node

_VARIABLE = re.compile(r"\$\{?([A-Za-z_]\w*)")
_SUBSTITUTED = re.compile(r"\$\(\s*([A-Za-z_][\w-]*)")
_PASS_UP = frozenset({"pipeline", "list", "string", "concatenation", "redirected_statement"})
_STATEMENT_UP = frozenset({"pipeline", "list", "compound_statement", "redirected_statement",
                           "if_statement", "elif_clause", "else_clause", "while_statement",
                           "do_group", "for_statement", "case_item", "case_statement",
                           "subshell", "negated_command"})


@dataclass(slots=True)
class Uses:
    """What one walk learnt about where looked-up paths go."""

    pending: list[tuple[int, int, str, str]] = field(default_factory=list)  # hits, how, name
    run_vars: set[str] = field(default_factory=set)  # variables used in a run word
    run_functions: set[str] = field(default_factory=set)  # `$(F ...)` in a run word
    captured: dict[str, set[str]] = field(default_factory=dict)  # V -> functions in V=$(F)
    derived: dict[str, set[str]] = field(default_factory=dict)  # V -> variables V is built from
    shown: set[str] = field(default_factory=set)  # variables printed or exported
    called: set[str] = field(default_factory=set)  # functions called as statements of their own

    def ran(self, text: str) -> None:
        """A word the file runs (a command word, an interpreter's script, `eval`'s code)."""
        if "$" in text:
            self.run_vars.update(_VARIABLE.findall(text))
            if "$(" in text:
                self.run_functions.update(_SUBSTITUTED.findall(text))

    def assigned(self, name: str, raw: str, exported: bool = False) -> None:
        if exported:
            self.shown.add(name)
        if "$" not in raw:
            return
        self.derived.setdefault(name, set()).update(_VARIABLE.findall(raw))
        if "$(" in raw:
            functions = _SUBSTITUTED.findall(raw)
            if functions:
                self.captured.setdefault(name, set()).update(functions)

    def printed(self, text: str) -> None:
        """Arguments of `echo`/`printf`: what the script prints for its caller."""
        if "$" in text:
            self.shown.update(_VARIABLE.findall(text))
            if "$(" in text:
                self.called.update(_SUBSTITUTED.findall(text))

    def _used(self) -> set[str]:
        """Variables whose value is run, printed or exported, and those they are built from."""
        used = self.run_vars | self.shown
        todo = list(used)
        while todo:
            for source in self.derived.get(todo.pop(), ()):
                if source not in used:
                    used.add(source)
                    todo.append(source)
        return used

    def note(self, start: int, end: int, node: Node) -> None:
        """The hits[start:end] a lookup command made; `node` is that command."""
        if end > start:
            how, name = _destination(node)
            if how != "run":
                self.pending.append((start, end, how, name))

    def settle(self, hits: list[Hit]) -> list[Hit]:
        """Lookup rows whose found path the file never runs become evidence (not live)."""
        if not self.pending:
            return hits
        out = list(hits)
        used = self._used()
        for start, end, how, name in self.pending:
            if how == "var" and name in used:
                continue
            if how == "function" and (name in self.run_functions or name in self.called or any(
                    name in fs and v in used for v, fs in self.captured.items())):
                continue
            for i in range(start, min(end, len(out))):
                if out[i].rule.rpartition(">")[2].startswith("lookup+"):
                    out[i] = replace(out[i], live=False)
        return out


def _destination(command: Node) -> tuple[str, str]:
    """("var", V), ("function", F) or ("run", "") for where a lookup's output goes."""
    up = _above(command, _PASS_UP)
    if up is not None and up.type == "command_substitution":
        holder = _above(up, frozenset({"string", "concatenation"}))
        return _named(holder, "variable_assignment", "var")
    return _named(_above(command, _STATEMENT_UP), "function_definition", "function")


def _above(node: Node, through: frozenset[str]) -> Node | None:
    up = node.parent
    while up is not None and up.type in through:
        up = up.parent
    return up


def _named(node: Node | None, kind: str, how: str) -> tuple[str, str]:
    name = node.child_by_field_name("name") if node is not None and node.type == kind else None
    return (how, shparse.text(name)) if name is not None else ("run", "")
