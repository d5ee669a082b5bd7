"""BATS, the Bash test runner: `*.bats` files are bash, `load NAME` sources `NAME.bash`
(relative names from the test file's folder, `$BATS_TEST_DIRNAME`) and `run CMD...` runs CMD.
A Makefile whose recipes run bats and `export NAME := $(CURDIR)` gives the tests that
variable: the usual way a suite finds the repo root
(`load "${REPOSITORY_ROOT}/test/helper/common"`).
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from .argv import Word
from .lines import Hit
from .model import RESOLVED
from .values import ANCHOR

if TYPE_CHECKING:
    from .shwalk import Shell

_EXPORT_HERE = re.compile(
    r"export\s+([A-Za-z_]\w*)\s*:?:?=\s*\$[({](?:CURDIR|shell\s+pwd)[)}]/?\s*$")
_RUNS_BATS = re.compile(r"^\t.*(?:^|[\s/])bats\s", re.MULTILINE)
_HELPERS = (".bats", ".bash")


def is_test(path: str) -> bool:
    return path.endswith(".bats")


def loads(path: str) -> bool:
    """Whether `load` in this file is bats' (a test, or a helper a test loads)."""
    return path.endswith(_HELPERS)


def make_exports(makefiles: list[str], read: Callable[[str], str | None]) -> list[tuple[str, str]]:
    """(Makefile folder, variable) for each `export VAR := $(CURDIR)` of a Makefile that runs
    bats in a recipe."""
    out = []
    for path in makefiles:
        text = read(path) or ""
        if not _RUNS_BATS.search(text):
            continue
        folder = posixpath.dirname(path)
        out += [(folder, m.group(1)) for m in map(_EXPORT_HERE.match, text.splitlines()) if m]
    return out


def test_variables(path: str, exports: list[tuple[str, str]]) -> dict[str, str | None]:
    """What bats (and the Makefile that runs it) set for a test file."""
    folder = posixpath.dirname(path)
    found: dict[str, str | None] = {"BATS_TEST_DIRNAME": ANCHOR + folder,
                                    "BATS_TEST_FILENAME": ANCHOR + path}
    for top, name in exports:
        if not top or folder == top or folder.startswith(top + "/"):
            found[name] = ANCHOR + top
    return found


def block(head: str, words: list[Word], sh: Shell) -> None:
    """A test's start (`@test 'x' {`, which tree-sitter-bash reads as a command), its end (a
    `}` of its own), or a bats-mock `stub NAME` (a stub of that name first on PATH: in that
    test, or in the whole file when made outside a test, as in `setup`)."""
    open_test = sh.tests[-1][0] if sh.tests and sh.tests[-1][1] == 0 else 0
    if head == "@test":
        sh.tests.append([words[0].line, 0])
    elif head == "}" and open_test and not sh.in_function:
        sh.tests[-1][1] = words[0].line
    elif head == "stub" and len(words) > 1:
        sh.stubs.setdefault(words[1].value or "", set()).add(
            0 if sh.in_function else open_test)


def unstubbed(hits: list[Hit], sh: Shell) -> list[Hit]:
    """Without the rows of a bare call of a name the file stubs where the stub holds (bats-mock
    puts a stub of that name first on PATH): it runs the stub, not the repo's script."""
    def stubbed(h: Hit) -> bool:
        starts = sh.stubs.get(h.target.rpartition("/")[2])
        if not starts or not h.rule.endswith("+PATH") or h.status != RESOLVED:
            return False
        return 0 in starts or any(t[0] in starts and t[0] <= h.line <= (t[1] or h.line)
                                  for t in sh.tests)
    return [h for h in hits if not stubbed(h)]


def load_target(w: Word) -> Word:
    """`load x/common` sources `x/common.bash`; a name that already ends in `.bash` or `.sh`
    is taken as written."""
    if w.value is None or w.value.endswith((".bash", ".sh")):
        return w
    return Word(w.value + ".bash", w.text, w.line, w.var)


def run_command(words: list[Word]) -> list[Word]:
    """The command bats' `run` runs: after its options (`-127`, `--separate-stderr`, `!`)."""
    rest = list(words)
    while rest and (rest[0].value or "").startswith(("-", "!")) and rest[0].value != "--":
        rest.pop(0)
    if rest and rest[0].value == "--":
        rest.pop(0)
    return rest


def assignments(words: list[Word]) -> int:
    """How many `VAR=value` words lead a command (its own environment), never all of them."""
    lead = 0
    while lead < len(words) - 1 and _ASSIGN.match(words[lead].value or ""):
        lead += 1
    return lead


_ASSIGN = re.compile(r"^[A-Za-z_]\w*=")
