"""Browsing open needs: what a filter keeps, how sorts order, how pages follow each other."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

from marketplace.extensions import db
from marketplace.models import FundingNeed, Park, Sector, Stage, Startup, StartupTier
from marketplace.models.enums import EnterpriseTier, Instrument, NeedStatus, SectorGroup
from marketplace.services import deal_flow
from marketplace.services.deal_flow import InvalidQuery, NeedFilters
from marketplace.services.needs import need_search_text

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
TODAY = date(2026, 6, 1)
M = 1_000_000


def by_code(session, model, code):
    return session.scalar(sa.select(model).where(model.code == code))


def startup(session, name, name_en=None, park=None, tiers=()):
    """A startup in ``park`` with tier labels given as (tier, valid_until)."""
    company = Startup(name=name, name_en=name_en, park=by_code(session, Park, park) if park else None)
    company.tiers = [StartupTier(tier=tier, valid_until=until) for tier, until in tiers]
    session.add(company)
    return company


def need(session, company, title, *, minutes=0, amount=(1 * M, 2 * M), stage="seed",
         sectors=("integrated_circuits",), instrument=Instrument.EQUITY, status=NeedStatus.OPEN,
         deadline=None, summary="", **confidential):
    row = FundingNeed(startup=company, title=title, summary=summary, instrument=instrument, status=status,
                      amount_min=amount[0], amount_max=amount[1], stage=by_code(session, Stage, stage),
                      deadline=deadline, created_at=T0 + timedelta(minutes=minutes), **confidential)
    row.sectors = [by_code(session, Sector, code) for code in sectors]
    row.search_text = need_search_text(row)
    session.add(row)
    session.flush()
    return row


def titles(needs):
    return [n.title for n in needs]


def browse(session, sort="newest", after=None, limit=20, **filters):
    return deal_flow.browse(session, NeedFilters(**filters), sort=sort, after=after, limit=limit, today=TODAY)


@pytest.fixture
def market(session):
    """Five open needs of three startups, and a draft, a closed and a funded need nobody may browse."""
    chips = startup(session, "上海芯澜微电子", "Xinlan Micro", park="zhangjiang_core",
                    tiers=[(EnterpriseTier.SPECIALISED, None), (EnterpriseTier.UNICORN, date(2026, 1, 1))])
    bio = startup(session, "张江抗体生物", "Zhangjiang Antibody", park="caohejing",
                  tiers=[(EnterpriseTier.HIDDEN_CHAMPION, date(2027, 1, 1))])
    robots = startup(session, "临港机器人", None, park="lingang")
    need(session, chips, "芯片流片 A 轮", minutes=1, amount=(30 * M, 50 * M), stage="series_a",
         summary="28nm lidar chip tape-out", deadline=date(2026, 9, 1))
    need(session, chips, "IP pledge for masks", minutes=2, amount=(5 * M, 8 * M), stage="series_a",
         instrument=Instrument.IP_PLEDGE_LOAN, deadline=date(2026, 7, 1))
    need(session, bio, "抗体药物临床前研究", minutes=3, amount=(10 * M, 20 * M), stage="pre_a",
         sectors=("biomedicine", "life_health"), summary="Preclinical antibody work")
    need(session, bio, "Credit line for the lab", minutes=4, amount=(1 * M, 3 * M), stage="pre_a",
         sectors=("biomedicine",), instrument=Instrument.CREDIT_LOAN, deadline=date(2026, 7, 1))
    need(session, robots, "Seed round for welding robots", minutes=5, amount=(2 * M, 4 * M), stage="seed",
         sectors=("high_end_equipment", "artificial_intelligence"))
    need(session, robots, "Draft: not yet", minutes=6, status=NeedStatus.DRAFT)
    need(session, robots, "Closed round", minutes=7, status=NeedStatus.CLOSED)
    need(session, robots, "Funded round", minutes=8, status=NeedStatus.FUNDED)
    session.commit()


def test_only_open_needs_are_browsed_newest_first(session, market):
    needs, cursor = browse(session)
    assert titles(needs) == ["Seed round for welding robots", "Credit line for the lab", "抗体药物临床前研究",
                             "IP pledge for masks", "芯片流片 A 轮"]
    assert cursor is None


def test_the_amount_sort_puts_the_largest_first_and_the_deadline_sort_puts_no_deadline_last(session, market):
    assert titles(browse(session, sort="amount")[0])[:2] == ["芯片流片 A 轮", "抗体药物临床前研究"]
    by_deadline = titles(browse(session, sort="deadline")[0])
    # Two share 1 July: the older need first; needs without a deadline come last.
    assert by_deadline[:3] == ["IP pledge for masks", "Credit line for the lab", "芯片流片 A 轮"]
    assert set(by_deadline[3:]) == {"抗体药物临床前研究", "Seed round for welding robots"}


@pytest.mark.parametrize("sort", ["newest", "amount", "deadline"])
def test_pages_follow_each_other_without_gaps_or_repeats(session, market, sort):
    everything = titles(browse(session, sort=sort)[0])
    seen, after = [], None
    while True:
        page, after = browse(session, sort=sort, after=after, limit=2)
        seen += titles(page)
        assert len(page) <= 2
        if after is None:
            break
    assert seen == everything and len(seen) == 5


@pytest.mark.parametrize(("filters", "expected"), [
    ({"sectors": ("biomedicine",)}, {"抗体药物临床前研究", "Credit line for the lab"}),
    ({"sector_groups": (SectorGroup.KEY,)}, {"抗体药物临床前研究", "Seed round for welding robots"}),
    ({"sectors": ("integrated_circuits",), "sector_groups": (SectorGroup.KEY,)},
     {"芯片流片 A 轮", "IP pledge for masks", "抗体药物临床前研究", "Seed round for welding robots"}),
    ({"stages": ("pre_a", "seed")}, {"抗体药物临床前研究", "Credit line for the lab", "Seed round for welding robots"}),
    ({"instruments": (Instrument.CREDIT_LOAN, Instrument.IP_PLEDGE_LOAN)},
     {"IP pledge for masks", "Credit line for the lab"}),
    ({"amount_min": 9 * M, "amount_max": 12 * M}, {"抗体药物临床前研究"}),  # ranges that overlap
    ({"amount_min": 45 * M}, {"芯片流片 A 轮"}),
    ({"amount_max": 2 * M}, {"Credit line for the lab", "Seed round for welding robots"}),
    ({"parks": ("caohejing", "lingang")},
     {"抗体药物临床前研究", "Credit line for the lab", "Seed round for welding robots"}),
    ({"tiers": (EnterpriseTier.HIDDEN_CHAMPION,)}, {"抗体药物临床前研究", "Credit line for the lab"}),
    ({"tiers": (EnterpriseTier.UNICORN,)}, set()),  # that label ran out in January
    ({"tiers": (EnterpriseTier.SPECIALISED,), "instruments": (Instrument.EQUITY,)}, {"芯片流片 A 轮"}),
])
def test_each_filter_keeps_what_it_says(session, market, filters, expected):
    assert set(titles(browse(session, **filters)[0])) == expected


@pytest.mark.parametrize(("keyword", "expected"), [
    ("芯片", {"芯片流片 A 轮"}),
    ("LIDAR", {"芯片流片 A 轮"}),
    ("antibody", {"抗体药物临床前研究", "Credit line for the lab"}),  # the company's English name
    ("抗体 preclinical", {"抗体药物临床前研究"}),  # every word must be there, in either language
    ("生物医药", {"抗体药物临床前研究", "Credit line for the lab"}),  # a sector's Chinese name
    ("welding 50%", set()),
    ("_", set()),  # LIKE's wildcards are plain characters
])
def test_keywords_find_words_in_either_language(session, market, keyword, expected):
    assert set(titles(browse(session, keyword=keyword)[0])) == expected


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"sectors": ("no_such_sector",)}, "sectors"),
    ({"stages": ("series_z",)}, "stages"),
    ({"parks": ("atlantis",)}, "parks"),
    ({"amount_min": 5, "amount_max": 4}, "amount_max"),
    ({"keyword": "a b c d e f g h i"}, "q"),
    ({"sort": "random"}, "sort"),
    ({"limit": 0}, "limit"),
    ({"limit": 101}, "limit"),
    ({"after": ["not a time", 1]}, "after"),
    ({"after": ["2026-03-01T09:00:00+00:00"]}, "after"),
    ({"after": [100, 1], "sort": "newest"}, "after"),
    ({"after": ["2026-07-01", 1], "sort": "amount"}, "after"),
    ({"after": [2**70, 1], "sort": "amount"}, "after"),
    ({"after": [True, 1], "sort": "amount"}, "after"),
    ({"after": ["July", 1], "sort": "deadline"}, "after"),
])
def test_made_up_filters_sorts_and_cursors_are_bad_requests(session, market, kwargs, field):
    filters = {k: v for k, v in kwargs.items() if k not in ("sort", "after", "limit")}
    options = {k: v for k, v in kwargs.items() if k in ("sort", "after", "limit")}
    with pytest.raises(InvalidQuery) as refused:
        browse(session, **options, **filters)
    assert refused.value.status == 400 and list(refused.value.errors) == [field]


def test_a_page_costs_the_same_number_of_queries_whatever_its_size(app, session, market):
    counted = []

    def count(_conn, _cursor, statement, *_args):
        if statement.lstrip().upper().startswith("SELECT"):
            counted.append(statement)

    def queries(limit):
        counted.clear()
        session.expunge_all()
        needs, _ = browse(session, limit=limit)
        for n in needs:  # what a card shows
            _ = (n.stage.code, [s.code for s in n.sectors], n.startup.park, [t.tier for t in n.startup.tiers])
        return len(counted)

    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        assert queries(1) == queries(5) == 6  # needs, then startups, stages, sectors, parks, tiers
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)


def test_a_loan_product_narrows_the_list_to_the_needs_it_could_serve(session, market):
    from marketplace.models import Bank, LoanProduct
    from marketplace.models.enums import LoanKind
    from marketplace.services import loan_products

    bank = Bank(name="张江科技银行")
    product = LoanProduct(bank=bank, kind=LoanKind.CREDIT, name="科创信用贷", amount_min=500_000, amount_max=2 * M,
                          rate_min_bps=300, rate_max_bps=450, term_months=12)
    product.sectors = [by_code(session, Sector, "biomedicine")]
    session.add(product)
    session.commit()
    listing = loan_products.own(session, bank.id, product.id)
    filters = deal_flow.product_filters(listing, NeedFilters(keyword="lab", sectors=("automotive",)))
    assert filters.instruments == (Instrument.CREDIT_LOAN,) and filters.sectors == ("biomedicine",)
    needs, _ = deal_flow.browse(session, filters, today=TODAY)
    assert titles(needs) == ["Credit line for the lab"]
    banks_see = deal_flow.browse(session, deal_flow.for_banks(NeedFilters()), today=TODAY)[0]
    assert set(titles(banks_see)) == {"IP pledge for masks", "Credit line for the lab"}
