"""Usage records: the lines a quarantined script or a shim adds to its top, and the record
each run writes.

A record is one line, fields separated by tabs:
    runbook-usage  1  <UTC time>  <host>  <user>  <script id>  <path as run>  <cwd>  <parent>
The script id is the repo path with every character but letters, digits, `_` and `-`
percent-encoded (`scripts%2Fx%2Esh`): the header names its own script, yet no discovery rule,
check or caller rewrite ever reads that word as a path. The lines change nothing the script
does: they run in a subshell (shell) or in a namespace of their own (Python), read nothing
from stdin, print nothing, never fail, and leave `$0`, `$_`, arguments, `set -e` and the exit
code alone. The file sink is skipped when it is not writable; syslog goes through
`logger -t runbook-usage`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

MARK = "runbook-usage"
QUARANTINE = "runbook quarantine"
VERSION = "1"
FIELDS = ("time", "host", "user", "script", "path", "cwd", "parent")
SINKS = ("file", "syslog")
DEFAULT_LOG = "/var/log/runbook-usage.log"


@dataclass(frozen=True)
class Sinks:
    log: str = DEFAULT_LOG  # "" = no file
    syslog: bool = True

    @classmethod
    def of(cls, action: dict[str, object]) -> Sinks:
        usage = action.get("usage")
        if not isinstance(usage, dict):
            return cls("", False)
        return cls(str(usage.get("log") or ""), bool(usage.get("syslog")))

    def as_dict(self) -> dict[str, object]:
        return {"log": self.log, "syslog": self.syslog}

    @property
    def any(self) -> bool:
        return bool(self.log) or self.syslog


NO_SINKS = Sinks("", False)


def script_id(path: str) -> str:
    return "".join(c if c.isascii() and (c.isalnum() or c in "_-") else
                   "".join(f"%{b:02X}" for b in c.encode("utf-8")) for c in path)


def path_of(ident: str) -> str:
    raw = bytearray()
    i = 0
    while i < len(ident):
        if ident[i] == "%" and _hex(ident[i + 1:i + 3]):
            raw.append(int(ident[i + 1:i + 3], 16))
            i += 3
        else:
            raw += ident[i].encode("utf-8")
            i += 1
    return raw.decode("utf-8", "replace")


def _hex(text: str) -> bool:
    return len(text) == 2 and all(c in "0123456789abcdefABCDEF" for c in text)


def _sq(text: str) -> str:
    """`text` inside single quotes in shell: nothing in it expands."""
    return "'" + text.replace("'", "'\\''") + "'"


def shell_lines(path: str, sinks: Sinks, why: str) -> str:
    """POSIX shell lines (sh, bash, ksh, zsh) that record one run of `path`.

    Few programs run, as a shim's callers pay for them on every call: the host name is read
    with `read`, the user is the login name the environment holds (`id` runs only when it
    holds none), the tab is a literal one, and logger runs only where a syslog socket is."""
    fields = ['$(date -u +%Y-%m-%dT%H:%M:%SZ)', "$runbook_h", "${LOGNAME:-${USER:-$(id -un)}}",
              script_id(path), "$0",
              "$PWD", '$(tr \'\\0\\t\\n\' \'   \' <"/proc/$PPID/cmdline")']
    record = "${runbook_t}".join([MARK, VERSION, *fields])
    out = [f"(: {_sq(why)}",
           " runbook_t='\t'; read -r runbook_h </proc/sys/kernel/hostname ||"
           " runbook_h=$(uname -n)",
           f' runbook_r="{record}"']
    if sinks.log:
        out.append(f" printf '%s\\n' \"$runbook_r\" >>{_sq(sinks.log)} || :")
    if sinks.syslog:
        out.append(f' [ ! -S /dev/log ] || logger -t {MARK} -- "$runbook_r" || :')
    out[-1] += ") </dev/null >/dev/null 2>&1 || :"
    return "\n".join(out) + "\n"


# Runs in a namespace of its own (nothing leaks into the script's globals); S, L, Y and F are
# the script id, the log file, syslog on/off and the running file.
_PY_CODE = (
    "o=__import__('os');t=__import__('time')\n"
    "def g(f):\n try:return f()\n except Exception:return ''\n"
    "def u():return __import__('pwd').getpwuid(o.getuid()).pw_name\n"
    "def c():\n with open('/proc/%d/cmdline'%o.getppid(),'rb') as h:return h.read()"
    ".replace(b'\\0',b' ').replace(b'\\t',b' ').replace(b'\\n',b' ').decode('utf-8',"
    "'replace').strip()\n"
    f"m='\\t'.join(['{MARK}','{VERSION}',t.strftime('%Y-%m-%dT%H:%M:%SZ',t.gmtime()),"
    "o.uname()[1],g(u) or str(o.getuid()),S,o.path.abspath(F) if F else '',g(o.getcwd),g(c)])\n"
    "if L:\n try:\n  with open(L,'ab') as h:h.write((m+'\\n').encode('utf-8','replace'))\n"
    " except Exception:pass\n"
    "if Y:\n try:\n  n=o.open(o.devnull,o.O_RDWR)\n"
    f"  try:o.waitpid(o.posix_spawnp('logger',['logger','-t','{MARK}','--',m],o.environ,"
    "file_actions=[(o.POSIX_SPAWN_DUP2,n,0),(o.POSIX_SPAWN_DUP2,n,1),"
    "(o.POSIX_SPAWN_DUP2,n,2)]),0)\n"
    "  finally:o.close(n)\n except Exception:pass\n"
)


def python_lines(path: str, sinks: Sinks, why: str) -> str:
    """Python lines (a try statement, so linters still see imports at the top) that record
    one run or import of `path`."""
    values = (f'{{"S": {json.dumps(script_id(path))}, "L": {json.dumps(sinks.log)}, '
              f'"Y": {int(sinks.syslog)}, "F": globals().get("__file__") or ""}}')
    note = why.replace("\n", " ")
    return (f"try:  # {note}\n    exec({json.dumps(_PY_CODE)}, {values})\n"
            "except Exception:\n    pass\n")


@dataclass(frozen=True)
class Record:
    time: str
    host: str
    user: str
    script: str  # repo path (decoded script id)
    path: str
    cwd: str
    parent: str


def parse(line: str) -> Record | None:
    """The record in one line of a log file, syslog or the journal, or None."""
    at = line.find(MARK)
    while at >= 0:
        fields = _split(line[at:])
        if len(fields) >= 2 + len(FIELDS) and fields[0] == MARK and fields[1] == VERSION:
            values = [f.strip() for f in fields[2:2 + len(FIELDS)]]
            values[3] = path_of(values[3])
            return Record(*values)
        at = line.find(MARK, at + 1)
    return None


def _split(text: str) -> list[str]:
    # syslog daemons may escape the tab as #011 (rsyslog) or \t / \011 (others)
    for escaped in ("#011", "\\011", "\\t"):
        if "\t" not in text and escaped in text:
            text = text.replace(escaped, "\t")
    return text.rstrip("\r\n").split("\t")
