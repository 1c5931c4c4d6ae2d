"""The database itself refuses impossible rows, whatever code writes them."""
from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from marketplace.models import (
    Bank,
    FundingNeed,
    IncubationCapacity,
    Incubator,
    Investor,
    InvestorThesis,
    IPAsset,
    LoanProduct,
    OfferRevision,
    Organization,
    PledgeRate,
    Stage,
    Startup,
    User,
)
from marketplace.models.enums import Instrument, InvestorKind, IPKind, IPStatus, LoanKind


def stage(session, code="seed"):
    return session.scalar(sa.select(Stage).where(Stage.code == code))


def refused(session, *rows):
    session.add_all(rows)
    with pytest.raises(IntegrityError):
        session.flush()
    session.rollback()


def need(startup, stage_, **fields):
    values = {"instrument": Instrument.EQUITY, "title": "A round", "amount_min": 1_000_000,
              "amount_max": 5_000_000} | fields
    return FundingNeed(startup=startup, stage=stage_, **values)


@pytest.mark.parametrize("fields", [
    {"amount_min": -1}, {"amount_min": 6_000_000, "amount_max": 5_000_000},
    {"monthly_burn": -5}, {"runway_months": -1}, {"revenue_last_year": -1},
])
def test_impossible_funding_needs_are_refused(session, fields):
    refused(session, need(Startup(name="芯澜"), stage(session), **fields))


def test_a_sound_funding_need_is_stored(session):
    session.add(need(Startup(name="芯澜"), stage(session)))
    session.flush()
    assert session.scalar(sa.select(sa.func.count()).select_from(FundingNeed)) == 1


@pytest.mark.parametrize("fields", [{"seats_total": -1, "seats_taken": 0}, {"seats_total": 10, "seats_taken": 11},
                                    {"seats_total": 10, "seats_taken": -1},
                                    {"seats_total": 10, "ends_on": date(2025, 1, 1)}])
def test_impossible_seat_counts_are_refused(session, fields):
    values = {"title": "接力孵化", "seats_total": 10, "seats_taken": 0, "starts_on": date(2026, 1, 1),
              "ends_on": date(2026, 12, 31)} | fields
    refused(session, IncubationCapacity(incubator=Incubator(name="孵化器"), stage_min=stage(session),
                                        stage_max=stage(session, "series_a"), **values))


@pytest.mark.parametrize("fields", [{"ticket_min": 10, "ticket_max": 5}, {"ticket_min": -1}, {"fund_size": -1}])
def test_impossible_theses_are_refused(session, fields):
    values = {"ticket_min": 1, "ticket_max": 10} | fields
    refused(session, InvestorThesis(investor=Investor(name="资本", investor_kind=InvestorKind.VC), **values))


LINKED_LOAN = {"kind": LoanKind.LINKED, "name": "投贷联动", "amount_min": 1, "amount_max": 10, "rate_min_bps": 300,
               "rate_max_bps": 450, "term_months": 12, "loan_to_equity_ratio": Decimal("0.3")}


def test_a_sound_linked_loan_is_stored(session):
    session.add(LoanProduct(bank=Bank(name="科技支行"), **LINKED_LOAN))
    session.flush()


@pytest.mark.parametrize("fields", [{"rate_min_bps": 500, "rate_max_bps": 400}, {"amount_min": -1},
                                    {"term_months": 0}, {"warrant_coverage": 2}, {"loan_to_equity_ratio": 0},
                                    {"loan_to_equity_ratio": None},
                                    {"kind": LoanKind.IP_PLEDGE, "min_remaining_life_months": None}])
def test_impossible_loan_products_are_refused(session, fields):
    refused(session, LoanProduct(bank=Bank(name="科技支行"), **(LINKED_LOAN | fields)))


@pytest.mark.parametrize("offers", [(), ("product", "capacity")])
def test_an_offer_version_belongs_to_exactly_one_offer(session, offers):
    """A kept version of a loan product or a capacity names one of them, not both, not neither."""
    product = LoanProduct(bank=Bank(name="科技支行"), **LINKED_LOAN)
    capacity = IncubationCapacity(incubator=Incubator(name="孵化器"), title="接力孵化", stage_min=stage(session),
                                  stage_max=stage(session, "series_a"), seats_total=10, starts_on=date(2026, 1, 1),
                                  ends_on=date(2026, 12, 31))
    session.add_all([product, capacity])
    session.flush()
    owners = {"product_id": product.id, "capacity_id": capacity.id}
    now = datetime(2026, 12, 7, tzinfo=UTC)
    session.add(OfferRevision(product_id=product.id, declared_at=now, replaced_at=now, terms={}))
    session.flush()
    refused(session, OfferRevision(**{f"{o}_id": owners[f"{o}_id"] for o in offers}, declared_at=now,
                                   replaced_at=now, terms={}))


def test_a_pledge_rate_above_one_is_refused(session):
    product = LoanProduct(bank=Bank(name="科技支行"), kind=LoanKind.IP_PLEDGE, name="知识产权质押", amount_min=1,
                          amount_max=10, rate_min_bps=300, rate_max_bps=450, term_months=12,
                          min_remaining_life_months=36)
    product.pledge_rates.append(PledgeRate(ip_kind=IPKind.INVENTION, rate=Decimal("1.5")))
    refused(session, product)


GRANTED_PATENT = {"kind": IPKind.INVENTION, "number": "ZL202310123456.7", "title": "芯片", "status": IPStatus.GRANTED,
                  "filed_on": date(2023, 3, 1), "granted_on": date(2024, 6, 1), "expires_on": date(2043, 3, 1),
                  "appraised_value": 2_000_000, "appraised_on": date(2025, 1, 1)}


def test_a_sound_patent_is_stored(session):
    session.add(IPAsset(startup=Startup(name="芯澜"), **GRANTED_PATENT))
    session.flush()


@pytest.mark.parametrize("fields", [
    {"appraised_value": -1},
    {"granted_on": date(2020, 1, 1), "expires_on": date(2019, 1, 1)},
    {"filed_on": date(2021, 1, 1), "granted_on": date(2020, 1, 1)},
    {"granted_on": None},
    {"appraised_value": None},
])
def test_impossible_ip_assets_are_refused(session, fields):
    refused(session, IPAsset(startup=Startup(name="芯澜"), **(GRANTED_PATENT | fields)))


def test_an_ip_number_is_unique_per_kind(session):
    startup = Startup(name="芯澜")
    session.add(IPAsset(startup=startup, kind=IPKind.INVENTION, number="ZL202310123456.7", title="a",
                        status=IPStatus.FILED))
    session.flush()
    refused(session, IPAsset(startup=startup, kind=IPKind.INVENTION, number="ZL202310123456.7", title="b",
                             status=IPStatus.FILED))


def test_emails_are_unique_and_stored_lower_case(session):
    org = Startup(name="芯澜")
    session.add(User(email="a@example.org", password_hash="x", organization=org))
    session.flush()
    refused(session, User(email="a@example.org", password_hash="x", organization=Startup(name="b")))
    refused(session, User(email="B@example.org", password_hash="x", organization=Startup(name="c")))


def test_deleting_an_organization_removes_its_users_and_listings(session):
    startup = Startup(name="芯澜")
    session.add_all([User(email="a@example.org", password_hash="x", organization=startup),
                     need(startup, stage(session))])
    session.flush()
    session.execute(sa.delete(Organization).where(Organization.id == startup.id))
    session.expire_all()
    assert session.scalar(sa.select(sa.func.count()).select_from(User)) == 0
    assert session.scalar(sa.select(sa.func.count()).select_from(FundingNeed)) == 0


def test_a_stage_in_use_cannot_be_deleted(session):
    seed = stage(session)
    session.add(need(Startup(name="芯澜"), seed))
    session.flush()
    with pytest.raises(IntegrityError):
        session.execute(sa.delete(Stage).where(Stage.id == seed.id))
    session.rollback()
