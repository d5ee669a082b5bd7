"""Risk flags of one script, found in its text; `scheduled` and `ci` come from its callers."""

from __future__ import annotations

import re
from collections.abc import Iterable

FLAGS = (
    "hardcoded_path", "env", "destructive", "stateful", "privileged", "network", "no_errexit",
    "timing", "docker", "location_sensitive", "scheduled", "ci", "shadows_module",
)
# flags that put a script into the risky, last batches of a plan
HIGH_RISK = ("destructive", "stateful", "scheduled", "docker")

_COMMON = {
    "hardcoded_path": r"(?<![\w$.}/-])/(?:opt|home|srv|var|etc|mnt|data|root|usr/local)/",
    "location_sensitive": r"\$0\b|\$\{0[}%#]|BASH_SOURCE|__file__",
}
_SHELL = {
    "destructive": r"\brm\s+(?:-\w*[rR]\w*\s+|--recursive)|\bdd\s+.*\bof=|\bmkfs\b|"
    r"\b(?:DROP|TRUNCATE)\s+(?:TABLE|DATABASE|SCHEMA)?|\bgit\s+reset\s+--hard|\bgit\s+clean\s+-\w*f|"
    r"\bdocker(?:-compose)?\s+(?:\w+\s+)?(?:rm|rmi|prune|down\s+-v)\b|\bfind\b.*\s-delete\b",
    "stateful": r"\b(?:pg_dump|pg_dumpall|pg_restore|psql|mysql|mysqldump|redis-cli|mongo|"
    r"mongodump|mongorestore|sqlite3|etcdctl|backup|restore)\b",
    "privileged": r"\b(?:sudo|chown|chmod|chgrp|setcap|su\s+-)\b|\bchmod\s+[ugoa]*\+s",
    "network": r"\b(?:curl|wget|ssh|scp|rsync|nc|ncat|telnet|ftp|sftp)\b",
    "timing": r"\b(?:sleep|wait|flock|timeout)\b|(?<=[^&>|])&\s*(?:$|#)",
    "docker": r"\b(?:docker|docker-compose|podman)\b",
}
_PYTHON = {
    "destructive": r"\bshutil\.rmtree\b|\bos\.(?:remove|unlink|rmdir)\b|\b(?:DROP|TRUNCATE)\s+"
    r"(?:TABLE|DATABASE|SCHEMA)|rm\s+-\w*r|\bgit\s+reset\s+--hard",
    "stateful": r"\b(?:psycopg2?|pymysql|MySQLdb|sqlalchemy|redis|pymongo|sqlite3|pg_dump|"
    r"pg_restore|psql|mysqldump|redis-cli|backup|restore)\b",
    "privileged": r"\bos\.(?:chown|chmod|setuid|setgid|seteuid)\b|\bsudo\b",
    "network": r"\b(?:requests|httpx|urllib\.request|urllib3|socket|http\.client|aiohttp|"
    r"paramiko|ftplib|smtplib|curl|wget|ssh|scp)\b",
    "timing": r"\btime\.sleep\b|\basyncio\.sleep\b|\bthreading\b|\bsleep\s+\d",
    "docker": r"\bimport\s+docker\b|\bdocker\b",
}


# for each flag, literals one of which is in every text its regex matches: a text holding none
# needs no regex pass (`in` runs at memory speed; an alternation is tried at every position)
_NEEDS_COMMON = {
    "hardcoded_path": ("/opt/", "/home/", "/srv/", "/var/", "/etc/", "/mnt/", "/data/",
                       "/root/", "/usr/local/"),
    "location_sensitive": ("$0", "${0", "BASH_SOURCE", "__file__"),
}
_NEEDS_SHELL = {
    "destructive": ("rm", "dd", "mkfs", "DROP", "TRUNCATE", "git", "docker", "-delete"),
    "stateful": ("pg_", "psql", "mysql", "redis-cli", "mongo", "sqlite3", "etcdctl", "backup",
                 "restore"),
    "privileged": ("sudo", "chown", "chmod", "chgrp", "setcap", "su"),
    "network": ("curl", "wget", "ssh", "scp", "rsync", "nc", "telnet", "ftp"),
    "timing": ("sleep", "wait", "flock", "timeout", "&"),
    "docker": ("docker", "podman"),
}
_NEEDS_PYTHON = {
    "destructive": ("rmtree", "os.remove", "os.unlink", "os.rmdir", "DROP", "TRUNCATE", "rm",
                    "git"),
    "stateful": ("psycopg", "pymysql", "MySQLdb", "sqlalchemy", "redis", "pymongo", "sqlite3",
                 "pg_", "psql", "mysqldump", "backup", "restore"),
    "privileged": ("os.ch", "os.set", "sudo"),
    "network": ("requests", "httpx", "urllib", "socket", "http.client", "aiohttp", "paramiko",
                "ftplib", "smtplib", "curl", "wget", "ssh", "scp"),
    "timing": ("sleep", "threading"),
    "docker": ("docker",),
}


def _pair(pattern: str) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """The flag's regex and its gate: the same without `\\b` and look-behinds, so it matches
    wherever the regex does (and more), but starts with a literal, which Python's re finds
    many times faster than trying a word boundary at every position."""
    gate = re.sub(r"\\b|\(\?<[!=]\[[^\]]*\]\)", "", pattern)
    return re.compile(pattern, re.M), re.compile(gate, re.M)


_SHELL_RE = {k: (*_pair(v), {**_NEEDS_COMMON, **_NEEDS_SHELL}[k])
             for k, v in {**_COMMON, **_SHELL}.items()}
_PYTHON_RE = {k: (*_pair(v), {**_NEEDS_COMMON, **_NEEDS_PYTHON}[k])
              for k, v in {**_COMMON, **_PYTHON}.items()}
_ERREXIT = re.compile(r"^\s*set\s+(?:-[a-zA-Z]*e|-o\s+errexit|-\w*\s+-\w*e)|^#!.*\s-\w*e", re.M)
_SHELL_VAR = re.compile(r"\$\{(\w+)(:?[-=?+])?|\$([A-Za-z_]\w*)")
# searched in all code lines at once: `_S` is a space that never crosses a line end, so each
# match stays on one line, as if every line were searched alone
_S = r"[^\S\n]"
_SHELL_ASSIGN = re.compile(
    rf"(?:^|[;&|]{_S}*|\b(?:export|local|declare|readonly|typeset){_S}+(?:-\w+{_S}+)?)"
    r"([A-Za-z_]\w*)(?:\+)?=", re.M)
_SHELL_BIND = re.compile(
    rf"\b(?:for|read(?:{_S}+-\w+)*|getopts{_S}+\S+){_S}+([A-Za-z_]\w*)")
_PY_ENV = re.compile(
    r"""(?:os\.environ\[|os\.environ\.get\(|os\.getenv\(|environ\[|environ\.get\()\s*["'](\w+)["']"""
)
SHELL_SPECIAL = frozenset(
    {"RANDOM", "LINENO", "BASH_SOURCE", "PWD", "OLDPWD", "IFS", "FUNCNAME", "PIPESTATUS",
     "SECONDS", "BASH_REMATCH", "OPTARG", "OPTIND", "REPLY", "BASHPID", "HOSTNAME", "UID",
     "EUID", "PPID", "SHLVL", "BASH_VERSION", "BASH_LINENO", "HISTFILE"}
)


def code_lines(text: str, language: str = "") -> list[str]:
    """Lines with full-line comments and the shebang removed (risk flags ignore comments)."""
    return [ln for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]


def text_flags(text: str, language: str) -> set[str]:
    return analyse(text, language)[0]


def analyse(text: str, language: str) -> tuple[set[str], list[str]]:
    """Risk flags found in the text, and the environment variables it reads."""
    lines = code_lines(text, language)
    body = "\n".join(lines)
    table = _PYTHON_RE if language == "python" else _SHELL_RE
    flags = {flag for flag, (rx, gate, needs) in table.items()
             if any(n in body for n in needs) and _search(rx, gate, body)}
    names = _env_from_lines(text, lines, language)
    if names:
        flags.add("env")
    if language != "python" and lines and not (_ERREXIT.search(text.split("\n", 1)[0]) or
                                               _ERREXIT.search(body)):
        flags.add("no_errexit")
    return flags, names


def _search(rx: re.Pattern[str], gate: re.Pattern[str], body: str) -> bool:
    """rx.search(body), tried only where the gate matches (rx.match sees the text before)."""
    pos = 0
    while (m := gate.search(body, pos)) is not None:
        if rx.match(body, m.start()):
            return True
        pos = m.start() + 1
    return False


def env_vars(text: str, language: str) -> list[str]:
    """Names of environment variables the script reads (assigned-only names excluded)."""
    return _env_from_lines(text, code_lines(text, language), language)


def _env_from_lines(text: str, lines: list[str], language: str) -> list[str]:
    if language == "python":
        return sorted(set(_PY_ENV.findall(text)))
    if "$" not in text:
        return []
    # only the lines that can hold a match (an assignment needs `=`; a loop or read its word)
    sets = "\n".join(ln for ln in lines if "=" in ln)
    binds = "\n".join(ln for ln in lines if "for" in ln or "read" in ln or "getopts" in ln)
    assigned = set(_SHELL_ASSIGN.findall(sets)) | set(_SHELL_BIND.findall(binds))
    read: set[str] = set()
    for braced, op, plain in _SHELL_VAR.findall("\n".join(ln for ln in lines if "$" in ln)):
        name = braced or plain
        if name in SHELL_SPECIAL or name.isdigit():
            continue
        if op in ("-", ":-", "=", ":=", "?", ":?") or name not in assigned:
            read.add(name)
    return sorted(n for n in read if n.isupper())


def join(flags: Iterable[str]) -> str:
    order = {f: i for i, f in enumerate(FLAGS)}
    return ";".join(sorted(set(flags), key=lambda f: order.get(f, len(order))))
