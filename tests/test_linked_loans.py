"""投贷联动: a confirmed lead on an equity round offers the linked loans the startup is eligible
for, sized on the round's confirmed equity; the offer then moves between the startup and the bank."""
from __future__ import annotations

import re

import pytest
from flask_babel import force_locale
import sqlalchemy as sa

from marketplace.errors import Conflict, NotFound
from marketplace.models import LoanProduct, Notification, User
from marketplace.models.deals import LoanOffer
from marketplace.models.enums import AuditSubject, NotificationKind, OfferStatus, PipelineStage
from marketplace.services import audit, linked_loans, pipeline
from tests.offer_helpers import EN
from tests.test_deal_flow import M
from tests.test_pipeline import add_card, as_user, commitment_id, post, record, world  # noqa: F401

WRITE_ROUTES = [
    "/pipeline/offers/<int:offer_id>/apply",
    "/pipeline/offers/<int:offer_id>/decline",
    "/pipeline/offers/<int:offer_id>/approve",
    "/pipeline/offers/<int:offer_id>/disburse",
]

# What each party gets for each move of an offer it may not make (403: not its role's move; 404:
# the offer is not its own, or the move is not its side's), and for reading the offer.
REFUSED = {"rival": {"apply": 404, "decline": 404, "approve": 403, "disburse": 403},
           "other_bank": {"apply": 403, "decline": 404, "approve": 404, "disburse": 404},
           "lead": {"apply": 403, "decline": 403, "approve": 403, "disburse": 403},
           "founder": {"approve": 403, "disburse": 403},
           "bank": {"apply": 403}}
READ_STATUS = {"rival": 404, "other_bank": 404, "lead": 403, "founder": 200, "bank": 200}


def commit(run_in, world, investor="lead", amount=20 * M, lead=True, confirm=True,
           stage=PipelineStage.TERM_SHEET) -> int:
    """The investor records a commitment on the round (through its card); the startup confirms it."""
    card = run_in(lambda s: pipeline.card_for_need(s, world.ids[investor], world.ids["round"]))
    card_id = card.id if card is not None else add_card(run_in, world, investor=investor)
    record(run_in, world, card_id, stage=stage, amount=amount, lead=lead, investor=investor)
    cid = commitment_id(run_in, world, investor=investor)
    if confirm:
        run_in(lambda s: pipeline.confirm(s, world.ids["founder"], None, cid))
    return cid


def offers(run_in, world) -> dict[str, tuple[int, str]]:
    """Product name -> (amount, status) of the round's offers."""
    return dict(run_in(lambda s: [(o.product.name, (o.amount, o.status.value)) for o in s.scalars(
        sa.select(LoanOffer).where(LoanOffer.need_id == world.ids["round"]))]))


def offer_id(run_in, world, product="linked") -> int:
    return run_in(lambda s: s.scalar(sa.select(LoanOffer.id).where(
        LoanOffer.product_id == world.ids[product], LoanOffer.need_id == world.ids["round"])))


def test_no_offer_before_a_lead_is_confirmed(run_in, world):
    commit(run_in, world, lead=True, confirm=False)
    commit(run_in, world, investor="follower", amount=5 * M, lead=False)
    assert offers(run_in, world) == {}


def test_a_confirmed_lead_offers_the_eligible_products_sized_and_capped(run_in, world):
    commit(run_in, world, amount=20 * M)
    # 0.5 x 20M = 10M within [1M, 20M]; the small product caps at 3M; the angel-only product
    # wants an angel lead; the biotech product another sector; the large one a 100M minimum;
    # the withdrawn one is not active.
    assert offers(run_in, world) == {"Chip linked loan": (10 * M, "offered"), "Small linked loan": (3 * M, "offered")}

    def check(s):
        offer = s.get(LoanOffer, offer_id(lambda f: f(s), world))
        assert offer.commitment.investor_id == world.ids["lead"]
        assert linked_loans.warrant_value(offer) == 1 * M  # 10% coverage of 10M
        for who in ("founder", "bank"):
            assert [e.event.action for e in audit.history(s, AuditSubject.OFFER, offer.id, world.ids[who])] == \
                ["offered"]
        assert audit.history(s, AuditSubject.OFFER, offer.id, world.ids["lead"]) == []
        told = s.scalars(sa.select(User.organization_id).join(Notification, Notification.user_id == User.id).where(
            Notification.kind == NotificationKind.OFFER)).all()
        assert sorted(told) == sorted([world.ids["founder"], world.ids["bank"], world.ids["founder"],
                                       world.ids["other_bank"]])

    run_in(check)


def test_the_size_is_the_sum_of_the_confirmed_commitments_and_grows_while_offered(run_in, world):
    commit(run_in, world, amount=12 * M)
    assert offers(run_in, world)["Chip linked loan"] == (6 * M, "offered")
    commit(run_in, world, investor="follower", amount=8 * M, lead=False, confirm=False)
    assert offers(run_in, world)["Chip linked loan"] == (6 * M, "offered")  # not confirmed: counts nothing
    run_in(lambda s: pipeline.confirm(s, world.ids["founder"], None, commitment_id(run_in, world, "follower")))
    assert offers(run_in, world)["Chip linked loan"] == (10 * M, "offered")
    assert run_in(lambda s: linked_loans.confirmed_equity(s, world.ids["round"])) == 20 * M


def test_an_applied_offer_keeps_its_amount_and_its_page_says_what_it_would_be_today(client, run_in, world):
    commit(run_in, world, amount=12 * M)  # ratio 0.5: CNY 6M
    oid = offer_id(run_in, world)
    page = f"/pipeline/offers/{oid}"
    as_user(client, world.emails["founder"])
    html = client.get(page, headers=EN).get_data(as_text=True)
    assert "It is sized again when another commitment is confirmed" in html and "sized-when-applied" not in html
    assert post(client, page, f"{page}/apply").status_code == 302
    commit(run_in, world, investor="follower", amount=8 * M, lead=False)
    assert offers(run_in, world)["Chip linked loan"] == (6 * M, "applied")
    html = client.get(page, headers=EN).get_data(as_text=True)
    assert re.search(r'data-testid="offer-amount">CNY 6M<', html) and "Loan-to-equity ratio</dt><dd" in html
    assert re.search(r'data-testid="sized-when-applied">The amount is the one applied for; at the confirmed equity of '
                     r'today it would be CNY 10M\.<', html)
    assert ">50%<" in html  # the ratio, as the bank's product list words it


def test_an_angel_lead_opens_the_angel_product(run_in, world):
    commit(run_in, world, investor="follower", amount=4 * M, lead=True)
    assert offers(run_in, world) == {"Angel-backed loan": (2 * M, "offered"), "Small linked loan": (2 * M, "offered")}


def test_below_the_minimum_nothing_is_offered(run_in, world):
    commit(run_in, world, amount=1 * M)  # 0.5M, below every product's 1M minimum
    assert offers(run_in, world) == {}


def test_the_offer_moves_through_its_states_and_refuses_illegal_moves(run_in, world):
    commit(run_in, world)
    oid = offer_id(run_in, world)

    def check(s):
        founder, bank = world.ids["founder"], world.ids["bank"]
        with pytest.raises(Conflict) as error:
            linked_loans.act(s, bank, None, oid, "approve")  # not applied yet
        with force_locale("en"):
            assert str(error.value.errors["status"][0]) == "A loan offer that is Offered cannot be moved to Approved."
        s.rollback()
        with pytest.raises(NotFound):
            linked_loans.act(s, founder, None, oid, "approve")  # not the startup's move
        s.rollback()
        with pytest.raises(NotFound):
            linked_loans.act(s, world.ids["other_bank"], None, oid, "apply")  # another bank's offer
        s.rollback()
        assert linked_loans.act(s, founder, None, oid, "apply").status == OfferStatus.APPLIED
        with pytest.raises(Conflict):
            linked_loans.act(s, founder, None, oid, "decline")
        s.rollback()
        assert linked_loans.act(s, bank, None, oid, "approve").status == OfferStatus.APPROVED
        assert linked_loans.act(s, bank, None, oid, "disburse").status == OfferStatus.DISBURSED
        with pytest.raises(Conflict):
            linked_loans.act(s, bank, None, oid, "disburse")
        s.rollback()
        moves = [(e.event.action, e.event.from_state, e.event.to_state)
                 for e in audit.history(s, AuditSubject.OFFER, oid, founder)]
        assert moves == [("offered", None, "offered"), ("apply", "offered", "applied"),
                         ("approve", "applied", "approved"), ("disburse", "approved", "disbursed")]
        assert linked_loans.disbursed_total(s) == 10 * M

    run_in(check)


def test_a_confirmed_commitment_with_offers_cannot_be_rejected_after_a_change(run_in, world):
    cid = commit(run_in, world)
    commit(run_in, world, amount=30 * M, confirm=False)  # changed: waits for the startup again

    def check(s):
        with pytest.raises(Conflict):
            pipeline.reject(s, world.ids["founder"], None, cid)
        s.rollback()
        assert s.scalar(sa.select(sa.func.count()).select_from(LoanOffer)) == 2

    run_in(check)


# --- The pages ---------------------------------------------------------------------------------

def test_the_startup_applies_and_the_bank_approves_and_disburses_on_the_pages(client, run_in, world):
    commit(run_in, world)
    oid = offer_id(run_in, world)
    as_user(client, world.emails["founder"])
    html = client.get("/pipeline/offers", headers=EN).get_data(as_text=True)
    assert "Chip linked loan" in html and "Small linked loan" in html and "CNY 10M" in html
    page = f"/pipeline/offers/{oid}"
    html = client.get(page, headers=EN).get_data(as_text=True)
    assert re.search(r'data-testid="warrant">10% coverage: warrants worth CNY 1M<', html)
    assert 'data-testid="offer-apply"' in html and 'data-testid="offer-approve"' not in html
    assert post(client, page, f"{page}/apply").status_code == 302
    as_user(client, world.emails["bank"])
    html = client.get("/pipeline/bank-offers", headers=EN).get_data(as_text=True)
    assert "Chip linked loan" in html and "Founder Org" in html and "Small linked loan" not in html
    html = client.get(page, headers=EN).get_data(as_text=True)
    linked = html.split('data-testid="linked-round"')[1]
    assert "Lidar chip Series A" in linked and "Lead Org" in linked and "Venture capital" in linked
    assert re.search(r'data-testid="confirmed-equity">CNY 20M<', linked)
    # approving, declining and disbursing ask first, saying what is about to happen to whom
    approve = html.split('data-testid="offer-approve"')[1].split("</details>")[0]
    assert "Approve a loan of CNY 10M to Founder Org? The startup is told at once." in approve
    assert f'action="{page}/approve"' in approve
    assert "This cannot be undone." in html.split('data-testid="offer-decline"')[1].split("</details>")[0]
    assert post(client, page, f"{page}/approve").status_code == 302
    response = post(client, page, f"{page}/approve", headers=EN, follow_redirects=True)
    assert "A loan offer that is Approved cannot be moved to Approved." in response.get_data(as_text=True)
    disburse = client.get(page, headers=EN).get_data(as_text=True).split('data-testid="offer-disburse"')[1]
    assert "Mark CNY 10M as disbursed to Founder Org? This cannot be undone." in disburse.split("</details>")[0]
    assert post(client, page, f"{page}/disburse").status_code == 302
    assert offers(run_in, world)["Chip linked loan"] == (10 * M, "disbursed")
    assert 'data-testid="audit-log"' in client.get(page).get_data(as_text=True)


def test_offer_routes_refuse_other_organizations_and_sides(client, run_in, world, row_counts):
    commit(run_in, world)
    oid = offer_id(run_in, world)
    before = row_counts()
    for who, expected in REFUSED.items():
        as_user(client, world.emails[who])
        assert client.get(f"/pipeline/offers/{oid}").status_code == READ_STATUS[who]
        token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/").get_data(as_text=True)).group(1)
        for action, status in expected.items():
            assert client.post(f"/pipeline/offers/{oid}/{action}", data={"csrf_token": token}).status_code \
                == status, (who, action)
    assert row_counts() == before
    assert offers(run_in, world)["Chip linked loan"] == (10 * M, "offered")


def test_withdrawing_a_product_after_the_offer_keeps_the_offer(run_in, world):
    commit(run_in, world)

    def check(s):
        s.get(LoanProduct, world.ids["linked"]).is_active = False
        s.commit()
        linked_loans.offer_on(s, s.get(LoanOffer, offer_id(lambda f: f(s), world)).need)
        s.commit()

    run_in(check)
    assert offers(run_in, world)["Chip linked loan"] == (10 * M, "offered")


def test_the_park_home_counts_confirmed_equity_and_disbursed_linked_loans(app, client, run_in, world):
    from marketplace.models import Park, Startup
    from tests.conftest import create_account

    operator = create_account(app, "operator", "operator@example.org", park="zhangjiang_core")

    def move_to_park(s):
        s.get(Startup, world.ids["founder"]).park = s.scalar(sa.select(Park).where(Park.code == "zhangjiang_core"))
        s.commit()

    run_in(move_to_park)
    commit(run_in, world, amount=20 * M)
    oid = offer_id(run_in, world)
    for org, action in (("founder", "apply"), ("bank", "approve"), ("bank", "disburse")):
        run_in(lambda s: linked_loans.act(s, world.ids[org], None, oid, action))
    as_user(client, operator)
    html = client.get("/park/", headers=EN).get_data(as_text=True)
    assert re.search(r'data-testid="confirmed-equity">CNY 20M<', html)
    assert re.search(r'data-testid="linked-disbursed">CNY 10M<', html)
    assert run_in(lambda s: (linked_loans.confirmed_equity_total(s, None), linked_loans.disbursed_total(s, 999))) \
        == (20 * M, 0)
