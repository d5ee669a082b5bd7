"""Data shared by every reference extractor: the repo index and one reference row."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field

# Kinds of file that refer to scripts. A reference is `live` only when its kind runs things.
KINDS = (
    "script", "python", "dockerfile", "compose", "ci", "cron", "make", "systemd",
    "package_json", "procfile", "config", "ansible", "packer", "s6", "docs", "data",
    "container",
)
# Kinds a row may carry that are not kinds of file: an import, a symlink in the repo.
ROW_KINDS = (*KINDS, "import", "symlink")
LIVE_KINDS = frozenset(
    {"script", "python", "dockerfile", "compose", "ci", "cron", "make", "systemd", "package_json",
     "procfile", "config", "ansible", "packer", "s6", "import", "symlink",
     "container"}  # container: a running container's command, healthcheck or mount
)
SCRIPT_EXTENSIONS = (".sh", ".bash", ".ksh", ".zsh", ".py")

# status of a reference row
RESOLVED, AMBIGUOUS, MISSING = "resolved", "ambiguous", "missing"
# confidence of a reference row: `likely` rows keep a script from being an orphan, but
# rewrite_reference never rewrites them
CERTAIN, LIKELY = "certain", "likely"


@dataclass(frozen=True, slots=True)
class Reference:
    source: str  # repo-relative POSIX path of the file holding the reference
    line: int  # 1-based
    target: str  # repo-relative script path when resolved, else the text as written
    kind: str  # one of KINDS
    status: str  # RESOLVED, AMBIGUOUS or MISSING
    live: bool
    text: str  # the whole line, stripped, at most 300 characters
    rule: str = "word"  # the resolution rule that made the row (docs/discovery.md)
    confidence: str = CERTAIN

    @property
    def resolved(self) -> bool:
        return self.status == RESOLVED

    def __reduce__(self) -> tuple[type[Reference], tuple[str, int, str, str, str, bool, str, str,
                                                          str]]:
        # a frozen slots dataclass unpickles field by field, ten times slower than a call
        return Reference, (self.source, self.line, self.target, self.kind, self.status,
                           self.live, self.text, self.rule, self.confidence)


@dataclass(slots=True)
class RepoIndex:
    """What resolution needs to know about the repo, built once per discovery run."""

    scripts: frozenset[str]  # repo-relative paths of inventoried scripts (not symlinks)
    files: frozenset[str]  # every regular file listed (scripts included), repo-relative
    dirs: frozenset[str]  # every folder that holds a listed file ("" is the root)
    symlinks: dict[str, str] = field(default_factory=dict)  # link path -> resolved script path
    archived: frozenset[str] = frozenset()  # scripts and files under archive/backup folders
    deploy_roots: tuple[str, ...] = ()  # absolute paths the repo is deployed at, e.g. /opt/app
    by_basename: dict[str, list[str]] = field(default_factory=dict)  # basename -> script paths
    executables: frozenset[str] = frozenset()  # scripts with an executable bit

    @classmethod
    def build(
        cls,
        scripts: set[str],
        files: set[str],
        symlinks: dict[str, str] | None = None,
        archived: set[str] | None = None,
        deploy_roots: tuple[str, ...] = (),
        executables: set[str] | None = None,
    ) -> RepoIndex:
        by_base: dict[str, list[str]] = {}
        for path in sorted(scripts):
            by_base.setdefault(path.rpartition("/")[2], []).append(path)
        for link, target in sorted((symlinks or {}).items()):
            if target in scripts:
                by_base.setdefault(link.rpartition("/")[2], []).append(link)
        dirs = {""}
        for path in files | scripts:
            parent = posixpath.dirname(path)
            while parent not in dirs:
                dirs.add(parent)
                parent = posixpath.dirname(parent)
        roots = tuple(sorted({r.rstrip("/") for r in deploy_roots if r.startswith("/")}, key=len,
                             reverse=True))
        return cls(
            scripts=frozenset(scripts), files=frozenset(files | scripts), dirs=frozenset(dirs),
            symlinks=dict(symlinks or {}), archived=frozenset(archived or ()),
            deploy_roots=roots, by_basename=by_base, executables=frozenset(executables or ()),
        )
