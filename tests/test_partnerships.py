"""孵投联动 partnerships: propose, accept, decline, end; the incubator's early window, in which
only partner investors find its resident startups' new needs; the recommender's incubator link."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from marketplace import clock
from marketplace.errors import Conflict, DomainError, NotFound
from marketplace.models import AuditEvent, FundingNeed, Incubator
from marketplace.models.enums import PartnershipStatus
from marketplace.models.relay import IncubationStay, Partnership
from marketplace.services import deal_flow, partnerships
from marketplace.services.audit import Actor
from tests.conftest import PASSWORD
from tests.helpers import log_in, log_out, submit
from tests.offer_helpers import bearer, org_id

WRITE_ROUTES = [
    "/relay/partnerships",
    "/relay/partnerships/<int:partnership_id>/accept",
    "/relay/partnerships/<int:partnership_id>/decline",
    "/relay/partnerships/<int:partnership_id>/end",
    "/relay/partnerships/window",
]

NEED = {"instrument": "equity", "title": "A轮融资", "amount_min": 1_000_000, "amount_max": 5_000_000,
        "stage": "seed", "sectors": ["integrated_circuits"], "status": "open"}


@pytest.fixture
def people(app, make_user, run_in):
    emails = {name: make_user(role) for name, role in (
        ("incubator", "incubator"), ("partner", "investor"), ("outsider", "investor"), ("startup", "startup"),
        ("bank", "bank"))}
    ids = {name: org_id(app, email) for name, email in emails.items()}

    def stay(s):
        s.add(IncubationStay(startup_id=ids["startup"], incubator_id=ids["incubator"],
                             started_on=clock.today() - timedelta(days=10)))
        s.commit()
    run_in(stay)
    return {"emails": emails, "ids": ids, "headers": {n: bearer(app, e) for n, e in emails.items()}}


def actor(people, name):
    return Actor(people["ids"][name], None)


def test_propose_accept_end_with_audit_and_notice(session, people):
    row = partnerships.propose(session, actor(people, "partner"), people["ids"]["incubator"])
    assert row.status == PartnershipStatus.REQUESTED
    with pytest.raises(Conflict):  # the proposer cannot answer its own proposal
        partnerships.accept(session, actor(people, "partner"), row.id)
    session.rollback()
    with pytest.raises(NotFound):  # nor can an outsider
        partnerships.accept(session, actor(people, "outsider"), row.id)
    session.rollback()
    partnerships.accept(session, actor(people, "incubator"), row.id)
    assert partnerships.partner_incubator_ids(session, people["ids"]["partner"]) == [people["ids"]["incubator"]]
    partnerships.end(session, actor(people, "incubator"), row.id)
    assert partnerships.partner_incubator_ids(session, people["ids"]["partner"]) == []
    again = partnerships.propose(session, actor(people, "incubator"), people["ids"]["partner"])
    assert again.id == row.id and again.status == PartnershipStatus.REQUESTED
    partnerships.decline(session, actor(people, "partner"), row.id)
    from marketplace.models import AuditEvent
    actions = session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions == ["requested", "accepted", "ended", "requested", "declined"]
    with pytest.raises(DomainError) as refused:  # a bank is neither an incubator nor an investor
        partnerships.propose(session, actor(people, "partner"), people["ids"]["bank"])
    assert list(refused.value.errors) == ["partner_id"]


def test_early_need_is_found_only_by_partners(client, people, run_in):
    def partner(s):
        row = partnerships.propose(s, actor(people, "partner"), people["ids"]["incubator"])
        partnerships.accept(s, actor(people, "incubator"), row.id)
        partnerships.set_early_window(s, people["ids"]["incubator"], 14)
    run_in(partner)

    made = client.post("/api/v1/needs", json=NEED, headers=people["headers"]["startup"])
    assert made.status_code == 201, made.get_json()
    need_id = made.get_json()["id"]
    public_from = run_in(lambda s: s.get(FundingNeed, need_id).public_from)
    assert public_from is not None and public_from.date() >= clock.today() + timedelta(days=13)

    def found_by(name) -> dict[str, bool]:
        h = people["headers"][name]
        org = people["ids"][name]
        return {
            "api_browse": need_id in [n["id"] for n in client.get("/api/v1/needs?limit=100", headers=h)
                                      .get_json()["items"]],
            "api_read": client.get(f"/api/v1/needs/{need_id}", headers=h).status_code == 200,
            "service": need_id in [n.id for n in run_in(lambda s: deal_flow.browse(
                s, deal_flow.NeedFilters(), limit=100, viewer_org_id=org)[0])],
            "hidden": need_id not in run_in(lambda s: deal_flow.hidden_ids(s, org)),
        }

    assert set(found_by("partner").values()) == {True}
    assert set(found_by("outsider").values()) == {False}
    assert set(found_by("bank").values()) == {False}
    assert client.get(f"/api/v1/needs/{need_id}", headers=people["headers"]["startup"]).status_code == 200

    log_in(client, people["emails"]["outsider"], PASSWORD)
    for page in ("/investor/deal-flow", "/investor/deal-flow?sort=best"):
        response = client.get(page)
        assert response.status_code == 200
        assert not re.search(rf"/needs/{need_id}\b", response.get_data(as_text=True))  # not need 12 for need 1
    assert client.get(f"/startup/needs/{need_id}").status_code == 404
    log_out(client)
    log_in(client, people["emails"]["partner"], PASSWORD)
    page = client.get("/investor/deal-flow?sort=newest", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert f"/needs/{need_id}" in page and "Partners first: open to all on" in page
    assert client.get(f"/startup/needs/{need_id}").status_code == 200
    log_out(client)

    # once the window is over, everyone sees it
    def open_now(s):
        s.get(FundingNeed, need_id).public_from = None
        s.commit()
    run_in(open_now)
    assert set(found_by("outsider").values()) == {True}


def test_no_window_no_delay(client, people, run_in):
    made = client.post("/api/v1/needs", json=NEED, headers=people["headers"]["startup"]).get_json()
    assert run_in(lambda s: s.get(FundingNeed, made["id"]).public_from) is None


def test_window_is_checked(people, client, run_in, row_counts):
    with pytest.raises(DomainError) as refused:
        run_in(lambda s: partnerships.set_early_window(s, people["ids"]["incubator"], 91))
    assert list(refused.value.errors) == ["early_window_days"]
    before = row_counts()
    log_in(client, people["emails"]["incubator"], PASSWORD)
    response = submit(client, "/relay/partnerships", {"early_window_days": "120"}, action="/relay/partnerships/window")
    assert response.status_code == 422
    assert run_in(lambda s: s.get(Incubator, people["ids"]["incubator"]).early_window_days) == 0
    response = submit(client, "/relay/partnerships", {"early_window_days": "30"}, action="/relay/partnerships/window")
    assert response.status_code == 302
    assert run_in(lambda s: s.get(Incubator, people["ids"]["incubator"]).early_window_days) == 30
    assert row_counts() == before


def test_pages_and_others_cannot_act(client, people, run_in, row_counts):
    log_in(client, people["emails"]["partner"], PASSWORD)
    response = submit(client, "/relay/partnerships", {"partner": people["ids"]["incubator"]})
    assert response.status_code == 302
    pid = run_in(lambda s: s.scalar(sa.select(Partnership.id)))
    log_out(client)

    before = row_counts()
    log_in(client, people["emails"]["outsider"], PASSWORD)
    for action in ("accept", "decline", "end"):
        assert submit(client, "/relay/partnerships", {},
                      action=f"/relay/partnerships/{pid}/{action}").status_code == 404
    assert submit(client, "/relay/partnerships", {"early_window_days": "5"},
                  action="/relay/partnerships/window").status_code == 403
    log_out(client)
    log_in(client, people["emails"]["startup"], PASSWORD)
    assert client.get("/relay/partnerships").status_code == 403
    log_out(client)
    assert row_counts() == before
    assert run_in(lambda s: s.get(Partnership, pid).status) == PartnershipStatus.REQUESTED

    log_in(client, people["emails"]["incubator"], PASSWORD)
    page = client.get("/relay/partnerships", headers={"Accept-Language": "en"}).get_data(as_text=True)
    row = page.split(f'data-testid="partnership-{pid}"', 1)[1].split("</li>", 1)[0]
    assert 'data-testid="accept"' in row and 'data-testid="end"' not in row  # it answers; only the sender withdraws
    refused = submit(client, "/relay/partnerships", {}, action=f"/relay/partnerships/{pid}/end",
                     headers={"Accept-Language": "en"}, follow_redirects=True)
    assert "only its sender withdraws it" in refused.get_data(as_text=True)
    assert row_counts() == before
    assert submit(client, "/relay/partnerships", {}, action=f"/relay/partnerships/{pid}/accept").status_code == 302
    assert run_in(lambda s: s.get(Partnership, pid).status) == PartnershipStatus.ACCEPTED


def test_a_proposal_withdrawn_before_an_answer_reads_withdrawn_not_ended(client, people, run_in):
    log_in(client, people["emails"]["partner"], PASSWORD)
    assert submit(client, "/relay/partnerships", {"partner": people["ids"]["incubator"]}).status_code == 302
    pid = run_in(lambda s: s.scalar(sa.select(Partnership.id)))
    done = submit(client, "/relay/partnerships", {}, action=f"/relay/partnerships/{pid}/end",
                  headers={"Accept-Language": "zh-CN"}, follow_redirects=True).get_data(as_text=True)
    assert "提议已撤回" in done and "合作已结束" not in done
    row = done.split(f'data-testid="partnership-{pid}"', 1)[1].split("</li>", 1)[0]
    assert re.search(r'data-testid="partnership-status">已撤回<', row)


@pytest.fixture
def accepted(session, people):
    """The partner investor, signed up a month ago, and the incubator agree today to work together."""
    from marketplace.models import Investor
    from marketplace.models.base import utcnow

    session.get(Investor, people["ids"]["partner"]).created_at = utcnow() - timedelta(days=30)
    row = partnerships.propose(session, actor(people, "partner"), people["ids"]["incubator"])
    return partnerships.accept(session, actor(people, "incubator"), row.id).id


def replayed_links(session, people):
    """The incubators the partner works with, as the replay of a day sees them and as it says today;
    and the incubator's key."""
    from marketplace import recs

    data, partner = recs.dataset(session, clock.today()), recs.org_key(people["ids"]["partner"])

    def links(day=None):
        table = data if day is None else data.before(day)
        return table.investors.incubators[table.investors.id.tolist().index(partner)]
    return links, recs.org_key(people["ids"]["incubator"])


def test_the_replay_counts_a_partnership_from_the_day_it_was_accepted(session, people, accepted):
    """A replayed day before today knows the investor without the link; today's model with it."""
    links, incubator = replayed_links(session, people)
    assert links(clock.today()) == links(clock.today() - timedelta(days=29)) == ()
    assert links(clock.today() + timedelta(days=1)) == links() == (incubator,)


def test_the_replay_counts_an_ended_partnership_on_the_days_it_was_in_force(session, people, accepted):
    """Accepted twenty days ago and ended today: known on the days between, and not today on."""
    from marketplace.models.base import utcnow

    session.get(Partnership, accepted).answered_at = utcnow() - timedelta(days=20)
    session.commit()
    partnerships.end(session, actor(people, "partner"), accepted)
    links, incubator = replayed_links(session, people)
    assert links(clock.today() - timedelta(days=25)) == ()
    assert links(clock.today() - timedelta(days=10)) == links(clock.today()) == (incubator,)
    assert links(clock.today() + timedelta(days=1)) == links() == ()


def test_the_replay_keeps_the_earlier_period_of_a_partnership_proposed_again(session, people, accepted):
    """Accepted 28 days ago, ended 20 days ago, proposed again and accepted today: the pair keeps one
    row, and the replay still knows the first period from the log."""
    from marketplace.models.base import utcnow

    partnerships.end(session, actor(people, "partner"), accepted)
    for event in session.scalars(sa.select(AuditEvent).where(AuditEvent.subject_id == accepted)):
        event.created_at = utcnow() - timedelta(days={"requested": 28, "accepted": 28, "ended": 20}[event.action])
    session.commit()
    again = partnerships.propose(session, actor(people, "incubator"), people["ids"]["partner"])
    assert again.id == accepted
    partnerships.accept(session, actor(people, "partner"), again.id)
    links, incubator = replayed_links(session, people)
    assert links(clock.today() - timedelta(days=29)) == ()
    assert links(clock.today() - timedelta(days=25)) == (incubator,)
    assert links(clock.today() - timedelta(days=10)) == links(clock.today()) == ()
    assert links(clock.today() + timedelta(days=1)) == links() == (incubator,)


def test_the_recommender_counts_partnerships_and_stays(session, people):
    from marketplace import recs
    row = partnerships.propose(session, actor(people, "partner"), people["ids"]["incubator"])
    partnerships.accept(session, actor(people, "incubator"), row.id)
    words = recs._Words(session)
    records = {r.id: r for r in recs.investor_records(session, words)[0]}
    assert records[recs.org_key(people["ids"]["partner"])].incubators == (recs.org_key(people["ids"]["incubator"]),)
    assert records[recs.org_key(people["ids"]["outsider"])].incubators == ()
    startup_round = recs._Startups(session, words).round(people["ids"]["startup"], clock.today())
    assert startup_round.incubator == recs.org_key(people["ids"]["incubator"])
