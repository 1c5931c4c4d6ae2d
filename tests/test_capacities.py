"""Incubators offer relay-incubation seats by sector and stage band; every member browses the
open offers, seats left shown."""
from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from marketplace import clock
from marketplace.models import IncubationCapacity, OfferRevision
from tests.conftest import PASSWORD
from tests.helpers import field_errors, log_in, submit
from tests.offer_helpers import EN, bearer, org_id

TODAY = clock.today()
OFFER = {"title": "集成电路接力孵化 2025年第1期", "sectors": ["integrated_circuits", "electronic_information"],
         "stage_min": "seed", "stage_max": "series_a", "seats_total": 10,
         "starts_on": TODAY.isoformat(), "ends_on": (TODAY + timedelta(days=365)).isoformat(),
         "conditions": "团队在园区办公；已完成概念验证"}


@pytest.fixture
def incubator(app, make_user):
    email = make_user("incubator")
    return {"email": email, "headers": bearer(app, email), "id": org_id(app, email)}


def offer(client, incubator, body):
    response = client.post("/api/v1/capacities", json=body, headers=incubator["headers"])
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def take_seats(run_in, capacity_id, taken):
    def write(s):
        s.get(IncubationCapacity, capacity_id).seats_taken = taken
        s.commit()
    run_in(write)


def test_an_incubator_offers_seats_and_reads_them_back(client, incubator):
    made = offer(client, incubator, OFFER)
    assert made["incubator"]["id"] == incubator["id"] and made["incubator"]["tier"] == "other"
    assert made["sectors"] == ["integrated_circuits", "electronic_information"]
    assert (made["stage_min"], made["stage_max"]) == ("seed", "series_a")
    assert (made["seats_total"], made["seats_taken"], made["seats_left"]) == (10, 0, 10)
    assert made["is_open"] is True and made["conditions"] == OFFER["conditions"]


BAD_OFFERS = [
    ({"stage_min": "series_b", "stage_max": "seed"}, "stage_max"),
    ({"ends_on": (TODAY - timedelta(days=1)).isoformat()}, "ends_on"),
    ({"starts_on": (TODAY + timedelta(days=400)).isoformat()}, "ends_on"),
    ({"stage_min": "stage_zero"}, "stage_min"),
    ({"sectors": ["nope"]}, "sectors"),
    ({"seats_total": 0}, "seats_total"),
    ({"seats_taken": 3}, "seats_taken"),
    ({"title": ""}, "title"),
    ({"title_en": "x" * 201}, "title_en"),
    ({"conditions_en": "x" * 5001}, "conditions_en"),
    ({"conditions_en": "bad\x00text"}, "conditions_en"),
    ({"starts_on": "2025-02-30"}, "starts_on"),
]


def test_bad_offers_get_field_errors_and_write_nothing(client, incubator, row_counts):
    before = row_counts()
    for change, field in BAD_OFFERS:
        response = client.post("/api/v1/capacities", json={**OFFER, **change}, headers=incubator["headers"])
        assert response.status_code == 422 and field in response.get_json()["errors"], (change, response.get_json())
    assert row_counts() == before


def test_seats_offered_never_go_below_seats_taken(client, incubator, run_in):
    made = offer(client, incubator, OFFER)
    take_seats(run_in, made["id"], 6)
    url = f"/api/v1/capacities/{made['id']}"
    refused = client.patch(url, json={"seats_total": 5}, headers=incubator["headers"])
    assert refused.status_code == 422
    assert refused.get_json()["errors"] == {"seats_total": ["6 seats are already taken: offer at least that many."]}
    assert run_in(lambda s: s.get(IncubationCapacity, made["id"]).seats_total) == 10
    changed = client.patch(url, json={"seats_total": 6}, headers=incubator["headers"]).get_json()
    assert (changed["seats_total"], changed["seats_left"]) == (6, 0)


def test_members_browse_open_offers_by_sector_stage_and_seats(app, client, incubator, make_user, run_in):
    ic = offer(client, incubator, OFFER)
    bio = offer(client, incubator, {**OFFER, "title": "生物医药加速营", "sectors": ["biomedicine"],
                                    "stage_min": "series_a", "stage_max": "series_c_plus"})
    anything = offer(client, incubator, {**OFFER, "title": "不限行业", "sectors": [], "stage_min": "concept",
                                         "stage_max": "pre_ipo"})
    full = offer(client, incubator, {**OFFER, "title": "已满", "seats_total": 2})
    take_seats(run_in, full["id"], 2)
    closed = offer(client, incubator, {**OFFER, "title": "已关闭"})
    client.patch(f"/api/v1/capacities/{closed['id']}", json={"is_open": False}, headers=incubator["headers"])
    ended = offer(client, incubator, {**OFFER, "title": "已结束"})
    run_in(lambda s: (s.execute(sa.update(IncubationCapacity).where(IncubationCapacity.id == ended["id"]).values(
        starts_on=TODAY - timedelta(days=30), ends_on=TODAY - timedelta(days=1))), s.commit()))
    startup = bearer(app, make_user("startup"))

    def titles(query=""):
        return [c["title"] for c in client.get(f"/api/v1/capacities{query}", headers=startup).get_json()["items"]]

    assert titles() == [full["title"], anything["title"], bio["title"], ic["title"]]
    assert titles("?sector=biomedicine") == [anything["title"], bio["title"]]
    assert titles("?stage=pre_a") == [full["title"], anything["title"], ic["title"]]
    assert titles("?stage=pre_ipo") == [anything["title"]]
    assert titles("?has_seats=true") == [anything["title"], bio["title"], ic["title"]]
    assert titles("?has_seats=false") == [full["title"]]
    body = client.get("/api/v1/capacities?limit=3", headers=startup).get_json()
    assert len(body["items"]) == 3 and "is_open" not in body["items"][0]
    assert [c["title"] for c in client.get(body["next"], headers=startup).get_json()["items"]] == [ic["title"]]
    assert client.get(f"/api/v1/capacities/{closed['id']}", headers=startup).status_code == 404
    mine = client.get("/api/v1/capacities?mine=true", headers=incubator["headers"]).get_json()["items"]
    assert len(mine) == 6 and {c["is_open"] for c in mine} == {True, False}


# --- Pages ----------------------------------------------------------------------------------

FORM = {"title": "人工智能接力孵化", "sectors": ["artificial_intelligence"], "stage_min": "concept",
        "stage_max": "pre_a", "seats_total": "12", "starts_on": TODAY.isoformat(),
        "ends_on": (TODAY + timedelta(days=180)).isoformat(), "conditions": "需提交商业计划书"}


def test_an_incubator_offers_seats_in_the_form_and_sees_seats_left(client, incubator, run_in):
    log_in(client, incubator["email"], PASSWORD)
    response = submit(client, "/incubator/capacities/new", FORM)
    assert response.status_code == 302 and response.location == "/incubator/capacities"
    made = run_in(lambda s: (lambda c: (c.id, c.title, c.seats_total, c.stage_min.code, [x.code for x in c.sectors]))(
        s.scalar(sa.select(IncubationCapacity))))
    assert made[1:] == ("人工智能接力孵化", 12, "concept", ["artificial_intelligence"])
    take_seats(run_in, made[0], 5)
    page = client.get("/incubator/capacities", headers=EN).get_data(as_text=True)
    assert "人工智能接力孵化" in page and "7 of 12" in page and "Open" in page


def test_the_form_shows_each_problem_on_its_field_and_writes_nothing(client, incubator, row_counts):
    log_in(client, incubator["email"], PASSWORD)
    before = row_counts()
    for change, field in [({"stage_min": "series_b"}, "stage_max"), ({"ends_on": "2000-01-01"}, "ends_on"),
                          ({"seats_total": "0"}, "seats_total"), ({"starts_on": "soon"}, "starts_on"),
                          ({"title": "x" * 201}, "title"), ({"title_en": "x" * 201}, "title_en"),
                          ({"conditions_en": "x" * 5001}, "conditions_en"), ({"sectors": ["bogus"]}, "sectors")]:
        response = submit(client, "/incubator/capacities/new", {**FORM, **change}, headers=EN)
        assert response.status_code == 422 and field_errors(response.get_data(as_text=True), field), change
    # every problem in one answer: the form's own (a title too long, seats of none) and the rules
    # it leaves to the service (the stages the wrong way round, an offer already over)
    html = submit(client, "/incubator/capacities/new", {**FORM, "title": "x" * 201, "seats_total": "0",
                                                         "stage_min": "series_b", "ends_on": "2000-01-01"},
                  headers=EN).get_data(as_text=True)
    assert field_errors(html, "title") == "Field cannot be longer than 200 characters."
    assert field_errors(html, "seats_total") == "Number must be between 1 and 10000."
    assert field_errors(html, "stage_max") == "The last stage cannot come before the first."
    assert field_errors(html, "ends_on").split("  ") == ["This date has passed: the offer would already be over.",
                                                         "The offer cannot end before it starts."]
    assert row_counts() == before


def test_editing_keeps_seats_taken_and_refuses_fewer_seats(client, incubator, run_in):
    made = offer(client, incubator, OFFER)
    take_seats(run_in, made["id"], 4)
    log_in(client, incubator["email"], PASSWORD)
    edit = f"/incubator/capacities/{made['id']}/edit"
    page = client.get(edit, headers=EN).get_data(as_text=True)
    assert "4 seats taken, 6 left." in page and 'value="10"' in page
    refused = submit(client, edit, {**FORM, "seats_total": "3"}, headers=EN)
    assert refused.status_code == 422
    assert "4 seats are already taken" in field_errors(refused.get_data(as_text=True), "seats_total")
    assert submit(client, edit, {**FORM, "seats_total": "8"}).status_code == 302
    after = run_in(lambda s: (lambda c: (c.seats_total, c.seats_taken, c.title))(s.get(IncubationCapacity, made["id"])))
    assert after == (8, 4, "人工智能接力孵化")


def test_closing_and_opening_again_from_the_list(client, incubator, run_in):
    made = offer(client, incubator, OFFER)
    log_in(client, incubator["email"], PASSWORD)
    submit(client, "/incubator/capacities", {}, action=f"/incubator/capacities/{made['id']}/close")
    assert run_in(lambda s: s.get(IncubationCapacity, made["id"]).is_open) is False
    assert "Closed" in client.get("/incubator/capacities", headers=EN).get_data(as_text=True)
    submit(client, "/incubator/capacities", {}, action=f"/incubator/capacities/{made['id']}/reopen")
    assert run_in(lambda s: s.get(IncubationCapacity, made["id"]).is_open) is True
    # each replaced version is kept for the recommender's replay: open, then closed
    kept = run_in(lambda s: [(r.capacity_id, r.terms["is_open"], r.terms["sectors"]) for r in s.scalars(
        sa.select(OfferRevision).order_by(OfferRevision.id))])
    assert kept == [(made["id"], True, sorted(OFFER["sectors"])), (made["id"], False, sorted(OFFER["sectors"]))]


def test_a_change_of_nothing_or_a_refused_one_keeps_no_version(client, incubator, run_in, row_counts):
    made = offer(client, incubator, OFFER)
    url = f"/api/v1/capacities/{made['id']}"
    assert client.patch(url, json={"title": OFFER["title"]}, headers=incubator["headers"]).status_code == 200
    before = row_counts()
    assert client.patch(url, json={"stage_min": "series_b"}, headers=incubator["headers"]).status_code == 422
    assert row_counts() == before and before["offer_revisions"] == 0


def test_an_empty_list_says_so(client, incubator):
    log_in(client, incubator["email"], PASSWORD)
    page = client.get("/incubator/capacities", headers=EN).get_data(as_text=True)
    assert "You have not registered relay-incubation capacity yet." in page

