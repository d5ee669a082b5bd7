"""Python files through `ast`: imports (kind `import`) and what the code runs.

Only these are references: imports resolved through the import roots (modules.py), and the
program, script or module arguments of subprocess.*, os.system/popen/exec*/spawn*, runpy,
importlib, `mock.patch("mod.x")` (likely), Django's module strings (likely: `include("pkg.urls")`,
DJANGO_SETTINGS_MODULE, a settings module's dotted strings and installed applications) and a
setup.py's scripts/entry points, followed through
module constants and `Path(__file__).parent / "x"` expressions. A string passed to anything else
(a message, a file that is read or written, a docstring) is not a reference.
"""

from __future__ import annotations

import ast
import posixpath
import re
from bisect import bisect_left, bisect_right
from collections.abc import Container, Iterator
from dataclasses import replace
from itertools import accumulate

from .argv import Word, interpret
from .baseimage import lower_named
from .facts import FileNotes, Image
from .fileops import COPIED, copied
from .lines import Hit
from .model import LIKELY, RESOLVED
from .modules import Root, resolve_module, roots_for
from .pyexpr import UNKNOWN_WORD, dotted, holes, text_of, value_of
from .pyloaders import LOADS_TEXT, folder_loaders, folder_modules, image_relative
from .pyloaders import RULE as LOADER_RULE
from .pytests import alembic_revisions, collect_tests, unittest_patterns
from .pyvolumes import Scope, mounted
from .resolve import Found, Where
from .shwalk import Shell, act, nested
from .source import Source
from .values import ANCHOR, norm, parent

_SUBPROCESS = frozenset({"subprocess.run", "subprocess.call", "subprocess.check_call",
                         "subprocess.check_output", "subprocess.Popen", "Popen", "check_call",
                         "check_output", "asyncio.create_subprocess_exec",
                         "create_subprocess_exec", "pexpect.spawn", "pexpect.run"})
_SHELL_CALLS = frozenset({"os.system", "os.popen", "subprocess.getoutput", "commands.getoutput",
                          "subprocess.getstatusoutput", "asyncio.create_subprocess_shell",
                          "create_subprocess_shell", "system"})
_TESTINFRA = frozenset({"run", "check_output", "run_test", "run_expect"})  # on `host`
# copies and moves: the source is needed where the copy runs (fileops.py, `file-op`, likely)
_FILE_OPS = frozenset({"shutil.copy", "shutil.copy2", "shutil.copyfile", "shutil.copytree",
                       "shutil.move"})
_EXEC = re.compile(r"^os\.(exec|spawn)(l|lp|le|lpe|v|vp|ve|vpe)$")
_IMPORT_ROWS = re.compile(r"^[ \t]*(?:import|from)[ \t]", re.M)
_IMPORT = re.compile(r"\bimport\b")
_TRIPLE = re.compile(r"\"\"\"|'''")
# a file without any of these names calls nothing that runs a file (a cheap first look); every
# branch starts with a character, never `\b`, so `re` scans for those first characters alone
# (three times faster over a module; the few more lines it finds are only looked at)
_RUNS = re.compile(r"subprocess\.\w+\s*\(|from subprocess import|Popen\s*\(|"
                   r"os\.(?:system|popen|exec\w*|spawn\w*|posix_spawn)\s*\(|from os import|"
                   r"runpy|import_module|__import__|shutil\.(?:copy|move)|Migrate\s*\(|"
                   r"spec_from_file|sys\.path|patch\s*\(|check_(?:call|output)\s*\(|"
                   r"create_subprocess|pexpect|getoutput|system\s*\(|run_path|run_module|"
                   r"\.discover\s*\(|"  # unittest's TestLoader().discover(start, pattern)
                   r"host\.(?:run|check_output|run_test|run_expect)\s*\(|"  # testinfra
                   r"volumes\s*=|"  # a Docker SDK call's mounts (pyvolumes.py)
                   r"include\s*\(\s*[\"']|DJANGO_SETTINGS_MODULE|INSTALLED_APPS\s*=|"  # Django
                   # a container folder handed to a function (pyloaders.py: a folder loader)
                   r"[\"']/[^\"'\s]*/[\"']\s*[,)]")


def extract_python(src: Source) -> Iterator[Hit]:
    yield from scan_python(src)[0]


def scan_python(src: Source) -> tuple[list[Hit], FileNotes]:
    text = "\n".join(src.lines)
    hot = _hot_lines(src.lines, text)
    if not hot and not src.path.endswith("setup.py"):
        # nothing here can run a file: only its import statements matter, each parsed alone
        # (parsing the whole module costs twenty times more)
        return _import_statements(src), FileNotes()
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError):
        return _import_statements(src), FileNotes()
    loaders = folder_loaders(tree) if any(t in text for t in LOADS_TEXT) else set()
    scan = PyScan(src, _direct(src, tree), loaders, hot)
    scan.scope.tree = tree
    scan.visit(tree)
    if _django_settings(tree):
        scan.settings(tree)
    if scan.dynamic:
        scan.registry(tree)
    lower_named(scan.shell.hits, scan.images(), src.path)
    if scan.setup:  # a project without other project files: its tests are collected from here
        from .entrypoints import default_rows
        from .pytests import declares_pytest

        default_rows(src, scan.shell, declares_pytest(src.lines) or 1)
    return scan.shell.hits, FileNotes(sys_paths=[(f, src.folder) for f in
                                                 (*scan.extra, *scan.guessed)],
                                      loaders={f"{src.path}::{name}" for name in loaders})


def _hot_lines(lines: list[str], text: str) -> list[int]:
    """The lines (from 1) that name something able to run a file, in order."""
    found = [m.start() for m in _RUNS.finditer(text)]
    if not found:
        return []
    starts = list(accumulate((len(line) + 1 for line in lines), initial=0))
    return sorted({bisect_right(starts, at) for at in found})


_DOTTED = re.compile(r"^[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+$")


def _dotted_constant(node: ast.AST) -> str:
    """A string constant that reads as a dotted module path (`pkg.mod`, `pkg.mod.Name`), or ""."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str) \
            and _DOTTED.match(node.value):
        return node.value
    return ""


def _django_settings(tree: ast.Module) -> bool:
    """A module that assigns `INSTALLED_APPS` at its top level: Django's settings."""
    return any(isinstance(t, ast.Name) and t.id == "INSTALLED_APPS"
               for node in tree.body if isinstance(node, ast.Assign | ast.AnnAssign)
               for t in (node.targets if isinstance(node, ast.Assign) else [node.target]))


def _discovers(node: ast.Call, lines: list[str]) -> bool:
    """A `discover` call of unittest's loader: `unittest.TestLoader().discover(...)`,
    `unittest.defaultTestLoader.discover(...)`, or `loader.discover(...)` in a module that
    names TestLoader."""
    return isinstance(node.func, ast.Attribute) and node.func.attr == "discover" and (
        "TestLoader" in ast.unparse(node.func.value)
        or any("TestLoader" in line for line in lines))


def _argument(node: ast.Call, n: int, keyword: str) -> ast.expr | None:
    if len(node.args) > n and not isinstance(node.args[n], ast.Starred):
        return node.args[n]
    return next((k.value for k in node.keywords if k.arg == keyword), None)


def _direct(src: Source, tree: ast.Module) -> bool:
    """Run directly: a shebang, or a `__main__` guard."""
    if src.lines and src.lines[0].startswith("#!"):
        return True
    return any(isinstance(node, ast.If) and "__main__" in ast.dump(node.test) for node in tree.body)


def runs_directly(lines: list[str]) -> bool:
    """A shebang, or a module-level `if` naming `__main__` (read from the lines: cheap enough
    to ask of every module)."""
    if lines and lines[0].startswith("#!"):
        return True
    return any("__main__" in line for line in lines if line.startswith("if "))


def _import_statements(src: Source) -> list[Hit]:
    """Each import statement of the file (also in functions, `try` blocks and across lines in
    parentheses) parsed alone with `ast`; lines inside triple-quoted strings are skipped."""
    scan = PyScan(src, runs_directly(src.lines))
    lines = src.lines
    found: list[tuple[int, str]] = []
    after = 0  # the index after the last statement taken (its continuation lines are in it)
    for row in _import_rows(lines):
        if row < after:
            continue
        statement, after = _statement(lines, row)
        found.append((row + 1, statement))
    # one parse for them all, each on its own line number (a failure: one at a time)
    module = "\n".join(f"{s};" if "\n" not in s else s for _, s in found)
    try:
        tree = ast.parse(module)
        if len(tree.body) != len(found):
            raise ValueError("statements and lines do not pair up")
        for node, (first, _) in zip(tree.body, found, strict=True):
            if isinstance(node, ast.Import | ast.ImportFrom):
                node.lineno = first
                scan.imports(node)
    except (SyntaxError, ValueError, RecursionError):
        for first, statement in found:
            _parse_import(scan, statement, first)
    return scan.shell.hits


def _import_rows(lines: list[str]) -> list[int]:
    """0-based rows that start with `import` or `from`, outside triple-quoted strings (a
    docstring may name imports), found by searching the text, not walking its lines."""
    text = "\n".join(lines)
    starts = list(accumulate((len(line) + 1 for line in lines), initial=0))
    inside: set[int] = set()
    quote, opened = "", 0
    for match in _TRIPLE.finditer(text):
        if not quote:
            quote, opened = match.group(), bisect_right(starts, match.start()) - 1
        elif match.group() == quote:
            inside.update(range(opened + 1, bisect_right(starts, match.start())))
            quote = ""
    rows = (bisect_right(starts, m.start()) - 1 for m in _IMPORT_ROWS.finditer(text))
    return [row for row in rows if row not in inside]


def _statement(lines: list[str], start: int) -> tuple[str, int]:
    """The logical line starting at `start` (parentheses and backslashes), and the next index."""
    text = lines[start].strip()
    end = start + 1
    while (text.count("(") > text.count(")") or text.endswith("\\")) and end < len(lines) \
            and end - start < 200:
        # a backslash joins the lines into one; inside parentheses a newline is fine
        glue = " " if text.endswith("\\") else "\n"
        text = text.rstrip("\\") + glue + lines[end].strip()
        end += 1
    return text, end


def _parse_import(scan: PyScan, statement: str, line: int) -> None:
    try:
        tree = ast.parse(statement)
    except (SyntaxError, ValueError, RecursionError):
        return
    for node in tree.body:
        if isinstance(node, ast.Import | ast.ImportFrom):
            node.lineno = line
            scan.imports(node)


class PyScan:
    def __init__(self, src: Source, direct: bool, loaders: set[str] | None = None,
                 hot: list[int] | None = None) -> None:
        self.src = src
        self.direct = direct
        self.loaders = loaders or set()  # this module's folder loaders (pyloaders.py)
        self.imported: dict[str, tuple[str, str]] = {}  # name -> (repo file, its own name)
        where = src.script_where()
        self.shell: Shell = src.shell(where)
        self.variables = where.variables
        self.extra: list[str] = []  # folders this file adds to sys.path
        self.guessed: list[str] = []  # ... relative to a working folder above its own
        self.exprs: dict[str, ast.expr] = {}  # a name -> the expression last assigned to it
        self.scope = Scope(self.variables, self.exprs)  # for the Docker SDK's mounts
        self._roots: list[Root] | None = None
        self._extra = 0
        self.setup = src.path.endswith("setup.py")
        self._hot = hot  # the lines that name something able to run a file (_hot_lines)
        self._imports: list[int] | None = None  # lines naming `import` anywhere
        self.dynamic = False  # imports a module whose name is known only at run time

    def visit(self, node: ast.AST) -> None:
        """Statements in order: imports, assignments (constants a later call may use), and the
        calls of each statement whose text names something that can run a file."""
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.Import | ast.ImportFrom):
                self.imports(child)
            elif isinstance(child, ast.stmt):
                if not self._idle(child):
                    self._statement(child)
            elif isinstance(child, ast.excepthandler | ast.match_case):
                self.visit(child)

    def _idle(self, node: ast.stmt) -> bool:
        """A statement after the last line that can run a file, with no `import` in it: what
        it assigns no later call reads, so it needs no visit."""
        if self.setup or self.loaders:
            return False
        self._triggered(0, 0)  # finds the hot lines
        assert self._hot is not None
        first = min([node.lineno, *(d.lineno for d in getattr(node, "decorator_list", ()))])
        if self._hot and first <= self._hot[-1]:  # a decorator comes before its `def` line
            return False
        if self._imports is None:
            text = "\n".join(self.src.lines)
            starts = list(accumulate((len(line) + 1 for line in self.src.lines), initial=0))
            self._imports = [bisect_right(starts, m.start()) for m in _IMPORT.finditer(text)]
        last = getattr(node, "end_lineno", None) or node.lineno
        i = bisect_left(self._imports, first)
        return not (i < len(self._imports) and self._imports[i] <= last)

    def _statement(self, node: ast.stmt) -> None:
        bodies = [v for _, v in ast.iter_fields(node) if isinstance(v, list) and v
                  and isinstance(v[0], ast.stmt | ast.excepthandler | ast.match_case)]
        if not bodies:
            last = getattr(node, "end_lineno", None) or node.lineno
            if self._triggered(node.lineno, last):
                self._calls(node)
            if isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None:
                self._assign(node)
            return
        for _name, value in ast.iter_fields(node):  # the header: `with Popen(...)`, `if ...`
            items = value if isinstance(value, list) else [value]
            for item in items:
                line = getattr(item, "lineno", node.lineno)
                if isinstance(item, ast.expr | ast.withitem | ast.arguments) and \
                        self._triggered(line, getattr(item, "end_lineno", None) or line):
                    self._calls(item)
        guard = _suffix_guard(node)
        if guard is None or not isinstance(node, ast.If) \
                or self.variables.get(guard[0]) is not None:
            self.visit(node)
            return
        # `if name.endswith(".py"):` the unknown name ends so in the branch (a listed folder's
        # Python files run by `python3 DIR + name`)
        self.variables[guard[0]] = UNKNOWN_WORD + guard[1]
        self.visit(ast.Module(body=node.body, type_ignores=[]))
        self.variables[guard[0]] = None
        self.visit(ast.Module(body=node.orelse, type_ignores=[]))

    def _triggered(self, first: int, last: int) -> bool:
        if self.setup or self.loaders:  # a loader's calls need not name a program
            return True
        if self._hot is None:
            self._hot = _hot_lines(self.src.lines, "\n".join(self.src.lines))
        i = bisect_left(self._hot, first)
        return i < len(self._hot) and self._hot[i] <= last

    def _calls(self, node: ast.AST) -> None:
        for found in ast.walk(node):
            if isinstance(found, ast.Call):
                self._call(found)

    def _assign(self, node: ast.Assign | ast.AnnAssign) -> None:
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        assert node.value is not None
        value = value_of(node.value, self.variables, self.src.path)
        if value is None and isinstance(node.value, ast.JoinedStr | ast.BinOp):
            value = self._text(node.value)  # a command line built from parts
        for target in targets:
            if isinstance(target, ast.Name):
                self.variables[target.id] = value
                self.exprs[target.id] = node.value

    def roots(self) -> list[Root]:
        if self._roots is None or self._extra != len(self.extra) + len(self.guessed):
            self._roots = roots_for(self.src.path, self.src.lookup, self.extra, self.direct,
                                    guessed=self.guessed)
            self._extra = len(self.extra) + len(self.guessed)
        return self._roots

    def imports(self, node: ast.Import | ast.ImportFrom) -> None:
        if isinstance(node, ast.Import):
            for alias in node.names:
                self._module(alias.name, node.lineno, "import")
            return
        if node.level:
            self._relative(node)
            return
        module = node.module or ""
        for alias in node.names:
            if alias.name == "*" or not self._module(f"{module}.{alias.name}", node.lineno,
                                                     "import", quiet=True):
                files = self._module(module, node.lineno, "import")
                if files and alias.name != "*":
                    self.imported[alias.asname or alias.name] = (files[-1], alias.name)

    def _module(self, name: str, line: int, rule: str, quiet: bool = False,
                confidence: str = "") -> tuple[str, ...]:
        """The files of the module `name` resolves to (rows added for each); () if none."""
        found = resolve_module(name, self.roots(), self.src.lookup, direct=self.direct,
                               importer=self.src.path)
        if found is None:
            return ()
        last = len(found.files) - 1
        for i, path in enumerate(found.files):
            why = rule if i == last else f"{rule}+package"
            if found.shadows:
                why += "+shadows"
            self.shell.add(line, Found(RESOLVED, path, confidence or found.confidence), why,
                           kind="import")
        del quiet
        return found.files

    def _relative(self, node: ast.ImportFrom) -> None:
        # a relative import works only inside a package that was imported: its markers ran
        # (only as far up as the import reaches: above that, the package's top is a guess)
        for path in self._own_packages(node.level):
            self.shell.add(node.lineno, Found(RESOLVED, path, "certain"),
                           "import-relative+package", kind="import")
        folder = self.src.folder
        for _ in range(node.level - 1):
            folder = folder.rpartition("/")[0]
        parts = (node.module or "").split(".") if node.module else []
        base = Root(folder, folder)
        names = [a.name for a in node.names if a.name != "*"]
        done = False
        for name in names:
            found = resolve_module(".".join([*parts, name]), [base], self.src.lookup,
                                   relative=True)
            if found is not None:
                done = True
                self._add(node.lineno, found.files, "import-relative")
        if not done:
            found = resolve_module(".".join(parts), [base], self.src.lookup,
                                   relative=True) if parts else None
            marker = self.src.lookup.find(norm(folder + "/__init__.py"))
            files = found.files if found else ((marker,) if marker else ())
            if not files:  # valid only where an image puts the files beside each other
                files = tuple(image_relative(self.src.path, node.level, node.module or "",
                                             names, self.images(), self.src.lookup))
                for path in files:
                    self.shell.add(node.lineno, Found(RESOLVED, path, LIKELY),
                                   "import-relative+image", kind="import")
            else:
                self._add(node.lineno, files, "import-relative")
            if files:
                self.imported.update({n: (files[-1], n) for n in names})

    def _own_packages(self, level: int) -> list[str]:
        """The package marker of the package the dots name (`from .. import x` in `a/b/c.py`:
        `a/__init__.py`), which the import runs; not the packages between it and the importer
        (`a/b/__init__.py` is run by whoever imports `a.b.c`, not by this line). Each folder on
        the way must be a package, else the import fails and names nothing."""
        folder = self.src.folder
        for _ in range(level - 1):
            if self.src.lookup.find(norm(folder + "/__init__.py")) is None:
                return []
            folder = folder.rpartition("/")[0]
        marker = self.src.lookup.find(norm(folder + "/__init__.py"))
        return [] if marker is None else [marker]

    def _add(self, line: int, files: tuple[str, ...], rule: str) -> None:
        for i, path in enumerate(files):
            why = rule if i == len(files) - 1 else f"{rule}+package"
            self.shell.add(line, Found(RESOLVED, path, "certain"), why, kind="import")

    def _call(self, node: ast.Call) -> None:
        name = dotted(node.func)
        short = name.rpartition(".")[2]
        if any(k.arg == "volumes" for k in node.keywords):
            mounted(node, self.scope, self.src.path, self.src.lookup,
                    lambda line, found, rule: self.shell.add(line, found, rule))
        if name in _SUBPROCESS:
            self._argv(node)
        elif name in _FILE_OPS and node.args:
            self._file_op(node, name)
        elif name in ("Migrate", "flask_migrate.Migrate"):
            self._flask_migrate(node)
        elif name in _SHELL_CALLS and node.args:
            self._shell_code(node.args[0], node.lineno, name)
        elif _EXEC.match(name):
            self._exec(node, name)
        elif name in ("runpy.run_path", "run_path") and node.args:
            self._words([node.args[0]], node.lineno, "runpy", python=True)
        elif name in ("runpy.run_module", "run_module", "importlib.import_module",
                      "import_module", "__import__") and node.args:
            self._named_module(node, name)
        elif short == "spec_from_file_location" and len(node.args) > 1:
            self._words([node.args[1]], node.lineno, "spec_from_file_location", python=True)
        elif short in _TESTINFRA and name.rpartition(".")[0].rpartition(".")[2] == "host":
            self._on_test_host(node)
        elif _discovers(node, self.src.lines):
            self._unittest_discover(node)
        elif short in ("path_append", "append", "insert") and name.startswith("sys.path"):
            self._sys_path(node)
        elif short == "patch" and node.args and isinstance(node.args[0], ast.Constant):
            self._patched(node)
        elif short == "include" and node.args and _dotted_constant(node.args[0]):
            # Django's url include("pkg.urls") imports that module
            self._module(_dotted_constant(node.args[0]), node.lineno, "django-include",
                         confidence=LIKELY)
        elif short == "setdefault" and len(node.args) > 1 and _dotted_constant(node.args[1]) \
                and isinstance(node.args[0], ast.Constant) \
                and node.args[0].value == "DJANGO_SETTINGS_MODULE":
            self._module(_dotted_constant(node.args[1]), node.lineno, "django-settings",
                         confidence=LIKELY)
        elif short == "setup" and self.src.path.endswith("setup.py"):
            self._setup(node)
        elif isinstance(node.func, ast.Name) and (node.func.id in self.loaders
                                                  or node.func.id in self.imported):
            self._loader_call(node, node.func.id)

    def _unittest_discover(self, node: ast.Call) -> None:
        """`TestLoader().discover(start, pattern)` loads the test files under `start`; a
        relative start is taken from the script's own folder (the working folder is not known
        here), an unknown one is that folder. `likely`: which files depends on run time."""
        start, given = _argument(node, 0, "start_dir"), _argument(node, 1, "pattern")
        folder: str | None = self.src.folder
        if start is not None:
            value = self._word(start, node.lineno).value
            if value is not None and value.startswith("/"):
                return  # a folder outside the checkout (an image's, an installed one)
            if value is not None:
                folder = norm(value[1:]) if value.startswith(ANCHOR) else \
                    norm(f"{self.src.folder}/{value}")
        if folder is None:
            return
        patterns = unittest_patterns([self._word(given, node.lineno)] if given else [])
        for path in collect_tests(["."], folder, self.src.lookup, patterns):
            if path != self.src.path:
                self.shell.add(node.lineno, Found(RESOLVED, path, LIKELY), "unittest-loader")

    def images(self) -> list[Image]:
        facts = self.src.lookup.facts
        return facts.images_of(self.src.path) if facts is not None else []

    def _loader_call(self, node: ast.Call, name: str) -> None:
        """A call that may hand a folder loader its folder: rows kept if it is one."""
        file, own = (self.src.path, name) if name in self.loaders else self.imported[name]
        start = len(self.shell.hits)
        for arg in [*node.args, *(k.value for k in node.keywords)]:
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                for path in folder_modules(arg.value, self.src.path, self.images(),
                                           self.src.lookup):
                    self.shell.add(node.lineno, Found(RESOLVED, path, LIKELY), LOADER_RULE,
                                   kind="import")
        hits = self.shell.hits
        hits[start:] = [replace(h, via=f"{file}::{own}") for h in hits[start:]]

    def _text(self, node: ast.AST) -> str:
        return text_of(node, self.variables, self.src.path)

    def _word(self, node: ast.AST, line: int) -> Word:
        if dotted(node) == "sys.executable":
            return Word("python", "sys.executable", line)
        value = value_of(node, self.variables, self.src.path)
        if value is None:
            text = self._text(node)
            value = None if UNKNOWN_WORD in text else text
        if value is not None and value.startswith(ANCHOR):
            return Word(value, ast.unparse(node), line)
        var = node.id if isinstance(node, ast.Name) else ""
        return Word(value, value or var or "?", line, var if value is None else "")

    def _argv(self, node: ast.Call) -> None:
        first = node.args[0] if node.args else next(
            (k.value for k in node.keywords if k.arg == "args"), None)
        if first is None:
            return
        shell = any(k.arg == "shell" and isinstance(k.value, ast.Constant) and k.value.value
                    for k in node.keywords)
        if isinstance(first, ast.List | ast.Tuple):
            self._words(list(first.elts), node.lineno, "subprocess")
        elif shell:
            self._shell_code(first, node.lineno, "subprocess")
        else:
            self._words([first, *node.args[1:]], node.lineno, "subprocess")

    def _words(self, nodes: list[ast.expr], line: int, rule: str, python: bool = False) -> None:
        words = [self._word(n, line) for n in nodes if not isinstance(n, ast.Starred)]
        if not words:
            return
        if python:
            words = [Word("python", "python", line), *words]
        for action in interpret(words, rule):
            act(action, self.shell)

    def _shell_code(self, node: ast.AST, line: int, rule: str) -> None:
        # each call runs its own shell: a `cd` in it leaves the program's next calls alone
        sh = self.shell
        cd, oldcd = sh.cd, sh.oldcd
        nested(self._text(node), line, sh, rule)
        sh.cd, sh.oldcd = cd, oldcd

    def _on_test_host(self, node: ast.Call) -> None:
        """testinfra's `host.run("source /opt/tool/x.sh; f")`: shell code run on the host
        under test (often a container of the repo's image); `likely`, as that host is not
        this checkout."""
        sh = self.shell
        cd, oldcd = sh.cd, sh.oldcd
        for arg in node.args:
            sh.cd, sh.oldcd = cd, oldcd  # each host.run(...) is a shell of its own
            arg = _template(arg)
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                saved, sh.line0 = sh.line0, arg.lineno - 1  # rows on the string's own lines
                nested(arg.value, 0, sh, "testinfra", LIKELY)
                sh.line0 = saved
            elif not isinstance(arg, ast.Constant):
                nested(self._text(arg), node.lineno, sh, "testinfra", LIKELY)
        sh.cd, sh.oldcd = cd, oldcd

    def _exec(self, node: ast.Call, name: str) -> None:
        args = list(node.args)
        if name.startswith("os.spawn"):
            args = args[1:]
        if not args:
            return
        if name.endswith(("v", "ve", "vp", "vpe")) and len(args) > 1 and isinstance(
                args[1], ast.List | ast.Tuple):
            rest = list(args[1].elts)[1:]
        else:
            rest = args[2:]
        self._words([args[0], *rest], node.lineno, name)

    def _file_op(self, node: ast.Call, name: str) -> None:
        """`shutil.copyfile("tests/x.py", "conf/x.py")`: the source as a file command's."""
        value = value_of(node.args[0], self.variables, self.src.path)
        if value is not None:
            copied(Word(value, value.lstrip(ANCHOR), node.lineno), f"{COPIED}>{name}",
                   self.shell)

    def _flask_migrate(self, node: ast.Call) -> None:
        """Flask-Migrate's `Migrate(app, db, directory="migrations")` runs alembic on that
        folder (relative to the working folder: the nearest one up from this module that holds
        it): its env.py and every revision (`flask-migrate`, likely)."""
        directory = "migrations"
        for kw in node.keywords:
            if kw.arg == "directory":
                value = value_of(kw.value, self.variables, self.src.path)
                if value is None or value.startswith((ANCHOR, "/")):
                    return
                directory = value
        lk = self.src.lookup
        homes = {posixpath.dirname(p) for p in lk.index.files
                 if posixpath.basename(p) == "env.py"}
        base = _above(self.src.folder, directory, homes, inclusive=True)
        if base is not None:
            for path in alembic_revisions(base, lk):
                self.shell.add(node.lineno, Found(RESOLVED, path, LIKELY), "flask-migrate")

    def _named_module(self, node: ast.Call, name: str) -> None:
        value = value_of(node.args[0], self.variables, self.src.path)
        if value is None and not name.endswith("run_module"):
            self.dynamic = True  # a name known at run time: perhaps one of its dotted strings
        if not value or value.startswith((ANCHOR, "/", ".")):
            return
        if name.endswith("run_module"):
            words = [Word("python", "python", node.lineno), Word("-m", "-m", node.lineno),
                     Word(value, value, node.lineno)]
            for action in interpret(words, "runpy"):
                act(action, self.shell)
        else:
            self._module(value, node.lineno, "import_module")

    def _sys_path(self, node: ast.Call) -> None:
        arg = node.args[-1] if node.args else None
        value = None if arg is None else value_of(arg, self.variables, self.src.path)
        if value is None:
            return
        if value.startswith(ANCHOR):
            folder = norm(value[1:])
        elif value.startswith("/"):
            return
        else:
            folder = norm(self.src.folder + "/" + value)
            dirs = self.src.lookup.index.dirs
            if folder is None or folder not in dirs:
                # relative to the working folder, which the file does not say: a test run from
                # its project's top (`sys.path.append(os.path.abspath("codes/"))` in tests/)
                guess = _above(self.src.folder, value, dirs)
                if guess is not None:
                    self.guessed.append(guess)
                return
        if folder is not None and folder in self.src.lookup.index.dirs:
            self.extra.append(folder)

    def _patched(self, node: ast.Call) -> None:
        value = node.args[0].value  # type: ignore[attr-defined]
        if not isinstance(value, str) or "." not in value:
            return
        parts = value.split(".")
        for cut in range(len(parts) - 1, 0, -1):
            if self._module(".".join(parts[:cut]), node.lineno, "mock-patch", confidence=LIKELY):
                return

    def settings(self, tree: ast.Module) -> None:
        """A Django settings module: each dotted string of its top-level assignments that names
        a repo module (`ROOT_URLCONF`, `WSGI_APPLICATION`, `MIDDLEWARE`, backends, context
        processors, `TEST_RUNNER`: a module or a name in one) is imported by Django; each
        application of `INSTALLED_APPS` also has its `apps`, `models` and (with the admin
        installed) `admin` modules imported."""
        apps: list[tuple[str, int]] = []
        for node in tree.body:
            if not isinstance(node, ast.Assign | ast.AnnAssign) or node.value is None:
                continue
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            installed = any(isinstance(t, ast.Name) and t.id == "INSTALLED_APPS" for t in targets)
            for const in ast.walk(node.value):
                cut = self._dotted(const, "django-settings")
                name = _dotted_constant(const)
                if installed and cut and cut == len(name.split(".")) \
                        and isinstance(const, ast.Constant):
                    apps.append((name, const.lineno))
        admin = any(isinstance(c, ast.Constant) and c.value == "django.contrib.admin"
                    for c in ast.walk(tree))
        for app, line in apps:
            for sub in ("apps", "models", *(("admin",) if admin else ())):
                self._module(f"{app}.{sub}", line, "django-app", confidence=LIKELY)

    def registry(self, tree: ast.Module) -> None:
        """A module that imports a module named at run time (`import_module(modulename)`, the
        name split from a table's `"pkg.integrations.zulip.transport.Zulip"`): each dotted
        string of the module that names a repo module, or a name in one, may be what it
        imports (`likely`, rule import_module-registry). Only data counts: an element of a
        dict, list, tuple or set, or an assigned value; not a call's argument
        (`getLogger("pkg.worker")`, `config.get("pkg.settings")`)."""
        for node in ast.walk(tree):
            if isinstance(node, ast.Dict):
                items: list[ast.expr | None] = [*node.keys, *node.values]
            elif isinstance(node, ast.List | ast.Tuple | ast.Set):
                items = list(node.elts)
            elif isinstance(node, ast.Assign | ast.AnnAssign):
                items = [node.value]
            else:
                continue
            for item in items:
                if item is not None:
                    self._dotted(item, "import_module-registry", deepest=True)

    def _dotted(self, const: ast.AST, rule: str, deepest: bool = False) -> int:
        """Rows to the repo module a dotted string constant names, or the module holding the
        name it names (with `deepest`, only the module one part up; else any package up to
        the second part); how many of its parts the module has, 0 if none."""
        dotted_name = _dotted_constant(const)
        if not dotted_name or not isinstance(const, ast.Constant):
            return 0
        parts = dotted_name.split(".")
        # a name in a module, not a lone top package (`"hc.sqlite"`, a file name)
        last = len(parts) - 2 if deepest else (1 if len(parts) > 2 else len(parts) - 1)
        for cut in range(len(parts), max(last, 1), -1):
            if self._module(".".join(parts[:cut]), const.lineno, rule, confidence=LIKELY):
                return cut
        return 0

    def _setup(self, node: ast.Call) -> None:
        from .entrypoints import setup_keywords

        setup_keywords(self, node)


def _suffix_guard(node: ast.stmt) -> tuple[str, str] | None:
    """(name, suffix) of `if name.endswith("suffix"):`, else None."""
    if not isinstance(node, ast.If) or not isinstance(node.test, ast.Call):
        return None
    call = node.test
    if isinstance(call.func, ast.Attribute) and call.func.attr == "endswith" \
            and isinstance(call.func.value, ast.Name) and len(call.args) == 1 \
            and isinstance(call.args[0], ast.Constant) and isinstance(call.args[0].value, str) \
            and "/" not in call.args[0].value:
        return call.func.value.id, call.args[0].value
    return None


def _above(folder: str, relative: str, dirs: Container[str],
           inclusive: bool = False) -> str | None:
    """The nearest folder above `folder` (or `folder` itself, `inclusive`) in which `relative`
    names one of `dirs`."""
    if inclusive:
        found = norm(f"{folder}/{relative}" if folder else relative)
        if found is not None and found in dirs:
            return found
    while folder:
        folder = posixpath.dirname(folder)
        found = norm(f"{folder}/{relative}")
        if found and found in dirs:
            return found
    return None


def parent_folder(value: str) -> str | None:
    up = parent(value)
    return None if up is None else norm(up[1:]) if up.startswith(ANCHOR) else None


__all__ = ["PyScan", "Where", "extract_python", "parent_folder"]


def _template(node: ast.expr) -> ast.expr:
    """The string literal a `.format(...)` or `%` fills in (its placeholders as unknown words, so
    its commands keep their own lines), else the expression itself."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
            and node.func.attr == "format":
        base = node.func.value
    elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
        base = node.left
    else:
        return node
    if not (isinstance(base, ast.Constant) and isinstance(base.value, str)):
        return node
    filled = holes(base.value, "{" if isinstance(node, ast.Call) else "%")
    return ast.copy_location(ast.Constant(filled), base)
