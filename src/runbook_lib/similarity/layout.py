"""Statements of one script in three spellings, as the parsers (shell.py, python.py) emit them.

- t1: layout-blind, the statement's tokens joined by one space (comments, blank lines,
  indentation, line breaks and `;` never matter);
- named: t1 with the names the script binds itself (assigned variables, functions,
  parameters) as V and F; literals and names it reads from outside (environment variables,
  imported modules) stay. Equal named forms are interchangeable scripts;
- blind: every name and literal blinded (V, F, S, N); commands, options, keywords, imported
  modules and attribute names stay, because they say what a script does.

While a script is read, a name is written between markers (whether it is bound, a function or
an import is known only at the end); `resolve` turns the markers into the final spellings.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

NAME = "\x00"  # \x00name\x00: a variable or identifier
FUNC = "\x01"  # \x01name\x01: a command word that may be a function of the script
_MARK = re.compile("\x00([^\x00]*)\x00|\x01([^\x01]*)\x01")


@dataclass(slots=True)
class Statements:
    t1: list[str] = field(default_factory=list)
    named: list[str] = field(default_factory=list)
    blind: list[str] = field(default_factory=list)
    literals: list[list[str]] = field(default_factory=list)  # per statement, names blinded
    start: list[int] = field(default_factory=list)  # first physical line, 1-based
    end: list[int] = field(default_factory=list)  # last physical line
    functions: list[tuple[str, int, int]] = field(default_factory=list)  # name, header, last
    commands: set[str] = field(default_factory=set)  # commands and modules the script uses

    def add(self, t1: str, named: str, blind: str, literals: list[str], start: int,
            end: int) -> None:
        self.t1.append(t1)
        self.named.append(named)
        self.blind.append(blind)
        self.literals.append(literals)
        self.start.append(start)
        self.end.append(end)

    def resolve(self, named: Callable[[str], str], blind: Callable[[str], str],
                function: Callable[[str], str]) -> None:
        """Replace the markers: `named(name)` and `blind(name)` spell a marked name in each
        form, `function(word)` a command word (F for the script's own functions)."""
        def spell(how: Callable[[str], str]) -> Callable[[re.Match[str]], str]:
            return lambda m: how(m.group(1)) if m.group(1) is not None else function(m.group(2))

        self.named = [_MARK.sub(spell(named), s) if "\x00" in s or "\x01" in s else s
                      for s in self.named]
        self.blind = [_MARK.sub(spell(blind), s) if "\x00" in s or "\x01" in s else s
                      for s in self.blind]

    def __len__(self) -> int:
        return len(self.t1)
