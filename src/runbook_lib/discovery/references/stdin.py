"""A script fed to an interpreter on its standard input: `bash < x.sh`, `python3 - < x.py`,
`docker run -i img python3 - < scripts/x.py` (getsentry/self-hosted), `ssh host bash -s < x.sh`.

The interpreter reads the file as its program, so the file is run: a row to it from the
redirect, rule `stdin>INTERPRETER`; `likely` when the interpreter is not the command itself
(inside `docker run`, behind `sudo`), remote behind `ssh`. `bash -c CMD < f` and `python -m M < f`
read `f` as data, as does any other program.
"""

from __future__ import annotations

from . import shparse
from .argv import SHELLS, Action, Word, program
from .model import CERTAIN, LIKELY
from .shwalk import Node, Shell, act, word
from .writers import command_words


def fed(node: Node, sh: Shell) -> None:
    """The file a `<` redirect of a redirected statement feeds to an interpreter, run."""
    body = node.child_by_field_name("body")
    if body is None or body.type != "command":
        return
    source = next((c for c in node.children if c.type == "file_redirect" and _reads(c)), None)
    dest = source.child_by_field_name("destination") if source is not None else None
    words = command_words(body, sh) if dest is not None else []
    if dest is None or not words:
        return
    at = _reader(words)
    if at is None:
        return
    reader = program(words[at])
    remote = any(program(w) == "ssh" for w in words[:at])
    act(Action("run", (word(dest, sh),), f"stdin>{reader}", remote), sh,
        CERTAIN if at == 0 else LIKELY)


def _reads(redirect: Node) -> bool:
    text = shparse.text(redirect).lstrip()
    return text.startswith("<") and not text.startswith(("<<", "<&", "<>", "<("))


def _reader(words: list[Word]) -> int | None:
    """The index of the interpreter that takes its program from standard input, if any."""
    for i, w in enumerate(words[:-1]):  # `docker run -i --entrypoint python3 IMAGE -`
        if w.value == "--entrypoint" and _interpreter(words[i + 1]) and \
                words[-1].value in ("-", "-s"):
            return i + 1
    for i in range(len(words) - 1, -1, -1):
        if _interpreter(words[i]):
            # only options after it (`-`, `-u`), or `-s` and then the script's arguments;
            # a script path, `-c CODE` or `-m MODULE` is its program instead
            rest = [w.value or "" for w in words[i + 1:]]
            return i if "-s" in rest or all(r.startswith("-") for r in rest) else None
    return None


def _interpreter(w: Word) -> bool:
    name = program(w)
    return name in SHELLS or name == "python"
