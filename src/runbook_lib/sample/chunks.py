"""Caller files that grow with N (crontabs, workflows, runbooks, reports), cut into parts so
no file grows without bound and memory stays flat."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

from runbook_lib.sample.model import Line, plain
from runbook_lib.sample.sink import Sink


@dataclass
class ChunkSpec:
    kind: str  # caller kind of the files, or "script" for runner scripts
    pattern: str  # path with {n}, the part number
    header: tuple[str, ...]
    footer: tuple[str, ...] = ()
    limit: int = 50  # entries per file
    json_list: bool = False  # entries are items of a JSON list: commas between them


@dataclass
class Chunk:
    sink: Sink
    spec: ChunkSpec
    commit: int = 2
    on_open: Callable[[str], None] | None = None  # told the path of each new part
    on_close: Callable[[str, list[Line]], None] | None = None  # writes the part itself
    part: int = 0
    entries: list[list[Line]] = field(default_factory=list)

    @property
    def path(self) -> str:
        return self.spec.pattern.format(n=self.part)

    def add(self, *lines: Line) -> None:
        if not self.entries and self.on_open is not None:
            self.on_open(self.path)
        self.entries.append(list(lines))
        if len(self.entries) >= self.spec.limit:
            self.close()

    def close(self) -> None:
        if not self.entries:
            return
        header = (h.format(n=self.part) for h in self.spec.header)
        lines = plain(*header) + self._body() + plain(*self.spec.footer)
        if self.on_close is not None:
            self.on_close(self.path, lines)
        else:
            self.sink.write_doc(self.path, self.spec.kind, lines, self.commit)
        self.entries = []
        self.part += 1

    def _body(self) -> list[Line]:
        if not self.spec.json_list:
            return [line for entry in self.entries for line in entry]
        items = [entry[0] for entry in self.entries]
        last = len(items) - 1
        return [item if i == last else replace(item, text=item.text + ",")
                for i, item in enumerate(items)]
