"""Schemathesis fuzzes the API in-process from its own OpenAPI document.

Fixed seed (derandomized), 200 cases per write operation and 40 per read; each case is sent
by a user of a role the operation serves, with path ids pointing at that user's own
objects, so that bodies get past ownership checks and are really validated. No case may get
a 5xx or a response that breaks the document.
"""
from __future__ import annotations

import re
from datetime import date

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
    FundingNeed,
    IncubationCapacity,
    InvestorThesis,
    IPAsset,
    LoanProduct,
    Stage,
    User,
)
from marketplace.models.enums import Instrument, IPKind, IPStatus, LoanKind, NeedStatus, Role
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
    elif user.role == Role.INVESTOR:
        session.add(InvestorThesis(investor=org, ticket_min=1, ticket_max=10_000_000))
        ids |= _intro_objects(session, seed=seed)
    elif user.role == Role.BANK:
        product = LoanProduct(bank=org, kind=LoanKind.CREDIT, name="Fuzz credit", amount_min=1, amount_max=5_000_000,
                              rate_min_bps=300, rate_max_bps=500, term_months=12)
        session.add(product)
        session.flush()
        ids["product_id"] = product.id
    elif user.role == Role.INCUBATOR:
        capacity = IncubationCapacity(incubator=org, title="Fuzz seats", stage_min=seed, stage_max=series_a,
                                      seats_total=10, starts_on=date(2026, 1, 1), ends_on=date(2027, 12, 31))
        session.add(capacity)
        session.flush()
        ids["capacity_id"] = capacity.id
        ids["reservation_id"] = _relay_objects(session, seed, series_a, capacity=capacity)["reservation_id"]
    session.commit()
    return ids


def _relay_objects(session, seed, series_a, *, startup=None, capacity=None) -> dict[str, int]:
    """Relay incubation: another incubator's offer the startup reserves on, or a startup's
    pending reservation of the incubator's own offer."""
    from marketplace.models import Incubator, Startup
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
    from marketplace.models import Introduction, Investor, Startup
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


def send(case, callers) -> None:
    path = case.operation.path.removeprefix("/api/v1")
    operation = next(op for op in OPERATIONS if re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", op.path) == path
                     and op.method == case.operation.method.lower())
    token, ids = callers[operation.roles[0] if operation.roles else Role.STARTUP]
    if case.path_parameters:
        case.path_parameters = {name: ids.get(name, value) for name, value in case.path_parameters.items()}
    case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=CHECKS)


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.include(method=WRITES).parametrize()
@settings(max_examples=200, **FUZZ)
def test_writes_never_fail_on_the_server_nor_break_the_document(case, callers):
    send(case, callers)


@schema.exclude(method=WRITES).parametrize()
@settings(max_examples=40, **FUZZ)
def test_reads_never_fail_on_the_server_nor_break_the_document(case, callers):
    send(case, callers)
