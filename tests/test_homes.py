"""Each side's home shows what exists for it, and nothing invented."""
from __future__ import annotations

import re
from datetime import date, timedelta

import sqlalchemy as sa

from marketplace import clock
from marketplace.models import (
    FundingNeed,
    IncubationCapacity,
    Incubator,
    InvestorThesis,
    LoanProduct,
    Park,
    Sector,
    Stage,
    Startup,
    StartupTier,
    User,
)
from marketplace.models.enums import EnterpriseTier, IncubatorTier, Instrument, LoanKind, NeedStatus
from tests.conftest import PASSWORD
from tests.helpers import log_in
from tests.test_deal_flow import by_code

EN = {"Accept-Language": "en"}
ZH = {"Accept-Language": "zh-CN"}


def org_of(session, email):
    return session.scalar(sa.select(User).where(User.email == email)).organization


def test_a_new_startup_sees_that_it_has_no_need_yet(client, make_user):
    log_in(client, make_user("startup"), PASSWORD)
    page = client.get("/startup/", headers=EN).get_data(as_text=True)
    assert "You have not posted a funding need yet." in page


def test_a_startup_sees_its_own_needs_and_not_others(client, make_user, run_in):
    mine, theirs = make_user("startup"), make_user("startup")

    def post_needs(s):
        seed = by_code(s, Stage, "seed")
        s.add_all([
            FundingNeed(startup=org_of(s, mine), stage=seed, instrument=Instrument.EQUITY, title="天使轮融资 3000万",
                        amount_min=10_000_000, amount_max=30_000_000, status=NeedStatus.OPEN),
            FundingNeed(startup=org_of(s, theirs), stage=seed, instrument=Instrument.CREDIT_LOAN, title="别人的贷款",
                        amount_min=1, amount_max=2, status=NeedStatus.OPEN),
        ])
        s.commit()

    run_in(post_needs)
    log_in(client, mine, PASSWORD)
    page = client.get("/startup/", headers=EN).get_data(as_text=True)
    assert "天使轮融资 3000万" in page and "别人的贷款" not in page
    assert "CNY 10M – CNY 30M" in page and "Equity round" in page and "Seed and angel" in page
    zh = client.get("/startup/", headers={"Accept-Language": "zh-CN"})
    assert "1,000 万元 – 3,000 万元" in zh.get_data(as_text=True)


def test_an_investor_sees_its_thesis_and_the_open_rounds_that_fit_it(client, make_user, run_in):
    investor, founder = make_user("investor"), make_user("startup")

    def setup(s):
        ic, a = by_code(s, Sector, "integrated_circuits"), by_code(s, Stage, "series_a")
        thesis = InvestorThesis(investor=org_of(s, investor), ticket_min=20_000_000, ticket_max=80_000_000,
                                invests_hard_tech=True)
        s.add(thesis)
        thesis.sectors.append(ic)
        thesis.stages.append(a)
        fits = FundingNeed(startup=org_of(s, founder), stage=a, instrument=Instrument.EQUITY, title="A轮",
                           amount_min=30_000_000, amount_max=50_000_000, status=NeedStatus.OPEN)
        fits.sectors.append(ic)
        too_small = FundingNeed(startup=org_of(s, founder), stage=a, instrument=Instrument.EQUITY, title="小额",
                                amount_min=1_000_000, amount_max=2_000_000, status=NeedStatus.OPEN)
        too_small.sectors.append(ic)
        s.add_all([thesis, fits, too_small])
        s.commit()

    run_in(setup)
    log_in(client, investor, PASSWORD)
    page = client.get("/investor/", headers=EN).get_data(as_text=True)
    assert "Integrated circuits" in page and "hard tech" in page
    assert 'data-testid="open-rounds">2<' in page
    assert 'data-testid="rounds-in-thesis">1<' in page


def test_a_bank_sees_its_products(client, make_user, run_in):
    bank = make_user("bank")
    run_in(lambda s: (s.add(LoanProduct(bank=org_of(s, bank), kind=LoanKind.IP_PLEDGE, name="知识产权质押贷",
                                        amount_min=1_000_000, amount_max=10_000_000, rate_min_bps=320,
                                        rate_max_bps=480, term_months=24, min_remaining_life_months=36)),
                      s.commit()))
    log_in(client, bank, PASSWORD)
    page = client.get("/bank/", headers=EN).get_data(as_text=True)
    assert "知识产权质押贷" in page and "IP-pledge loan" in page and "3.20% – 4.80%" in page and "24 months" in page


def test_an_incubator_sees_seats_left_in_its_current_offers_and_which_are_closed(client, make_user, run_in):
    incubator = make_user("incubator")

    def setup(s):
        seed, a = by_code(s, Stage, "seed"), by_code(s, Stage, "series_a")
        for title, is_open, days_ago in (("集成电路接力孵化", True, 0), ("已关闭的一期", False, 1)):
            s.add(IncubationCapacity(incubator=org_of(s, incubator), title=title, stage_min=seed, is_open=is_open,
                                     stage_max=a, seats_total=10, seats_taken=3,
                                     starts_on=clock.today() - timedelta(days=days_ago),
                                     ends_on=clock.today() + timedelta(days=365)))
        s.commit()

    run_in(setup)
    log_in(client, incubator, PASSWORD)
    page = client.get("/incubator/", headers=EN).get_data(as_text=True)
    assert 'data-testid="seats-left">7<' in page and 'data-testid="capacity-offers">1<' in page
    assert re.findall(r'data-testid="status"><span class="badge [^"]+">(\w+)<', page) == ["Open", "Closed"]
    relay = client.get("/relay/", headers=ZH).get_data(as_text=True)
    assert re.findall(r'data-testid="status"><span class="badge [^"]+">(\w+)<', relay) == ["进行中", "已关闭"]


def test_a_park_operator_sees_its_parks_figures_against_the_targets(client, make_user, run_in):
    operator = make_user("operator", park="zhangjiang_core")

    def setup(s):
        core, zizhu = by_code(s, Park, "zhangjiang_core"), by_code(s, Park, "zizhu")
        unicorn = Startup(name="独角兽", park=core)
        unicorn.tiers.append(StartupTier(tier=EnterpriseTier.UNICORN))
        lapsed = Startup(name="过期", park=core)
        lapsed.tiers.append(StartupTier(tier=EnterpriseTier.HIDDEN_CHAMPION, valid_until=date(2020, 1, 1)))
        elsewhere = Startup(name="别处", park=zizhu)
        elsewhere.tiers.append(StartupTier(tier=EnterpriseTier.UNICORN))
        s.add_all([unicorn, lapsed, elsewhere, Incubator(name="高质量孵化器", park=core, tier=IncubatorTier.HIGH_QUALITY)])
        s.commit()

    run_in(setup)
    log_in(client, operator, PASSWORD)
    page = client.get("/park/", headers=EN).get_data(as_text=True)
    assert "Zhangjiang Core Park" in page
    assert 'data-testid="startups">2<' in page
    # the park's own count, beside the zone's, which the city's target is set for (the unicorn in Zizhu)
    assert 'data-testid="leaders">1 here; the zone 2 of 100<' in page
    assert 'data-testid="hq-incubators">1 here; the zone 1 of 20<' in page
    assert '<canvas id="tier-chart"' in page
    zh = client.get("/park/", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert 'data-testid="leaders">本园区 1 家；全区 2 / 目标 100<' in zh
    assert "主导产业：" in zh and "主导产业:" not in zh  # the Chinese colon, inside the translation


def test_the_zone_admin_sees_the_whole_zone_without_imported_history(client, make_user, run_in):
    admin = make_user("admin")
    run_in(lambda s: (s.add_all([Startup(name="一"), Startup(name="二", park=by_code(s, Park, "zizhu")),
                                 Startup(name="Imported", source="crunchbase", external_id="/company/x")]),
                      s.commit()))
    log_in(client, admin, PASSWORD)
    page = client.get("/park/", headers=EN).get_data(as_text=True)
    assert "The whole zone" in page and 'data-testid="startups">2<' in page
