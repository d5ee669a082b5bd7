"""Shell code walked on its tree-sitter-bash syntax tree: which words run or source a repo file.

Only the positions of docs/discovery.md are references: the argument of `source`/`.`, a command
word that is a path (or a bare name found on a PATH folder the repo sets), and the script or
module argument of an interpreter, wrapper or runner (argv.py). Variables are followed in the
order the shell assigns them, `cd` moves the working folder until the end of its (sub)shell,
and a `for` loop over a glob runs or sources every script the glob matches.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from . import bats, casearms, installed, members, shglob, shparse
from .argv import ACTIVE as _ACTIVE
from .argv import ENGINES, Action, Word, interpret, program
from .cmdstrings import handed
from .dispatch import LOOKUPS, family, looked_up, program_word, subcommand
from .fileops import COPIED, copied
from .lines import Hit
from .lookup import Lookup
from .lookupuse import Uses
from .model import CERTAIN, LIKELY, MISSING, RESOLVED
from .resolve import OUTSIDE, Found, Where, cd_value, locate
from .runargs import ALL_ARGS as _ALL_ARGS
from .runargs import own_arguments, through
from .shglob import glob, services
from .values import ANCHOR, CANONICAL, evaluate, expand_known, norm
from .words import has_extension

Node = shparse.Node
_SCOPES = frozenset({"subshell", "command_substitution", "process_substitution"})
# nodes that can hold no command (a `$(...)` is never inside one of these)
_LEAVES = frozenset({"comment", "heredoc_body", "heredoc_start", "heredoc_end", "test_operator",
                     "word", "number", "string_content", "raw_string", "variable_name",
                     "simple_expansion", "special_variable_name", "ansi_c_string", "regex",
                     "extglob_pattern", "file_descriptor", "heredoc_content"})
# programs that run the command they are given: `flock F "$@"` runs the function's arguments
_WRAPS = frozenset({"exec", "nohup", "flock", "timeout", "nice", "sudo", "env", "setsid",
                    "xargs", "command", "time", "stdbuf", "ionice"})
_ROOT_VAR = "__RUNBOOK_REPO_ROOT__"  # stands for the repo root inside code held in a string
# Actions the shell walker hands to other modules (modules, tests, python code, written files)
ActionHook = Callable[["Shell", Action], None]


@dataclass(slots=True)
class Shell:
    """The state of one walk: how paths look from here, and what was found."""

    where: Where
    lk: Lookup
    cd: tuple[str, ...] = ()  # () the default folders, OUTSIDE, or the folders a cd led to
    oldcd: tuple[str, ...] = ()  # where the last cd left from: `cd -` / `cd "$OLDPWD"`
    line0: int = 0  # file line of the code's first row, minus one
    fixed: int = 0  # when set, every row is on this line (code held in a string)
    remote: bool = False
    confidence: str = CERTAIN  # at most this sure (a written script is only likely to run)
    rule: str = ""  # prefix of every row's rule
    kind: str = ""  # kind of every row, when not the file's
    path_dirs: list[tuple[str, str]] = field(default_factory=list)  # (repo folder, confidence)
    families: dict[str, list[str]] = field(default_factory=dict)  # `tool-*` -> scripts (dispatch)
    set_path: list[tuple[str, str]] = field(default_factory=list)  # those its code set or was
    # handed by the files it sources and the scripts that run it (pathflow.py)
    commands: dict[str, str] = field(default_factory=dict)  # bare name -> script, image PATH
    globs: dict[str, str] = field(default_factory=dict)  # loop variable -> glob value
    runners: dict[str, int] = field(default_factory=dict)  # function -> index of its command
    hits: list[Hit] = field(default_factory=list)
    # (sourced file, variables at that point, sourced by a literal path rather than a glob)
    sources: list[tuple[str, dict[str, str | None], bool]] = field(default_factory=list)
    names: set[str] = field(default_factory=set)  # bare command names used
    installs: list[tuple[str, str]] = field(default_factory=list)  # (host path, script)
    hook: ActionHook | None = None  # modules, tests, Python code, written files
    defaults: set[str] = field(default_factory=set)  # `X=${X:-value}`: the caller may choose
    runs_args: bool = False  # the file's own code runs its arguments (`exec "$@"`)
    shifted: bool = False  # the file's own code shifted its arguments
    excluded: dict[str, frozenset[str]] = field(default_factory=dict)  # values earlier `case`
    # arms took: the variable is none of them here (casearms.py)
    # bats-mock `stub NAME`: NAME -> the first lines of the tests that stub it (0: the whole
    # file, a stub made in `setup` or a helper function); `tests`: (first, last) line of each
    stubs: dict[str, set[int]] = field(default_factory=dict)
    tests: list[list[int]] = field(default_factory=list)
    uses: Uses = field(default_factory=Uses)  # where looked-up paths go (lookupuse.py)
    loops: dict[str, tuple[str, ...]] = field(default_factory=dict)  # `for d in a b`: (a, b)
    arrays: dict[str, tuple[str, ...]] = field(default_factory=dict)  # its known elements
    # names a variable holds, as a pattern: `t` in `for t in $(ls "$DIR" | grep 'test_')`
    patterns: dict[str, str] = field(default_factory=dict)
    # functions the file gets from the files it sources (and, for a library, from the files
    # that source it): a command word naming one runs the function, never a file on PATH (the
    # shell looks functions up first)
    functions: set[str] = field(default_factory=set)
    own_functions: dict[str, int] = field(default_factory=dict)  # defined at the top: line
    direct_runners: set[str] = field(default_factory=set)  # functions that run `"$@"` itself
    in_function: bool = False  # the command being read is in a function's body
    head: str = ""  # the command word of the command being read
    joined: bool = False  # its first argument node is part of its command word (_command)

    def line(self, node: Node) -> int:
        return self.fixed or shparse.row(node) + self.line0 + 1

    def add(self, line: int, found: Found, rule: str, kind: str = "") -> None:
        confidence = LIKELY if LIKELY in (found.confidence, self.confidence) else CERTAIN
        if self.remote or self.where.clones:  # after a clone of itself (selfclone.py) the file
            # may run another branch's files
            confidence = LIKELY
        full = f"{self.rule}>{rule}" if self.rule else rule
        self.hits.append(Hit(line, found.status, found.target, False, full, confidence,
                             kind or self.kind, not self.remote))


def walk(code: str, shell: Shell) -> Shell:
    _visit(shparse.parse(code), shell)
    return shell


def _visit(root: Node, sh: Shell) -> None:
    """The nodes that matter, in the order the shell meets them (tree-sitter finds them, so no
    Python code walks the rest of the tree); a subshell's `cd` and variables end with it, a
    function's `cd` with its body."""
    scopes: list[tuple[int, tuple[str, ...], dict[str, str | None] | None]] = []
    functions: list[list[Any]] = []  # [end, name, shifts]
    arms: list[tuple[int, tuple[str, frozenset[str] | None]]] = []  # [end, what to restore]
    found = shparse.nodes(root)
    if not sh.fixed:  # definitions the file always makes (not in a branch: a fallback)
        for n in found:
            if n.type == "function_definition" and _always(n) \
                    and (name := n.child_by_field_name("name")) is not None:
                sh.own_functions.setdefault(shparse.text(name), sh.line(n))
    for node in found:
        start = node.start_byte
        while arms and arms[-1][0] <= start:
            casearms.leave(arms.pop()[1], sh)
        while scopes and scopes[-1][0] <= start:
            _, sh.cd, variables = scopes.pop()
            if variables is not None:
                sh.where.variables = variables
        while functions and functions[-1][0] <= start:
            functions.pop()
        sh.in_function = bool(functions)
        kind = node.type
        if kind in _SCOPES:
            scopes.append((node.end_byte, sh.cd, dict(sh.where.variables)))
        elif kind == "function_definition":
            scopes.append((node.end_byte, sh.cd, None))
            name = node.child_by_field_name("name")
            functions.append([node.end_byte, shparse.text(name) if name else "", 0])
            canonical = _canonical(node) if name is not None else None
            if canonical is not None:
                sh.where.variables[CANONICAL + shparse.text(name)] = canonical
        elif kind == "command":
            if functions:
                _runner(node, functions[-1], sh)
            elif not sh.fixed and not sh.rule:
                own_arguments(node, sh)
            _command(node, sh)
        elif kind == "variable_assignment":
            if node.parent is None or node.parent.type != "command":
                # bats runs `setup` before each test: its PATH holds for the tests
                _assign(node, sh, top=not functions or (
                    functions[-1][1] in _BATS_SETUP and bats.loads(sh.where.file)))
        elif kind == "for_statement":
            _for(node, sh)
        elif kind == "case_item":
            saved = casearms.enter(node, sh)
            if saved is not None:
                arms.append((node.end_byte, saved))
        elif kind == "redirected_statement":
            from .stdin import fed
            from .writers import written

            written(node, sh)
            fed(node, sh)
        elif kind == "pipeline":
            from .writers import piped

            piped(node, sh)


_CANONICAL_BODY = re.compile(r"\b(?:readlink|realpath|pwd\s+-P)\b")
_PRINTED = re.compile(r"\b(?:echo|printf\s+(?:'%s\\n'|\"%s\\n\"))\s+(.+?)\s*;?\s*$", re.M)
_PRINTS_FILE = re.compile(r"/\$\{?\w+\}?\"?$")
_PRINTS_DIR = re.compile(r"\bpwd(?:\s+-[PL])?\s*\)\"?$")


def _canonical(node: Node) -> str | None:
    """A function that prints its argument as a canonical path (`readlink_f() { ... cd ...;
    readlink ...; echo "$(pwd -P)/$name"; }`, the portable `readlink -f`): `$(f "$0")` is the
    script's own path, as `$(readlink -f "$0")` is ("file"); one whose last line prints the
    folder it went to (`echo "$(cd -P "$(dirname "$src")" && pwd)"`) gives that path's
    folder ("dir"); None for any other function."""
    body = node.child_by_field_name("body")
    if body is None or body.end_byte - body.start_byte > 2000:
        return None
    code = shparse.text(body)
    if not _CANONICAL_BODY.search(code) or "$1" not in code.replace("${1}", "$1"):
        return None
    printed = _PRINTED.findall(code)
    if not printed:
        return None
    last = printed[-1].rstrip("; }\t")
    if _PRINTS_DIR.search(last):
        return "dir"
    return "file" if _PRINTS_FILE.search(last) else None


def _runner(node: Node, function: list[Any], sh: Shell) -> None:
    """Inside a function: `shift`s counted, and a command that runs `"$@"` makes the function
    one that runs its arguments (from the argument after the shifted ones)."""
    name = node.child_by_field_name("name")
    head = shparse.text(name) if name is not None else ""
    if head == "shift":
        args = node.children_by_field_name("argument")
        first = shparse.text(args[0]) if args else ""
        function[2] += int(first) if first.isdigit() else 1
    elif head.strip('"') in _ALL_ARGS:
        sh.runners.setdefault(function[1], function[2])
        sh.direct_runners.add(function[1])  # its arguments may name its file's functions
    elif (head in _WRAPS and _ALL_ARGS & {
            shparse.text(a).strip('"') for a in node.children_by_field_name("argument")}):
        sh.runners.setdefault(function[1], function[2])


def _assign(node: Node, sh: Shell, top: bool = True) -> None:
    name_node = node.child_by_field_name("name")
    value_node = node.child_by_field_name("value")
    if name_node is None:
        return
    name = shparse.text(name_node)
    sh.loops.pop(name, None)
    sh.patterns.pop(name, None)
    sh.excluded.pop(name, None)  # an arm that reassigns its variable rules nothing out
    unknown = name in sh.where.variables and sh.where.variables[name] is None
    value = None if value_node is None else _value(value_node, sh)
    if value_node is not None and value_node.type == "array":
        value = None
        _array(node, name, value_node, sh)
    else:
        sh.arrays.pop(name, None)
    if name == "PATH" and value_node is not None:
        _path(shparse.text(value_node), sh, top)
    sh.where.variables[name] = value if not (value or "").startswith("~") else None
    sh.globs.pop(name, None)
    raw = shparse.text(value_node).strip('"') if value_node is not None else ""
    names_like = grepped(raw)
    if names_like is not None:
        sh.patterns[name] = names_like
    up = node.parent
    sh.uses.assigned(name, raw, up is not None and up.type == "declaration_command"
                     and shparse.text(up).startswith("export"))
    if value is None and raw:  # `ALL=$(find "$ENABLED" -name commands)`, `ONE+="$cmd "`
        listed = _listed(raw, sh)
        if listed is not None:
            sh.globs[name] = listed
    # `DRV=${DRV:-ceph}` picks one of a family of drivers: any file that fits may be chosen;
    # `CONFIG=${CONFIG:-63_config.sh}` names one script the caller may replace by a script of
    # its own, and the other scripts of that folder are no more likely than any other file;
    # `X="$1"; case ... help) X=base;; esac`: the literal is one of the values the case leaves
    chosen = raw.startswith(("${" + name + ":-", "${" + name + "-", "${" + name + ":=")) \
        or (unknown and _in_case(node))
    if chosen and not has_extension(value or ""):
        sh.defaults.add(name)
    else:
        sh.defaults.discard(name)


def _in_case(node: Node) -> bool:
    """Whether an assignment is in a branch of a `case` (its other branches may not set it)."""
    up = node.parent
    while up is not None and up.type not in ("function_definition", "program"):
        if up.type == "case_item":
            return True
        up = up.parent
    return False


def _path(value: str, sh: Shell, top: bool) -> None:
    for part in value.strip("\"'").split(":"):
        for folder in _path_folders(part, sh):
            _path_folder(folder, sh, top)


def _path_folders(part: str, sh: Shell) -> list[str | None]:
    """The folder a PATH entry names; in `for d in libexec bin; do PATH="$ROOT/$d:$PATH"` one
    for each value of the loop's variable."""
    folder = _folder(evaluate(part, sh.where.variables, sh.where.file), sh)
    looped = [v for v in sh.loops if "$" + v in part or "${" + v + "}" in part]
    if folder is not None or len(looped) != 1:
        return [folder]
    return [_folder(evaluate(part, {**sh.where.variables, looped[0]: value}, sh.where.file), sh)
            for value in sh.loops[looped[0]]]


def _path_folder(folder: str | None, sh: Shell, top: bool) -> None:
    if folder is not None and (folder, CERTAIN) not in sh.path_dirs:
        sh.path_dirs.insert(0, (folder, CERTAIN))
    # only the file's own code hands PATH on (pathflow.py): a function that sets it does
    # so when it is called, which sourcing the file does not do
    if top and folder is not None and (folder, CERTAIN) not in sh.set_path:
        sh.set_path.insert(0, (folder, CERTAIN))


def _folder(value: str | None, sh: Shell) -> str | None:
    folders = cd_value(value, sh.where, sh.lk, sh.cd) if value else OUTSIDE
    return None if folders == OUTSIDE or not folders else folders[0]


def _value(node: Node, sh: Shell) -> str | None:
    raw = shparse.text(node)
    value = evaluate(raw, sh.where.variables, sh.where.file)
    return value


def word(node: Node, sh: Shell) -> Word:
    return _word(shparse.text(node), sh.line(node), sh)


def _word(raw: str, line: int, sh: Shell) -> Word:
    value = evaluate(raw, sh.where.variables, sh.where.file)
    if value is not None and value.startswith("~"):
        value = None
    var = ""
    if value is None:
        bare = raw.strip('"')
        if bare.startswith("${") and bare.endswith("}"):
            var = bare[2:-1]
        elif bare.startswith("$"):
            var = bare[1:]
    return Word(value, raw, line, var if var.isidentifier() else "")


def _command(node: Node, sh: Shell) -> None:
    name_node = None
    prefix: list[Word] = []
    for child in node.named_children:
        if child.type == "variable_assignment":
            _assign_prefix(child, sh, prefix)
        elif child.type == "command_name":
            name_node = child
    if name_node is None:
        return
    head = word(name_node, sh)
    if head.text[:1] == "\\" and head.value and head.value[:1] == "\\":  # `\. lib.sh`,
        head = Word(head.value[1:], head.text, head.line)  # `\rm`: no alias, the command
    sh.joined = False
    if head.text.endswith("$"):  # `./d/$X/$Y.sh`: tree-sitter-bash splits the word after `$`
        first = node.child_by_field_name("argument")
        if first is not None and first.start_byte == name_node.end_byte:
            head = _word(shparse.text(name_node) + shparse.text(first), head.line, sh)
            sh.joined = True  # _words leaves that argument out
    if head.value == ":":
        _defaults(node, sh)
        return
    if head.value in ("echo", "printf") and sh.uses.pending:  # printed for the caller
        sh.uses.printed(shparse.text(node))
    elif head.value in sh.own_functions and _statement_call(node):
        sh.uses.called.add(head.value or "")
    if head.value == "shift" and sh.excluded:  # `$1` is another argument now
        sh.excluded = {k: v for k, v in sh.excluded.items() if not k.isdigit()}
    words: list[Word] = []  # the command's words, evaluated once when a reader needs them
    if head.value is None or head.text.lstrip('"').startswith("$") \
            or program(head) in ENGINES:  # `docker run -v x:/x IMAGE /x`, `$DOCKER run`
        from .dockerrun import container_run, is_engine

        if is_engine(head):
            words = _words(node, head, sh)
            container_run(words, sh)
    if head.value in ("git", "sudo"):
        from .selfclone import cloned

        words = words or _words(node, head, sh)
        cloned(words, sh)
    if bats.loads(sh.where.file) and head.value in ("stub", "@test", "}"):
        words = words or _words(node, head, sh)
        bats.block(head.value or "", words, sh)
    if not _may_refer(head, sh):
        handed(node, head, sh)  # a command line as one quoted argument (cmdstrings.py)
        if not installed.installable(head.value or "", sh):
            return  # else: perhaps a copy an installer put on PATH (`_bare`), as well
    start = len(sh.hits)
    run_words(prefix + _split(words or _words(node, head, sh)), sh)
    if head.value in LOOKUPS:
        sh.uses.note(start, len(sh.hits), node)


def _words(node: Node, head: Word, sh: Shell) -> list[Word]:
    args = node.children_by_field_name("argument")
    if sh.joined:
        args = args[1:]  # joined to the command word (_command)
    words = [word(arg, sh) for arg in args]
    if not any(w.text.endswith("$") for w in words):
        return [head, *words]
    # tree-sitter-bash splits `img:$TAG-build` after `:$`: parts with no space between them
    # are one word to the shell
    out = [head]
    for i, (arg, w) in enumerate(zip(args, words, strict=True)):
        if i and len(out) > 1 and arg.start_byte == args[i - 1].end_byte \
                and out[-1].text.endswith("$"):
            last = out.pop()
            out.append(_word(last.text + w.text, last.line, sh))
        else:
            out.append(w)
    return out


_SET_DEFAULT = re.compile(r"\$\{(\w+):?=([^}]*)\}")


def _defaults(node: Node, sh: Shell) -> None:
    """`: "${DIR:=/opt/app}"` sets DIR where nothing did, as `DIR=${DIR:-/opt/app}` does."""
    for arg in node.children_by_field_name("argument"):
        for name, raw in _SET_DEFAULT.findall(shparse.text(arg)):
            if name in sh.where.variables:
                continue
            value = evaluate(raw, sh.where.variables, sh.where.file)
            sh.where.variables[name] = value if not (value or "").startswith("~") else None
            if not has_extension(value or ""):
                sh.defaults.add(name)


def _may_refer(head: Word, sh: Shell) -> bool:
    """Whether a command can reach a repo file: a path, a program that runs others, a function
    that does, or a name a repo PATH folder may hold. The rest (echo, grep, ...) never can."""
    value = head.value
    if value is None or "/" in value or " " in value.strip() or value == "":
        return True  # unknown, a path, a command in a variable, or an empty one (_split)
    name = value.rpartition("/")[2]
    if name in _ACTIVE or name in sh.runners or name in LOOKUPS \
            or name.startswith(("python", "pypy")):
        return True
    if name in ("load", "run") and bats.loads(sh.where.file):
        return True
    if name in members.TRIGGERS:
        return True
    sh.names.add(name)
    return name in sh.commands or (bool(sh.path_dirs) and name in _on_path(sh))


def _on_path(sh: Shell) -> frozenset[str]:
    """The names of the scripts in the repo folders on PATH (one table per set of folders)."""
    key = ("on-path", tuple(f for f, _ in sh.path_dirs))
    found = sh.lk.memo.get(key)
    if found is None:
        found = sh.lk.memo[key] = frozenset(
            p.rpartition("/")[2] for f, _ in sh.path_dirs for p in sh.lk.by_folder_names(f))
    return found


def _assign_prefix(node: Node, sh: Shell, prefix: list[Word]) -> None:
    raw = shparse.text(node)
    name, _, rest = raw.partition("=")
    value = evaluate(rest, sh.where.variables, sh.where.file)
    prefix.append(Word(f"{name}={value}" if value is not None else f"{name}=", raw, sh.line(node)))


def _split(words: list[Word]) -> list[Word]:
    """An unquoted `$CMD` whose value holds spaces is several words (a command in a variable);
    one whose value is empty (`SUDO=""` as root) is no word at all."""
    head = words[0]
    if head.value == "" and head.text.startswith("$") and len(words) > 1:
        return words[1:]
    if head.value and " " in head.value.strip() and not head.text.startswith(('"', "'")) \
            and "$" in head.text and "\\ " not in head.text:  # `$D/a\ b/x.sh`: one word
        parts = [Word(p, p, head.line) for p in head.value.split()]
        return parts + words[1:]
    return words


def run_words(words: list[Word], sh: Shell) -> None:
    head = words[0].value if words[0].value is not None else ""
    if head in ("cd", "pushd"):
        target = next((w for w in words[1:] if w.value == "-" or w.var == "OLDPWD"
                       or not (w.value or "").startswith("-")), None)
        if target is not None and (target.value == "-" or target.var == "OLDPWD"):
            sh.cd, sh.oldcd = sh.oldcd, sh.cd  # back where the last cd left from
            return
        sh.oldcd = sh.cd
        sh.cd = cd_value(None if target is None else target.value, sh.where, sh.lk, sh.cd)
        return
    if head in ("popd",):
        sh.cd = ()
        return
    lead = bats.assignments(words)  # `VAR=x run CMD`: the variables are CMD's
    sh.head = words[lead].value or ""
    if words[lead].value == "run" and bats.loads(sh.where.file):  # bats' `run [-N] [!] CMD...`
        rest = bats.run_command(words[lead + 1:])
        if rest:
            run_words(words[:lead] + rest, sh)
        return
    if head == "load" and len(words) > 1 and bats.loads(sh.where.file):
        # the written word lacks the `.bash` bats adds: a row rewrite_reference cannot edit
        act(Action("source", (bats.load_target(words[1]),), "bats-load"), sh, LIKELY)
        return
    if head in LOOKUPS:
        looked_up(words, sh)
    if (words[lead].value or "").rpartition("/")[2] in members.TRIGGERS:
        members.triggered(words[lead:], sh)
        return
    if head == "eval":
        sh.uses.ran(" ".join(w.text for w in words[1:]))
        code = " ".join(w.value or "" for w in words[1:])
        nested(code, words[0].line, sh, "eval", LIKELY)
        return
    if head in sh.runners and len(words) > sh.runners[head] + 1:
        inner = words[sh.runners[head] + 1:]
        for action in interpret(inner, f"function:{head}"):
            act(action, sh, LIKELY)
    for action in interpret(words):
        act(action, sh)


def act(action: Action, sh: Shell, confidence: str = CERTAIN) -> None:
    """Turn one action of argv.py into rows (or hand it to the hook for modules and tests)."""
    before = sh.confidence
    sh.confidence = LIKELY if LIKELY in (confidence, before) else CERTAIN
    remote = sh.remote
    sh.remote = remote or action.remote
    try:
        _act(action, sh)
    finally:
        sh.confidence, sh.remote = before, remote


def _act(action: Action, sh: Shell) -> None:
    what = action.what
    start = len(sh.hits)
    if what in ("run", "source", "run-file", "shell") and action.words:
        sh.uses.ran(" ".join(w.text for w in action.words) if what == "shell"
                    else action.words[0].text)  # `exec "$command_path"`: what a lookup found
    if what in ("run", "source", "run-file"):
        _path_word(action.words[0], action.rule, sh, what == "source")
    elif what == "bare":
        _bare(action.words[0], action.rule, sh)
    elif what == "copy":
        folders = [copied(w, f"{COPIED}>{action.rule}", sh) for w in action.words]
        installed.record(action.dest, action.into, len(action.words) > 1, start, sh,
                         [f for f in folders if f])
        members.root(action.words, action.dest, sh)
    elif what == "run-tree":
        for target in shglob.tree(action.words[0], sh):
            sh.add(action.words[0].line, Found(RESOLVED, target, LIKELY), action.rule)
    elif what == "run-parts":
        _run_parts(action.words[0], action.rule, sh)
    elif what in ("runsv", "runsvdir"):
        w = action.words[0]
        for target in services(w.value or "*", what == "runsvdir", sh):
            sh.add(w.line, Found(RESOLVED, target, LIKELY), action.rule)
    elif what == "shell":
        first = action.words[0]
        code = " ".join(w.value if w.value is not None else code_text(w, sh)
                        for w in action.words)
        nested(code, first.line, sh, action.rule)
    elif sh.hook is not None:
        sh.hook(sh, action)
    if action.args and len(sh.hits) > start:
        through(action, sh, start)
        subcommand(action, sh, start)


def code_text(w: Word, sh: Shell) -> str:
    """A code string that holds variables the inner shell sets: expand the ones known here."""
    text = w.text
    if len(text) > 1 and text[0] == text[-1] and text[0] in "\"'":
        text = text[1:-1]
    return expand_known(text, sh.where.variables, sh.where.file) if w.text[:1] != "'" else text


def nested(code: str, line: int, sh: Shell, rule: str, confidence: str = CERTAIN) -> None:
    """Shell code held in a string (`bash -c`, `ssh host CMD`, `eval`): walked in place."""
    if not code.strip() or len(code) > 20000:
        return
    if ANCHOR in code:  # a repo path spliced into the code: a variable the parser can read
        code = code.replace(ANCHOR, "${" + _ROOT_VAR + "}/")
        sh.where.variables[_ROOT_VAR] = ANCHOR
    saved = (sh.fixed, sh.rule, sh.confidence)
    sh.fixed = line
    sh.rule = f"{sh.rule}>{rule}" if sh.rule else rule
    sh.confidence = LIKELY if LIKELY in (confidence, sh.confidence) else CERTAIN
    _visit(shparse.parse(code), sh)
    sh.fixed, sh.rule, sh.confidence = saved


_ARRAY_ALL = re.compile(r"^\$\{([A-Za-z_]\w*)\[[@*]\]\}$")


def _array(node: Node, name: str, value_node: Node, sh: Shell) -> None:
    """`configs=("$dir/a.sh" b.sh)`, `configs+=("$dir/config.sh")`: the elements known here
    (an append adds to what the array held, known or not)."""
    known = tuple(v for v in (_value(e, sh) for e in value_node.named_children) if v)
    append = shparse.text(node)[len(name):].lstrip().startswith("+=")
    sh.arrays[name] = (*sh.arrays.get(name, ()), *known) if append else known


def _path_word(w: Word, rule: str, sh: Shell, source: bool) -> None:
    var = w.var or w.text.strip('"').lstrip("$").strip("{}")
    if w.value is None and var in sh.loops and sh.loops[var]:  # `for c in "${configs[@]}"`
        for value in sh.loops[var]:  # (a bare name as a command word is looked up on PATH)
            if "/" in value or not program_word(rule):
                _path_word(Word(value, w.text, w.line), rule, sh, source)
        return
    if w.value is None and var in sh.globs:
        if sh.globs[var].startswith(members.TAIL_PREFIX):  # `for s in $DIR/*/commands`
            members.pending(w.line, sh.globs[var][len(members.TAIL_PREFIX):],
                            f"{rule}+dispatch-glob", sh)
            return
        _globbed(glob(sh.globs[var], sh), w, f"{rule}+glob", sh, source)
        return
    if w.value is None:
        known = {**sh.where.variables, **sh.patterns} if sh.patterns else sh.where.variables
        partial = evaluate(w.text, known, sh.where.file, unknown="*")
        if partial is not None and "*" in partial and "/" not in partial \
                and program_word(rule):  # a command word without `/` is found on PATH only
            family(partial, w, rule, sh)
        elif partial is not None and "*" in partial:
            _globbed(glob(partial, sh, strict=True), w, f"{rule}+variable", sh, source)
        if partial is None or partial.startswith(("*", "/")):
            _member(w, rule, sh.where.variables, sh)
        return
    if "*" in w.value or "?" in w.value:
        return
    chosen = [d for d in sh.defaults if d in w.text]
    if chosen:  # a default the caller may override: every file that fits is likely
        others = {k: v for k, v in sh.where.variables.items() if k not in chosen}
        partial = evaluate(w.text, others, sh.where.file, unknown="*")
        if partial is not None and "*" in partial:
            _globbed(glob(partial, sh, strict=True), w, f"{rule}+default", sh, source)
        if partial is None or partial.startswith(("*", "/")):
            _member(w, rule, others, sh)
    written = w.text.replace('"', "").replace("'", "")
    found = locate(w.value, written, sh.where, sh.lk, sh.cd)
    if found is None:
        installed.pending(w, w.value, rule, sh)
        if w.value.startswith("/") and installed.host(sh):  # in a plugin's install folder
            members.pending(w.line, posixpath.normpath(w.value), f"{rule}+dispatch-glob", sh)
    else:
        sh.add(w.line, found, rule)
        if source and found.status == RESOLVED:
            sh.sources.append((found.target, dict(sh.where.variables), True))


def _member(w: Word, rule: str, variables: dict[str, str | None], sh: Shell) -> None:
    """A path through a plugin's install folder (members.py), kept for the end."""
    known = {k: v for k, v in variables.items() if k not in sh.defaults}
    pattern = members.tail(w.text, known, sh.where.file)
    if pattern is not None:
        members.pending(w.line, pattern, f"{rule}+dispatch-glob", sh)


def _globbed(targets: list[str], w: Word, rule: str, sh: Shell, source: bool) -> None:
    for target in targets:
        sh.add(w.line, Found(RESOLVED, target, LIKELY), rule)
        if source:
            sh.sources.append((target, dict(sh.where.variables), False))


# the names run-parts runs without --lsbsysinit or --regex: no dot, so no `x.sh`, `x.dpkg-old`
_RUN_PARTS_NAME = re.compile(r"^[A-Za-z0-9_-]+$")


def _run_parts(w: Word, rule: str, sh: Shell) -> None:
    """`run-parts DIR`: every script directly in DIR whose name run-parts accepts (likely: the
    executable bit and the options decide at run time)."""
    if w.value is None or any(c in w.value for c in "*?["):
        return
    for target in glob(w.value.rstrip("/") + "/*", sh, accept=_RUN_PARTS_NAME.match):
        sh.add(w.line, Found(RESOLVED, target, LIKELY), rule)


def _bare(w: Word, rule: str, sh: Shell) -> None:
    """A bare command word: a repo script only when a PATH folder the repo sets holds it."""
    name = w.value or ""
    sh.names.add(name)
    if is_function(name, w.line, rule, sh):
        return  # a function of that name runs, not a file (`command NAME`, `exec NAME` do)
    for folder, confidence in sh.path_dirs:
        target = sh.lk.find(norm(folder + "/" + name))
        if target is not None:
            sh.add(w.line, Found(RESOLVED, target, confidence), f"{rule}+PATH")
            return
    if name in sh.commands:
        sh.add(w.line, Found(RESOLVED, sh.commands[name], CERTAIN), f"{rule}+PATH")
    else:  # perhaps a copy an installer of the repo put on the host's PATH
        installed.pending_bare(w, name, rule, sh)


_BATS_SETUP = frozenset({"setup", "setup_file"})
_ALWAYS = frozenset({"compound_statement", "redirected_statement", "function_definition"})


def _always(definition: Node) -> bool:
    """Whether a function definition is made whenever its file (or enclosing function) runs:
    at the top, or in a `{ ... }` group (nvm.sh wraps its whole text in one), not in an `if`,
    a `case` arm, a loop or after `&&`/`||`."""
    up = definition.parent
    while up is not None and up.type != "program":
        if up.type not in _ALWAYS:
            return False
        if up.type == "function_definition":
            return True
        up = up.parent
    return True


def _statement_call(node: Node) -> bool:
    """Whether a command's output goes where the script's does (not captured by `$(...)`)."""
    up = node.parent
    while up is not None and up.type not in ("function_definition", "program"):
        if up.type in ("command_substitution", "process_substitution"):
            return False
        up = up.parent
    return True


def is_function(name: str, line: int, rule: str, sh: Shell) -> bool:
    """Whether a command word runs a shell function: the command's own word (or one a
    function that runs `"$@"` itself is handed; `sudo "$@"` runs files), naming a function of
    a sourced library, or one the file defines at its top, before this line or called from a
    function body (which runs once the file's definitions are read)."""
    if name != sh.head and rule.removeprefix("function:") not in sh.direct_runners:
        return False
    if name in sh.functions:
        return True
    defined = sh.own_functions.get(name)
    return defined is not None and (sh.in_function or defined < line)


def _for(node: Node, sh: Shell) -> None:
    """`for f in GLOB`: the loop variable stands for every script the glob matches."""
    var = node.child_by_field_name("variable")
    if var is None:
        return
    name = shparse.text(var)
    sh.where.variables[name] = None
    sh.globs.pop(name, None)
    words = [shparse.text(v).strip("\"'") for v in node.children_by_field_name("value")]
    sh.patterns.pop(name, None)
    if len(words) == 1:  # `for t in ${targets}`, `for t in $(ls "$DIR" | grep 'test_')`
        held = words[0].strip("${}") if words[0].startswith("$") else ""
        pattern = sh.patterns.get(held) if held.isidentifier() else grepped(words[0])
        if pattern is not None:
            sh.patterns[name] = pattern
    held_array = _ARRAY_ALL.match(words[0]) if len(words) == 1 else None
    if words and all(w and not any(c in w for c in "$*?[`") for w in words):
        sh.loops[name] = tuple(words)
    elif held_array is not None and held_array.group(1) in sh.arrays:  # "${configs[@]}"
        sh.loops[name] = sh.arrays[held_array.group(1)]
    else:
        sh.loops.pop(name, None)
    for value in node.children_by_field_name("value"):
        got = evaluate(shparse.text(value), sh.where.variables, sh.where.file)
        if got is not None and any(c in got for c in "*?["):
            sh.globs[name] = got
        elif got is None:  # `for s in $ENABLED/*/commands`: through an install folder
            text = shparse.text(value)
            listed = _listed(text, sh)
            pattern = members.tail(text, sh.where.variables, sh.where.file)
            if listed is not None:
                sh.globs[name] = listed
            elif pattern is not None and any(c in pattern for c in "*?["):
                sh.globs[name] = members.TAIL_PREFIX + pattern


_LS_GREP = re.compile(
    r"""^\$\(\s*\\?ls\b[^|`]*\|\s*grep\s+(?:-[EF]\s+)?(['"]?)([^'"|\s]+)\1\s*\)$""")


def grepped(raw: str) -> str | None:
    r"""The names `$(ls DIR | grep 'PAT')` lists, as a pattern (`^test_` -> `test_*`, `\.sh$`
    -> `*.sh`, `x` -> `*x*`); None for anything else or a pattern this cannot read."""
    match = _LS_GREP.match(raw.strip())
    if match is None:
        return None
    pat = match.group(2).replace("\\.", ".")
    head, tail = pat.startswith("^"), pat.endswith("$")
    pat = pat.strip("^$")
    if not pat or any(c in pat for c in "[]()*+?{}|\\"):
        return None
    return ("" if head else "*") + pat + ("" if tail else "*")


def _listed(raw: str, sh: Shell) -> str | None:
    """The member files a value lists: a `find` below an install folder, or a variable that
    holds such a list (members.py), as a `sh.globs` entry; None for any other value."""
    pattern = members.found(raw, sh)
    if pattern is not None:
        return members.TAIL_PREFIX + pattern
    var = raw.strip().strip('"').strip()
    var = var[2:-1] if var.startswith("${") and var.endswith("}") else var[1:]
    held = sh.globs.get(var, "") if raw.strip().strip('"').strip().startswith("$") else ""
    return held if held.startswith(members.TAIL_PREFIX) else None


def missing_row(sh: Shell, line: int, word: str, rule: str) -> None:
    sh.add(line, Found(MISSING, word, CERTAIN), rule)


def new_shell(where: Where, lk: Lookup, **kw: Any) -> Shell:
    return Shell(where, lk, **kw)
