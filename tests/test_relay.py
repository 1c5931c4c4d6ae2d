"""Relay incubation: apply, refer, accept, decline, release, the waitlist, the relay chain and
the pages, with seats counted right at every step and nobody else able to act."""
from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from marketplace import clock
from marketplace.models import IncubationCapacity, Notification, Sector, Stage, Startup
from marketplace.models.enums import AuditSubject, ReservationStatus
from marketplace.models.organizations import startup_sectors
from marketplace.models.relay import IncubationStay, Reservation
from marketplace.services import notifications, relay
from tests.conftest import PASSWORD
from tests.helpers import log_in, log_out, submit
from tests.offer_helpers import EN, ZH, bearer, org_id
from tests.test_deal_flow import by_code

WRITE_ROUTES = [
    "/relay/capacities/<int:capacity_id>/apply",
    "/relay/residents/<int:startup_id>/refer",
    "/relay/reservations/<int:reservation_id>/accept",
    "/relay/reservations/<int:reservation_id>/decline",
    "/relay/reservations/<int:reservation_id>/release",
    "/api/v1/capacities/<int:capacity_id>/reservations",
    "/api/v1/reservations/<int:reservation_id>/accept",
    "/api/v1/reservations/<int:reservation_id>/decline",
    "/api/v1/reservations/<int:reservation_id>/release",
]
TODAY = clock.today()


def add_capacity(run_in, incubator_id: int, seats: int = 2) -> int:
    def write(s):
        seed, series_a = (s.scalar(sa.select(Stage).where(Stage.code == c)) for c in ("seed", "series_a"))
        capacity = IncubationCapacity(incubator_id=incubator_id, title=f"Seats {seats}", stage_min=seed,
                                      stage_max=series_a, seats_total=seats, starts_on=TODAY,
                                      ends_on=TODAY + timedelta(days=365))
        s.add(capacity)
        s.commit()
        return capacity.id
    return run_in(write)


def add_stay(run_in, startup_id: int, incubator_id: int, started: date = TODAY - timedelta(days=300)) -> None:
    def write(s):
        s.add(IncubationStay(startup_id=startup_id, incubator_id=incubator_id, started_on=started))
        s.commit()
    run_in(write)


@pytest.fixture
def world(app, make_user, run_in):
    """Two incubators (A, where the startups are now; B, with a 2-seat offer) and three startups."""
    people = {name: make_user(role) for name, role in (
        ("a", "incubator"), ("b", "incubator"), ("s1", "startup"), ("s2", "startup"), ("s3", "startup"),
        ("investor", "investor"))}
    ids = {name: org_id(app, email) for name, email in people.items()}
    for s in ("s1", "s2", "s3"):
        add_stay(run_in, ids[s], ids["a"])
    capacity = add_capacity(run_in, ids["b"], seats=2)
    headers = {name: bearer(app, email) for name, email in people.items()}
    return {"emails": people, "ids": ids, "headers": headers, "capacity": capacity}


def invariant(run_in, capacity_id):
    """seats_taken equals the pending and accepted reservations."""
    taken, held = run_in(lambda s: (s.get(IncubationCapacity, capacity_id).seats_taken,
                                    relay.seats_held(s, capacity_id)))
    assert taken == held
    return taken


def reserve(client, world, who, body=None, capacity=None):
    return client.post(f"/api/v1/capacities/{capacity or world['capacity']}/reservations", json=body or {},
                       headers=world["headers"][who])


def test_apply_refer_accept_and_the_chain(client, world, run_in):
    mine = reserve(client, world, "s1", {"message": "想入驻"})
    assert mine.status_code == 201, mine.get_json()
    assert mine.get_json()["status"] == "pending" and mine.get_json()["referred_by"] is None
    referred = reserve(client, world, "a", {"startup_id": world["ids"]["s2"], "message": "推荐"})
    assert referred.status_code == 201 and referred.get_json()["referred_by"]["id"] == world["ids"]["a"]
    assert invariant(run_in, world["capacity"]) == 2
    offer = client.get(f"/api/v1/capacities/{world['capacity']}", headers=world["headers"]["s3"]).get_json()
    assert offer["seats_left"] == 0

    full = reserve(client, world, "s3")
    assert full.status_code == 409 and "full" in full.get_json()["errors"]["_"][0]
    again = reserve(client, world, "s1")
    assert again.status_code == 409

    rid = mine.get_json()["id"]
    accepted = client.post(f"/api/v1/reservations/{rid}/accept", headers=world["headers"]["b"])
    assert accepted.status_code == 200 and accepted.get_json()["status"] == "accepted"
    chain = run_in(lambda s: [(st.incubator_id, st.ended_on) for st in relay.chain(s, world["ids"]["s1"])])
    assert chain == [(world["ids"]["a"], TODAY), (world["ids"]["b"], None)]
    assert invariant(run_in, world["capacity"]) == 2
    # the chain shows on its page and on the startup's profile
    log_in(client, world["emails"]["investor"], PASSWORD)
    page = client.get(f"/relay/startups/{world['ids']['s1']}/chain").get_data(as_text=True)
    assert page.count('data-testid="stay"') == 2
    # audit: every party sees it, the others nothing
    events = run_in(lambda s: [e.action for e in relay_history(s, rid, world["ids"]["a"])])
    assert events == []  # A neither referred nor receives this one
    events = run_in(lambda s: [e.action for e in relay_history(s, rid, world["ids"]["b"])])
    assert events == ["requested", "accepted"]
    assert run_in(lambda s: s.scalar(sa.select(sa.func.count()).select_from(Notification))) > 0


def relay_history(s, rid, org):
    from marketplace.services import audit
    return [entry.event for entry in audit.history(s, AuditSubject.RESERVATION, rid, org)]


def test_waitlist_takes_a_declined_or_released_seat(client, world, run_in):
    first = reserve(client, world, "s1").get_json()["id"]
    second = reserve(client, world, "s2").get_json()["id"]
    waiting = reserve(client, world, "s3", {"waitlist": True})
    assert waiting.status_code == 201 and waiting.get_json()["status"] == "waitlisted"
    assert invariant(run_in, world["capacity"]) == 2

    declined = client.post(f"/api/v1/reservations/{first}/decline", headers=world["headers"]["b"])
    assert declined.get_json()["status"] == "declined"
    assert run_in(lambda s: s.get(Reservation, waiting.get_json()["id"]).status) == ReservationStatus.PENDING
    assert invariant(run_in, world["capacity"]) == 2

    released = client.post(f"/api/v1/reservations/{second}/release", headers=world["headers"]["s2"])
    assert released.status_code == 200
    assert invariant(run_in, world["capacity"]) == 1
    # nothing more to do on finished reservations
    assert client.post(f"/api/v1/reservations/{second}/accept", headers=world["headers"]["b"]).status_code == 409
    assert client.post(f"/api/v1/reservations/{first}/release", headers=world["headers"]["s1"]).status_code == 409


def test_added_seats_go_to_the_waitlist_oldest_first(client, world, run_in):
    for who in ("s1", "s2"):
        assert reserve(client, world, who).status_code == 201
    waiting = reserve(client, world, "s3", {"waitlist": True}).get_json()["id"]
    grown = client.patch(f"/api/v1/capacities/{world['capacity']}", json={"seats_total": 3},
                         headers=world["headers"]["b"])
    assert grown.status_code == 200, grown.get_json()
    assert run_in(lambda s: s.get(Reservation, waiting).status) == ReservationStatus.PENDING
    assert invariant(run_in, world["capacity"]) == 3


def test_releasing_an_accepted_reservation_ends_the_stay(client, world, run_in):
    rid = reserve(client, world, "s1").get_json()["id"]
    client.post(f"/api/v1/reservations/{rid}/accept", headers=world["headers"]["b"])
    assert client.post(f"/api/v1/reservations/{rid}/release", headers=world["headers"]["b"]).status_code == 200
    assert run_in(lambda s: relay.current_stay(s, world["ids"]["s1"])) is None
    assert invariant(run_in, world["capacity"]) == 0


def test_refusals_write_nothing(client, world, run_in, row_counts):
    before = row_counts()
    ids = world["ids"]
    # not a resident of the referrer
    other = add_capacity(run_in, ids["a"], seats=3)
    assert reserve(client, world, "b", {"startup_id": ids["s1"]}).status_code == 404
    # its own offer
    assert reserve(client, world, "a", {"startup_id": ids["s1"]}, capacity=other).status_code == 422
    # the startup is already at the offer's incubator
    assert reserve(client, world, "s1", capacity=other).status_code == 409
    # a startup reserving for another
    assert reserve(client, world, "s1", {"startup_id": ids["s2"]}).status_code == 404
    bad = reserve(client, world, "s1", {"message": "x" * 3000})
    assert bad.status_code == 422 and "message" in bad.get_json()["errors"]
    assert reserve(client, world, "s1", {"waitlist": "maybe"}).status_code == 422
    assert reserve(client, world, "s1", {"nope": 1}).status_code == 422
    assert reserve(client, world, "investor").status_code == 403
    assert reserve(client, world, "s1", capacity=2**31 + 5).status_code == 404
    after = row_counts()
    after["incubation_capacities"] -= 1
    assert after == before


def test_others_cannot_answer_or_see(client, world, run_in, row_counts):
    rid = reserve(client, world, "s1").get_json()["id"]
    before = row_counts()
    for who in ("a", "s2"):
        for action in ("accept", "decline", "release"):
            response = client.post(f"/api/v1/reservations/{rid}/{action}", headers=world["headers"][who])
            assert response.status_code in (403, 404), (who, action)
        assert client.get(f"/api/v1/reservations/{rid}", headers=world["headers"][who]).status_code == 404
    for action in ("accept", "decline"):  # the startup cannot answer its own reservation
        assert client.post(f"/api/v1/reservations/{rid}/{action}", headers=world["headers"]["s1"]).status_code == 403
    assert client.post(f"/api/v1/reservations/{rid}/release", headers=world["headers"]["investor"]).status_code == 403
    assert row_counts() == before
    assert run_in(lambda s: s.get(Reservation, rid).status) == ReservationStatus.PENDING
    mine = client.get("/api/v1/reservations", headers=world["headers"]["b"]).get_json()
    assert [r["id"] for r in mine["items"]] == [rid]
    assert client.get("/api/v1/reservations", headers=world["headers"]["s2"]).get_json()["items"] == []

    # pages: another incubator's and another startup's posts change nothing
    log_in(client, world["emails"]["a"], PASSWORD)
    for action in ("accept", "decline", "release"):
        assert submit(client, "/relay/", {}, action=f"/relay/reservations/{rid}/{action}").status_code == 404
    assert client.get(f"/relay/reservations/{rid}").status_code == 404
    assert submit(client, "/relay/", {}, action=f"/relay/capacities/{world['capacity']}/apply").status_code == 403
    log_out(client)
    log_in(client, world["emails"]["b"], PASSWORD)
    assert submit(client, "/relay/", {"capacity": world["capacity"]},
                  action=f"/relay/residents/{world['ids']['s1']}/refer").status_code == 404
    assert run_in(lambda s: s.scalar(sa.select(sa.func.count()).select_from(Reservation))) == 1
    assert run_in(lambda s: s.get(Reservation, rid).status) == ReservationStatus.PENDING


def test_pages_apply_answer_refer(client, world, run_in):
    log_in(client, world["emails"]["s1"], PASSWORD)
    page = f"/relay/capacities/{world['capacity']}/apply"
    response = submit(client, page, {"message": "你好"}, follow_redirects=True)
    assert response.status_code == 200
    rid = run_in(lambda s: s.scalar(sa.select(Reservation.id)))
    assert 'data-testid="audit-log"' in response.get_data(as_text=True)
    assert "relay/reservations" in client.get("/relay/").get_data(as_text=True)
    log_out(client)

    log_in(client, world["emails"]["b"], PASSWORD)
    html = client.get("/relay/").get_data(as_text=True)
    assert f'data-testid="reservation-{rid}"' in html
    submit(client, "/relay/", {}, action=f"/relay/reservations/{rid}/accept")
    assert run_in(lambda s: s.get(Reservation, rid).status) == ReservationStatus.ACCEPTED
    html = client.get("/relay/").get_data(as_text=True)
    assert f'data-testid="resident-{world["ids"]["s1"]}"' in html
    log_out(client)

    log_in(client, world["emails"]["a"], PASSWORD)
    other = add_capacity(run_in, world["ids"]["b"], seats=1)
    refer_page = f"/relay/residents/{world['ids']['s2']}/refer"
    assert client.get(refer_page).status_code == 200
    response = submit(client, refer_page, {"capacity": other, "message": "推荐"})
    assert response.status_code == 302
    full = submit(client, f"/relay/residents/{world['ids']['s3']}/refer", {"capacity": other})
    assert full.status_code == 422 and "该席位已满" in full.get_data(as_text=True)
    assert invariant(run_in, other) == 1


def test_matches_tab_has_the_apply_button(client, world, run_in):
    log_in(client, world["emails"]["s1"], PASSWORD)
    html = client.get("/matches/?tab=capacities").get_data(as_text=True)
    assert 'data-testid="match-card"' in html and 'data-testid="apply-seat"' in html
    assert client.get(f"/relay/capacities/{world['capacity']}/apply").status_code == 200
    assert client.get(f"/relay/startups/{world['ids']['s1']}/chain").status_code == 200


def test_the_refer_page_offers_every_other_incubators_offer_best_fit_first(client, world, run_in):
    """Past a hundred offers too (the page once read only the newest hundred), the resident's
    best fits on sector and stage first; the referrer's own offers are never listed."""
    def write(s):
        seed, series_b = (by_code(s, Stage, c) for c in ("seed", "series_b"))
        chips, medicine = (by_code(s, Sector, c) for c in ("integrated_circuits", "biomedicine"))
        startup = s.get(Startup, world["ids"]["s2"])
        startup.stage = seed
        s.execute(startup_sectors.insert().values(startup_id=startup.id, sector_id=chips.id, position=1))
        offers = [IncubationCapacity(incubator_id=world["ids"]["b"], title=title, stage_min=low, stage_max=series_b,
                                     seats_total=3, starts_on=TODAY, ends_on=TODAY + timedelta(days=365),
                                     sectors=sectors)
                  for title, low, sectors in [("Chip seats", seed, [chips])]
                  + [(f"Medicine seats {n}", seed, [medicine]) for n in range(110)]]
        own = IncubationCapacity(incubator_id=world["ids"]["a"], title="Our own seats", stage_min=seed,
                                 stage_max=series_b, seats_total=3, starts_on=TODAY,
                                 ends_on=TODAY + timedelta(days=365))
        s.add_all([*offers, own])
        s.commit()
        return offers[0].id
    chip_offer = run_in(write)
    log_in(client, world["emails"]["a"], PASSWORD)
    html = client.get(f"/relay/residents/{world['ids']['s2']}/refer").get_data(as_text=True)
    options = re.findall(r'<option[^>]*value="(\d+)"[^>]*>([^<]*)</option>', html)
    titles = [label.split(" · ")[0] for _, label in options]
    assert len(options) == 112  # world's offer, the chip offer and the 110 others; not "Our own seats"
    assert "Our own seats" not in titles
    assert titles[0] == "Chip seats" and options[0][0] == str(chip_offer)
    assert submit(client, f"/relay/residents/{world['ids']['s2']}/refer",
                  {"capacity": chip_offer}).status_code == 302


def test_the_incubators_referrals_are_all_listed(client, world, run_in):
    """A referral stays on the referrer's page behind a hundred newer reservations of its own offer."""
    log_in(client, world["emails"]["a"], PASSWORD)
    assert submit(client, f"/relay/residents/{world['ids']['s2']}/refer",
                  {"capacity": world["capacity"]}).status_code == 302
    referral = run_in(lambda s: s.scalar(sa.select(Reservation.id)))
    own = add_capacity(run_in, world["ids"]["a"], seats=1)

    def write(s):
        s.add_all([Reservation(capacity_id=own, startup_id=world["ids"]["s3"], status=ReservationStatus.DECLINED)
                   for _ in range(101)])
        s.commit()
    run_in(write)
    html = client.get("/relay/").get_data(as_text=True)
    referrals = html[html.index('data-testid="referrals"'):]
    assert f"/relay/reservations/{referral}" in referrals


def test_an_offers_english_title_is_what_english_readers_see(client, world, run_in):
    def titled(s):
        capacity = s.get(IncubationCapacity, world["capacity"])
        capacity.title, capacity.title_en = "接力孵化席位", "Relay incubation seats"
        s.commit()
    run_in(titled)
    assert reserve(client, world, "s1").status_code == 201
    note = run_in(lambda s: s.scalar(sa.select(Notification).where(Notification.event == "requested")))
    assert "“Relay incubation seats”" in notifications.text_of(note, "en")
    assert "“接力孵化席位”" in notifications.text_of(note, "zh_Hans")
    log_in(client, world["emails"]["s1"], PASSWORD)
    assert ">Relay incubation seats</a>" in client.get("/relay/", headers=EN).get_data(as_text=True)
    assert ">接力孵化席位</a>" in client.get("/relay/", headers=ZH).get_data(as_text=True)


def test_a_startup_reads_an_offers_conditions_before_it_applies(client, world, run_in):
    def conditions(s):
        s.get(IncubationCapacity, world["capacity"]).conditions = "Team on site; a proof of concept done"
        s.commit()
    run_in(conditions)
    log_in(client, world["emails"]["s1"], PASSWORD)
    tab = client.get("/matches/?tab=capacities", headers=EN).get_data(as_text=True)
    assert "Conditions: Team on site; a proof of concept done" in tab
    apply = client.get(f"/relay/capacities/{world['capacity']}/apply", headers=ZH).get_data(as_text=True)
    assert "入驻条件" in apply and "Team on site; a proof of concept done" in apply


def test_a_startup_is_matched_with_seats_it_can_take_and_an_incubator_not_with_its_own_residents(
        client, world, run_in):
    """A relay leads to another incubator: a startup's matches leave out the offers of the incubator
    it is at and those it already holds a reservation on; an incubator's list of startups looking
    for incubation leaves out its residents, and a startup taken in stops looking."""
    ids, headers = world["ids"], world["headers"]
    own = add_capacity(run_in, ids["a"], seats=3)  # A's offer: s1 is already at A
    elsewhere = add_capacity(run_in, ids["b"], seats=4)

    def seeking(s):
        for name in ("s1", "s2"):
            s.get(Startup, ids[name]).seeking_incubation = True
        s.commit()
    run_in(seeking)

    def matched(who):
        response = client.get("/api/v1/recommendations/capacities?limit=50", headers=headers[who])
        assert response.status_code == 200, response.get_json()
        return sorted(item["capacity"]["id"] for item in response.get_json()["items"])

    def candidates(incubator):
        response = client.get("/api/v1/recommendations/startups?limit=50", headers=headers[incubator])
        return sorted(item["startup"]["id"] for item in response.get_json()["items"])

    assert own not in matched("s1") and matched("s1") == sorted([world["capacity"], elsewhere])
    assert candidates("a") == [] and candidates("b") == sorted([ids["s1"], ids["s2"]])
    # a reservation held: that offer leaves the startup's matches, the others stay
    rid = reserve(client, world, "s1").get_json()["id"]
    assert matched("s1") == [elsewhere]
    # B takes s1 in: s1 stops looking for an incubator; B's offers leave its matches, A's come back
    assert client.post(f"/api/v1/reservations/{rid}/accept", headers=headers["b"]).status_code == 200
    assert candidates("b") == [ids["s2"]] and candidates("a") == []
    assert run_in(lambda s: s.get(Startup, ids["s1"]).seeking_incubation) is False
    assert matched("s1") == [own]
    # the matches page says the same, in either language
    log_in(client, world["emails"]["s1"], PASSWORD)
    page = client.get("/matches/?tab=capacities", headers=EN).get_data(as_text=True)
    assert re.findall(r'href="/relay/capacities/(\d+)/apply"', page) == [str(own)]
