"""The demo marketplace as each login finds it, checked on one load that the module's tests share.

Loading the demo takes seconds; these tests only read it, so it is loaded once per database
backend into a database of the module's own, and each test still runs inside a transaction
that is rolled back (``app`` below replaces the suite's). Loading itself is tested in
test_demo.py.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from sqlalchemy.orm import Session

from marketplace.extensions import db
from marketplace.models import (
    Bank,
    FundingNeed,
    IncubationCapacity,
    Incubator,
    Introduction,
    Investor,
    InvestorThesis,
    IPAsset,
    LoanOffer,
    LoanProduct,
    Park,
    PipelineCard,
    RoundCommitment,
    Sector,
    Stage,
    Startup,
    User,
)
from marketplace.models.base import utcnow
from marketplace.models.enums import (
    Instrument,
    IntroStatus,
    InvestorKind,
    IPKind,
    IPStatus,
    LoanKind,
    PipelineStage,
    ReservationStatus,
    Role,
)
from marketplace.models.organizations import startup_sectors
from marketplace.models.relay import Reservation
from marketplace.services import accounts, demo, desk, intros, linked_loans, pipeline, relay
from tests.conftest import make_app, own_database, rolled_back
from tests.test_demo import SEED, count, password  # noqa: F401 (password: the fixture)


@pytest.fixture(scope="module")
def demo_database(database_url: str,
                  tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, demo.DemoSummary]]:
    """A database of the module's own with the demo loaded (commits real), and what the load reported."""
    with own_database(database_url, tmp_path_factory.mktemp("demo"), "demo") as url:
        app = make_app(url)
        with app.app_context():
            summary = demo.load(db.session, seed=SEED, password=app.config["DEMO_PASSWORD"])
            db.session.remove()
            db.engine.dispose()
        yield url, summary


@pytest.fixture
def app(demo_database: tuple[str, demo.DemoSummary], tmp_path: Path) -> Iterator[Flask]:
    app = make_app(demo_database[0])
    app.instance_path = str(tmp_path / "instance")
    with rolled_back(app):
        yield app


@pytest.fixture
def loaded(demo_database: tuple[str, demo.DemoSummary]) -> demo.DemoSummary:
    return demo_database[1]


def test_startups_cover_every_sector_stage_and_park(session: Session, loaded: demo.DemoSummary) -> None:
    assert not demo.is_empty(session)
    assert count(session, sa.select(Startup.id)) == loaded.startups >= 300
    assert count(session, sa.select(startup_sectors.c.sector_id).distinct()) == count(session, sa.select(Sector.id))
    assert count(session, sa.select(Startup.stage_id).distinct()) == count(session, sa.select(Stage.id)) == 7
    assert count(session, sa.select(Startup.park_id).distinct()) == count(session, sa.select(Park.id)) == 22


def test_needs_use_every_instrument(session: Session, loaded: demo.DemoSummary) -> None:
    assert count(session, sa.select(FundingNeed.id)) == loaded.funding_needs >= loaded.startups
    assert set(session.scalars(sa.select(FundingNeed.instrument).distinct())) == set(Instrument)
    assert count(session, sa.select(Startup.id).where(~Startup.id.in_(sa.select(FundingNeed.startup_id)))) == 0


def test_an_ip_pledge_need_counts_its_granted_assets_in_good_english(session: Session,
                                                                     loaded: demo.DemoSummary) -> None:
    summaries = list(session.scalars(sa.select(FundingNeed.summary_en).where(
        FundingNeed.instrument == Instrument.IP_PLEDGE_LOAN)))
    counts = [re.search(r"holds (\d+) granted IP (assets?) ", text).groups() for text in summaries]
    assert counts and all((n == "1") == (noun == "asset") for n, noun in counts)


def test_investors_of_every_kind_each_have_a_thesis(session: Session, loaded: demo.DemoSummary) -> None:
    assert count(session, sa.select(Investor.id)) == loaded.investors == 60
    assert set(session.scalars(sa.select(Investor.investor_kind).distinct())) == set(InvestorKind)
    assert count(session, sa.select(InvestorThesis.id)) == 60


def test_banks_offer_every_kind_of_loan(session: Session, loaded: demo.DemoSummary) -> None:
    assert count(session, sa.select(Bank.id)) == loaded.banks == 10
    kinds_per_bank = session.execute(
        sa.select(LoanProduct.bank_id, sa.func.count(LoanProduct.kind.distinct())).group_by(LoanProduct.bank_id)
    ).all()
    assert len(kinds_per_bank) == 10
    assert all(kinds == len(LoanKind) for _, kinds in kinds_per_bank)


def test_incubators_all_offer_capacity(session: Session, loaded: demo.DemoSummary) -> None:
    assert count(session, sa.select(Incubator.id)) == loaded.incubators == 20
    assert count(session, sa.select(IncubationCapacity.incubator_id).distinct()) == 20
    with_seats_left = sa.select(IncubationCapacity.id).where(
        IncubationCapacity.is_open, IncubationCapacity.seats_taken < IncubationCapacity.seats_total
    )
    assert count(session, with_seats_left) > loaded.capacities / 2


def test_ip_numbers_follow_the_official_formats(session: Session, loaded: demo.DemoSummary) -> None:
    patent = re.compile(r"ZL(\d{4})([123])\d{7}\.[\dX]")
    software = re.compile(r"\d{4}SR\d{7}")
    type_digits = {IPKind.INVENTION: "1", IPKind.UTILITY_MODEL: "2", IPKind.DESIGN: "3"}
    assets = session.scalars(sa.select(IPAsset)).all()
    assert len(assets) == loaded.ip_assets
    assert {a.kind for a in assets} == set(IPKind)
    for asset in assets:
        if asset.kind == IPKind.SOFTWARE_COPYRIGHT:
            assert software.fullmatch(asset.number), asset.number
        else:
            match = patent.fullmatch(asset.number)
            assert match and asset.filed_on, asset.number
            assert match[1] == str(asset.filed_on.year) and match[2] == type_digits[asset.kind]


def test_the_six_logins_are_listed_in_order_and_authenticate(session: Session, loaded: demo.DemoSummary,
                                                              password: str) -> None:
    listed = demo.logins(session)
    assert [role for role, _ in listed] == ["startup", "investor", "bank", "incubator", "operator", "admin"]
    for role, email in listed:
        user = accounts.authenticate(session, email, password)
        assert user is not None, email
        assert user.role.value == role
    operator = accounts.find_by_email(session, "operator@demo.zjmatch.cn")
    admin = accounts.find_by_email(session, "admin@demo.zjmatch.cn")
    assert operator and operator.organization.park and operator.organization.park.code == "zhangjiang_core"
    assert admin and admin.is_admin and admin.organization.park is None
    assert accounts.authenticate(session, listed[0][1], "not the demo password") is None


def test_each_login_shows_a_rich_organization(session: Session, loaded: demo.DemoSummary) -> None:
    def organization_id(role: Role) -> int:
        return session.scalars(
            sa.select(User.organization_id).where(User.email == f"{role.value}@demo.zjmatch.cn")
        ).one()

    startup = session.get_one(Startup, organization_id(Role.STARTUP))
    assert startup.website and startup.founded_on and startup.team_size and startup.tiers and startup.tags
    assert 2 <= len(startup.sectors) <= 3
    needs = session.scalars(sa.select(FundingNeed).where(FundingNeed.startup_id == startup.id)).all()
    assert len(needs) >= 2 and len({n.instrument for n in needs}) == len(needs)
    assert count(session, sa.select(IPAsset.id).where(IPAsset.startup_id == startup.id,
                                                      IPAsset.status == IPStatus.GRANTED)) >= 2

    investor = session.get_one(Investor, organization_id(Role.INVESTOR))
    assert investor.thesis is not None and investor.thesis.sectors and investor.thesis.stages
    assert startup.stage in investor.thesis.stages

    bank_id = organization_id(Role.BANK)
    kinds = session.scalars(sa.select(LoanProduct.kind).where(LoanProduct.bank_id == bank_id)).all()
    assert sorted(kinds) == sorted(LoanKind)

    incubator_id = organization_id(Role.INCUBATOR)
    offers = session.scalars(sa.select(IncubationCapacity).where(IncubationCapacity.incubator_id == incubator_id)).all()
    assert offers and all(offer.seats_left > 0 for offer in offers)


def test_each_login_finds_deals_under_way(session: Session, loaded: demo.DemoSummary) -> None:
    """Played through the services: what each login's deal pages show on its first visit."""
    def organization_id(role: Role) -> int:
        return session.scalars(
            sa.select(User.organization_id).where(User.email == f"{role.value}@demo.zjmatch.cn")).one()

    startup, investor = organization_id(Role.STARTUP), organization_id(Role.INVESTOR)
    bank, incubator = organization_id(Role.BANK), organization_id(Role.INCUBATOR)
    asked = session.scalars(sa.select(Introduction).join(FundingNeed).where(FundingNeed.startup_id == startup)).all()
    assert sorted(i.status for i in asked) == sorted([IntroStatus.REQUESTED, IntroStatus.ACCEPTED])
    [talking] = [i for i in asked if i.status == IntroStatus.ACCEPTED]
    assert talking.requester_id == investor
    assert len(intros.messages(session, investor, talking.id).items) == loaded.messages == 3
    # dated back as a fortnight's work, in order, after the round was posted
    sent = [m.created_at for m in intros.messages(session, investor, talking.id).items]
    assert sent == sorted(sent) and sent[-1] - sent[0] > timedelta(days=1)
    assert talking.need.created_at < talking.created_at < utcnow() - timedelta(days=7)

    commitments = pipeline.commitments_for_startup(session, startup)
    assert sorted((c.investor_id == investor, c.is_lead, c.confirmed_at is not None) for c in commitments) == [
        (False, False, False), (True, True, True)]  # the login's confirmed lead; another's to confirm
    assert bank in {o.product.bank_id for o in linked_loans.for_startup(session, startup)}
    assert linked_loans.for_bank(session, bank)

    stages = {column.stage: column.cards for column in pipeline.board(session, investor)}
    for stage in (PipelineStage.SOURCED, PipelineStage.MEETING, PipelineStage.DUE_DILIGENCE,
                  PipelineStage.TERM_SHEET):
        assert len(stages[stage]) == 1, stage
    assert stages[PipelineStage.MEETING][0].notes and stages[PipelineStage.DUE_DILIGENCE][0].notes

    waiting = [r for offer in relay.incoming(session, incubator) for r in offer.reservations]
    assert [r.status for r in waiting] == [ReservationStatus.PENDING] and waiting[0].referred_by_id is None
    [referral] = relay.referrals(session, incubator)
    assert referral.startup_id == startup and referral.capacity.incubator_id != incubator
    assert set(referral.capacity.sectors) & set(session.get_one(Startup, startup).sectors)

    added = {"introductions": Introduction, "pipeline_cards": PipelineCard, "commitments": RoundCommitment,
             "loan_offers": LoanOffer, "reservations": Reservation}
    for name, model in added.items():
        assert getattr(loaded, name) == count(session, sa.select(model.id)) > 0, name
    assert "deals under way: 2 introductions with 3 messages" in loaded.describe()

    # every login's home starts with something waiting for its answer
    assert set(desk.waiting(session, startup, Role.STARTUP)) == {desk.INTROS, desk.COMMITMENTS, desk.LOAN_OFFERS}
    assert desk.waiting(session, investor, Role.INVESTOR) == {desk.PARTNERSHIPS: 1}
    assert desk.waiting(session, bank, Role.BANK) == {desk.LOANS_TO_APPROVE: 1}
    assert desk.waiting(session, incubator, Role.INCUBATOR) == {desk.SEAT_REQUESTS: 1}


def test_a_need_in_a_partners_early_window_opens_to_all_before_its_deadline(session: Session,
                                                                             loaded: demo.DemoSummary) -> None:
    early = session.scalars(sa.select(FundingNeed).where(FundingNeed.public_from.is_not(None))).all()
    assert early and all(n.created_at < n.public_from > utcnow() for n in early)
    assert all(n.deadline is None or n.deadline > n.public_from.date() for n in early)


def test_a_second_load_adds_nothing(session: Session, loaded: demo.DemoSummary, password: str,
                                    row_counts: Callable[[], dict[str, int]]) -> None:
    before = row_counts()
    steps: list[int] = []
    again = demo.load(session, seed=SEED, password=password, progress=steps.append)
    assert again == demo.DemoSummary()
    assert again.describe() != loaded.describe()
    assert row_counts() == before
    assert sum(steps) == demo.STEPS
