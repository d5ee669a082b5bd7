"""Statements of one script in two forms: canonical layout (T1) and identifier-blind (T2)."""

from __future__ import annotations

from dataclasses import dataclass, field

# blind tokens that stand for a name, not a literal
NAME_BLINDS = frozenset({"V", "F", "$V", "${V}", '"$V"', '"${V}"'})


@dataclass(slots=True)
class Statements:
    t1: list[str] = field(default_factory=list)  # tokens joined by one space
    blind: list[str] = field(default_factory=list)  # same, identifiers and literals blinded
    start: list[int] = field(default_factory=list)  # first physical line, 1-based
    end: list[int] = field(default_factory=list)  # last physical line
    functions: list[tuple[str, int, int]] = field(default_factory=list)  # name, header, last
    commands: set[str] = field(default_factory=set)  # commands and services the script uses
    literals: list[list[str]] = field(default_factory=list)  # per statement: its literals

    def add(self, t1: list[str], blind: list[str], start: int, end: int) -> None:
        self.t1.append(" ".join(t1))
        self.blind.append(" ".join(blind))
        self.start.append(start)
        self.end.append(end)
        found = [_literal(t, b) for t, b in zip(t1, blind, strict=True) if t != b]
        self.literals.append([lit for lit in found if lit])

    def add_joined(self, t1: str, blind: str, literals: list[str], start: int, end: int) -> None:
        self.t1.append(t1)
        self.blind.append(blind)
        self.start.append(start)
        self.end.append(end)
        self.literals.append(literals)

    def __len__(self) -> int:
        return len(self.t1)


def _literal(t1: str, blind: str) -> str:
    """The literal a token holds ("" for names, keywords, operators): `X="a b"` holds "a b"."""
    if blind.startswith(("V=", "V+=")):
        t1, blind = t1.split("=", 1)[1], blind.split("=", 1)[1]
    return t1 if blind and blind != t1 and blind not in NAME_BLINDS else ""
