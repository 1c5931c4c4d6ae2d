"""Fixtures: a fresh app per test, each test's database work rolled back afterwards.

Database tests run on SQLite and, when TEST_DATABASE_URL is set, on PostgreSQL too.
Redis tests run when REDIS_URL is set, on that database number, flushed after each.
With ZJ_STRICT_SERVICES=1 (CI) any skipped test is a failure: nothing may quietly not run.

Under pytest-xdist (``make test`` runs two workers) each worker has its own databases: a
PostgreSQL database ``<TEST_DATABASE_URL's>_w_<worker>`` and the Redis database REDIS_URL's
number plus the worker's index (see tests/databases.py).
"""
from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from marketplace import create_app
from marketplace.extensions import db
from marketplace.models import Base
from tests import databases

STRICT = os.environ.get("ZJ_STRICT_SERVICES") == "1"
PASSWORD = "correct horse battery staple"
# The same scrypt at a 32nd of its cost: a test makes and logs in several accounts, and the full
# cost (about 0.14 s a hash here) was most of the suite's time. test_auth.py checks that an app's
# own configuration keeps the full cost.
TEST_HASH_METHOD = "scrypt:1024:8:1"


BASE_REDIS_URL = os.environ.get("REDIS_URL")


def pytest_configure(config: pytest.Config) -> None:
    """In an xdist worker, REDIS_URL names that worker's own database: for the fixtures, for
    every app made here (the config reads REDIS_URL) and for the subprocesses tests start."""
    if BASE_REDIS_URL:
        os.environ["REDIS_URL"] = databases.worker_redis_url(BASE_REDIS_URL)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: Any) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()
    if STRICT and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        report.longrepr = f"skipped, and ZJ_STRICT_SERVICES=1 forbids skips: {report.longrepr}"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """A test marked ``one_database`` runs on one backend: PostgreSQL when it is configured
    (production's database, which enforces the lengths, integer ranges and types that SQLite lets
    through), else SQLite. For the long tests whose subject is not the database: the API's write
    fuzzing, the introductions' state machine, the crawls of every page for its language. Run on
    SQLite as well, they took 300 s of the suite's 1,960 s of worker time (29 November) and kept
    ``make test`` over 15 minutes."""
    keep = "postgresql" if os.environ.get("TEST_DATABASE_URL") else "sqlite"
    chosen, dropped = [], []
    for item in items:
        callspec = getattr(item, "callspec", None)
        backend = callspec.params.get("database_url") if callspec else None
        other = item.get_closest_marker("one_database") and backend not in (None, keep)
        (dropped if other else chosen).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = chosen


def postgres_base_url() -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        pytest.skip("TEST_DATABASE_URL is not set: the PostgreSQL variant is skipped")
    return url


def redis_url() -> str:
    url = os.environ.get("REDIS_URL")
    if not url:
        pytest.skip("REDIS_URL is not set: the Redis test is skipped")
    return url


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    """One migrated database per backend for the whole run (of this xdist worker)."""
    if request.param == "sqlite":
        url = databases.sqlite_url(tmp_path_factory.mktemp("sqlite"))
    else:
        url = databases.fresh_postgres(postgres_base_url(), f"w_{databases.worker_id()}")
        request.addfinalizer(lambda: databases.drop_postgres(url))
    databases.migrate_to_head(url)
    return url


@contextmanager
def own_database(database_url: str, folder: Path, name: str) -> Iterator[str]:
    """A migrated database beside ``database_url``, on the same backend, where commits are real;
    a SQLite file in ``folder``, or the PostgreSQL database ``<base>_<name>_<worker>`` (dropped
    afterwards)."""
    if database_url.startswith("sqlite"):
        url = databases.sqlite_url(folder)
    else:
        url = databases.fresh_postgres(postgres_base_url(), f"{name}_{databases.worker_id()}")
    databases.migrate_to_head(url)
    try:
        yield url
    finally:
        if url.startswith("postgresql"):
            databases.drop_postgres(url)


@pytest.fixture
def own_database_url(database_url: str, tmp_path: Path) -> Iterator[str]:
    """A database of the test's own (see ``own_database``).

    For tests whose work cannot live inside one rolled-back transaction: a real server's
    concurrent requests, or thousands of commits (PostgreSQL holds a lock for every
    savepoint that wrote until the outer transaction ends).
    """
    with own_database(database_url, tmp_path, "own") as url:
        yield url


def make_app(database_url: str, **overrides: Any) -> Flask:
    config = {"TESTING": True, "SECRET_KEY": "test-secret", "DATABASE_URL": database_url,
              "REDIS_URL": None, "RATELIMIT_STORAGE_URI": None, "WTF_CSRF_ENABLED": True,
              "RECS_BACKGROUND_REBUILD": False, "PASSWORD_HASH_METHOD": TEST_HASH_METHOD}
    config.update(overrides)
    return create_app(config)


@contextmanager
def rolled_back(app: Flask) -> Iterator[None]:
    """Bind every session of ``app`` to one outer transaction, rolled back at the end.

    SQLAlchemy's "joining a session into an external transaction" recipe: the code under
    test commits savepoints, never the outer transaction.
    """
    with app.app_context():
        connection = db.engine.connect()
        outer = connection.begin()
        db.session.remove()
        db.session.configure(bind=connection, join_transaction_mode="create_savepoint")
    try:
        yield
    finally:
        with app.app_context():
            db.session.remove()
            db.session.configure(bind=None)
            outer.rollback()
            connection.close()
            db.engine.dispose()


@pytest.fixture
def app(database_url: str, tmp_path: Path) -> Iterator[Flask]:
    app = make_app(database_url)
    app.instance_path = str(tmp_path / "instance")  # uploads land in the test's own folder
    with rolled_back(app):
        yield app


@pytest.fixture
def session(app: Flask) -> Iterator[sa.orm.Session]:
    """The database session with an app context pushed, for service tests (not with ``client``)."""
    with app.app_context():
        yield db.session


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def run_in(app: Flask) -> Callable[..., Any]:
    """Run ``fn(session)`` in its own app context, as a separate request would."""

    def run(fn: Callable[[sa.orm.Session], Any]) -> Any:
        with app.app_context():
            try:
                return fn(db.session)
            finally:
                db.session.remove()

    return run


@pytest.fixture
def row_counts(run_in: Callable[..., Any]) -> Callable[[], dict[str, int]]:
    """Rows in every table: compare before and after to prove a refusal wrote nothing."""

    def count() -> dict[str, int]:
        return run_in(lambda s: {
            t.name: s.scalar(sa.select(sa.func.count()).select_from(t)) for t in Base.metadata.sorted_tables
        })

    return count


def create_account(app: Flask, role: str, email: str, org: str | None = None, park: str | None = None) -> str:
    """Create an account of ``role`` in ``app``'s database, as ``flask users create`` does."""
    from marketplace.models.enums import Role
    from marketplace.services import accounts

    with app.app_context():
        accounts.create_user(db.session, role=Role(role), email=email, password=PASSWORD,
                             org_name=org or f"{role} org {email}", park_code=park)
        db.session.remove()
    return email


@pytest.fixture
def make_user(app: Flask) -> Callable[..., str]:
    """``make_user(role)`` creates an account and returns its email."""
    made = iter(range(1, 10_000))

    def make(role: str = "startup", email: str | None = None, org: str | None = None,
             park: str | None = None) -> str:
        return create_account(app, role, email or f"{role}{next(made)}@example.org", org, park)

    return make


@pytest.fixture
def redis_server() -> Iterator[Any]:
    """The Redis database named by REDIS_URL, flushed before and after the test."""
    import redis

    url = redis_url()
    client = redis.Redis.from_url(url)
    client.flushdb()
    yield client
    client.flushdb()
    client.close()
