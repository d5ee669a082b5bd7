"""Mutants of a script in the Roy & Cordy taxonomy, to measure how many copies a detector finds.

- T1, layout and comments: indentation redone in another unit, whole-line comments dropped
  and others added, trailing comments, blank lines, `if x; then` split over two lines.
- T2, identifiers and literals: half the names the script binds renamed everywhere, deploy
  paths moved (`/opt/...` -> `/srv/...`) and port numbers changed.
- T3, statements: the T2 mutant with simple statements added (lines other scripts of the
  corpus hold, or a log line), deleted and modified (an option or argument added) at a rate:
  `round(rate * simple statements)` operations, at least one.

Each mutant carries BigCloneBench's measure: the share of code lines (after blinding names and
literals, so T1 and T2 keep every line) that original and mutant have in common, taken on the
longer of the two; T3 mutants are bucketed by it (VST3 >= .9, ST3 .7-.9, MT3 .5-.7).
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from dataclasses import dataclass

from runbook_lib.sample import anatomy
from runbook_lib.sample.anatomy import Anatomy

OPERATORS = {"t1": 0.0, "t2": 0.0, "t3-12": 0.12, "t3-35": 0.35, "t3-90": 0.90}
COMMENTS = ("# keep in sync with the copy on the build host", "# NOTE: checked by ops, 2024",
            "# see the runbook before changing this", "# TODO: make this configurable")
SHELL_ADDED = ('echo "step done at $(date +%T)"', "sleep 2", 'logger -t ops "checkpoint"',
               "sync", 'echo "--- $0 ---" >&2', "set -x")
PYTHON_ADDED = ('print("step done", flush=True)', "time.sleep(2)",
                'logging.info("checkpoint")', "sys.stdout.flush()")
SHELL_OPTIONS = ("-v", "-q", "--verbose", "-f")
_STARTS = re.compile(r"\s*(?:def|class|if|elif|else|for|while|with|try|except|finally|"
                     r"return|async|case|function)\b")
_SPLIT = re.compile(r"^(\s*)((?:if|elif|while|until|for)\b.*?);\s*(then|do)\s*$")
_PATH = re.compile(rb"(?<![\w.$])/(opt|srv|var|data|home|mnt|etc)/")
_PORT = re.compile(rb"(?<![\w.])(1\d{3}|[2-9]\d{3}|[1-5]\d{4})(?![\w.])")
_MOVED = {b"opt": b"srv", b"srv": b"opt", b"var": b"data", b"data": b"var", b"home": b"srv",
          b"mnt": b"data", b"etc": b"opt"}


@dataclass(frozen=True)
class Mutant:
    text: str
    operator: str
    share: float  # code lines kept / code lines of the longer script
    bucket: str  # T1, T2, VST3, ST3, MT3, or WT3 (below .5: outside the measured buckets)


def bucket(operator: str, share: float) -> str:
    if operator in ("t1", "t2"):
        return operator.upper()
    return "VST3" if share >= 0.9 else "ST3" if share >= 0.7 else "MT3" if share >= 0.5 \
        else "WT3"


def mutate(text: str, python: bool, operator: str, rng: random.Random,
           pool: Sequence[str] = ()) -> Mutant:
    if operator == "t1":
        return Mutant(layout(anatomy.read(text, python), rng), operator, 1.0, "T1")
    renamed = rename(anatomy.read(text, python), rng)
    if operator == "t2":
        return Mutant(renamed, operator, 1.0, "T2")
    out, share = statements(anatomy.read(renamed, python), OPERATORS[operator], rng,
                            list(pool))
    return Mutant(out, operator, round(share, 4), bucket(operator, share))


def layout(a: Anatomy, rng: random.Random) -> str:
    unit = _unit(a)
    new_unit = ("\t" if not a.python and rng.random() < 0.5 else "  ") if unit == 4 else " " * 4
    out: list[str] = []
    for row, line in enumerate(a.lines):
        if row in a.protected:
            out.append(line)
            continue
        body = line.lstrip(" ")
        if body.startswith("#") and row > 0 and rng.random() < 0.7:
            continue  # a comment dropped
        lead = _reindent(len(line) - len(body), unit, new_unit) if unit else line[:-len(body)
                                                                                    or None]
        if row in a.simple and rng.random() < 0.25:
            out.append("")  # a blank line before this statement
        if row in a.simple and rng.random() < 0.2:
            out.append(lead + rng.choice(COMMENTS))
        split = None if a.python else _SPLIT.match(lead + body)
        if split:
            out += [lead + split.group(2), lead + split.group(3)]
        elif row in a.simple and rng.random() < 0.15:
            out.append(lead + body + "  " + rng.choice(COMMENTS))
        else:
            out.append(lead + body if body else "")
    return "\n".join(out)


def _unit(a: Anatomy) -> int:
    """The indentation step of the script (0 when it uses tabs or none): the least indentation
    of a line that starts a statement (continuation lines may be aligned anywhere)."""
    if any(line.startswith("\t") for line in a.lines):
        return 0
    widths = [len(line) - len(line.lstrip(" ")) for r, line in enumerate(a.lines)
              if r not in a.protected and (r in a.simple or _STARTS.match(line))]
    return min((w for w in widths if w), default=4)


def _reindent(width: int, unit: int, new_unit: str) -> str:
    depth, rest = divmod(width, unit)
    return new_unit * depth + " " * rest


def rename(a: Anatomy, rng: random.Random) -> str:
    edits: dict[tuple[int, int], bytes] = {}
    names = sorted(a.bound)
    for n, name in enumerate(sorted(rng.sample(names, (len(names) + 1) // 2))):
        new = _new_name(name, n).encode()
        for span in a.bound[name]:
            edits[span] = new
    for start, end in a.literals:
        text = a.source[start:end]
        moved = _PORT.sub(lambda m: str(int(m.group(1)) + 1).encode(),
                          _PATH.sub(lambda m: b"/" + _MOVED[m.group(1)] + b"/", text))
        if moved != text and (start, end) not in edits:
            edits[(start, end)] = moved
    return _apply(a.source, edits).decode("utf-8", "surrogatepass")


def _new_name(name: str, n: int) -> str:
    words = ("item", "target", "entry", "value", "node", "unit", "slot", "part")
    new = f"{words[n % len(words)]}_{n // len(words) + 1}"
    return new.upper() if name.isupper() else new


def _apply(source: bytes, edits: dict[tuple[int, int], bytes]) -> bytes:
    out, last = [], 0
    for (start, end), new in sorted(edits.items()):
        if start < last:
            continue  # overlapping spans: the first wins
        out += [source[last:start], new]
        last = end
    out.append(source[last:])
    return b"".join(out)


def statements(a: Anatomy, rate: float, rng: random.Random,
               pool: list[str]) -> tuple[str, float]:
    """Add, delete and modify simple statements; the share of code lines kept."""
    rows = sorted(a.simple)
    ops = max(1, round(rate * len(rows)))
    targets = rng.sample(rows, min(ops, len(rows)))
    left = dict(a.block_size)
    added: dict[int, list[str]] = {}
    deleted: set[int] = set()
    modified: dict[int, str] = {}
    for row in targets:
        kind, block = a.simple[row]
        lead = a.lines[row][: len(a.lines[row]) - len(a.lines[row].lstrip())]
        choice = rng.randrange(3)
        if choice == 0 and left[block] > 1:
            deleted.add(row)
            left[block] -= 1
        elif choice == 1 and (edit := _modify(a.lines[row], kind, a.python, rng)):
            modified[row] = edit
        else:
            line = rng.choice(pool) if pool and rng.random() < 0.5 else \
                rng.choice(PYTHON_ADDED if a.python else SHELL_ADDED)
            added.setdefault(row, []).append(lead + line.strip())
    out: list[str] = []
    for row, line in enumerate(a.lines):
        out += added.get(row, [])
        if row not in deleted:
            out.append(modified.get(row, line))
    code = len(a.code_rows())
    kept = code - len(deleted) - len(modified)
    longer = max(code, code - len(deleted) + sum(len(v) for v in added.values()))
    return "\n".join(out), kept / longer if longer else 0.0


def _modify(line: str, kind: str, python: bool, rng: random.Random) -> str:
    body = line.rstrip()
    if python:
        if body.endswith("()"):
            return body[:-1] + "timeout=30)"
        if body.endswith(")"):
            return body[:-1] + ", timeout=30)"
        return body + " or None" if " = " in body else ""
    if kind in ("command", "redirected_statement"):
        lead = len(line) - len(line.lstrip())
        first, _, rest = line[lead:].partition(" ")
        if "=" in first:
            return ""
        return f"{line[:lead]}{first} {rng.choice(SHELL_OPTIONS)}" + (f" {rest}" if rest else "")
    if kind == "variable_assignment":
        return line[: len(line) - len(line.lstrip())] + "readonly " + line.lstrip()
    return ""


def simple_lines(text: str, python: bool) -> list[str]:
    """The simple statements of a script, as lines another script could be given."""
    a = anatomy.read(text, python)
    return [a.lines[r].strip() for r in sorted(a.simple)]
