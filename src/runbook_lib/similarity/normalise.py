"""One script's text as compact hashes: what every later comparison works on.

Statements come from the tree-sitter readers (`shell`, `python`) in three spellings (layout.py):
T1 (layout-blind), named (the script's own names blinded) and blind (names and literals
blinded). Each statement is kept as a 64-bit hash of its T1 and of its blind form, with its
line span; the whole text as a digest of each form, so 100,000 scripts fit in memory.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from runbook_lib.similarity import headers, python, shell
from runbook_lib.similarity.layout import Statements

Hashes = npt.NDArray[np.uint64]
Lines = npt.NDArray[np.int32]

_DIGITS = re.compile(r"\d+")
SHELL_LANGUAGES = frozenset({"sh", "bash", "ksh", "dash"})

# Statements that say nothing about what a script does: set-up, structure, exit. They weigh
# little in whole-file similarity, so short scripts sharing them are not alike.
_SHELL_BOILER = re.compile(
    r"(?:set|shopt|umask|trap|unset|IFS=\S*|export (?:PATH|LANG|LC_\w+|PYTHONPATH)=.*|"
    r"(?:source|\.) \S+|main(?: \"\$@\")?|exit(?: \S+)?|return(?: \S+)?|true|:|"
    r"then|do|else|fi|done|esac|[{}]|;;|;&|;;&|\w+ \( \)|function \w+(?: \( \))?)(?: .*)?"
    r"|(?:readonly |declare (?:-\w+ )?|local )?\w+=[\"']?\$\((?:cd|dirname|basename|pwd|"
    r"realpath|readlink)\b.*|cd .*(?:DIR|ROOT|dirname|BASH_SOURCE|\$0).*",
    re.S,
)
_PYTHON_BOILER = re.compile(
    r"\d+ (?:import (?:os|sys|re|json|argparse|logging|subprocess|time|shutil|pathlib|typing|"
    r"datetime)(?: , .*)?|from (?:__future__|typing|pathlib) import .*|"
    r"if __name__ == (?:\"__main__\"|'__main__') :|(?:sys \. exit \( )?main \( \)(?: \))?|"
    r"(?:else|try|finally) :|pass|return|break|continue|"
    r"\w+ = (?:logging \. getLogger \( __name__ \)|argparse \. ArgumentParser \( \)))",
    re.S,
)


# Statements that only print (a message, with its literals blinded `echo "S"`): in a comparison
# of blind statements they say nothing of the work two scripts do.
_TALK = re.compile(r"(?:echo|printf)(?: (?:-\w+|\$V|[^\s<>|&;]+))*|\d+ print \( .* \)")


_STATEMENTS: dict[tuple[str, bool], tuple[int, bool, int]] = {}
_LITERALS: dict[str, int] = {}
STATEMENT_CACHE = 300_000


@dataclass(slots=True)
class Form:
    t1: Hashes  # one hash per statement, layout-blind
    blind: Hashes  # one hash per statement, names and literals blinded
    start: Lines  # first line of each statement (1-based)
    end: Lines  # last line of each statement
    boiler: npt.NDArray[np.bool_]  # statement is set-up or structure, not content
    talk: npt.NDArray[np.bool_]  # statement only prints (blind: `echo "S"`, `print ( S )`)
    literals: Hashes  # distinct literals (strings, numbers, paths) outside boilerplate
    # name, first and last statement index, hash of the body with numbers blinded (a pasted
    # function whose `>&2` a copy edited to `>&5` is still the same fragment)
    functions: tuple[tuple[str, int, int, int], ...]
    commands: tuple[str, ...]  # sorted
    description: str  # normalised header comment or docstring ("" when none)
    usage: str  # normalised usage text
    t1_digest: bytes  # hash of the whole T1 form; equal digests = normalised copies
    named_digest: bytes  # hash of the whole named form; equal = renamed copies
    blind_digest: bytes  # hash of the whole blind form; equal = variants
    distinct: int  # distinct blind statements that are not boilerplate

    @property
    def size(self) -> int:
        return len(self.t1)

    @property
    def content_lines(self) -> int:
        """Statements that are not set-up or structure by pattern."""
        return int(np.count_nonzero(~self.boiler))


def language_group(language: str) -> str:
    """Scripts are compared only within a group: sh/bash/ksh/dash together, Python alone."""
    if language in SHELL_LANGUAGES:
        return "shell"
    return language or "unknown"


def normalise(text: str, language: str, path: str = "") -> Form:
    group = language_group(language)
    st = statements_of(text, language)
    desc, usage = headers.describe(text, group, path)
    known = [_statement(s, group) for s in st.t1]
    boiler = [b for _, b, _ in known]
    blind = [_literal(b) for b in st.blind]
    literals = {lit for lits, b in zip(st.literals, boiler, strict=True) if not b for lit in lits}
    return Form(
        t1=np.array([h for h, _, _ in known], dtype=np.uint64),
        blind=np.array(blind, dtype=np.uint64),
        start=np.array(st.start, dtype=np.int32), end=np.array(st.end, dtype=np.int32),
        boiler=np.array(boiler, dtype=np.bool_),
        talk=np.array([bool(_TALK.fullmatch(b)) for b in st.blind], dtype=np.bool_),
        literals=np.unique(np.array([_literal(x) for x in literals], dtype=np.uint64)),
        functions=_functions(st, [n for _, _, n in known]), commands=tuple(sorted(st.commands)),
        description=desc, usage=usage,
        t1_digest=_digest(st.t1), named_digest=_digest(st.named),
        blind_digest=_digest(st.blind),
        distinct=len({h for h, b in zip(blind, boiler, strict=True) if not b}),
    )


def empty_form() -> Form:
    return normalise("", "sh")


def statements_of(text: str, language: str) -> Statements:
    """The statements themselves, as text (for showing a fragment, a diff, parameters)."""
    if language_group(language) == "python":
        return python.statements(text)
    return shell.statements(text)


def stable_hash(text: str) -> int:
    """64-bit, the same in every process and run (Python's hash() is salted per process)."""
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8", "surrogatepass"),
                                          digest_size=8).digest(), "little")


def _statement(text: str, group: str) -> tuple[int, bool, int]:
    """(hash, is boilerplate, hash with numbers blinded) of one T1 statement; statements
    repeat across a sprawl, so each process does each once."""
    key = (text, group == "python")
    found = _STATEMENTS.get(key)
    if found is None:
        boiler_re = _PYTHON_BOILER if key[1] else _SHELL_BOILER
        found = (stable_hash(text), boiler_re.fullmatch(text) is not None,
                 stable_hash(_DIGITS.sub("N", text)))
        if len(_STATEMENTS) < STATEMENT_CACHE:
            _STATEMENTS[key] = found
    return found


def _literal(text: str) -> int:
    found = _LITERALS.get(text)
    if found is None:
        found = stable_hash(text)
        if len(_LITERALS) < STATEMENT_CACHE:
            _LITERALS[text] = found
    return found


def _functions(st: Statements, numberless: list[int]) -> tuple[tuple[str, int, int, int], ...]:
    return tuple((name, first, last, stable_hash(" ".join(
        map(str, numberless[first + 1 : last + 1])))) for name, first, last in st.functions)


def _hashes(items: list[str]) -> Hashes:
    return np.array([stable_hash(s) for s in items], dtype=np.uint64)


def _digest(items: list[str]) -> bytes:
    if not items:
        return b""
    return hashlib.blake2b("\n".join(items).encode("utf-8", "surrogatepass"),
                           digest_size=16).digest()
