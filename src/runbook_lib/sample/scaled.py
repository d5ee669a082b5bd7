"""Scales the sample to N scripts: services, each with a few scripts of several families,
their callers, copies and mentions, drawn from one random.Random so a seed fixes it all."""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass

from runbook_lib.sample.blocks import PY_HEAD, PY_MAIN, SHELL_POST, SHELL_PRE
from runbook_lib.sample.clones import clone_lines
from runbook_lib.sample.common import Placed, write_copy, write_recipe
from runbook_lib.sample.fixed_libs import COMMON, NOTIFY
from runbook_lib.sample.model import DEPLOY_ROOT, Line, ln, missing
from runbook_lib.sample.python_templates import PYTHON_TEMPLATES
from runbook_lib.sample.render import Recipe, render
from runbook_lib.sample.scaled_callers import Chunks, ServiceFiles
from runbook_lib.sample.shell_templates import SHELL_TEMPLATES
from runbook_lib.sample.signature import probes
from runbook_lib.sample.sink import Sink
from runbook_lib.sample.vocab import REGIONS, make_vocab, service_names

TEMPLATES = tuple(SHELL_TEMPLATES) + tuple(PYTHON_TEMPLATES)
SHELL_LAYOUTS = ("svc_bin", "scripts", "scripts", "ops", "jobs")
PY_LAYOUTS = ("tools", "tools", "svc_py")
CALLER_KINDS = {
    "svc_bin": ("make", "docker", "compose", "ci", "cron"),
    "svc_py": ("make", "ci"),
    "tools": ("cron", "ci", "runner"),
}
DEFAULT_KINDS = ("cron", "cron", "ci", "runner", "runner", "systemd")
CLONE_KINDS = ("exact", "normalised", "renamed", "near")
CLONE_WEIGHTS = (30, 25, 20, 25)
ROOT = DEPLOY_ROOT
# A folder named `backup` would make its scripts archived (docs/discovery.md).
FOLDERS = {"backup": "db_backup"}


@dataclass(frozen=True)
class Slot:
    """Where one scaled script lives and how it is named."""

    layout: str
    svc: str
    template: str

    @property
    def family(self) -> str:
        return _info(self.template)[0]

    @property
    def verb(self) -> str:
        return _info(self.template)[1]

    def path(self, svc: str | None = None) -> str:
        svc = svc or self.svc
        snake, verb = svc.replace("-", "_"), self.verb
        fam = FOLDERS.get(self.family, self.family)
        return {
            "svc_bin": f"services/{svc}/bin/{verb}.sh",
            "scripts": f"scripts/{fam}/{verb}_{snake}.sh",
            "ops": f"ops/{fam}/{verb}-{svc}.sh",
            "jobs": f"jobs/{fam}/{verb}_{snake}.sh",
            "tools": f"tools/{fam}/{verb}_{snake}.py",
            "svc_py": f"services/{svc}/scripts/{verb}_{snake}.py",
        }[self.layout]

    def copy_path(self) -> str:
        """Where an exact, reformatted or edited copy of this script is dropped."""
        path = self.path()
        if self.layout in ("svc_bin", "svc_py"):
            return path.replace(f"services/{self.svc}/", f"services/{self.svc}-v2/", 1)
        prefix = {"scripts": "ops/", "ops": "scripts/legacy/", "jobs": "ops/",
                  "tools": "ops/py/"}[self.layout]
        return prefix + (path.split("/", 1)[1] if self.layout == "scripts" else path)


def _info(template: str) -> tuple[str, str, str]:
    return SHELL_TEMPLATES.get(template) or PYTHON_TEMPLATES[template]


class Scaled:
    def __init__(self, sink: Sink, rng: random.Random, target: int) -> None:
        self.sink = sink
        self.rng = rng
        self.target = target
        self.names: Iterator[str] = service_names(rng)
        self.chunks = Chunks(sink, rng)
        self.made: dict[str, int] = {}  # originals drawn per template (their probe counter)

    def run(self) -> None:
        while self.sink.script_count < self.target:
            self.unit(next(self.names))
        self.chunks.close()

    def unit(self, svc: str) -> None:
        rng = self.rng
        files = ServiceFiles(svc)
        commit = rng.randrange(3)
        for template in rng.sample(TEMPLATES, rng.randint(2, 4)):
            python = template in PYTHON_TEMPLATES
            slot = Slot(rng.choice(PY_LAYOUTS if python else SHELL_LAYOUTS), svc, template)
            placed = write_recipe(self.sink, slot.path(), self.recipe(slot), commit,
                                  f"{slot.verb}-{svc}")
            self.callers(slot, placed.path, files)
            self.mentions(slot, placed.path)
            self.copies(slot, placed, commit)
        files.write(self.sink, commit)

    def recipe(self, slot: Slot) -> Recipe:
        rng = self.rng
        vocab = make_vocab(rng, slot.svc)
        python = slot.template in PYTHON_TEMPLATES
        self.made[slot.template] = self.made.get(slot.template, 0) + 1
        own = tuple(probes(self.made[slot.template], python))
        if python:
            blocks = rng.sample(sorted(PY_HEAD) + sorted(PY_MAIN), rng.randint(1, 3))
            calls = (ln(f'subprocess.run(["{ROOT}/{NOTIFY}", "@svc@ @verb@ done"], check=False)',
                        NOTIFY),) if rng.random() < 0.25 else ()
            return Recipe(slot.template, vocab, "python", blocks=tuple(blocks),
                          calls=own + calls)
        shebang = rng.choice(("bash", "bash", "env-bash", "sh", "sh"))
        sourced = rng.random() < 0.25
        head = (ln(f". {ROOT}/{COMMON}", COMMON),) if sourced else ()
        frags = () if sourced or rng.random() < 0.5 else ("log", "die")[: rng.randint(1, 2)]
        calls = (ln(f'{ROOT}/{NOTIFY} "@svc@ @verb@ done"', NOTIFY),) \
            if rng.random() < 0.3 else ()
        blocks = rng.sample(sorted(SHELL_PRE) + sorted(SHELL_POST), rng.randint(2, 4))
        return Recipe(slot.template, vocab, shebang, set_e=rng.random() < 0.75,
                      fragments=frags, head=head, calls=own + calls, sources_log=sourced,
                      blocks=tuple(blocks))

    def callers(self, slot: Slot, path: str, files: ServiceFiles) -> None:
        rng = self.rng
        if rng.random() < 0.38:  # nothing runs it any more
            if rng.random() < 0.1:
                self.chunks.add("cron", ln(f"# {self.cron_line(path)}", path))
            return
        kinds = CALLER_KINDS.get(slot.layout, DEFAULT_KINDS)
        for kind in rng.sample(kinds, rng.choice((1, 1, 2))):
            self.call(kind, slot, path, files)

    def cron_line(self, path: str) -> str:
        when = f"{self.rng.randrange(60)} {self.rng.randrange(24)} * * *"
        if path.endswith(".py"):
            return f"{when} /usr/bin/python3 {ROOT}/{path}"
        stem = path.rsplit("/", 1)[-1].split(".")[0]
        return f"{when} {ROOT}/{path} >> /var/log/app/{stem}.log 2>&1"

    def call(self, kind: str, slot: Slot, path: str, files: ServiceFiles) -> None:
        stem = path.rsplit("/", 1)[-1].split(".")[0]
        if kind == "cron":
            self.chunks.add("cron", ln(self.cron_line(path), path))
        elif kind == "ci":
            self.chunks.add("ci", *self.ci_step(slot, path, stem))
        elif kind == "runner":
            run = "python3" if path.endswith(".py") else self.rng.choice(("bash", ""))
            word = f"{ROOT}/{path}" if run != "bash" else path
            text = f'{run} {word} || echo "{stem} failed" >&2'.lstrip()
            self.chunks.add("runner", ln(text, path))
        elif kind == "systemd":
            self.systemd(slot, path)
        else:
            self.service_call(kind, slot, path, files)

    def ci_step(self, slot: Slot, path: str, stem: str) -> list[Line]:
        name = Line(f"      - name: {stem} ({slot.svc})")
        if slot.layout == "svc_bin" and self.rng.random() < 0.5:
            return [name, Line(f"        working-directory: services/{slot.svc}"),
                    ln(f"        run: ./bin/{slot.verb}.sh", path)]
        run = "python3 " if path.endswith(".py") else self.rng.choice(("bash ", "./"))
        return [name, ln(f"        run: {run}{path}", path)]

    def systemd(self, slot: Slot, path: str) -> None:
        unit = f"deploy/systemd/{slot.svc}-{slot.verb}"
        service = [Line("[Unit]"), Line(f"Description={slot.verb} for {slot.svc}"), Line(""),
                   Line("[Service]"), Line("Type=oneshot"), Line("User=app"),
                   ln(f"ExecStart={ROOT}/{path}", path)]
        self.sink.write_doc(f"{unit}.service", "systemd", service, 2)
        timer = [Line("[Timer]"), Line(f"OnCalendar=*-*-* 0{self.rng.randrange(6)}:15:00"),
                 Line(f"Unit={slot.svc}-{slot.verb}.service")]
        self.sink.write_doc(f"{unit}.timer", "systemd", timer, 2)

    def service_call(self, kind: str, slot: Slot, path: str, files: ServiceFiles) -> None:
        verb = slot.verb
        if kind == "docker" and slot.family == "health" and files.health is None:
            files.health = ln(f"HEALTHCHECK --interval=1m CMD /srv/bin/{verb}.sh || exit 1", path)
        elif kind == "docker" and files.cmd is None:
            files.cmd = ln(f'CMD ["./bin/{verb}.sh"]', path)
        elif kind == "compose" and files.compose is None:
            files.compose = ln(f"    command: /srv/bin/{verb}.sh", path)
        else:
            stem = path.rsplit("/", 1)[-1].split(".")[0]
            run = f"python3 scripts/{stem}.py" if path.endswith(".py") else f"./bin/{verb}.sh"
            files.make += [Line(f"{stem}:"), ln(f"\t{run}", path)]

    def mentions(self, slot: Slot, path: str) -> None:
        rng = self.rng
        stem, _, ext = path.rpartition(".")
        if rng.random() < 0.3:
            self.chunks.add("docs", ln(f"- `{path}`: {slot.verb} for {slot.svc}", path))
        if rng.random() < 0.5:
            self.chunks.add("data", ln(self.report(path, 0), path))
        if rng.random() < 0.08:
            gone = f"{stem}_old.{ext}"
            self.chunks.add("data", ln(self.report(gone, 127), missing(gone)))
        if rng.random() < 0.03:
            word = f"{ROOT}/{stem}_v0.{ext}"
            self.chunks.add("cron", ln(f"0 6 * * 1 {word}", missing(word)))

    def report(self, path: str, code: int) -> str:
        runs = self.rng.randrange(200)
        return f'  {{"script": "{path}", "runs_30d": {runs}, "last_exit": {code}}}'

    def copies(self, slot: Slot, placed: Placed, commit: int) -> None:
        rng = self.rng
        if rng.random() < 0.14:
            self.clone(slot, placed, min(commit + 1, 2))
        if rng.random() < 0.03:
            write_copy(self.sink, f"archive/{placed.path}", placed, "exact",
                       render(placed.recipe), 2)
        if rng.random() < 0.02:
            write_copy(self.sink, f"{placed.path}.backup_20250807", placed, "exact",
                       render(placed.recipe), 3, backup_of=placed.path)

    def clone(self, slot: Slot, placed: Placed, commit: int) -> None:
        kind = self.rng.choices(CLONE_KINDS, CLONE_WEIGHTS)[0]
        new_svc = f"{slot.svc}-{self.rng.choice(REGIONS)}"
        lines, _ = clone_lines(kind, placed.recipe, self.rng, new_svc)
        path = slot.path(new_svc) if kind == "renamed" else slot.copy_path()
        job = f"{slot.verb}-{new_svc}" if kind == "renamed" else None
        write_copy(self.sink, path, placed, kind, lines, commit, job=job)
        if self.rng.random() < 0.25:
            self.chunks.add("cron", ln(self.cron_line(path), path))
