"""The kind of a file that may call scripts, from its repo-relative path."""

from __future__ import annotations

from functools import lru_cache

_MAKE = frozenset({"Makefile", "makefile", "GNUmakefile"})
_DOCS = (".md", ".rst", ".txt", ".adoc")
_DATA = (".json", ".jsonl", ".csv", ".xml", ".html", ".log")
_YAML = (".yml", ".yaml")
_CI = frozenset({".gitlab-ci.yml", "Jenkinsfile", ".pre-commit-config.yaml", ".craft.yml",
                 "action.yml", "action.yaml", ".travis.yml"})
# Podman and Buildah read `Containerfile` first, with the same syntax as a Dockerfile
_IMAGE_FILES = frozenset({"Dockerfile", "Containerfile"})
_IMAGE_PREFIXES = tuple(f"{n}{sep}" for n in sorted(_IMAGE_FILES) for sep in "._-")
_CONFIG = frozenset({"pyproject.toml", "setup.cfg", "tox.ini", "pytest.ini"})


def is_tox(name: str) -> bool:
    """`tox.ini`, and the named configurations CI hands to `tox -c` (`tox.debian_12.ini`)."""
    return name == "tox.ini" or (name.startswith("tox.") and name.endswith(".ini"))


def is_requirements(name: str) -> bool:
    """`requirements.txt`, `requirements-dev.txt`, `test_requirements.txt`, ..."""
    return "requirements" in name and name.endswith((".txt", ".in"))


def is_uwsgi(name: str) -> bool:
    """An application server's configuration: `uwsgi.ini`, `app.uwsgi.ini`, `uwsgi-prod.ini`."""
    return name.lower().endswith(".ini") and "uwsgi" in name.lower()


@lru_cache(maxsize=1 << 18)  # asked of every file by several tables
def source_kind(path: str) -> str | None:
    """One of the kinds of docs/discovery.md for a file that is not a script, or None."""
    parts = tuple(p for p in path.split("/") if p)
    if not parts:
        return None
    name = parts[-1]
    return (
        _by_name(name)
        or _by_place(parts, name)
        or _by_suffix(name)
    )


def _by_name(name: str) -> str | None:
    lower = name.lower()
    if name in _IMAGE_FILES or name.startswith(_IMAGE_PREFIXES) \
            or lower.endswith((".dockerfile", ".containerfile")):
        return "dockerfile"
    if lower.endswith(_YAML) and lower.startswith(("docker-compose", "compose")):
        return "compose"
    if lower.endswith(".pkr.hcl"):
        return "packer"
    if lower.endswith(".bats"):  # bash, run by the BATS test runner
        return "script"
    if name in _MAKE or name.endswith(".mk"):
        return "make"
    if name.endswith((".service", ".timer", ".socket", ".systemd")):  # `app.systemd`: a unit
        return "systemd"  # template its installer copies to /etc/systemd/system/app.service
    if name == "package.json":
        return "package_json"
    if name == "crontab" or name.endswith((".crontab", ".cron")):
        return "cron"
    if name == "Procfile":
        return "procfile"
    if name in _CONFIG or is_tox(name) or is_requirements(name) or lower.endswith(".sieve") \
            or is_uwsgi(name):
        return "config"
    if lower.endswith(_YAML) and (lower.startswith("cloudbuild") or "gitlab-ci" in lower):
        return "ci"
    return None


def _by_place(parts: tuple[str, ...], name: str) -> str | None:
    if name in _CI:
        return "ci"
    folders = parts[:-1]
    if len(folders) >= 2 and folders[-2:] == (".github", "workflows") and name.endswith(_YAML):
        return "ci"
    if folders[-1:] == (".circleci",) and name == "config.yml":
        return "ci"
    if "cron.d" in folders or "cron" in folders:
        return "cron"
    # s6-overlay: `.../s6-rc.d/<service>/up`, `down` (a oneshot's command) or `type`
    if len(folders) >= 2 and folders[-2] == "s6-rc.d" and name in ("up", "down", "type"):
        return "s6"
    return "ansible" if _ansible(parts) else None


def _ansible(parts: tuple[str, ...]) -> bool:
    if not parts[-1].endswith((".yml", ".yaml")):
        return False
    return "playbooks" in parts[:-1] or (len(parts) >= 3 and parts[-2] in ("tasks", "handlers")
                                          and "roles" in parts[:-2])


def _by_suffix(name: str) -> str | None:
    lower = name.lower()
    if lower.endswith(_DOCS) or name.startswith("README"):
        return "docs"
    if lower.endswith(_DATA) or lower.endswith(_YAML):
        return "data"
    return None
