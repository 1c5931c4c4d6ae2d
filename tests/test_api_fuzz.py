"""Schemathesis fuzzes the API in-process from its own OpenAPI document.

Fixed seed (derandomized), 200 cases per write operation that reads a body or a query, 5 per
other write (every case of one is the same request) and 40 per read; each case is sent
by a user of a role the operation serves, with path ids pointing at that user's own
objects, so that bodies get past ownership checks and are really validated. No case may get
a 5xx or a response that breaks the document.

Reads run on both databases (their searches differ); writes on one (``one_database`` in
conftest: PostgreSQL when the suite has it, as in CI; else SQLite).
"""
from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
import schemathesis
import sqlalchemy as sa
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from marketplace.api.blueprint import OPERATIONS
from marketplace.extensions import db
from marketplace.models import (
    Bank,
    FundingNeed,
    IncubationCapacity,
    Investor,
    InvestorThesis,
    IPAsset,
    LoanOffer,
    LoanProduct,
    Notification,
    PipelineCard,
    RoundCommitment,
    Stage,
    Startup,
    User,
)
from marketplace.models.base import utcnow
from marketplace.models.enums import (
    CommitmentKind,
    Instrument,
    InvestorKind,
    IPKind,
    IPStatus,
    LoanKind,
    NeedStatus,
    NotificationKind,
    OfferStatus,
    Role,
)
from marketplace.services import tokens
from tests.conftest import create_account

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
FUZZ = dict(derandomize=True, deadline=None, database=None,
            suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                   HealthCheck.filter_too_much, HealthCheck.data_too_large])
WRITES = ["POST", "PUT", "PATCH", "DELETE"]


def own_objects(session, user: User) -> dict[str, int]:
    """One object of each kind the user's organization may own, named as the API's path ids."""
    org = user.organization
    seed, series_a = (session.scalar(sa.select(Stage).where(Stage.code == c)) for c in ("seed", "series_a"))
    ids = {"org_id": org.id}
    if user.role == Role.STARTUP:
        need = FundingNeed(startup=org, stage=seed, instrument=Instrument.EQUITY, title="Fuzz round",
                           amount_min=1_000_000, amount_max=3_000_000, status=NeedStatus.OPEN)
        asset = IPAsset(startup=org, kind=IPKind.SOFTWARE_COPYRIGHT, number="2024SR0000001", title="Fuzz",
                        status=IPStatus.FILED)
        session.add_all([need, asset])
        session.flush()
        ids |= {"need_id": need.id, "asset_id": asset.id}
        ids |= _relay_objects(session, seed, series_a, startup=org)
        ids |= _intro_objects(session, need=need)
        ids |= _deal_objects(session, need=need)
    elif user.role == Role.INVESTOR:
        session.add(InvestorThesis(investor=org, ticket_min=1, ticket_max=10_000_000))
        ids |= _intro_objects(session, seed=seed)
        card = PipelineCard(investor_id=org.id, need_id=ids["need_id"])
        session.add(card)
        session.flush()
        ids["card_id"] = card.id
    elif user.role == Role.BANK:
        product = LoanProduct(bank=org, kind=LoanKind.CREDIT, name="Fuzz credit", amount_min=1, amount_max=5_000_000,
                              rate_min_bps=300, rate_max_bps=500, term_months=12)
        session.add(product)
        session.flush()
        ids["product_id"] = product.id
        other = FundingNeed(startup=Startup(name="Fuzz borrower"), stage=seed, instrument=Instrument.EQUITY,
                            title="Fuzz linked round", amount_min=1_000_000, amount_max=3_000_000,
                            status=NeedStatus.OPEN)
        ids |= _deal_objects(session, need=other, bank=org)
    elif user.role == Role.INCUBATOR:
        capacity = IncubationCapacity(incubator=org, title="Fuzz seats", stage_min=seed, stage_max=series_a,
                                      seats_total=10, starts_on=date(2026, 1, 1), ends_on=date(2027, 12, 31))
        session.add(capacity)
        session.flush()
        ids["capacity_id"] = capacity.id
        ids["reservation_id"] = _relay_objects(session, seed, series_a, capacity=capacity)["reservation_id"]
    note = Notification(user_id=user.id, kind=NotificationKind.MESSAGE, event="posted",
                        params={"org": {"zh_Hans": "模糊", "en": "Fuzz"}, "need": "Fuzz"}, link="/")
    session.add(note)
    session.flush()
    ids["notification_id"] = note.id
    session.commit()
    return ids


def _deal_objects(session, *, need, bank=None) -> dict[str, int]:
    """A term sheet on the startup's round waiting for its answer, and a linked loan (applied for,
    so that every move of either side is tried) riding on a confirmed lead."""
    lead = RoundCommitment(need=need, investor=Investor(name="Fuzz lead", investor_kind=InvestorKind.VC),
                           kind=CommitmentKind.TERM_SHEET, amount=2_000_000, is_lead=True, confirmed_at=utcnow())
    waiting = RoundCommitment(need=need, investor=Investor(name="Fuzz follower", investor_kind=InvestorKind.VC),
                              kind=CommitmentKind.TERM_SHEET, amount=1_000_000)
    product = LoanProduct(bank=bank or Bank(name="Fuzz lender"), kind=LoanKind.LINKED, name="Fuzz linked",
                          amount_min=1, amount_max=5_000_000, rate_min_bps=300, rate_max_bps=500, term_months=12,
                          loan_to_equity_ratio=Decimal("0.5"))
    offer = LoanOffer(product=product, need=need, commitment=lead, amount=1_000_000, status=OfferStatus.APPLIED)
    session.add_all([lead, waiting, offer])
    session.flush()
    return {"commitment_id": waiting.id, "offer_id": offer.id}


def _relay_objects(session, seed, series_a, *, startup=None, capacity=None) -> dict[str, int]:
    """Relay incubation: another incubator's offer the startup reserves on, or a startup's
    pending reservation of the incubator's own offer."""
    from marketplace.models import Incubator
    from marketplace.models.enums import ReservationStatus
    from marketplace.models.relay import Reservation

    if capacity is None:
        capacity = IncubationCapacity(incubator=Incubator(name="Fuzz relay incubator"), title="Fuzz relay",
                                      stage_min=seed, stage_max=series_a, seats_total=50,
                                      starts_on=date(2026, 1, 1), ends_on=date(2099, 12, 31))
    startup = startup or Startup(name="Fuzz relay startup")
    capacity.seats_taken = (capacity.seats_taken or 0) + 1
    reservation = Reservation(capacity=capacity, startup=startup, status=ReservationStatus.PENDING, message="")
    session.add(reservation)
    session.flush()
    return {"capacity_id": capacity.id, "reservation_id": reservation.id}


def _intro_objects(session, *, need=None, seed=None) -> dict[str, int]:
    """Introductions: an accepted one on the startup's need (from another investor), so that its
    answers, withdrawal and messages are really tried; or another startup's open need an investor
    may ask about."""
    from marketplace.models import Introduction
    from marketplace.models.enums import InvestorKind, IntroStatus

    if need is not None:
        intro = Introduction(need=need, requester=Investor(name="Fuzz intro investor", investor_kind=InvestorKind.VC),
                             message="Fuzz", status=IntroStatus.ACCEPTED)
        session.add(intro)
        session.flush()
        return {"intro_id": intro.id}
    other = FundingNeed(startup=Startup(name="Fuzz intro startup"), stage=seed, instrument=Instrument.EQUITY,
                        title="Fuzz intro round", amount_min=1_000_000, amount_max=3_000_000, status=NeedStatus.OPEN)
    session.add(other)
    session.flush()
    return {"need_id": other.id}


@pytest.fixture
def api_schema(app):
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)


@pytest.fixture
def callers(app) -> dict[Role, tuple[str, dict[str, int]]]:
    made = {}
    for role in Role:
        email = create_account(app, role.value, f"fuzz-{role.value}@example.org")
        with app.app_context():
            user = db.session.scalar(sa.select(User).where(User.email == email))
            _, raw = tokens.create(db.session, user, name="fuzz")
            made[role] = (raw, own_objects(db.session, user))
            db.session.remove()
    return made


def _operation(method: str, path: str):
    """The API's own description of the operation schemathesis names (its path in OpenAPI form);
    None for the document and its page."""
    path = path.removeprefix("/api/v1")
    return next((op for op in OPERATIONS if re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", op.path) == path
                 and op.method == method.lower()), None)


def _write(ctx, *, with_input: bool) -> bool:
    """A write operation that reads a body or a query (``with_input``), or one that reads neither:
    that one sends the same request in every case (``send`` points its path at the caller's own
    objects), so a few cases suffice."""
    operation = _operation(ctx.operation.method, ctx.operation.path)
    if operation is None or operation.method.upper() not in WRITES:
        return False
    return (operation.body is not None or operation.query is not None) == with_input


# The writes that read input, in two halves of about equal time, so that xdist can run them side
# by side (one item of them all was the longest of the suite).
LISTING_TAGS = {"needs", "loan products", "incubation capacity", "ip-assets"}


def listing_writes(ctx) -> bool:
    return _write(ctx, with_input=True) and _operation(ctx.operation.method, ctx.operation.path).tag in LISTING_TAGS


def other_writes(ctx) -> bool:
    return _write(ctx, with_input=True) and _operation(ctx.operation.method, ctx.operation.path).tag not in LISTING_TAGS


def writes_without_input(ctx) -> bool:
    return _write(ctx, with_input=False)


def send(case, callers) -> None:
    operation = _operation(case.operation.method, case.operation.path)
    token, ids = callers[operation.roles[0] if operation.roles else Role.STARTUP]
    if case.path_parameters:
        case.path_parameters = {name: ids.get(name, value) for name, value in case.path_parameters.items()}
    case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=CHECKS)


schema = schemathesis.pytest.from_fixture("api_schema")


@pytest.mark.one_database
@schema.include(listing_writes).parametrize()
@settings(max_examples=200, **FUZZ)
def test_listing_writes_never_fail_on_the_server_nor_break_the_document(case, callers):
    send(case, callers)


@pytest.mark.one_database
@schema.include(other_writes).parametrize()
@settings(max_examples=200, **FUZZ)
def test_other_writes_never_fail_on_the_server_nor_break_the_document(case, callers):
    send(case, callers)


@pytest.mark.one_database
@schema.include(writes_without_input).parametrize()
@settings(max_examples=5, **FUZZ)
def test_writes_without_a_body_never_fail_on_the_server_nor_break_the_document(case, callers):
    send(case, callers)


@schema.exclude(method=WRITES).parametrize()
@settings(max_examples=40, **FUZZ)
def test_reads_never_fail_on_the_server_nor_break_the_document(case, callers):
    send(case, callers)
