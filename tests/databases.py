"""Fresh databases for tests: a SQLite file, or a PostgreSQL database beside TEST_DATABASE_URL."""
from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from flask_migrate import upgrade

from marketplace import create_app
from marketplace.extensions import db


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


def reset_postgres_schema(url: str) -> None:
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP SCHEMA IF EXISTS public CASCADE")
        conn.exec_driver_sql("CREATE SCHEMA public")
    engine.dispose()


def sqlite_url(directory: Path) -> str:
    return f"sqlite:///{directory / 'marketplace.db'}"


def migrate_to_head(url: str) -> None:
    """Run the project's migration chain, exactly as ``flask db upgrade`` does."""
    app = create_app({"TESTING": True, "DATABASE_URL": url, "SECRET_KEY": "test", "REDIS_URL": None})
    with app.app_context():
        upgrade()
        db.engine.dispose()
