"""The investor's pipeline: cards by stage with totals, audited moves, private notes, and the
commitments a term sheet or a close records, which the startup confirms or rejects."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from html import unescape

import pytest
import sqlalchemy as sa

from marketplace.errors import Conflict, DomainError, NotFound
from marketplace.extensions import db
from marketplace.models import AuditEvent, FundingNeed, Notification, Sector, Stage, User
from marketplace.models.deals import PipelineCard, PipelineNote, RoundCommitment
from marketplace.models.enums import (
    AuditSubject,
    Instrument,
    InvestorKind,
    LoanKind,
    NeedStatus,
    NotificationKind,
    OrgKind,
    PipelineStage,
)
from marketplace.models.organizations import ORG_CLASSES
from marketplace.models.organizations import startup_sectors
from marketplace.services import audit, loan_products, pipeline
from marketplace.services.loan_products import LoanTerms
from tests.conftest import PASSWORD, create_account
from tests.helpers import csrf_token, field_errors, log_in, log_out
from tests.offer_helpers import EN, ZH, org_of
from tests.test_deal_flow import M, by_code, need

WRITE_ROUTES = [
    "/pipeline/needs/<int:need_id>/card",
    "/pipeline/cards/<int:card_id>/move",
    "/pipeline/cards/<int:card_id>/notes",
    "/pipeline/cards/<int:card_id>/remove",
    "/pipeline/commitments/<int:commitment_id>/confirm",
    "/pipeline/commitments/<int:commitment_id>/reject",
    "/api/v1/pipeline/cards",
]


@dataclass
class World:
    """Who is who (emails) and the ids of what they own."""

    emails: dict[str, str]
    ids: dict[str, int]


def build_world(app) -> World:
    """A chip startup raising an equity round (and a loan), two more startups, a lead VC, an
    angel that follows, an outsider investor, and two banks with linked-loan products."""
    roles = {"lead": "investor", "follower": "investor", "outsider": "investor", "founder": "startup",
             "rival": "startup", "bank": "bank", "other_bank": "bank"}
    emails = {name: f"{name}@example.org" for name in roles}
    create_account(app, "investor", emails["lead"], org="Lead Org")

    def build(s):
        # one scrypt hash for everyone (the same password): the fixture stays fast
        password_hash = s.scalar(sa.select(User.password_hash).where(User.email == emails["lead"]))
        for name, role in roles.items():
            if name != "lead":
                kind = OrgKind(role)
                fields = {"investor_kind": InvestorKind.VC} if kind == OrgKind.INVESTOR else {}
                s.add(User(email=emails[name], password_hash=password_hash,
                           organization=ORG_CLASSES[kind](name=f"{name.title()} Org", **fields)))
        s.flush()
        org = {name: org_of(s, email) for name, email in emails.items()}
        company = org["founder"]
        company.stage = by_code(s, Stage, "series_a")
        company.founded_on = date(2020, 1, 1)
        s.execute(sa.insert(startup_sectors), {"startup_id": company.id, "position": 1,
                                               "sector_id": by_code(s, Sector, "integrated_circuits").id})
        org["follower"].investor_kind = InvestorKind.ANGEL
        round_ = need(s, company, "Lidar chip Series A", amount=(30 * M, 50 * M), stage="series_a")
        second = need(s, company, "Second round", amount=(5 * M, 8 * M), stage="series_a")
        rival_need = need(s, org["rival"], "Rival round", amount=(2 * M, 4 * M))
        s.commit()

        def product(bank, name, **terms):
            fields = dict(kind=LoanKind.LINKED, name=name, amount_min=1 * M, amount_max=20 * M, rate_min_bps=300,
                          rate_max_bps=500, term_months=36, loan_to_equity_ratio=Decimal("0.5"),
                          investor_kinds=list(InvestorKind))
            fields.update(terms)
            return loan_products.create(s, org[bank].id, LoanTerms(**fields)).product.id

        ids = {name: o.id for name, o in org.items()}
        ids.update(
            round=round_.id, second=second.id, rival_need=rival_need.id,
            linked=product("bank", "Chip linked loan", warrant_coverage=Decimal("0.1"),
                           investor_kinds=[InvestorKind.VC], sectors=["integrated_circuits"]),
            small=product("other_bank", "Small linked loan", amount_max=3 * M),
            angels=product("bank", "Angel-backed loan", investor_kinds=[InvestorKind.ANGEL]),
            bio=product("bank", "Biotech linked loan", sectors=["biomedicine"]),
            large=product("bank", "Large linked loan", amount_min=100 * M, amount_max=200 * M),
            withdrawn=product("bank", "Withdrawn linked loan", is_active=False),
        )
        return ids

    with app.app_context():
        try:
            return World(emails, build(db.session))
        finally:
            db.session.remove()


@pytest.fixture
def world(app) -> World:
    return build_world(app)


def user_id(s, email) -> int:
    return s.scalar(sa.select(User.id).where(User.email == email))


def as_user(client, email):
    if client.get("/account/").status_code == 200:
        log_out(client)
    log_in(client, email, PASSWORD)


def post(client, page, action, data=None, **kwargs):
    return client.post(action, data={"csrf_token": csrf_token(client, page), **(data or {})}, **kwargs)


def add_card(run_in, world, investor="lead", need_key="round") -> int:
    return run_in(lambda s: pipeline.add(s, world.ids[investor], user_id(s, world.emails[investor]),
                                         world.ids[need_key]).id)


def record(run_in, world, card_id, stage=PipelineStage.TERM_SHEET, amount=20 * M, lead=True, investor="lead"):
    return run_in(lambda s: pipeline.move(s, world.ids[investor], None, card_id, stage, amount=amount,
                                          is_lead=lead).id)


def commitment_id(run_in, world, investor="lead", need_key="round") -> int:
    return run_in(lambda s: pipeline.commitment_of(s, world.ids[investor], world.ids[need_key]).id)


# --- The service -------------------------------------------------------------------------------

def test_a_card_starts_sourced_once_per_need_and_every_move_is_audited(run_in, world):
    card_id = add_card(run_in, world)

    def check(s):
        card = s.get(PipelineCard, card_id)
        assert card.stage == PipelineStage.SOURCED
        with pytest.raises(Conflict):
            pipeline.add(s, world.ids["lead"], None, world.ids["round"])
        s.rollback()
        for stage in (PipelineStage.MEETING, PipelineStage.INTRO, PipelineStage.LOST, PipelineStage.DUE_DILIGENCE):
            pipeline.move(s, world.ids["lead"], None, card_id, stage)  # any move, back and forth
        moves = [(e.event.action, e.event.from_state, e.event.to_state)
                 for e in audit.history(s, AuditSubject.CARD, card_id, world.ids["lead"])]
        assert moves == [("added", None, "sourced"), ("moved", "sourced", "meeting"), ("moved", "meeting", "intro"),
                         ("moved", "intro", "lost"), ("moved", "lost", "due_diligence")]
        for outsider in ("founder", "outsider", "bank"):
            assert audit.history(s, AuditSubject.CARD, card_id, world.ids[outsider]) == []

    run_in(check)


def test_the_board_totals_cards_and_amounts_per_stage(run_in, world):
    add_card(run_in, world, need_key="round")
    second = add_card(run_in, world, need_key="second")
    add_card(run_in, world, need_key="rival_need")
    run_in(lambda s: pipeline.move(s, world.ids["lead"], None, second, PipelineStage.MEETING))
    add_card(run_in, world, investor="outsider")

    def check(s):
        columns = {c.stage: c for c in pipeline.board(s, world.ids["lead"])}
        assert list(columns) == list(PipelineStage)
        assert (columns[PipelineStage.SOURCED].count, columns[PipelineStage.SOURCED].total) == (2, 54 * M)
        assert (columns[PipelineStage.MEETING].count, columns[PipelineStage.MEETING].total) == (1, 8 * M)
        assert sum(c.count for c in columns.values()) == 3  # the outsider's card is on its own board

    run_in(check)


def test_track_adds_a_card_and_only_ever_moves_it_forward(run_in, world):
    def check(s):
        card = pipeline.track(s, world.ids["lead"], world.ids["round"], PipelineStage.INTRO)
        s.commit()
        assert card.stage == PipelineStage.INTRO
        pipeline.track(s, world.ids["lead"], world.ids["round"], PipelineStage.SOURCED)
        assert card.stage == PipelineStage.INTRO  # never back
        pipeline.move(s, world.ids["lead"], None, card.id, PipelineStage.LOST)
        pipeline.track(s, world.ids["lead"], world.ids["round"], PipelineStage.MEETING)
        assert card.stage == PipelineStage.LOST  # never out of lost
        assert pipeline.track(s, world.ids["bank"], world.ids["round"], PipelineStage.INTRO) is None
        with pytest.raises(ValueError):
            pipeline.track(s, world.ids["lead"], world.ids["round"], PipelineStage.TERM_SHEET)

    run_in(check)


def test_only_open_needs_go_on_a_board(run_in, world):
    def check(s):
        s.get(FundingNeed, world.ids["second"]).status = NeedStatus.DRAFT
        s.commit()
        with pytest.raises(NotFound):
            pipeline.add(s, world.ids["lead"], None, world.ids["second"])
        with pytest.raises(NotFound):
            pipeline.add(s, world.ids["lead"], None, 999_999)

    run_in(check)


def test_a_term_sheet_records_a_commitment_the_startup_confirms(run_in, world):
    card_id = add_card(run_in, world)

    def refused(s):
        for amount in (None, 0, -5, 10**13):
            with pytest.raises(DomainError) as error:
                pipeline.move(s, world.ids["lead"], None, card_id, PipelineStage.TERM_SHEET, amount=amount)
            assert "amount" in error.value.errors
            s.rollback()
        assert s.get(PipelineCard, card_id).stage == PipelineStage.SOURCED
        assert s.scalar(sa.select(sa.func.count()).select_from(RoundCommitment)) == 0

    run_in(refused)
    record(run_in, world, card_id, amount=20 * M, lead=True)

    def recorded(s):
        commitment = pipeline.commitment_of(s, world.ids["lead"], world.ids["round"])
        assert (commitment.kind.value, commitment.amount, commitment.is_lead, commitment.confirmed_at) == \
            ("term_sheet", 20 * M, True, None)
        founder_user = user_id(s, world.emails["founder"])
        notes = s.scalars(sa.select(Notification).where(Notification.user_id == founder_user)).all()
        assert [(n.kind, n.event) for n in notes] == [(NotificationKind.COMMITMENT, "recorded")]
        pipeline.confirm(s, world.ids["founder"], founder_user, commitment.id)
        assert commitment.confirmed_at is not None
        lead_user = user_id(s, world.emails["lead"])
        assert s.scalar(sa.select(Notification.event).where(Notification.user_id == lead_user,
                                                            Notification.kind == NotificationKind.COMMITMENT)) \
            == "confirmed"
        with pytest.raises(Conflict):
            pipeline.confirm(s, world.ids["founder"], founder_user, commitment.id)
        s.rollback()
        with pytest.raises(NotFound):  # another startup's commitment does not exist for it
            pipeline.confirm(s, world.ids["rival"], None, commitment.id)
        s.rollback()
        actions = [e.event.action for e in audit.history(s, AuditSubject.COMMITMENT, commitment.id,
                                                         world.ids["founder"])]
        assert actions == ["recorded", "confirmed"]
        assert audit.history(s, AuditSubject.COMMITMENT, commitment.id, world.ids["outsider"]) == []

    run_in(recorded)


def test_a_changed_commitment_waits_for_the_startup_again_and_a_close_follows_a_term_sheet(run_in, world):
    card_id = add_card(run_in, world)
    record(run_in, world, card_id, amount=20 * M)
    cid = commitment_id(run_in, world)
    run_in(lambda s: pipeline.confirm(s, world.ids["founder"], None, cid))
    record(run_in, world, card_id, amount=20 * M)  # the same again: nothing to confirm

    def same(s):
        assert s.get(RoundCommitment, cid).confirmed_at is not None

    run_in(same)
    record(run_in, world, card_id, stage=PipelineStage.CLOSED, amount=25 * M)

    def changed(s):
        commitment = s.get(RoundCommitment, cid)
        assert (commitment.kind.value, commitment.amount, commitment.confirmed_at) == ("close", 25 * M, None)

    run_in(changed)


def test_the_startup_rejects_a_commitment_and_the_investor_is_told(run_in, world):
    card_id = add_card(run_in, world)
    record(run_in, world, card_id, lead=False)
    cid = commitment_id(run_in, world)
    run_in(lambda s: pipeline.reject(s, world.ids["founder"], None, cid))

    def check(s):
        assert s.get(RoundCommitment, cid) is None
        assert [e.event.action for e in audit.history(s, AuditSubject.COMMITMENT, cid, world.ids["lead"])] == \
            ["recorded", "rejected"]
        lead_user = user_id(s, world.emails["lead"])
        assert s.scalar(sa.select(Notification.event).where(Notification.user_id == lead_user)) == "rejected"

    run_in(check)


def test_a_loan_need_moves_to_term_sheet_without_a_commitment(run_in, world):
    def check(s):
        loan = need(s, org_of(s, world.emails["rival"]), "Working capital", instrument=Instrument.CREDIT_LOAN)
        s.commit()
        card = pipeline.add(s, world.ids["lead"], None, loan.id)
        pipeline.move(s, world.ids["lead"], None, card.id, PipelineStage.TERM_SHEET)
        assert card.stage == PipelineStage.TERM_SHEET
        assert pipeline.commitment_of(s, world.ids["lead"], loan.id) is None

    run_in(check)


def test_removing_a_card_takes_its_notes_and_keeps_the_commitment(run_in, world):
    card_id = add_card(run_in, world)
    run_in(lambda s: pipeline.add_note(s, world.ids["lead"], None, card_id, "Met the CTO"))
    record(run_in, world, card_id)
    run_in(lambda s: pipeline.remove(s, world.ids["lead"], None, card_id))

    def check(s):
        assert s.get(PipelineCard, card_id) is None
        assert s.scalar(sa.select(sa.func.count()).select_from(PipelineNote)) == 0
        assert pipeline.commitment_of(s, world.ids["lead"], world.ids["round"]) is not None
        assert [e.event.action for e in audit.history(s, AuditSubject.CARD, card_id, world.ids["lead"])][-1] \
            == "removed"

    run_in(check)


# --- The pages ---------------------------------------------------------------------------------

def test_the_board_page_shows_columns_with_totals_and_moves_a_card(client, run_in, world):
    card_id = add_card(run_in, world)
    as_user(client, world.emails["lead"])
    html = client.get("/pipeline/", headers=EN).get_data(as_text=True)
    assert "Lidar chip Series A" in html and "Founder Org" in html
    sourced = html.split('data-testid="column-sourced"')[1].split('data-testid="column-intro"')[0]
    assert re.search(r'data-testid="column-count">1<', sourced)
    assert "Total CNY 50M" in sourced
    response = post(client, "/pipeline/", f"/pipeline/cards/{card_id}/move", {"stage": "meeting", "from": "board"})
    assert response.status_code == 302
    assert run_in(lambda s: s.get(PipelineCard, card_id).stage) == PipelineStage.MEETING
    # a term sheet from the board sends to the card's page, which asks for the amount
    response = post(client, "/pipeline/", f"/pipeline/cards/{card_id}/move", {"stage": "term_sheet", "from": "board"})
    assert response.status_code == 302 and response.location.endswith(f"/pipeline/cards/{card_id}?stage=term_sheet")
    assert run_in(lambda s: s.get(PipelineCard, card_id).stage) == PipelineStage.MEETING


def test_the_card_page_records_a_term_sheet_in_wan_yuan(client, run_in, world, row_counts):
    card_id = add_card(run_in, world)
    as_user(client, world.emails["lead"])
    page = f"/pipeline/cards/{card_id}"
    before = row_counts()
    response = post(client, page, f"{page}/move", {"stage": "term_sheet", "amount": ""}, headers=EN)
    assert response.status_code == 422
    assert field_errors(response.get_data(as_text=True), "amount") == "Enter the amount you commit."
    response = post(client, page, f"{page}/move", {"stage": "term_sheet", "amount": "abc"}, headers=ZH)
    assert response.status_code == 422 and field_errors(response.get_data(as_text=True), "amount")
    response = post(client, page, f"{page}/move", {"stage": "term_sheet", "amount": "0"}, headers=EN)
    assert field_errors(response.get_data(as_text=True), "amount").startswith("Enter an amount from 0.0001 to ")
    # more than the whole round (CNY 30M to 50M) asks for
    response = post(client, page, f"{page}/move", {"stage": "term_sheet", "amount": "5001"}, headers=EN)
    assert response.status_code == 422 and field_errors(response.get_data(as_text=True), "amount") == (
        "A commitment cannot be larger than the whole round, which asks for at most CNY 50M.")
    response = post(client, page, f"{page}/move", {"stage": "term_sheet", "amount": "99999999"}, headers=ZH)
    assert "不能超过本轮融资" in field_errors(response.get_data(as_text=True), "amount")
    assert row_counts() == before
    response = post(client, page, f"{page}/move", {"stage": "term_sheet", "amount": "2000", "is_lead": "y"})
    assert response.status_code == 302
    commitment = run_in(lambda s: pipeline.commitment_of(s, world.ids["lead"], world.ids["round"]))
    assert (commitment.amount, commitment.is_lead) == (20 * M, True)
    html = client.get(page, headers=EN).get_data(as_text=True)
    assert "Awaiting confirmation" in html and "CNY 20M" in html
    assert 'data-testid="audit-log"' in html and "Sourced → Term sheet" in html
    assert "Term sheet · CNY 20M · lead" in html  # the commitment, in the reader's language
    assert "投资意向书 · 2,000 万元 · 领投" in client.get(page, headers=ZH).get_data(as_text=True)


def test_notes_are_read_by_the_investors_organization_only(app, client, run_in, world, row_counts):
    card_id = add_card(run_in, world)
    colleague = create_account(app, "investor", "colleague@example.org", org="Lead Org")
    as_user(client, world.emails["lead"])
    page = f"/pipeline/cards/{card_id}"
    secret = "Founder wants a 60M valuation, walk away above 80M"
    assert post(client, page, f"{page}/notes", {"body": secret}).status_code == 302
    before = row_counts()
    response = post(client, page, f"{page}/notes", {"body": "   "}, headers=EN)
    assert response.status_code == 422 and field_errors(response.get_data(as_text=True), "body") == "Write the note."
    assert row_counts() == before
    as_user(client, colleague)
    assert secret in unescape(client.get(page).get_data(as_text=True))
    record(run_in, world, card_id)
    others = {"outsider": ["/pipeline/", page], "founder": ["/pipeline/commitments", "/pipeline/offers", page],
              "bank": ["/pipeline/bank-offers", page], "rival": ["/pipeline/commitments", page]}
    for who, pages in others.items():
        as_user(client, world.emails[who])
        for path in pages:
            response = client.get(path)
            assert secret not in unescape(response.get_data(as_text=True)), (who, path)
            if path == page:
                assert response.status_code == (404 if who == "outsider" else 403)


def test_write_routes_refuse_other_organizations_and_sides(client, run_in, world, row_counts):
    card_id = add_card(run_in, world)
    record(run_in, world, card_id)
    cid = commitment_id(run_in, world)
    as_user(client, world.emails["outsider"])
    token = csrf_token(client, "/pipeline/")
    before = row_counts()
    for action in ("move", "notes", "remove"):
        response = client.post(f"/pipeline/cards/{card_id}/{action}",
                               data={"csrf_token": token, "stage": "lost", "body": "x"})
        assert response.status_code == 404, action
    for action in ("confirm", "reject"):
        assert client.post(f"/pipeline/commitments/{cid}/{action}", data={"csrf_token": token}).status_code == 403
    as_user(client, world.emails["rival"])
    token = csrf_token(client, "/pipeline/commitments")
    for action in ("confirm", "reject"):
        assert client.post(f"/pipeline/commitments/{cid}/{action}", data={"csrf_token": token}).status_code == 404
    assert client.post(f"/pipeline/needs/{world.ids['round']}/card", data={"csrf_token": token}).status_code == 403
    as_user(client, world.emails["bank"])
    token = csrf_token(client, "/pipeline/bank-offers")
    assert client.post(f"/pipeline/cards/{card_id}/move", data={"csrf_token": token, "stage": "lost"}).status_code \
        == 403
    assert client.post(f"/pipeline/needs/{world.ids['round']}/card", data={"csrf_token": token}).status_code == 403
    assert row_counts() == before
    assert run_in(lambda s: s.get(RoundCommitment, cid).confirmed_at) is None


def test_the_startup_confirms_and_rejects_on_its_commitments_page(client, run_in, world):
    card_id = add_card(run_in, world)
    record(run_in, world, card_id, amount=20 * M)
    follower_card = add_card(run_in, world, investor="follower")
    record(run_in, world, follower_card, amount=5 * M, lead=False, investor="follower")
    lead_c, follower_c = commitment_id(run_in, world), commitment_id(run_in, world, investor="follower")
    as_user(client, world.emails["founder"])
    html = client.get("/pipeline/commitments", headers=EN).get_data(as_text=True)
    assert html.count('data-testid="commitment-row"') == 2 and "Awaiting your confirmation" in html
    response = post(client, "/pipeline/commitments", f"/pipeline/commitments/{lead_c}/confirm", headers=EN)
    assert response.status_code == 302
    response = post(client, "/pipeline/commitments", f"/pipeline/commitments/{follower_c}/reject", headers=EN)
    assert response.status_code == 302
    assert run_in(lambda s: s.get(RoundCommitment, lead_c).confirmed_at) is not None
    assert run_in(lambda s: s.get(RoundCommitment, follower_c)) is None
    # a second confirmation is refused with a translated message, nothing changes
    response = post(client, "/pipeline/commitments", f"/pipeline/commitments/{lead_c}/confirm",
                    headers=EN, follow_redirects=True)
    assert "This commitment is already confirmed." in response.get_data(as_text=True)
    assert run_in(lambda s: s.scalar(sa.select(sa.func.count()).select_from(AuditEvent).where(
        AuditEvent.subject == AuditSubject.COMMITMENT, AuditEvent.subject_id == lead_c))) == 2


def test_the_need_page_include_adds_to_the_pipeline_once(app, client, run_in, world):
    as_user(client, world.emails["lead"])
    with app.test_request_context():
        from flask import render_template_string
        from flask_login import login_user

        user = db.session.scalar(sa.select(User).where(User.email == world.emails["lead"]))
        login_user(user)
        need_row = db.session.get(FundingNeed, world.ids["round"])
        html = render_template_string('{% include "pipeline/_need_actions.html" %}', need=need_row)
        db.session.remove()
    assert f'action="/pipeline/needs/{world.ids["round"]}/card"' in html
    response = post(client, "/pipeline/", f"/pipeline/needs/{world.ids['round']}/card", {"next": "/pipeline/"})
    assert response.status_code == 302 and response.location.endswith("/pipeline/")
    response = post(client, "/pipeline/", f"/pipeline/needs/{world.ids['round']}/card", headers=EN,
                    follow_redirects=True)
    assert "This need is already on your pipeline." in response.get_data(as_text=True)
    assert run_in(lambda s: s.scalar(sa.select(sa.func.count()).select_from(PipelineCard))) == 1
    assert post(client, "/pipeline/", "/pipeline/needs/999999/card").status_code == 404


# --- The API -----------------------------------------------------------------------------------

def test_the_api_reads_the_board_and_puts_a_need_on_it(app, client, run_in, world, row_counts):
    from tests.offer_helpers import bearer

    headers = bearer(app, world.emails["lead"])
    response = client.post("/api/v1/pipeline/cards", json={"need_id": world.ids["round"]}, headers=headers)
    assert response.status_code == 201, response.json
    assert (response.json["stage"], response.json["need"]["title"]) == ("sourced", "Lidar chip Series A")
    board = client.get("/api/v1/pipeline", headers=headers).json
    sourced = board["columns"][0]
    assert (sourced["stage"], sourced["count"], sourced["total"]) == ("sourced", 1, 50 * M)
    assert [c["stage"] for c in board["columns"]] == [s.value for s in PipelineStage]
    before = row_counts()
    again = client.post("/api/v1/pipeline/cards", json={"need_id": world.ids["round"]}, headers=headers)
    assert again.status_code == 409 and again.json["errors"]["need"] == ["This need is already on your pipeline."]
    for body, status in (({"need_id": "x"}, 422), ({}, 422), ({"need_id": 1, "note": "x"}, 422),
                         ({"need_id": 999_999}, 404)):
        assert client.post("/api/v1/pipeline/cards", json=body, headers=headers).status_code == status, body
    founder = bearer(app, world.emails["founder"])
    assert client.post("/api/v1/pipeline/cards", json={"need_id": world.ids["round"]}, headers=founder).status_code \
        == 403
    assert client.get("/api/v1/pipeline", headers=founder).status_code == 403
    assert row_counts() == {**before, "api_tokens": before["api_tokens"] + 1}
    outsider = client.get("/api/v1/pipeline", headers=bearer(app, world.emails["outsider"])).json
    assert sum(c["count"] for c in outsider["columns"]) == 0
