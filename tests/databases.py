"""Fresh databases for tests: a SQLite file, or a PostgreSQL database beside TEST_DATABASE_URL.

Under pytest-xdist every worker process has databases of its own: the PostgreSQL names carry
the worker id and each worker uses its own Redis database number, so that no worker drops,
resets or flushes another's data.
"""
from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import sqlalchemy as sa
from flask_migrate import upgrade

from marketplace import create_app
from marketplace.extensions import db


def worker_id() -> str:
    """This process's pytest-xdist worker ("gw0", "gw1", ...), or "master" when the run is not split."""
    return os.environ.get("PYTEST_XDIST_WORKER") or "master"


def worker_index() -> int:
    """0 for "gw0" and for an unsplit run, 1 for "gw1", and so on."""
    worker = worker_id()
    return int(worker[2:]) if worker.startswith("gw") and worker[2:].isdigit() else 0


def worker_redis_url(base_url: str) -> str:
    """``base_url`` with its database number raised by this worker's index.

    ``redis://host:6379/9`` is database 9 for "gw0" (and an unsplit run), 10 for "gw1", and so
    on (a ``?db=`` parameter, as unix socket URLs have, is raised instead). Redis has 16
    databases (0-15) by default: the base number plus the workers must fit.
    """
    index = worker_index()
    if index == 0:
        return base_url
    parts = urlsplit(base_url)
    query = parse_qs(parts.query, keep_blank_values=True)
    if "db" in query:
        query["db"] = [str(int(query["db"][0]) + index)]
        return f"{base_url.split('?', 1)[0]}?{urlencode(query, doseq=True)}"
    if parts.scheme not in ("redis", "rediss"):
        raise ValueError(f"cannot give each test worker its own database in {base_url!r}: add ?db=N")
    return urlunsplit(parts._replace(path=f"/{int(parts.path.strip('/') or 0) + index}"))


def fresh_postgres(base_url: str, suffix: str) -> str:
    """Create (or re-create) the database ``<base>_<suffix>`` and return its URL."""
    url = sa.make_url(base_url)
    name = f"{url.database}_{suffix}"
    admin = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


def drop_postgres(url: str) -> None:
    parsed = sa.make_url(url)
    admin = sa.create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)')
    admin.dispose()


def sqlite_url(directory: Path) -> str:
    return f"sqlite:///{directory / 'marketplace.db'}"


def migrate_to_head(url: str) -> None:
    """Run the project's migration chain, exactly as ``flask db upgrade`` does."""
    app = create_app({"TESTING": True, "DATABASE_URL": url, "SECRET_KEY": "test", "REDIS_URL": None})
    with app.app_context():
        upgrade()
        db.engine.dispose()
