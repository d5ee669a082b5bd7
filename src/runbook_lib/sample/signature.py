"""A few harmless probe statements that make every scaled original structurally its own.

Scripts drawn from one template with the same options would otherwise be equal once names and
literals are made blind: renamed copies in fact, though the truth calls them originals. The
probes are command and attribute names, which blinding keeps, chosen by the digits of a
counter per template, so no two originals of a template share them. None raises a risk flag
or names a script.
"""

from __future__ import annotations

from runbook_lib.sample.model import Line

SHELL_PROBES = (
    "uptime", "hostname", "date -u", "df -h /", "free -m", "nproc", "uname -r", "id -un",
    "ps -e", "ss -ltn", "ip -brief addr", "lsblk", "who", "locale", "umask", "ulimit -n",
    "pwd", "tty", "cat /proc/loadavg", "getconf PAGESIZE", "arch", "uname -m", "groups",
    "whoami", "lscpu", "lsmod", "vmstat 1 1", "dmesg -T", "last -n 3", "w -h", "mpstat",
    "env -u LANG true",
)
PYTHON_PROBES = (
    "platform.node()", "platform.release()", "platform.machine()", "platform.system()",
    "platform.version()", "platform.python_version()", "platform.processor()",
    "platform.architecture()", "platform.libc_ver()", "platform.uname()", "os.cpu_count()",
    "os.getloadavg()", "os.getpid()", "os.getppid()", "os.getuid()", "os.getcwd()",
    "os.times()", "os.uname()", "sys.getrecursionlimit()", "sys.getdefaultencoding()",
    "sys.getfilesystemencoding()", "sys.getswitchinterval()", "shutil.disk_usage('/')",
    "shutil.get_terminal_size()", "time.time()", "time.monotonic()", "time.process_time()",
    "time.perf_counter()", "time.localtime()", "time.gmtime()", "time.tzname", "os.sep",
)
DIGITS = 3  # 32 ** 3 = 32,768 distinct probe sets per template


def probes(counter: int, python: bool) -> list[Line]:
    pool = PYTHON_PROBES if python else SHELL_PROBES
    chosen = []
    for place in range(DIGITS):
        digit = (counter // len(pool) ** place) % len(pool)
        chosen.append(pool[(digit + 11 * place) % len(pool)])
    if python:
        names = ", ".join(chosen)
        return [Line("import platform, shutil, time  # probes of the host it ran on"),
                Line(f"print({names}, file=sys.stderr)")]
    return [Line("# where and when this ran, for the job log"),
            *(Line(f"{cmd} >&2 || true") for cmd in chosen)]
