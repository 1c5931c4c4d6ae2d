"""Settings: defaults, then the environment, then the caller's overrides.

Read only inside ``create_app`` so that importing the package never touches the
environment, a database or Redis.
"""
from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from marketplace import clock


class ConfigError(RuntimeError):
    """The configuration cannot run; the message is one line an operator can act on."""


DEFAULTS: dict[str, Any] = {
    "MARKETPLACE_ENV": "development",
    "REDIS_URL": None,
    "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
    "LANGUAGES": ("zh_Hans", "en"),
    "BABEL_DEFAULT_LOCALE": "zh_Hans",
    "BABEL_DEFAULT_TIMEZONE": clock.ZONE.key,
    "REMEMBER_COOKIE_DURATION": 60 * 60 * 24 * 30,
    "REMEMBER_COOKIE_HTTPONLY": True,
    "REMEMBER_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "WTF_CSRF_TIME_LIMIT": None,
    "AUTH_RATE_LIMIT": "10 per minute",
    # Counted over the last minute, not per clock minute: a fixed window would let twenty tries
    # through across a minute's boundary.
    "RATELIMIT_STRATEGY": "moving-window",
    "RATELIMIT_HEADERS_ENABLED": True,
    "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
    "RATELIMIT_STORAGE_OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    "INVITATION_TTL_HOURS": 72,
    "DEMO_PASSWORD": "zhangjiang-demo-2025",
    "RECS_BACKGROUND_REBUILD": True,  # see services.matching.engine
    "RECS_REBUILD_WAIT_SECONDS": 2.0,  # how long a request waits for that rebuild before the older state answers
    "MAX_CONTENT_LENGTH": 11 * 1024 * 1024,  # a 10 MB deck and its form; more is refused with 413
    # Notification email: without MAIL_SERVER each message is written to the log instead.
    "MAIL_SERVER": None,
    "MAIL_PORT": 587,
    "MAIL_USE_TLS": True,
    "MAIL_USERNAME": None,
    "MAIL_PASSWORD": None,
    "MAIL_FROM": "Zhangjiang Match <no-reply@zjmatch.example>",
}

ENV_KEYS = ("MARKETPLACE_ENV", "DATABASE_URL", "REDIS_URL", "SECRET_KEY", "RECS_MODEL_PATH",
            "MAIL_SERVER", "MAIL_USERNAME", "MAIL_PASSWORD", "MAIL_FROM")


def build_config(instance_path: str, overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Return the app's settings, or raise ConfigError when production cannot start."""
    config = dict(DEFAULTS)
    config.update({k: os.environ[k] for k in ENV_KEYS if os.environ.get(k)})
    if os.environ.get("MAIL_PORT", "").isdigit():
        config["MAIL_PORT"] = int(os.environ["MAIL_PORT"])
    config.update(overrides or {})

    env = config["MARKETPLACE_ENV"]
    if env not in ("development", "production"):
        raise ConfigError(f"MARKETPLACE_ENV must be development or production, not {env!r}")
    database_url = config.pop("DATABASE_URL", None) or config.get("SQLALCHEMY_DATABASE_URI")
    if not database_url:
        database_url = "sqlite:///" + str(Path(instance_path) / "marketplace.db")
    config["SQLALCHEMY_DATABASE_URI"] = database_url

    if env == "production":
        if not config.get("SECRET_KEY"):
            raise ConfigError("SECRET_KEY is not set; production refuses to start without it")
        if database_url.startswith("sqlite"):
            raise ConfigError("DATABASE_URL points to SQLite; production needs PostgreSQL")
        config["SESSION_COOKIE_SECURE"] = True
        config["REMEMBER_COOKIE_SECURE"] = True
    elif not config.get("SECRET_KEY"):
        config["SECRET_KEY"] = _development_secret(Path(instance_path))

    config["RATELIMIT_STORAGE_URI"] = config.get("RATELIMIT_STORAGE_URI") or config["REDIS_URL"] or "memory://"
    return config


def _development_secret(instance: Path) -> str:
    """Generate a key once into instance/ so that sessions survive restarts."""
    path = instance / "secret_key"
    if path.exists():
        return path.read_text().strip()
    instance.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    path.write_text(key)
    path.chmod(0o600)
    return key
