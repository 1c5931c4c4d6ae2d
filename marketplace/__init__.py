"""Zhangjiang Match: the matchmaking marketplace of the Zhangjiang High-tech Zone."""
from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask, abort
from sqlalchemy import event

from marketplace.config import build_config

ROOT = Path(__file__).resolve().parent.parent


MAX_ID = 2**31 - 1  # the largest id an INTEGER primary key holds


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    app = Flask(
        __name__,
        instance_path=str(ROOT / "instance"),
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    app.config.update(build_config(app.instance_path, config))
    register_extensions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_commands(app)
    app.url_value_preprocessor(_ids_in_range)
    return app


def _ids_in_range(endpoint: str | None, values: dict[str, Any] | None) -> None:
    """An id past the database's INTEGER range names nothing: 404, not a query the database refuses."""
    if values and any(isinstance(v, int) and v > MAX_ID for v in values.values()):
        abort(404)


def register_extensions(app: Flask) -> None:
    from marketplace import access, cache, i18n
    from marketplace.extensions import Session, babel, csrf, db, limiter, login_manager, migrate

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale)
    limiter.init_app(app)
    access.init_login(app, login_manager)
    i18n.init_templates(app)
    cache.init_app(app, Session)
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            _sqlite_transactions(db.engine)
            app.before_request(_sqlite_writers_queue)


def _sqlite_writers_queue() -> None:
    """On SQLite, a request that may write begins its transactions with BEGIN IMMEDIATE.

    A deferred transaction that reads first and writes later fails at once ("database is
    locked") when another writer holds the lock; an immediate one waits for the busy
    timeout instead, so concurrent writers queue (tests/test_relay_concurrency.py).
    """
    from flask import request

    from marketplace.extensions import db

    if request.method not in ("GET", "HEAD", "OPTIONS"):
        session = db.session()
        session.execution_options = session.execution_options.union({"sqlite_begin": "IMMEDIATE"})


def _sqlite_transactions(engine: Any) -> None:
    """SQLAlchemy's recipe for real SQLite transactions: foreign keys on, SAVEPOINT working."""

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        dbapi_connection.execute("PRAGMA foreign_keys = ON")
        dbapi_connection.execute("PRAGMA busy_timeout = 15000")

    @event.listens_for(engine, "begin")
    def _begin(connection: Any) -> None:
        # A writer that must not fail under contention (services.relay.begin_write) asks for
        # BEGIN IMMEDIATE: it queues for the busy timeout instead of failing when it upgrades.
        immediate = connection.get_execution_options().get("sqlite_begin") == "IMMEDIATE"
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def register_blueprints(app: Flask) -> None:
    from marketplace.account.routes import bp as account
    from marketplace.api import bp as api
    from marketplace.extensions import csrf
    from marketplace.auth.routes import bp as auth
    from marketplace.banks.routes import bp as banks
    from marketplace.deals.routes import bp as deals
    from marketplace.incubators.routes import bp as incubators
    from marketplace.investors.routes import bp as investors
    from marketplace.organizations.routes import bp as organizations
    from marketplace.matches.routes import bp as matches
    from marketplace.notifications.routes import bp as notifications
    from marketplace.parks.routes import bp as parks
    from marketplace.pipeline.routes import bp as pipeline
    from marketplace.public.routes import bp as public
    from marketplace.relay.routes import bp as relay
    from marketplace.startups.routes import bp as startups

    for blueprint in (public, auth, account, organizations, startups, investors, banks, incubators, parks, matches,
                      deals, pipeline, relay, notifications, api):
        app.register_blueprint(blueprint)
    csrf.exempt(api)  # bearer tokens, never cookies: nothing for a forged request to ride on


def register_errorhandlers(app: Flask) -> None:
    from marketplace import errors

    errors.init_app(app)


def register_commands(app: Flask) -> None:
    from marketplace import cli

    cli.init_app(app)
