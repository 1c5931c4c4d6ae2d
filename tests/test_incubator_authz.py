"""Every write of an incubator's profile and capacity offers, in pages and the API, tried as
every other role and as another incubator: refused with 403 or 404, and nothing changes."""
from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from marketplace import clock
from marketplace.models import IncubationCapacity, Incubator, Stage
from tests.conftest import PASSWORD
from tests.helpers import log_in, submit
from tests.offer_helpers import bearer, org_of

WRITE_ROUTES = [
    "/incubator/profile",
    "/incubator/capacities/new",
    "/incubator/capacities/<int:capacity_id>/edit",
    "/incubator/capacities/<int:capacity_id>/close",
    "/incubator/capacities/<int:capacity_id>/reopen",
    "/api/v1/capacities",
    "/api/v1/capacities/<int:capacity_id>",
    "/api/v1/incubators/<int:org_id>",
]
OTHER_ROLES = ("startup", "investor", "bank", "operator", "admin")
TODAY = clock.today()
FORM = {"title": "改名", "stage_min": "seed", "stage_max": "series_a", "seats_total": "5",
        "starts_on": TODAY.isoformat(), "ends_on": (TODAY + timedelta(days=30)).isoformat()}
BODY = {**FORM, "seats_total": 5}
PROFILE = {"tier": "high_quality", "services": ["legal"], "website": "https://taken.example"}


@pytest.fixture
def owner(make_user, run_in):
    """An incubator with an open and a closed offer."""
    email = make_user("incubator")

    def add(s):
        incubator = org_of(s, email)
        seed = s.scalar(sa.select(Stage).where(Stage.code == "seed"))
        made = [IncubationCapacity(incubator=incubator, title=f"孵化 {n}", stage_min=seed, stage_max=seed,
                                   seats_total=10, starts_on=TODAY, ends_on=TODAY + timedelta(days=90),
                                   is_open=n == 0) for n in range(2)]
        s.add_all(made)
        s.commit()
        return incubator.id, [c.id for c in made]

    org, capacities = run_in(add)
    return {"id": org, "capacities": capacities}


def state(run_in, owner):
    def read(s):
        incubator = s.get(Incubator, owner["id"])
        offers = [(c.title, c.seats_total, c.is_open, c.updated_at)
                  for c in (s.get(IncubationCapacity, i) for i in owner["capacities"])]
        return incubator.tier, incubator.website, incubator.updated_at, offers

    return run_in(read)


def page_writes(capacity_id):
    return [(f"/incubator/capacities/{capacity_id}/edit", FORM), (f"/incubator/capacities/{capacity_id}/close", {}),
            (f"/incubator/capacities/{capacity_id}/reopen", {})]


@pytest.mark.parametrize("role", (*OTHER_ROLES, "incubator"))
def test_no_one_else_writes_an_incubators_profile_or_offers(app, make_user, owner, run_in, row_counts, role):
    email = make_user(role)
    client = app.test_client()
    log_in(client, email, PASSWORD)
    headers = bearer(app, email)
    before, counts = state(run_in, owner), row_counts()
    denied = {403, 404} if role == "incubator" else {403}
    for capacity_id in owner["capacities"]:
        for route, data in page_writes(capacity_id):
            assert submit(client, "/account/", data, action=route).status_code in denied, (role, route)
        assert client.get(f"/incubator/capacities/{capacity_id}/edit").status_code in denied
        response = client.patch(f"/api/v1/capacities/{capacity_id}", json={"title": "改名", "is_open": True},
                                headers=headers)
        assert response.status_code in denied, (role, response.get_json())
    assert client.patch(f"/api/v1/incubators/{owner['id']}", json=PROFILE, headers=headers).status_code in denied
    if role != "incubator":  # another incubator may edit its own profile and offer seats of its own
        assert submit(client, "/account/", PROFILE, action="/incubator/profile").status_code == 403
        assert submit(client, "/account/", FORM, action="/incubator/capacities/new").status_code == 403
        assert client.post("/api/v1/capacities", json=BODY, headers=headers).status_code == 403
    assert state(run_in, owner) == before and row_counts() == counts


def test_a_closed_offer_is_hidden_from_everyone_else(app, client, make_user, owner):
    for role in ("incubator", "startup"):
        headers = bearer(app, make_user(role))
        assert client.get(f"/api/v1/capacities/{owner['capacities'][1]}", headers=headers).status_code == 404
        assert client.get(f"/api/v1/capacities/{owner['capacities'][0]}", headers=headers).status_code == 200


def test_anonymous_callers_are_sent_to_log_in(client, owner, row_counts):
    before = row_counts()
    for route, data in page_writes(owner["capacities"][0]) + [("/incubator/capacities/new", FORM),
                                                              ("/incubator/profile", PROFILE)]:
        response = submit(client, "/login", data, action=route)
        assert response.status_code == 302 and "/login" in response.location
    assert client.post("/api/v1/capacities", json=BODY).status_code == 401
    assert client.patch(f"/api/v1/incubators/{owner['id']}", json=PROFILE).status_code == 401
    assert row_counts() == before
