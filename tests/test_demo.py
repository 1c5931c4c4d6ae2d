"""Loading the demo marketplace: progress and counts, the same seed the same data, a failed load
leaves nothing. What the loaded demo holds is checked in test_demo_contents.py."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from sqlalchemy.orm import Session

from marketplace.models import Startup, User
from marketplace.services import demo

SEED = 2023


@pytest.fixture
def password(app: Flask) -> str:
    return app.config["DEMO_PASSWORD"]


def count(session: Session, statement: sa.Select) -> int:
    return session.scalars(sa.select(sa.func.count()).select_from(statement.subquery())).one()


def test_an_empty_marketplace_has_no_demo_logins(session: Session) -> None:
    assert demo.is_empty(session)
    assert demo.logins(session) == []


def test_a_load_reports_its_progress_and_counts(session: Session, password: str) -> None:
    steps: list[int] = []
    summary = demo.load(session, seed=SEED, password=password, progress=steps.append)
    assert sum(steps) == demo.STEPS
    assert summary.describe().startswith(f"Loaded {summary.startups} startups, {summary.funding_needs} funding needs")
    assert count(session, sa.select(User.id)) == summary.users


def test_the_same_seed_gives_the_same_marketplace(session: Session, run_in: Callable[..., Any],
                                                  password: str) -> None:
    """Two loads, each in its own transaction, the first rolled back before the second."""

    def names_after_load(seed: int) -> Callable[[Session], list[str]]:
        def load(s: Session) -> list[str]:
            demo.load(s, seed=seed, password=password)
            return list(s.scalars(sa.select(Startup.name).order_by(Startup.id)))
        return load

    connection = session.get_bind()  # the test's connection, its outer transaction rolled back at the end
    assert isinstance(connection, sa.Connection)
    first_try = connection.begin_nested()
    first = run_in(names_after_load(SEED))
    first_try.rollback()
    assert demo.is_empty(session)
    second = run_in(names_after_load(SEED))
    assert first == second
    assert len(set(first)) == len(first)


def test_a_failed_load_leaves_nothing_behind(session: Session, password: str, monkeypatch: pytest.MonkeyPatch,
                                             row_counts: Callable[[], dict[str, int]]) -> None:
    before = row_counts()

    def fail(*_args: Any) -> None:
        raise RuntimeError("the database went away")

    monkeypatch.setattr(demo, "_insert_links", fail)  # after every organization has been flushed
    with pytest.raises(RuntimeError):
        demo.load(session, seed=SEED, password=password)
    assert row_counts() == before
    assert demo.is_empty(session)
