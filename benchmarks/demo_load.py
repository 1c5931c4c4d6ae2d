"""How long `flask demo load` takes on a fresh database: prints the median of N runs.

    .venv/bin/python benchmarks/demo_load.py                 # SQLite files in a temp folder
    .venv/bin/python benchmarks/demo_load.py --postgres postgresql+psycopg://postgres@127.0.0.1:5432/postgres

The issue's target is under 30 seconds.
"""
from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa
from flask_migrate import upgrade

from marketplace import create_app
from marketplace.extensions import db
from marketplace.services import demo


def fresh_database(postgres: str | None, run: int, folder: Path) -> str:
    if not postgres:
        return f"sqlite:///{folder / f'demo-{run}.db'}"
    url = sa.make_url(postgres)
    name = f"zj_bench_demo_{run}"
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


def drop_database(url: str) -> None:
    if url.startswith("postgresql"):
        parsed = sa.make_url(url)
        admin = sa.create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)')
        admin.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--postgres", help="an admin URL; a scratch database is made per run")
    args = parser.parse_args()
    seconds = []
    with tempfile.TemporaryDirectory() as folder:
        for run in range(args.runs):
            url = fresh_database(args.postgres, run, Path(folder))
            app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "REDIS_URL": None})
            with app.app_context():
                upgrade()
                started = time.perf_counter()
                summary = demo.load(db.session, seed=2023, password="bench-password-123")
                seconds.append(time.perf_counter() - started)
                db.session.remove()
                db.engine.dispose()
            drop_database(url)
            print(f"run {run + 1}: {seconds[-1]:.2f} s  ({summary.describe()})")
    backend = "PostgreSQL" if args.postgres else "SQLite"
    print(f"demo load on {backend}: median {statistics.median(seconds):.2f} s over {args.runs} runs")


if __name__ == "__main__":
    main()
