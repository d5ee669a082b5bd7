"""The one place that runs target-repo scripts: a throw-away copy in a sandbox, nothing else.

bubblewrap when it works here, else `unshare` (user, mount, net, pid namespaces), else nothing
runs. Inside: a minimal read-only root (/usr, /etc with secrets masked, /proc, /dev), the copy
bound writable at the same fixed path for every run (so old and new print the same paths),
fresh /tmp and HOME, no network, a scrubbed environment and a time limit. After the script's
main process ends, every process left in the sandbox's pid namespace is killed.
"""

from __future__ import annotations

import functools
import os
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from runbook_lib.core.errors import RunbookError
from runbook_lib.proc import run
from runbook_lib.sandbox import coverage_shell
from runbook_lib.sandbox.cases import Case
from runbook_lib.sandbox.files import Manifest, effects, manifest, source_manifest
from runbook_lib.sandbox.findings import findings

TREE = "/runbook/tree"  # where the copy appears inside; the same path for old and new
OUT = "/runbook/.out"  # trace files (written by bash/coverage inside the sandbox)
HOME = "/home/runbook"
ENV = {"PATH": "/usr/local/bin:/usr/bin:/bin:/usr/local/sbin:/usr/sbin:/sbin",
       "HOME": HOME, "LANG": "C.UTF-8", "TZ": "UTC", "TMPDIR": "/tmp", "USER": "runbook"}
MASKED = ("/etc/shadow", "/etc/gshadow", "/etc/shadow-", "/etc/gshadow-", "/etc/sudoers",
          "/etc/ssh", "/etc/docker", "/etc/machine-id")
KILL_GRACE = 2  # seconds between TERM and KILL when the time limit is reached
# Runs the script, then stops and kills whatever it left behind in the pid namespace (all but
# pid 1, this shell and strace, its parent). File names arrive as arguments, never as text.
REAPER = ('"$@"; rc=$?; for sig in STOP KILL; do for p in /proc/[0-9]*; do p=${p#/proc/}; '
          'case $p in 1|$$|$PPID) ;; *) kill -$sig "$p" 2>/dev/null;; esac; done; done; '
          'exit $rc')
STRACE_CALLS = ("connect,sendto,sendmsg,open,openat,creat,mkdir,mkdirat,unlink,unlinkat,rmdir,"
                "rename,renameat,renameat2,link,linkat,symlink,symlinkat,truncate,chmod,"
                "fchmodat")


@dataclass(frozen=True)
class Options:
    trace: bool = False  # bash xtrace and coverage.py line coverage
    observe: bool = True  # strace for write and network attempts (when installed)
    strict: bool = False  # probe runs: the copy is read-only too, no stdin
    ro_binds: tuple[str, ...] = ()  # host folders shown read-only at the same path (a venv)
    rw_binds: tuple[str, ...] = ()  # host folders shown writable at the same path


@dataclass
class RunResult:
    exit_code: int
    stdout: str
    stderr: str
    seconds: float
    timed_out: bool
    effects: dict[str, str] = field(default_factory=dict)  # path -> created/changed/deleted
    findings: list[str] = field(default_factory=list)
    lines: dict[str, set[int]] = field(default_factory=dict)  # repo path -> lines executed


@dataclass(frozen=True)
class Sandbox:
    kind: str  # bwrap or unshare
    strace: bool

    def run(self, tree: Path, case: Case, options: Options = Options()) -> RunResult:
        """Run `case` against a fresh copy of `tree`; the copy is deleted afterwards."""
        return self._run(tree, case, _invocation(tree, case), options)

    def run_argv(self, tree: Path, argv: list[str], case: Case,
                 options: Options = Options(observe=False)) -> RunResult:
        """Run a command (a tool such as pytest, not a script of the repo) in the same
        sandbox; `case` gives its env, stdin and time limit, its script is not run."""
        return self._run(tree, case, argv, options)

    def _run(self, tree: Path, case: Case, invocation: list[str],
             options: Options) -> RunResult:
        with tempfile.TemporaryDirectory(prefix="runbook-sandbox-") as tmp:
            room = _Room.make(Path(tmp), tree, case)
            try:
                before = manifest(room.tree, source_manifest(tree))
                command = self._command(room, case, invocation, options)
                start = time.perf_counter()
                done = run(command, check=False,
                           input_text=None if options.strict else case.stdin,
                           timeout=case.timeout + KILL_GRACE + 30)
                seconds = time.perf_counter() - start
                return self._result(room, done.returncode, done.stdout, done.stderr, seconds,
                                    before, options)
            finally:
                room.release()

    def _command(self, room: _Room, case: Case, invocation: list[str],
                 options: Options) -> list[str]:
        env = {**ENV, **case.env, **(_trace_env(room) if options.trace else {})}
        inner = ["/bin/sh", "-c", REAPER, "sh", *invocation]
        if self.strace and options.observe:
            inner = ["strace", "-f", "-qq", "-o", f"{OUT}/strace", "-e", f"trace={STRACE_CALLS}",
                     "-e", "status=failed", "-e", "signal=none", *inner]
        limit = ["timeout", "-k", str(KILL_GRACE), f"{case.timeout:g}"]
        if self.kind == "bwrap":
            return [*limit, *_bwrap_args(room, env, options), *inner]
        return [*limit, *_unshare_args(room, env, options), *inner]

    def _result(self, room: _Room, code: int, stdout: str, stderr: str, seconds: float,
                before: Manifest, options: Options) -> RunResult:
        timed_out = code in (124, 137)
        strace = room.out / "strace"
        log = strace.read_text("utf-8", "replace") if strace.exists() else None
        found = findings(log, stderr, room.home, room.tmp, (TREE, OUT, HOME))
        lines = coverage_shell.executed(room.out, TREE) if options.trace else {}
        return RunResult(code, stdout, stderr, round(seconds, 4), timed_out,
                         effects(before, manifest(room.tree, before)), found, lines)


@dataclass(frozen=True)
class _Room:
    """The host folders bound into one run."""

    root: Path
    tree: Path
    home: Path
    tmp: Path
    out: Path

    @classmethod
    def make(cls, root: Path, tree: Path, case: Case) -> _Room:
        room = cls(root, root / "tree", root / "home", root / "tmp", root / "out")
        if not _overlay(tree, root, room.tree):
            # cp -a keeps modes and mtimes (so the manifest of `tree` can be reused)
            run(["cp", "-a", "--", str(tree), str(room.tree)])
        for folder in (room.home, room.tmp, room.out, root / "newroot"):
            folder.mkdir()
        for name, text in case.files.items():
            target = room.tree / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        return room

    def release(self) -> None:
        if (self.root / "upper").exists():
            run(["umount", "-l", str(self.tree)], check=False)


def _overlay(tree: Path, root: Path, merged: Path) -> bool:
    """The copy as an overlay on `tree` (writes land in root/upper): no file is copied, which
    on a tree of thousands of files is most of a run's cost. Needs root; else a real copy."""
    if os.geteuid() != 0 or any(c in str(tree) for c in ",:\\"):
        return False
    upper, work = root / "upper", root / "work"
    for folder in (upper, work, merged):
        folder.mkdir()
    done = run(["mount", "-t", "overlay", "runbook-copy", "-o",
                f"lowerdir={tree},upperdir={upper},workdir={work}", str(merged)], check=False)
    if done.returncode == 0:
        return True
    for folder in (upper, work, merged):
        folder.rmdir()
    return False


def _invocation(tree: Path, case: Case) -> list[str]:
    """How the script is started: directly when executable, else by its interpreter."""
    path = tree / case.script
    inside = f"{TREE}/{case.script}"
    if path.is_file() and path.stat().st_mode & 0o111:
        return [inside, *case.args]
    head = path.read_bytes()[:200].decode("utf-8", "replace") if path.is_file() else ""
    if case.script.endswith(".py") or "python" in head.split("\n", 1)[0]:
        return ["python3", inside, *case.args]
    shell = "sh" if head.startswith("#!/bin/sh") else "bash"
    return [shell, inside, *case.args]


def _trace_env(room: _Room) -> dict[str, str]:
    env = {"BASH_ENV": f"{OUT}/{coverage_shell.BASH_ENV_FILE}"}
    coverage_shell.prepare(room.out, OUT, TREE)
    env.update(coverage_shell.python_env(room.out, OUT))
    return env


def _root_links() -> list[str]:
    """/bin, /lib, ... as the host has them: symlinks into /usr, or read-only folders."""
    args: list[str] = []
    for name in ("bin", "sbin", "lib", "lib32", "lib64", "libx32"):
        host = Path("/") / name
        if host.is_symlink():
            args += ["--symlink", str(host.readlink()), str(host)]
        elif host.is_dir():
            args += ["--ro-bind", str(host), str(host)]
    return args


def _bwrap_args(room: _Room, env: dict[str, str], options: Options) -> list[str]:
    strict = options.strict
    args = ["bwrap", "--unshare-all", "--die-with-parent", "--new-session", "--clearenv",
            "--ro-bind", "/usr", "/usr", *_root_links(), "--ro-bind", "/etc", "/etc"]
    for secret in MASKED:
        if Path(secret).is_dir():
            args += ["--tmpfs", secret]
        elif Path(secret).exists():
            args += ["--ro-bind", "/dev/null", secret]
    args += ["--proc", "/proc", "--dev", "/dev", "--bind", str(room.tmp), "/tmp",
             "--bind", str(room.home), HOME, "--ro-bind" if strict else "--bind", str(room.tree),
             TREE, "--bind", str(room.out), OUT]
    # after /tmp and HOME are mounted, which would hide a folder below them
    for folder in options.ro_binds:
        args += ["--ro-bind", folder, folder]
    for folder in options.rw_binds:
        args += ["--bind", folder, folder]
    args += ["--remount-ro", "/", "--chdir", TREE]
    for key, value in env.items():
        args += ["--setenv", key, value]
    return args


# The unshare fallback builds the same root by hand in a private mount namespace, chroots into
# it and drops every capability before the script starts.
UNSHARE_SETUP = r"""
set -eu
new=$1 tree=$2 home=$3 tmp=$4 out=$5 mode=$6 binds=$7; shift 7
robind() { mkdir -p "$new$2"; mount --rbind "$1" "$new$2"; mount -o remount,bind,ro "$new$2"; }
bind() { mkdir -p "$new$2"; mount --bind "$1" "$new$2"; }
mount -t tmpfs runbook "$new"
robind /usr /usr; robind /etc /etc
for d in bin sbin lib lib32 lib64 libx32; do
  if [ -L "/$d" ]; then ln -s "$(readlink "/$d")" "$new/$d"
  elif [ -d "/$d" ]; then robind "/$d" "/$d"; fi
done
for f in /etc/shadow /etc/gshadow /etc/sudoers; do
  if [ -f "$f" ]; then mount --bind /dev/null "$new$f"; fi
done
mkdir -p "$new/proc" "$new/dev"; mount -t proc proc "$new/proc"; mount --rbind /dev "$new/dev"
# no syslog: a usage record (planning.usagelog) made in a check is not a use
if [ -S /dev/log ]; then mount --bind /dev/null "$new/dev/log"; fi
bind "$tmp" /tmp; bind "$home" /home/runbook; bind "$out" /runbook/.out; bind "$tree" /runbook/tree
while [ "$binds" -gt 0 ]; do
  case $1 in ro:*) robind "${1#ro:}" "${1#ro:}";; *) bind "${1#rw:}" "${1#rw:}";; esac
  shift; binds=$((binds - 1))
done
if [ "$mode" = ro ]; then mount -o remount,bind,ro "$new/runbook/tree"; fi
mount -o remount,ro "$new"
exec chroot "$new" setpriv --no-new-privs --inh-caps=-all --bounding-set=-all -- "$@"
"""


def _unshare_args(room: _Room, env: dict[str, str], options: Options) -> list[str]:
    pairs = [f"{k}={v}" for k, v in env.items()]
    binds = [f"ro:{f}" for f in options.ro_binds] + [f"rw:{f}" for f in options.rw_binds]
    return ["unshare", "--user", "--map-root-user", "--mount", "--net", "--pid", "--ipc",
            "--uts", "--fork", "--kill-child", "--", "/bin/sh", "-c", UNSHARE_SETUP, "setup",
            str(room.root / "newroot"), str(room.tree), str(room.home), str(room.tmp),
            str(room.out), "ro" if options.strict else "rw", str(len(binds)), *binds,
            "env", "-i", *pairs,
            "/bin/sh", "-c", 'cd "$0" && exec "$@"', TREE]


@functools.cache
def find(prefer: str = "") -> Sandbox | None:
    """The sandbox that works on this machine (tried once, by running `true` in it)."""
    kinds = [prefer] if prefer else ["bwrap", "unshare"]
    strace = shutil.which("strace") is not None
    for kind in kinds:
        if shutil.which(kind) and _works(Sandbox(kind, strace)):
            return Sandbox(kind, strace)
    return None


def _works(box: Sandbox) -> bool:
    with tempfile.TemporaryDirectory(prefix="runbook-sandbox-probe-") as tmp:
        (Path(tmp) / "true.sh").write_text("#!/bin/sh\nexit 0\n", encoding="utf-8")
        (Path(tmp) / "true.sh").chmod(0o755)
        try:
            result = box.run(Path(tmp), Case("true.sh", timeout=20), Options(observe=False))
        except RunbookError:
            return False
        return result.exit_code == 0


def unavailable_reason() -> str:
    if not shutil.which("bwrap") and not shutil.which("unshare"):
        return "no sandbox: neither bubblewrap (`bwrap`) nor `unshare` is installed"
    return ("no sandbox: bubblewrap and unshare are installed but cannot create namespaces "
            "here (user namespaces disabled?); install bubblewrap setuid or allow them")
