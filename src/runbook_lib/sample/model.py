"""The pieces every sample module shares: a line with the references it holds, a script's truth."""

from __future__ import annotations

from dataclasses import dataclass, field

from runbook_lib.discovery.references.model import MISSING, RESOLVED

DEPLOY_ROOT = "/opt/app"

# One date per commit, oldest first: per-file last-commit dates differ across the repo.
COMMIT_DATES = (
    "2021-03-02T09:14:00+00:00",
    "2022-06-14T16:40:00+00:00",
    "2023-11-20T11:05:00+00:00",
    "2025-08-07T08:30:00+00:00",
)
COMMIT_MESSAGES = (
    "Import ops scripts from the old wiki server",
    "Add api service, compose file and CI",
    "Reorganise jobs and copy scripts for the ops team",
    "Snapshot before the cleanup, reports and backups",
)


@dataclass(frozen=True, slots=True)
class Ref:
    """What a correct extractor must report for one word of a line."""

    target: str  # resolved repo path, or the word as written when not resolved
    status: str = RESOLVED
    kind: str = ""  # the row's kind when it is not the file's (`import`)
    live: bool | None = None  # False: evidence only from a file that runs (ssh to a remote)


def imported(path: str) -> Ref:
    return Ref(path, RESOLVED, "import")


def of_kind(path: str, kind: str, live: bool | None = None) -> Ref:
    return Ref(path, RESOLVED, kind, live)


def missing(word: str) -> Ref:
    return Ref(word, MISSING)


@dataclass(frozen=True, slots=True)
class Line:
    text: str
    refs: tuple[Ref, ...] = ()
    drop: bool = False  # a near-miss copy may delete this line
    trap: bool = False  # names a script without calling it: a correct extractor reports nothing
    folder: str = ""  # a Dockerfile COPY of this repo folder: each script below it ships


def ln(text: str, *targets: str | Ref) -> Line:
    """A line naming `targets` (resolved paths, or Ref for other statuses)."""
    refs = tuple(t if isinstance(t, Ref) else Ref(t) for t in targets)
    return Line(text, refs)


def copies_folder(text: str, folder: str) -> Line:
    """A COPY of a whole repo folder: a reference to every script below it, written or not yet
    (the truth resolves it once every file is written)."""
    return Line(text, folder=folder)


def trap(*texts: str) -> list[Line]:
    """Lines that look like callers and are not (docs/discovery.md lists why)."""
    return [Line(t, trap=True) for t in texts]


def plain(*texts: str) -> list[Line]:
    return [Line(t) for t in texts]


@dataclass(frozen=True, slots=True)
class Meta:
    """Ground truth of one inventoried script."""

    path: str
    language: str  # bash, sh or python
    family: str
    job: str
    origin: str | None = None
    clone_kind: str = "original"
    archived: bool = False
    backup_of: str | None = None
    sourced: bool = False
    location_sensitive: bool = False
    fragments: tuple[str, ...] = field(default=())
