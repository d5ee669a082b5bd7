"""Names and literals a template is filled with; a renamed clone gets a consistent other set."""

from __future__ import annotations

import random
import re
from collections.abc import Iterator, Mapping

# Identifiers a renamed copy changes; index 0..3 are interchangeable spellings.
IDENTS: dict[str, tuple[str, ...]] = {
    "v_tag": ("IMAGE_TAG", "RELEASE", "VERSION_TAG", "BUILD_REF"),
    "v_host": ("TARGET_HOST", "REMOTE_HOST", "DEPLOY_TARGET", "NODE_NAME"),
    "v_user": ("REMOTE_USER", "SSH_USER", "LOGIN_USER", "OPERATOR"),
    "v_dir": ("WORK_DIR", "BASE_DIR", "DATA_ROOT", "TARGET_DIR"),
    "v_out": ("OUT_FILE", "DUMP_FILE", "ARCHIVE_FILE", "SNAPSHOT"),
    "v_keep": ("RETENTION", "MAX_AGE", "TTL_DAYS", "KEEP_FOR"),
    "v_url": ("HEALTH_ENDPOINT", "PROBE_URL", "CHECK_URL", "TARGET_URL"),
    "v_tries": ("MAX_TRIES", "ATTEMPTS", "RETRY_LIMIT", "TRIES"),
    "v_wait": ("SLEEP_SECS", "BACKOFF", "PAUSE", "INTERVAL"),
    "v_db": ("DB_NAME", "DATABASE", "TARGET_DB", "PG_DB"),
    "v_limit": ("THRESHOLD", "LIMIT_PCT", "MAX_USAGE", "ALARM_AT"),
    "fn": ("probe", "check_once", "try_endpoint", "ping_service"),
    "rm": ("remove", "purge", "discard", "drop_path"),
}
LITERALS: dict[str, tuple[str, ...]] = {
    "tries": ("3", "5", "8", "10"),
    "wait": ("2", "5", "10", "15"),
    "days": ("7", "14", "30", "90"),
    "hours": ("24", "48", "72", "168"),
    "limit": ("80", "85", "90", "95"),
    "user": ("deploy", "app", "ops", "release"),
    "bucket": ("s3://acme-backups", "s3://acme-dr-eu", "s3://acme-archive", "s3://ops-dumps"),
    "tool": ("psql", "docker", "aws", "rsync"),
    "registry": ("registry.acme.internal", "ghcr.io/acme", "docker.acme.example", "reg.ops.lan"),
}
DOMAINS = (
    "billing", "orders", "search", "auth", "payments", "inventory", "catalog", "ledger",
    "notify", "reports", "shipping", "pricing", "users", "media", "events", "gateway", "chat",
    "geo", "fraud", "loyalty", "invoices", "tickets", "cart", "profile", "metrics", "audit",
    "export", "sync", "quotes", "partners",
)
ROLES = ("api", "worker", "web", "cron", "db", "cache", "ingest", "proxy", "admin", "queue")
REGIONS = ("eu", "us", "ap", "sa")
PLACEHOLDER = re.compile(r"@([a-z_0-9]+)@")


def service_names(rng: random.Random) -> Iterator[str]:
    """Endless distinct service names: `billing-api`, then `billing-api-2` ... once used up."""
    base = [f"{d}-{r}" for d in DOMAINS for r in ROLES]
    rng.shuffle(base)
    round_no = 1
    while True:
        for name in base:
            yield name if round_no == 1 else f"{name}-{round_no}"
        round_no += 1


def make_vocab(rng: random.Random, svc: str,
               avoid: Mapping[str, str] | None = None) -> dict[str, str]:
    """Every placeholder's value; with `avoid`, each identifier and literal differs from it."""
    vocab = _service_literals(svc, rng.randrange(8000, 9900))
    for key, options in {**IDENTS, **LITERALS}.items():
        choices = [o for o in options if avoid is None or o != avoid.get(key)]
        vocab[key] = rng.choice(choices)
    if avoid is not None and vocab["port"] == avoid.get("port"):
        vocab["port"] = str(int(vocab["port"]) + 1)
    for key in IDENTS:
        vocab["p" + key[1:] if key.startswith("v_") else key] = vocab[key].lower()
    return vocab


def _service_literals(svc: str, port: int) -> dict[str, str]:
    snake = svc.replace("-", "_")
    return {
        "svc": svc, "svc_snake": snake, "host": f"{svc}-01.internal",
        "host2": f"{svc}-02.internal", "port": str(port), "db": f"{snake}_prod",
    }


def substitute(text: str, vocab: Mapping[str, str]) -> str:
    return PLACEHOLDER.sub(lambda m: vocab[m.group(1)], text)
