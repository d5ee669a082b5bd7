"""What an argument vector runs: the positions of docs/discovery.md, found by the program's rules.

`interpret(words)` reads argv the way the programs themselves do (`bash [opts] FILE`, `python -m
MOD`, `sudo -u U CMD`, `timeout 5 CMD`, `uvicorn app.main:app`, ...) and yields Actions: a path
that is run or sourced, a module, an application spec, a shell or Python code string, test paths
for pytest. Every other word is an argument and never a reference.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

UNKNOWN = "\x03"  # stands for the unknown parts of a partly known value
_ROOTED = ("/", "\x00")  # an absolute path, or one from the repo root (values.ANCHOR)


@dataclass(frozen=True, slots=True)
class Word:
    value: str | None  # evaluated (quotes removed, variables expanded); None when unknown
    text: str  # as written
    line: int
    var: str = ""  # the variable name when the whole word is one unknown `$VAR`


@dataclass(frozen=True, slots=True)
class Action:
    what: str  # run, source, module, app, shell, python, pytest, unittest, alembic, fastapi
    words: tuple[Word, ...]
    rule: str  # the chain of programs that led here, e.g. "sudo>bash"
    remote: bool = False  # ssh: runs on another machine
    env: tuple[tuple[str, str | None], ...] = ()  # NAME=value before the command
    args: tuple[Word, ...] = ()  # the words after a script run: its arguments
    pattern: tuple[Word, ...] = ()  # unittest discovery: the file pattern given (`-p`)
    dest: Word | None = None  # a file command's destination (installed.py)
    into: bool = False  # ... a folder named by `-t DIR`


SHELLS = frozenset({"sh", "bash", "dash", "zsh", "ksh", "ash", "mksh"})
_PYTHON = re.compile(r"^(?:python|pypy)(?:\d+(?:\.\d+)?)?$")
_INTERPRETER_VARS = re.compile(r"^(?:PYTHON\w*|PY|PY_BIN|BASH|SHELL)$")
_MODULE = re.compile(r"^[A-Za-z_][\w]*(?:\.[A-Za-z_]\w*)*$")
_APP = re.compile(r"^[A-Za-z_][\w]*(?:\.[A-Za-z_]\w*)*(?::[\w.()\[\]'\"=, ]+)?$")
_ASSIGN = re.compile(r"^[A-Za-z_]\w*=")
# options that take a value, per program (the value is never a reference)
_VALUED = {
    "sudo": set("ugCDhprtUT"), "timeout": {"s", "k", "signal", "kill-after"},
    "nice": {"n", "adjustment"}, "stdbuf": set("ioe"), "ionice": {"c", "n", "p"},
    "xargs": {"I", "L", "n", "P", "d", "E", "s", "a", "i"}, "watch": {"n", "interval"},
    "flock": {"w", "E", "timeout", "conflict-exit-code"}, "env": {"u", "C", "S", "unset",
                                                                "chdir", "split-string"},
    "ssh": set("bcDEeFIiJLlmOopQRSWw"), "exec": {"a"}, "su": {"s", "shell", "g", "group"},
    "python": {"W", "X"}, "shell": {"o", "O", "+O", "+o"},
    "gunicorn": {"b", "bind", "w", "workers", "k", "worker-class", "t", "timeout", "c",
                 "config", "log-level", "access-logfile", "error-logfile", "e", "env", "p",
                 "pid", "threads", "max-requests", "u", "user", "g", "group", "chdir",
                 "pythonpath", "name", "n", "certfile", "keyfile", "graceful-timeout",
                 "keep-alive", "worker-connections", "forwarded-allow-ips", "log-config",
                 "max-requests-jitter", "worker-tmp-dir", "m", "umask", "limit-request-line"},
    "uvicorn": {"host", "port", "uds", "fd", "workers", "loop", "http", "ws", "lifespan",
                "env-file", "log-config", "log-level", "root-path", "app-dir", "timeout-keep-alive",
                "reload-dir", "reload-include", "reload-exclude", "ssl-keyfile", "ssl-certfile",
                "forwarded-allow-ips", "limit-concurrency", "backlog",
                "h11-max-incomplete-event-size", "proxy-headers-forwarded"},
    "hypercorn": {"b", "bind", "w", "workers", "k", "worker-class", "c", "config",
                  "log-level", "access-logfile", "error-logfile", "root-path"},
    "uv": {"with", "python", "p", "project", "directory", "group", "extra", "env-file",
           "package", "with-requirements", "index", "index-url"},
    "coverage": {"rcfile", "source", "include", "omit", "data-file", "context", "concurrency"},
    "cp": {"t", "target-directory", "S", "suffix"}, "mv": {"t", "target-directory", "S", "suffix"},
    "ln": {"t", "target-directory", "S", "suffix"},
    "install": {"m", "mode", "o", "owner", "g", "group", "t", "target-directory", "S", "suffix"},
    "rsync": {"e", "rsh", "f", "filter", "exclude", "include", "exclude-from", "include-from",
              "files-from", "chmod", "chown", "T", "temp-dir", "rsync-path", "B", "port",
              "password-file", "log-file"},
    "scp": set("PioFclSJD"),
    "pytest": {"c", "k", "m", "p", "rootdir", "confcutdir", "basetemp", "o", "override-ini",
               "junitxml", "junit-xml", "cov", "cov-report", "cov-config", "maxfail", "durations",
               "tb", "log-level", "ignore", "deselect", "n", "numprocesses", "dist", "W",
               "import-mode", "capture", "reruns", "timeout", "html", "color"},
}
_WRAPPERS = ("exec", "nohup", "setsid", "nice", "stdbuf", "time", "command", "builtin",
             "ionice", "chronic", "unbuffer", "caffeinate", "xargs", "watch", "timeout",
             "env", "sudo", "doas", "flock", "su", "ssh", "gosu", "su-exec", "tini", "dumb-init",
             "uv", "poetry", "pipenv", "pdm", "hatch", "rye", "coverage")
_APP_RUNNERS = frozenset({"uvicorn", "gunicorn", "hypercorn", "daphne"})
_MODULE_RUNNERS = frozenset({"pytest", "py.test", "uvicorn", "gunicorn", "hypercorn", "celery",
                             "flask", "unittest", "coverage", "alembic", "fastapi", "daphne",
                             "sphinx-build", "discover"})


# programs that copy, move or link files: a repo script among their sources is carried
# somewhere else (installed, staged for a container), and the command fails without it
FILE_OPS = frozenset({"cp", "mv", "install", "rsync", "scp", "ln"})

# every command name interpret() does something with; other commands are never followed
ENGINES = frozenset({"docker", "podman", "nerdctl"})  # container engines (dockerrun.py)
ACTIVE = frozenset({"source", ".", "cd", "pushd", "popd", "eval", *SHELLS, *_WRAPPERS,
                    *_MODULE_RUNNERS, *FILE_OPS, "sys.executable", "gcloud", "run-parts", "urchin",
                    "runsv", "runsvdir"})


_SUDO_VARS = re.compile(r"^(?:SUDO|sudo|DOAS|doas|AS_ROOT|as_root)(?:_?CMD|_?cmd)?$")


def program(word: Word) -> str:
    """The program a command word names: its basename, or an interpreter behind `$PYTHON`."""
    if word.value is None:
        if _SUDO_VARS.match(word.var):  # `${SUDO} "$dir/x.sh"`: sudo, or nothing when root
            return "sudo"
        return "python" if _INTERPRETER_VARS.match(word.var) and "PY" in word.var else (
            "bash" if _INTERPRETER_VARS.match(word.var) else "")
    name = posixpath.basename(word.value)
    return "python" if _PYTHON.match(name) or word.value == "sys.executable" else name


def interpret(words: Sequence[Word], rule: str = "", remote: bool = False) -> Iterator[Action]:
    """The actions of one simple command (words[0] is the command word)."""
    env: list[tuple[str, str | None]] = []
    while words and words[0].value is not None and _ASSIGN.match(words[0].value):
        name, _, value = words[0].value.partition("=")
        env.append((name, value))
        words = words[1:]
    if not words:
        return
    head, rest = words[0], list(words[1:])
    name = program(head)
    step = "source" if name == "." else name
    chain = f"{rule}>{step}" if rule else step
    plain = rule or "command"  # a command word that is itself the path run
    if name in ("source", ".") and rest:
        yield Action("source", (rest[0],), chain, remote, tuple(env))
    elif name in SHELLS:
        yield from _shell(head, rest, chain, remote)
    elif name == "python":
        yield from _python(head, rest, chain, remote, tuple(env))
    elif name in _WRAPPERS:
        yield from _wrapper(name, head, rest, chain, remote)
    elif name in _MODULE_RUNNERS:
        yield from runner(name, rest, chain, remote, tuple(env), head.line)
    elif name == "gcloud":
        yield from _gcloud(rest, chain)
    elif name in FILE_OPS:
        yield from _file_op(name, rest, chain, remote)
    elif name == "run-parts":
        yield from _run_parts(rest, chain, remote)
    elif name == "urchin":  # a test runner: every executable file below each folder it is given
        _, args = _options(rest, {"s", "shell", "T", "timeout"})
        yield from (Action("run-tree", (a,), chain, remote) for a in args[:1])
    elif name in ("runsv", "runsvdir"):  # runit: a service folder, a folder of them
        args = [w for w in rest if not (w.value or "").startswith("-")]
        if args:
            yield Action(name, (args[0],), chain, remote)
    elif (head.value is not None and "/" in head.value) or (head.value is None and head.text):
        yield Action("run", (head,), plain, remote, tuple(env), tuple(rest))
        yield from _django_test(head, rest, rule, remote)
    elif head.value:
        yield Action("bare", (head,), plain, remote, tuple(env), tuple(rest))


def _options(rest: list[Word], valued: set[str]) -> tuple[list[Word], list[Word]]:
    """(options with their values, the words after them); `--` ends the options."""
    i = 0
    while i < len(rest):
        value = rest[i].value or ""
        if value == "--":
            return rest[:i + 1], rest[i + 1:]
        if not value.startswith("-") or value == "-":
            break
        flag = value.lstrip("-").split("=", 1)[0]
        takes = flag in valued or (len(value) == 2 and value[1] in valued)
        i += 2 if takes and "=" not in value else 1
    return rest[:i], rest[i:]


def _shell(head: Word, rest: list[Word], chain: str, remote: bool) -> Iterator[Action]:
    opts, args = _options(rest, _VALUED["shell"])
    for opt in opts:
        flags = (opt.value or "")[1:] if not (opt.value or "").startswith("--") else ""
        if "c" in flags:
            if args:
                yield Action("shell", (args[0],), chain, remote)
            return
        if "s" in flags:
            return  # the script comes on standard input
    if args and args[0].value != "-":
        yield Action("run", (args[0],), chain, remote, args=tuple(args[1:]))


def _python(head: Word, rest: list[Word], chain: str, remote: bool,
            env: tuple[tuple[str, str | None], ...]) -> Iterator[Action]:
    i = 0
    while i < len(rest):
        value = rest[i].value or ""
        if value == "-m" and i + 1 < len(rest):
            module = rest[i + 1]
            mod = module.value or ""
            if mod in _MODULE_RUNNERS:
                yield from runner(mod, rest[i + 2:], f"{chain}-m", remote, env, module.line)
            else:
                yield Action("module", (module,), f"{chain}-m", remote, env)
            return
        if value == "-c" and i + 1 < len(rest):
            yield Action("python", (rest[i + 1],), f"{chain}-c", remote, env)
            return
        if value.startswith("-") and value != "-":
            i += 2 if value in ("-W", "-X") else 1
            continue
        if (value != "-" and rest[i].value is not None) or (rest[i].value is None and rest[i].text):
            yield Action("run", (rest[i],), chain, remote, env)
            yield from _django_test(rest[i], rest[i + 1:], chain, remote)
        return


def _wrapper(name: str, head: Word, rest: list[Word], chain: str,
             remote: bool) -> Iterator[Action]:
    if name == "command" and rest and (rest[0].value or "") in ("-v", "-V"):
        return
    if name in ("uv", "poetry", "pipenv", "pdm", "hatch", "rye"):
        if not rest or rest[0].value != "run":
            return
        rest = rest[1:]
    if name == "coverage":
        if not rest or rest[0].value != "run":
            return
        opts, args = _options(rest[1:], _VALUED["coverage"])
        yield from _python(head, [o for o in opts if o.value in ("-m",)] + args, chain, remote, ())
        return
    opts, args = _options(rest, _VALUED.get(name, set()))
    if name in ("su", "flock", "ssh") or any(o.value in ("-c", "--command") for o in opts):
        yield from _command_string(name, opts, args, chain, remote)
        return
    if name == "env":
        yield from interpret(args, chain, remote)
        return
    if name in ("timeout",) and args:
        args = args[1:]  # the duration
    if name in ("gosu", "su-exec") and args:
        args = args[1:]  # the user
    if name == "watch" and len(args) == 1:
        yield Action("shell", (args[0],), chain, remote)
        return
    yield from interpret(args, chain, remote)


def _file_op(name: str, rest: list[Word], chain: str, remote: bool) -> Iterator[Action]:
    """The sources of `cp`/`mv`/`install`/`rsync`/`scp`/`ln`: every operand but the last,
    or all of them after `-t DIR`. Not a remote `host:path`, not `install -d` (it makes
    folders), not the relative target of `ln -s` (relative to the link, not to here)."""
    opts, args = _options(rest, _VALUED[name])
    flags = [o.value or "" for o in opts]
    short = "".join(f[1:] for f in flags if f.startswith("-") and not f.startswith("--"))
    if name == "install" and ("d" in short or "--directory" in flags):
        return
    into = "t" in short or any(f.startswith("--target-directory") for f in flags)
    symbolic = name == "ln" and ("s" in short or "--symbolic" in flags)
    sources = [w for w in (args if into else args[:-1])
               if not (w.value and ":" in w.value.partition("/")[0])
               and not (symbolic and w.value is not None and not w.value.startswith(_ROOTED))]
    if sources:
        yield Action("copy", tuple(sources), chain, remote, dest=_destination(opts, args, into),
                     into=into)


def _destination(opts: list[Word], args: list[Word], into: bool) -> Word | None:
    """`-t DIR` / `--target-directory=DIR`, else the last operand."""
    if not into:
        return args[-1] if len(args) > 1 else None
    for i, o in enumerate(opts):
        value = o.value or ""
        if value.startswith("--target-directory="):
            return Word(value.partition("=")[2], o.text, o.line)
        if value in ("-t", "--target-directory") and i + 1 < len(opts):
            return opts[i + 1]
    return None


def _command_string(name: str, opts: list[Word], args: list[Word], chain: str,
                    remote: bool) -> Iterator[Action]:
    """`su -c CMD`, `flock F -c CMD` / `flock F CMD...`, `ssh HOST CMD...`."""
    words = opts + args
    for i, word in enumerate(words):
        if word.value in ("-c", "--command") and i + 1 < len(words):
            yield Action("shell", (words[i + 1],), chain, remote or name == "ssh")
            return
    if name == "flock" and len(args) >= 2:
        yield from interpret(args[1:], chain, remote)
    elif name == "ssh" and len(args) >= 2:
        yield Action("shell", tuple(args[1:]), chain, True)


def runner(name: str, rest: Sequence[Word], chain: str, remote: bool,
           env: tuple[tuple[str, str | None], ...] = (), line: int = 0) -> Iterator[Action]:
    """Programs that load a module of the repo by name, or collect its tests; `line` is where
    the program is named (the row's line when no argument names a file)."""
    rest = list(rest)
    if name in ("pytest", "py.test"):
        _, args = _options(rest, _VALUED["pytest"])
        paths = tuple(w for w in rest if w in args and not (w.value or "-").startswith("-"))
        yield Action("pytest", paths or (Word("", "", line),), chain, remote, env)
    elif name in ("unittest", "discover"):  # `discover`: unittest2's command of the same job
        yield from _unittest(rest if name == "unittest" and rest else
                             [Word("discover", "", line), *rest], chain, remote)
    elif name in _APP_RUNNERS:
        _, args = _options([w for w in rest if w.value not in ("--factory", "--reload")],
                           _VALUED.get(name, _VALUED["uvicorn"]))
        apps = [w for w in args if w.value and _APP.match(w.value)]
        if apps:
            yield Action("app", (apps[0],), chain, remote, env)
    elif name in ("celery", "flask"):
        for i, word in enumerate(rest):
            value = word.value or ""
            if value in ("-A", "--app") and i + 1 < len(rest):
                yield Action("app", (rest[i + 1],), chain, remote, env)
            elif value.startswith(("--app=", "-A=")):
                yield Action("app", (Word(value.split("=", 1)[1], word.text, word.line),),
                             chain, remote, env)
    elif name in ("alembic", "fastapi"):
        yield Action(name, (Word(None, "", line), *rest), chain, remote, env)
    elif name == "sphinx-build":
        yield from _sphinx(rest, chain, remote)
    elif name == "coverage":
        yield from _wrapper("coverage", Word("coverage", "coverage", 0), rest, chain, remote)


def _gcloud(rest: list[Word], chain: str) -> Iterator[Action]:
    """`gcloud ai-platform jobs submit training --module-name trainer.task` runs that module,
    `gcloud functions deploy NAME --source DIR` DIR/main.py (on a machine of the cloud, from
    what the same command uploads from the repo)."""
    values = [w.value or "" for w in rest]
    if "functions" in values and "deploy" in values:  # Cloud Functions load main.py
        at = values.index("--source") if "--source" in values else -1
        folder = values[at + 1] if 0 <= at < len(values) - 1 else next(
            (v.split("=", 1)[1] for v in values if v.startswith("--source=")), ".")
        line = rest[values.index("deploy")].line
        yield Action("run-file", (Word(folder.rstrip("/") + "/main.py", folder, line),),
                     f"{chain}-functions")
    for i, word in enumerate(rest):
        value = word.value or ""
        if value in ("--module-name", "--module_name") and i + 1 < len(rest):
            yield Action("module", (rest[i + 1],), chain)
        elif value.startswith(("--module-name=", "--module_name=")):
            yield Action("module", (Word(value.split("=", 1)[1], word.text, word.line),), chain)


def _sphinx(rest: list[Word], chain: str, remote: bool) -> Iterator[Action]:
    """`sphinx-build [opts] SOURCEDIR OUTDIR` loads SOURCEDIR/conf.py (or `-c DIR`/conf.py)."""
    opts, args = _options(rest, set("bdDAjtwcCN") - {"C", "N"})
    folder = next((opts[i + 1] for i, o in enumerate(opts[:-1]) if o.value == "-c"), None)
    folder = folder or next((a for a in args if not (a.value or "").startswith("-")), None)
    if folder is not None and folder.value:
        yield Action("run-file", (Word(folder.value.rstrip("/") + "/conf.py", folder.text,
                                       folder.line),), chain, remote)


def _run_parts(rest: list[Word], chain: str, remote: bool) -> Iterator[Action]:
    """`run-parts [opts] DIR` runs the files of DIR (its folder word); `--test` and `--list`
    only print their names, and a `--regex` of its own chooses names this cannot know."""
    opts, args = _options(rest, {"a", "arg", "u", "umask"})
    flags = [(o.value or "").split("=", 1)[0] for o in opts]
    if args and not {"--test", "--list", "--regex"} & set(flags):
        yield Action("run-parts", (args[0],), chain, remote)


def _django_test(script: Word, rest: Sequence[Word], chain: str,
                 remote: bool) -> Iterator[Action]:
    """`manage.py test [LABEL...] [-p PATTERN]`: Django's test runner, unittest's discovery from
    the working folder (`test*.py`), or from each label (a folder, or a dotted package); it and
    `manage.py migrate` load the migrations of the packages below the working folder."""
    if posixpath.basename(script.value or "") != "manage.py" or not rest or \
            rest[0].value not in ("test", "migrate"):
        return
    # both apply every migration (the test runner to its test database)
    yield Action("django-migrations", (Word(".", ".", rest[0].line),),
                 f"{chain}>django-migrate" if chain else "django-migrate", remote)
    if rest[0].value != "test":
        return
    words = list(rest[1:])
    pattern = [words[i + 1] for i, w in enumerate(words[:-1]) if w.value in ("-p", "--pattern")]
    labels = [w for i, w in enumerate(words) if not (w.value or "-").startswith("-")
              and (i == 0 or words[i - 1].value not in _DJANGO_TEST_VALUED)]
    starts = [Word(w.value if "/" in (w.value or "") or w.value == "." else
                   (w.value or "").replace(".", "/"), w.text, w.line) for w in labels]
    rule = f"{chain}>django-test" if chain else "django-test"
    yield Action("unittest", tuple(starts or [Word(".", ".", rest[0].line)]), rule, remote,
                 pattern=tuple(pattern[:1]))


# options of Django's test command that take a value (never a label)
_DJANGO_TEST_VALUED = frozenset({"-p", "--pattern", "-t", "--top-level-directory",
                                 "--testrunner", "--settings", "--pythonpath", "-v",
                                 "--verbosity", "--tag", "--exclude-tag", "-k", "--parallel"})


def _unittest(rest: list[Word], chain: str, remote: bool) -> Iterator[Action]:
    if not rest or rest[0].value == "discover":
        words = rest[1:]
        start = [words[i + 1] for i, w in enumerate(words[:-1]) if w.value in ("-s",
                                                                               "--start-directory")]
        plain = [w for i, w in enumerate(words) if not (w.value or "").startswith("-")
                 and (i == 0 or words[i - 1].value not in ("-s", "-p", "-t", "--pattern",
                                                           "--start-directory"))]
        line = rest[0].line if rest else 0
        pattern = [words[i + 1] for i, w in enumerate(words[:-1]) if w.value in ("-p",
                                                                                 "--pattern")]
        yield Action("unittest", tuple(start or plain[:1] or [Word(".", ".", line)]), chain,
                     remote, pattern=tuple(pattern[:1]))
        return
    for word in rest:
        if word.value and _MODULE.match(word.value) and not word.value.startswith("-"):
            yield Action("module", (word,), chain, remote)
