"""Files a script writes: a heredoc, `echo ... >` or `tee` that writes a crontab line, a unit
file or a script gives references of that kind from the writing script; a heredoc fed to a
shell is shell code. Anything else written is data, and its redirect target is no reference."""

from __future__ import annotations

import posixpath
import re

from . import shparse
from .argv import SHELLS, Word, program
from .cron import cron_command
from .model import LIKELY
from .resolve import Where
from .shwalk import Node, Shell, nested, walk, word
from .systemd import exec_lines

_CRON_DIRS = ("/etc/cron.d/", "/var/spool/cron/", "/etc/cron.")
_UNIT_SUFFIXES = (".service", ".timer", ".socket")
# an aliases(5) target that pipes to a command: `"|/usr/bin/x arg"` or `|/usr/bin/x`
_PIPE = re.compile(r'(?:^|,)\s*(?:"\|([^"]+)"|\|([^,"\s][^,"]*))')


_WRITERS = frozenset({"echo", "printf", "cat", "tee", "sudo", "crontab", "ssh", *SHELLS})


def written(node: Node, sh: Shell) -> None:
    """A redirected statement: its heredoc or echo text, by where it goes."""
    body = node.child_by_field_name("body")
    if body is None or body.type != "command" or not _writes(node, body):
        return
    words = command_words(body, sh)
    prog = program(words[0]) if words else ""
    content, first = _content(node, words, prog)
    if content is None:
        return
    dest = _destination(node, words, prog, sh)
    if dest is None and prog in SHELLS and len(words) == 1:
        _code(content, first, sh, "heredoc-shell", LIKELY)
    elif dest is None and prog == "ssh":
        _code(content, first, sh, "heredoc-ssh", LIKELY, remote=True)
    elif dest is not None:
        write_kind(dest, content, first, sh, crontab=prog == "crontab")


def _writes(node: Node, body: Node) -> bool:
    """Cheap first look: a heredoc, or a program that writes text into a real file."""
    name = body.child_by_field_name("name")
    if name is None or shparse.text(name).rpartition("/")[2] not in _WRITERS:
        return False
    for child in node.children:
        if child.type == "heredoc_redirect":
            return True
        if child.type == "file_redirect":
            dest = child.child_by_field_name("destination")
            target = shparse.text(dest) if dest is not None else ""
            if not target.startswith(("&", "/dev/")):
                return True
    return shparse.text(name).rpartition("/")[2] in ("tee", "sudo", "crontab")


def piped(node: Node, sh: Shell) -> None:
    """`(crontab -l; echo "* * * * * x") | crontab -`: the echoed lines are cron lines."""
    commands = [c for c in node.named_children if c.type == "command"]
    if not commands:
        return
    last = command_words(commands[-1], sh)
    if not last or program(last[0]) not in ("crontab", "tee"):
        return
    dest = "crontab" if program(last[0]) == "crontab" else _tee_file(last)
    if dest is None:
        return
    for part in node.named_children[:-1]:
        for echo in _echoes(part):
            words = command_words(echo, sh)
            if len(words) > 1:
                text = " ".join(w.value or "" for w in words[1:])
                write_kind(dest, text, sh.line(echo) - sh.line0 - 1, sh, crontab=True)


def _echoes(node: Node) -> list[Node]:
    if node.type == "command":
        name = node.child_by_field_name("name")
        return [node] if name is not None and shparse.text(name) in ("echo", "printf") else []
    return [e for c in node.named_children for e in _echoes(c)]


def command_words(command: Node, sh: Shell) -> list[Word]:
    """A simple command's words, evaluated; [] when it has no command name."""
    name = command.child_by_field_name("name")
    if name is None:
        return []
    return [word(name, sh), *(word(a, sh) for a in command.children_by_field_name("argument"))]


def _content(node: Node, words: list, prog: str) -> tuple[str | None, int]:  # type: ignore[type-arg]
    for child in node.children:
        if child.type == "heredoc_redirect":
            for part in child.children:
                if part.type == "heredoc_body":
                    return shparse.text(part), shparse.row(part)
    if prog in ("echo", "printf") and len(words) > 1:
        return " ".join(w.value or "" for w in words[1:] if not (w.value or "").startswith("-")), \
            shparse.row(node)
    return None, 0


def _destination(node: Node, words: list, prog: str, sh: Shell) -> str | None:  # type: ignore[type-arg]
    if prog == "crontab":
        return "crontab"
    if prog == "tee":
        return _tee_file(words)
    if prog == "sudo" and len(words) > 1 and program(words[1]) == "tee":
        return _tee_file(words[1:])
    for child in _redirects(node):
        op = shparse.text(child.children[0]) if child.children else ""
        dest = child.child_by_field_name("destination")
        if op in (">", ">>", ">|") and dest is not None:
            return word(dest, sh).value or shparse.text(dest)
    return None


def _redirects(node: Node) -> list[Node]:
    """The file redirects of a statement; tree-sitter-bash puts the one written after a heredoc
    start (`cat <<EOF > /etc/aliases`) inside the heredoc redirect."""
    out = []
    for child in node.children:
        if child.type == "heredoc_redirect":
            out += [c for c in child.children if c.type == "file_redirect"]
        elif child.type == "file_redirect":
            out.append(child)
    return out


def _tee_file(words: list) -> str | None:  # type: ignore[type-arg]
    for w in words[1:]:
        if w.value and not w.value.startswith("-"):
            return str(w.value)
    return None


def write_kind(dest: str, content: str, first: int, sh: Shell, crontab: bool = False) -> None:
    """References of the kind `dest` is (crontab, unit, script) from text written there."""
    name = posixpath.basename(dest)
    if crontab or dest == "crontab" or dest.startswith(_CRON_DIRS) or dest == "/etc/crontab" \
            or name.endswith((".cron", ".crontab")):
        system = dest.startswith(("/etc/cron.d/", "/etc/crontab"))
        for row, line in enumerate(content.split("\n")):
            found = cron_command(line, system)
            if found is not None:
                _code(found, first + row, sh, "written-crontab", LIKELY, kind="cron", fresh=True)
    elif name.endswith(_UNIT_SUFFIXES) or dest.startswith("/etc/systemd/"):
        for row, command in exec_lines(content.split("\n")):
            _code(command, first + row, sh, "written-unit", LIKELY, kind="systemd", fresh=True)
    elif name == "aliases":  # /etc/aliases, /etc/postfix/aliases, /etc/mail/aliases
        for row, command in alias_pipes(content):
            _code(command, first + row, sh, "written-aliases", LIKELY, fresh=True)
    elif name.endswith((".sh", ".bash")) or (content.startswith("#!") and _shell_shebang(content)):
        _code(content, first, sh, "written-script", LIKELY, rows=True, fresh=True)


def alias_pipes(content: str) -> list[tuple[int, str]]:
    """(0-based row, command) of each `name: "|command"` delivery in an aliases(5) text: the
    mail system runs that command with the message on its stdin."""
    out = []
    for row, line in enumerate(content.split("\n")):
        if line.lstrip().startswith("#") or ":" not in line:
            continue
        out += [(row, m.group(1) or m.group(2)) for m in _PIPE.finditer(line.partition(":")[2])]
    return out


def _shell_shebang(content: str) -> bool:
    first = content.split("\n", 1)[0]
    return any(posixpath.basename(w) in SHELLS for w in first[2:].split()[:2])


def _code(code: str, row: int, sh: Shell, rule: str, confidence: str, remote: bool = False,
          kind: str = "", rows: bool = True, fresh: bool = False) -> None:
    """Walk `code` found at 0-based `row` of the text `sh` walks (its rows keep their lines)."""
    if not rows or sh.fixed:
        nested(code, sh.fixed or row + sh.line0 + 1, sh, rule, confidence)
        return
    where = Where(sh.where.file, sh.where.bases, {} if fresh else dict(sh.where.variables),
                  sh.where.maps, sh.where.workdir, clones=sh.where.clones)
    inner = Shell(where, sh.lk, cd=() if fresh else sh.cd, line0=row + sh.line0,
                  remote=sh.remote or remote, confidence=LIKELY if LIKELY in (
                      confidence, sh.confidence) else sh.confidence,
                  rule=f"{sh.rule}>{rule}" if sh.rule else rule, kind=kind or sh.kind,
                  path_dirs=sh.path_dirs, hook=sh.hook)
    walk(code, inner)
    sh.hits.extend(inner.hits)
