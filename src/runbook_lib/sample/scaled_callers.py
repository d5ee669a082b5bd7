"""Caller files of the scaled part: shared chunks, and per-service Makefile/Dockerfile/compose."""

from __future__ import annotations

import random

from runbook_lib.sample.chunks import Chunk, ChunkSpec
from runbook_lib.sample.common import write_hand
from runbook_lib.sample.model import DEPLOY_ROOT, Line, copies_folder, ln, plain
from runbook_lib.sample.sink import Sink

CI_HEADER = ("name: ops-{n}", "on:", "  schedule:", '    - cron: "17 3 * * *"',
             "  workflow_dispatch: {{}}", "jobs:", "  run:", "    runs-on: ubuntu-latest",
             "    steps:", "      - uses: actions/checkout@v4")
SPECS = {
    "cron": ChunkSpec("cron", "cron/jobs-{n:03d}.crontab",
                      ("SHELL=/bin/sh", "PATH=/usr/local/bin:/usr/bin:/bin",
                       "# m h dom mon dow command"), limit=80),
    "ci": ChunkSpec("ci", ".github/workflows/ops-{n:03d}.yml", CI_HEADER, limit=25),
    "docs": ChunkSpec("docs", "docs/runbooks/part-{n:03d}.md",
                      ("# Runbook index", "", "Scripts of this part, newest first.", ""),
                      limit=60),
    "data": ChunkSpec("data", "reports/2024/audit-{n:03d}.json", ("[",), ("]",), limit=200,
                      json_list=True),
    "runner": ChunkSpec("script", "jobs/runners/run_batch_{n:04d}.sh",
                        ("#!/bin/bash", "# Runs a batch of jobs one after the other; a failure "
                         "does not stop the batch.", ""), limit=8),
}


class Chunks:
    """Every shared caller file of the scaled part."""

    def __init__(self, sink: Sink, rng: random.Random) -> None:
        self.rng = rng
        self.by_kind = {name: Chunk(sink, spec) for name, spec in SPECS.items()}
        runner = self.by_kind["runner"]
        runner.on_open = self._schedule_runner
        runner.on_close = lambda path, lines: write_hand(
            sink, path, ("bash", "misc", f"batch-{path[-7:-3]}"), lines, 2)

    def add(self, kind: str, *lines: Line) -> None:
        self.by_kind[kind].add(*lines)

    def close(self) -> None:
        for chunk in self.by_kind.values():
            chunk.close()

    def _schedule_runner(self, path: str) -> None:
        minute, hour = self.rng.randrange(60), self.rng.randrange(24)
        self.add("cron", ln(f"{minute} {hour} * * * {DEPLOY_ROOT}/{path}", path))


class ServiceFiles:
    """A service folder's own Makefile, Dockerfile and compose file."""

    def __init__(self, svc: str) -> None:
        self.svc = svc
        self.make: list[Line] = []
        self.health: Line | None = None
        self.cmd: Line | None = None
        self.compose: Line | None = None

    def write(self, sink: Sink, commit: int) -> None:
        folder = f"services/{self.svc}"
        if self.make:
            sink.write_doc(f"{folder}/Makefile", "make", [Line(".PHONY: all"), *self.make], commit)
        if self.health or self.cmd:
            sink.write_doc(f"{folder}/Dockerfile", "dockerfile", self._dockerfile(), commit)
        if self.compose:
            head = plain("services:", f"  {self.svc}:",
                         f"    image: registry.acme.internal/{self.svc}:latest",
                         "    volumes:", "      - ./bin:/srv/bin:ro")
            sink.write_doc(f"{folder}/docker-compose.yml", "compose", [*head, self.compose],
                           commit)

    def _dockerfile(self) -> list[Line]:
        lines = plain("FROM debian:bookworm-slim",
                      "RUN apt-get update && apt-get install -y --no-install-recommends curl "
                      "ca-certificates postgresql-client && rm -rf /var/lib/apt/lists/*",
                      "WORKDIR /srv")
        lines.append(copies_folder("COPY bin/ /srv/bin/", f"services/{self.svc}/bin"))
        return lines + [line for line in (self.health, self.cmd) if line is not None]
