"""Configuration, layered: defaults, then ``instance/config.py``, then ``PALIER_*`` variables."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from flask import Flask

import skilltree

PROJECT_ROOT = Path(__file__).resolve().parent.parent

DEFAULTS: dict[str, Any] = {
    # The public address every badge id is minted from; never taken from a request.
    "BASE_URL": "http://127.0.0.1:5000",
    "DATABASE_URL": None,  # None: SQLite in the instance folder
    "SECRET_KEY": None,  # None: read from (or written to) instance/secret_key
    "SKILLTREE": None,  # None: the tree shipped with Palier
    "KEYS_DIR": None,  # None: instance/keys
    # Every award also as an Open Badges 3.0 credential (did:web, eddsa-rdfc-2022, status list).
    # Only possible when BASE_URL is https (a did:web has no http form); otherwise Open Badges 2.0 alone.
    "OB3_ISSUE": True,
    "ISSUER_NAME": "Palier (démo)",
    "ISSUER_EMAIL": "contact@palier.invalid",
    # The network the structures of this instance belong to, named on every verification page ("": none).
    "NETWORK_NAME": "",
    # A folder of structures' own branches, one file each (``<slug>.yaml``; the first structure's is
    # ``principale.yaml``), added to the network's tree for that structure only. None: none.
    "LOCAL_TREES_DIR": None,
    "MAX_CONTENT_LENGTH": 2 * 1024 * 1024,
    # Throttles (Flask-Limiter syntax): logins, and verification by upload or e-mail check (moderate:
    # enough for an employer checking a pile of CVs, not for guessing e-mails in bulk).
    # LOGIN_LIMIT counts the attempts on one account from one address; LOGIN_ADDRESS_LIMIT all the
    # attempts of one address, whatever the account.
    "LOGIN_LIMIT": "5 per minute;30 per hour",
    "LOGIN_ADDRESS_LIMIT": "30 per minute;200 per hour",
    "VERIFY_LIMIT": "30 per minute;300 per hour",
    # The award API: per token, and per address (whatever tokens it sends).
    "API_LIMIT": "60 per minute;1000 per hour",
    "API_ADDRESS_LIMIT": "120 per minute",
    # Codes typed by young people to open their page (/r): a few tries for typos, not a guessing run.
    "COLLECT_LIMIT": "10 per minute;60 per hour",
    # Discord: interactions per structure's endpoint (Discord's own servers call it), the claim codes
    # young people type, and how long (seconds) an award may take before its answer is deferred.
    "DISCORD_LIMIT": "300 per minute",
    "DISCORD_CLAIM_LIMIT": "10 per minute;60 per hour",
    "DISCORD_ANSWER_WITHIN": 2.0,
    # Addresses attached by young people for their backpack (« sac à badges »): claims sent from one
    # address; the confirmation link works once, for this many hours.
    "CLAIM_LIMIT": "5 per minute;20 per hour",
    "CLAIM_HOURS": 48,
    # The SMTP server that sends those confirmation links (and, for who asked, word of a new badge).
    # No SMTP_HOST: Palier sends nothing, and the young person's page says so.
    "SMTP_HOST": None,
    "SMTP_PORT": None,  # None: 587 with STARTTLS, 25 without
    "SMTP_USER": None,
    "SMTP_PASSWORD": None,
    "SMTP_FROM": None,
    "SMTP_STARTTLS": False,
    # How long a code shown on the mediator's phone works (minutes); each works once.
    "HANDOVER_MINUTES": 15,
    # The cahier PDF behind a young person's personal link, per client address (a render is seconds
    # of CPU; an unchanged cahier comes from the cache below, but still counts).
    "CAHIER_LIMIT": "10 per minute;60 per hour",
    # Where throttles count, shared by every worker: Palier's own database by default;
    # "redis://host:6379" (with the redis package) or "memcached://..." for larger deployments.
    "RATELIMIT_STORAGE_URI": "palier-db://",
    # How many proxies (nginx, Caddy...) stand before Palier: their X-Forwarded-For and -Proto are then
    # trusted for that many hops. 0: nothing is trusted (Palier faces the clients itself).
    "PROXY_COUNT": 0,
    # argon2id cost of staff passwords (argon2-cffi's defaults; tests lower them to stay fast).
    "PASSWORD_TIME_COST": 3,
    "PASSWORD_MEMORY_COST": 65536,
    "PASSWORD_PARALLELISM": 4,
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "WTF_CSRF_TIME_LIMIT": None,
    "BABEL_DEFAULT_LOCALE": "fr",
    "BABEL_DEFAULT_TIMEZONE": "Europe/Paris",
    # The cahier's PDF: seconds and address space of one rendering child, renders at once per
    # process, and the largest prints (badges in one cahier, young people in one group print).
    "PDF_TIMEOUT": 60,
    "PDF_MEMORY_LIMIT": 1536 * 1024 * 1024,
    "PDF_CONCURRENCY": 2,
    "PDF_MAX_BADGES": 150,
    "PDF_MAX_LEARNERS": 40,
    # Finished PDFs kept in each worker's memory, keyed by a digest of everything they print: the same
    # cahier asked again is served without rendering. Bytes in all (0: no cache), and seconds each.
    "PDF_CACHE_BYTES": 64 * 1024 * 1024,
    "PDF_CACHE_SECONDS": 3600,
    # A small file every worker looks at (one stat per request) to learn that an assertion was revoked
    # or erased by another: held documents are then forgotten. None: instance/public-changes.stamp.
    "CHANGE_STAMP": None,
    # The static copy of every public document (Profiles, keys, badge classes and images, criteria,
    # assertions and their pages, revocation list, recipients), rewritten after each commit that
    # changes one, for nginx to serve (deploy/nginx/palier.conf). None: no static copy.
    "PUBLISH_DIR": None,
}


def instance_path() -> str:
    """The instance folder: ``PALIER_INSTANCE_PATH`` or ``./instance`` beside the project."""
    return os.environ.get("PALIER_INSTANCE_PATH") or str(PROJECT_ROOT / "instance")


def load(app: Flask, test_config: dict[str, Any] | None) -> None:
    """Fill ``app.config`` from the three layers and derive what depends on them."""
    app.config.from_mapping(DEFAULTS)
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        app.config.from_prefixed_env("PALIER")
    else:
        app.config.from_mapping(test_config)

    instance = Path(app.instance_path)
    base = str(app.config["BASE_URL"]).rstrip("/")
    parts = urlsplit(base)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"PALIER_BASE_URL doit être une adresse http(s) complète, pas {base!r}")
    app.config["BASE_URL"] = base
    app.config["SERVER_HOST"] = parts.netloc
    # The app answers only for the host of its public address (Werkzeug refuses others with 400).
    if not app.config.get("TRUSTED_HOSTS"):
        app.config["TRUSTED_HOSTS"] = [parts.hostname]
    app.config["PREFERRED_URL_SCHEME"] = parts.scheme
    if parts.scheme == "https":  # cookies only over TLS when the site is served over TLS
        app.config["SESSION_COOKIE_SECURE"] = True
    app.config["REMEMBER_COOKIE_SECURE"] = app.config["SESSION_COOKIE_SECURE"]
    if not app.config["DATABASE_URL"]:
        app.config["DATABASE_URL"] = f"sqlite:///{instance / 'palier.sqlite3'}"
    if not app.config["SKILLTREE"]:
        app.config["SKILLTREE"] = str(skilltree.default_tree_path())
    if not app.config["KEYS_DIR"]:
        app.config["KEYS_DIR"] = str(instance / "keys")
    if not app.config["CHANGE_STAMP"]:
        app.config["CHANGE_STAMP"] = str(instance / "public-changes.stamp")
    if not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = _instance_secret(instance)


def _instance_secret(instance: Path) -> str:
    """Read the instance's secret key, creating it (mode 0600) the first time."""
    path = instance / "secret_key"
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        pass
    instance.mkdir(parents=True, exist_ok=True)
    value = secrets.token_urlsafe(48)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(value)
    return value
