"""Seats are never given twice: 50 startups reserve a 10-seat offer at once through the running app.

The app runs as a real threaded server (werkzeug) on a database of its own, on SQLite and on
PostgreSQL; 50 threads wait at a barrier and post their reservation together. Exactly 10 get
201, the other 40 a 409 saying the offer is full, none a 5xx, and the offer reads 0 seats left
through the API and in the database.
"""
from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from werkzeug.serving import make_server

from marketplace import clock
from marketplace.extensions import db
from marketplace.models import IncubationCapacity, Incubator, Stage, Startup, User
from marketplace.models.enums import ReservationStatus
from marketplace.models.relay import Reservation
from marketplace.services import relay, tokens
from tests.conftest import make_app

STARTUPS, SEATS = 50, 10


@pytest.fixture
def server_url(own_database_url: str) -> Iterator[tuple[str, Any]]:
    """The app on a database of the test's own (commits are real here), behind a threaded server."""
    url = own_database_url
    app = make_app(url, SQLALCHEMY_ENGINE_OPTIONS={"pool_size": 20, "max_overflow": 40}
                   if url.startswith("postgresql") else {})
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", app
    finally:
        server.shutdown()
        thread.join()
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def _setup(app, count: int) -> tuple[int, list[str]]:
    """A 10-seat offer and ``count`` startups, each with a user and an API token."""
    with app.app_context():
        s = db.session
        seed, series_a = (s.scalar(sa.select(Stage).where(Stage.code == c)) for c in ("seed", "series_a"))
        incubator = Incubator(name="接力孵化器")
        s.add(User(email="inc@example.org", password_hash="x", organization=incubator))
        capacity = IncubationCapacity(incubator=incubator, title="Ten seats", stage_min=seed, stage_max=series_a,
                                      seats_total=SEATS, starts_on=clock.today(),
                                      ends_on=clock.today() + timedelta(days=365))
        s.add(capacity)
        users = [User(email=f"s{i}@example.org", password_hash="x", organization=Startup(name=f"初创{i}"))
                 for i in range(count)]
        s.add_all(users)
        s.commit()
        raws = []
        for user in users:
            token, raw = tokens.create(s, user, name="race")
            token.last_used_at = token.created_at  # as if used once: the race is on seats alone
            s.commit()
            raws.append(raw)
        capacity_id = capacity.id
        db.session.remove()
    return capacity_id, raws


def _call(method: str, url: str, token: str, body: dict | None = None) -> tuple[int, dict]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers={
        "Authorization": f"Bearer {token}", "Content-Type": "application/json", "Accept-Language": "en"})
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def _race(base: str, capacity_id: int, raws: list[str], body: dict) -> list[tuple[int, dict]]:
    barrier = threading.Barrier(len(raws))
    results: list[tuple[int, dict] | None] = [None] * len(raws)

    def run(i: int) -> None:
        barrier.wait()
        try:
            results[i] = _call("POST", f"{base}/api/v1/capacities/{capacity_id}/reservations", raws[i], body)
        except Exception as error:  # noqa: BLE001 - a dropped connection counts as a failure
            results[i] = (599, {"error": repr(error)})

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(raws))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return [r for r in results if r is not None]


def _counts(app, capacity_id: int) -> tuple[int, int, dict[ReservationStatus, int]]:
    with app.app_context():
        capacity = db.session.get(IncubationCapacity, capacity_id)
        by_status = dict(db.session.execute(sa.select(Reservation.status, sa.func.count()).where(
            Reservation.capacity_id == capacity_id).group_by(Reservation.status)).all())
        result = capacity.seats_taken, relay.seats_held(db.session, capacity_id), by_status
        db.session.remove()
    return result


def test_fifty_startups_race_for_ten_seats(server_url):
    base, app = server_url
    capacity_id, raws = _setup(app, STARTUPS)

    results = _race(base, capacity_id, raws, {"message": "请给我们一个席位"})

    statuses = [status for status, _ in results]
    assert len(results) == STARTUPS
    assert not [r for r in results if r[0] >= 500], results
    assert statuses.count(201) == SEATS
    assert statuses.count(409) == STARTUPS - SEATS
    for status, body in results:
        if status == 409:
            assert "full" in body["errors"]["_"][0]
    seats_taken, held, by_status = _counts(app, capacity_id)
    assert seats_taken == held == SEATS
    assert by_status == {ReservationStatus.PENDING: SEATS}
    status, offer = _call("GET", f"{base}/api/v1/capacities/{capacity_id}", raws[0])
    assert status == 200 and offer["seats_left"] == 0 and offer["seats_taken"] == SEATS


def test_waitlist_takes_the_released_seat(server_url):
    base, app = server_url
    capacity_id, raws = _setup(app, SEATS + 5)
    holders = _race(base, capacity_id, raws[:SEATS], {"message": ""})
    assert [s for s, _ in holders] == [201] * SEATS
    waiting = _race(base, capacity_id, raws[SEATS:], {"waitlist": True})
    assert sorted(s for s, _ in waiting) == [201] * 5
    assert {b["status"] for _, b in waiting} == {"waitlisted"}
    oldest = min(b["id"] for _, b in waiting)

    first = holders[0][1]  # results come in the order of the tokens: this one is raws[0]'s
    status, released = _call("POST", f"{base}/api/v1/reservations/{first['id']}/release", raws[0])
    assert status == 200 and released["status"] == "released"

    seats_taken, held, by_status = _counts(app, capacity_id)
    assert seats_taken == held == SEATS
    assert by_status[ReservationStatus.WAITLISTED] == 4
    with app.app_context():
        assert db.session.get(Reservation, oldest).status == ReservationStatus.PENDING
        db.session.remove()
