"""Configuration comes from the environment when the app is made, never at import."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from marketplace.config import ConfigError, build_config
from tests.helpers import ROOT


def run_python(code: str, **env: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items()
                   if k not in ("DATABASE_URL", "SECRET_KEY", "MARKETPLACE_ENV", "REDIS_URL")}
    environment.update(env)
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=environment,
                          capture_output=True, text=True, timeout=60)


def test_production_without_a_secret_key_stops_with_a_one_line_reason():
    result = run_python("import wsgi", MARKETPLACE_ENV="production",
                        DATABASE_URL="postgresql+psycopg://u@127.0.0.1/x")
    assert result.returncode != 0
    assert result.stderr.strip() == (
        "zhangjiang-match cannot start: SECRET_KEY is not set; production refuses to start without it")


def test_production_on_sqlite_stops_with_a_one_line_reason():
    result = run_python("import wsgi", MARKETPLACE_ENV="production", SECRET_KEY="k" * 32)
    assert result.returncode != 0
    assert result.stderr.strip().endswith("DATABASE_URL points to SQLite; production needs PostgreSQL")


def test_importing_the_package_reads_no_configuration_and_opens_nothing():
    # A bogus environment would stop create_app; importing must not notice it.
    result = run_python("import marketplace, marketplace.models, marketplace.services.accounts; print('ok')",
                        MARKETPLACE_ENV="nonsense", DATABASE_URL="postgresql+psycopg://nobody@127.0.0.1:1/x")
    assert result.stdout.strip() == "ok", result.stderr


def test_development_generates_a_key_once_and_reuses_it(tmp_path, monkeypatch):
    for key in ("SECRET_KEY", "DATABASE_URL", "MARKETPLACE_ENV", "REDIS_URL"):
        monkeypatch.delenv(key, raising=False)
    first = build_config(str(tmp_path))
    second = build_config(str(tmp_path))
    assert len(first["SECRET_KEY"]) == 64 and first["SECRET_KEY"] == second["SECRET_KEY"]
    assert (tmp_path / "secret_key").read_text() == first["SECRET_KEY"]
    assert first["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'marketplace.db'}"
    assert first["RATELIMIT_STORAGE_URI"] == "memory://"


def test_the_environment_names_the_database_and_redis(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://u@db/x")
    monkeypatch.setenv("REDIS_URL", "redis://cache:6379/2")
    config = build_config(str(tmp_path))
    assert config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@db/x"
    assert config["RATELIMIT_STORAGE_URI"] == "redis://cache:6379/2"


def test_an_unknown_environment_name_is_refused(tmp_path, monkeypatch):
    monkeypatch.setenv("MARKETPLACE_ENV", "staging")
    with pytest.raises(ConfigError, match="development or production"):
        build_config(str(tmp_path))
