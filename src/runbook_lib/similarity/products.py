"""One template per product: two same-named scripts that each name their own product.

A repo that ships one folder per product (OracleAccessManagement/, OracleHTTPServer/) often
copies one script into each (buildDockerImage.sh, create_domain.py) and edits the copy for its
product: its image name, server groups, options and checks. The copies look as alike as two
releases of one product's script, which are the same job. What tells them apart is in the
statements: each copy names its own product (a word of the folder where the two paths part,
or its initials: `oracle/oam:$VERSION` under OracleAccessManagement/), in two statements or
more, and the other copy never does. When only one of the two names its product (a SOA start
script that also runs the SOA extension step), the other could still stand in for it, so a
rule on one side alone would cut true families. Imports name where code lives, not what a
script does, and are left out: two tests of two modules each import their subject from their
own folder.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath

from runbook_lib.similarity.names import name_tokens
from runbook_lib.similarity.normalise import statements_of

_IMPORT = re.compile(r"(?:\d+ )?(?:import|from|source|\.) ")
# A single mention can be in passing (a bucket `s3://ops-dumps`, the path of a shared helper
# under scripts/); a copy edited for its product names it again (image name, settings,
# messages): on oracle/docker-images 2 to 64 statements per copy.
MENTIONS = 2


def words(text: str) -> set[str]:
    """Lower-case word tokens of a name or statement, numbers and single letters left out."""
    return {t for t in name_tokens(text) if len(t) > 1 and not t.isdigit()}


def statement_words(text: str, language: str) -> list[set[str]]:
    """The words of each statement of a script, imports and `source` lines left out."""
    return [words(s) for s in statements_of(text, language).t1 if not _IMPORT.match(s)]


def folder_words(path: str, other: str) -> set[str]:
    """The words of the folder where `path` parts from `other` (OracleAccessManagement:
    oracle, access, management and the initials oam), less those of the other's folder there."""
    mine, theirs = _parting(path, other), _parting(other, path)
    return _segment_words(mine) - _segment_words(theirs)


def _parting(path: str, other: str) -> str:
    a, b = PurePosixPath(path).parent.parts, PurePosixPath(other).parent.parts
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return a[n] if n < len(a) else ""


def _segment_words(segment: str) -> set[str]:
    tokens = [t for t in name_tokens(segment) if not t.isdigit()]
    initials = "".join(t[0] for t in tokens) if len(tokens) > 1 else ""
    return {t for t in (*tokens, initials) if len(t) > 1}


def named(text: str, own: set[str]) -> bool:
    """Whether the text (comments included) holds the words MENTIONS times: a test before
    parsing it, which most pairs fail."""
    return bool(own) and sum(1 for t in name_tokens(text) if t in own) >= MENTIONS


def two_products(own_a: set[str], words_a: list[set[str]], own_b: set[str],
                 words_b: list[set[str]]) -> bool:
    """Each script names a word of its own folder (`folder_words`), in MENTIONS statements or
    more, that the other never uses."""
    all_a, all_b = set().union(*words_a), set().union(*words_b)
    return _mentions(own_a & (all_a - all_b), words_a) >= MENTIONS and \
        _mentions(own_b & (all_b - all_a), words_b) >= MENTIONS


def _mentions(own: set[str], statements: list[set[str]]) -> int:
    return sum(1 for st in statements if st & own) if own else 0
