"""The deal-flow pages: investors browse every open need, banks the loan needs their products serve."""
from __future__ import annotations

import re
from datetime import date
from html import unescape

import pytest
import sqlalchemy as sa

from marketplace.models import Bank, LoanProduct, Sector, User
from marketplace.models.enums import EnterpriseTier, Instrument, LoanKind, NeedStatus, SectorGroup
from marketplace.services import theses
from marketplace.services.theses import ThesisInput
from tests.conftest import PASSWORD
from tests.helpers import field_errors, log_in
from tests.test_deal_flow import M, by_code, need, startup

EN = {"Accept-Language": "en"}
ZH = {"Accept-Language": "zh-CN"}


def cards(html):
    return [unescape(t) for t in re.findall(r'data-testid="need-title">(.*?)</a>', html)]


def next_link(html):
    found = re.search(r'href="([^"]+)" rel="next"', html)
    return unescape(found.group(1)) if found else None


@pytest.fixture
def market(run_in):
    """25 open equity rounds of a chip company, two loan needs of a biotech, and a draft."""
    def post(s):
        chips = startup(s, "上海芯澜微电子", "Xinlan Micro", park="zhangjiang_core",
                        tiers=[(EnterpriseTier.SPECIALISED, None)])
        bio = startup(s, "张江抗体生物", "Zhangjiang Antibody", park="caohejing")
        for i in range(25):
            need(s, chips, f"Chip round {i:02d}", minutes=i, amount=(30 * M, 50 * M), stage="series_a",
                 summary="lidar chip tape-out", deadline=date(2030, 1, 1))
        need(s, bio, "Credit line for the lab", minutes=30, instrument=Instrument.CREDIT_LOAN,
             sectors=("biomedicine",), stage="pre_a")
        need(s, bio, "Pledge our antibody patents", minutes=31, instrument=Instrument.IP_PLEDGE_LOAN,
             amount=(8 * M, 9 * M), sectors=("biomedicine",), stage="pre_a")
        need(s, bio, "Secret draft", minutes=32, status=NeedStatus.DRAFT)
        s.commit()

    run_in(post)


def biotech_pledge_product(s, bank, name):
    """An IP-pledge loan of 5-10 million yuan for biomedicine."""
    product = LoanProduct(bank=bank, kind=LoanKind.IP_PLEDGE, name=name, amount_min=5 * M, amount_max=10 * M,
                          rate_min_bps=300, rate_max_bps=500, term_months=24, min_remaining_life_months=36)
    product.sectors = [by_code(s, Sector, "biomedicine")]
    s.add(product)
    return product


def logged_in(client, make_user, role):
    email = make_user(role)
    log_in(client, email, PASSWORD)
    return email


def test_an_investor_pages_through_the_open_needs(client, make_user, market):
    logged_in(client, make_user, "investor")
    first = client.get("/investor/deal-flow?sort=newest", headers=EN).get_data(as_text=True)
    assert cards(first)[:3] == ["Pledge our antibody patents", "Credit line for the lab", "Chip round 24"]
    assert len(cards(first)) == 20 and "Secret draft" not in first
    assert "CNY 30M – CNY 50M" in first and "Series A" in first and "Integrated circuits" in first
    assert "Specialised, refined, distinctive, novel" in first and "Zhangjiang Core Park" in first
    need_link = unescape(re.search(r'href="([^"]+)" data-testid="need-title"', first).group(1))
    assert "Pledge our antibody patents" in client.get(need_link, headers=EN).get_data(as_text=True)
    second = client.get(next_link(first), headers=EN).get_data(as_text=True)
    assert cards(second) == [f"Chip round {i:02d}" for i in range(6, -1, -1)]
    assert next_link(second) is None and 'data-testid="first-page"' in second
    zh = client.get("/investor/deal-flow", headers=ZH).get_data(as_text=True)
    assert "3,000 万元 – 5,000 万元" in zh and "集成电路" in zh and "上海芯澜微电子" in zh


def test_filters_live_in_the_query_string_and_the_next_page_keeps_them(client, make_user, market):
    logged_in(client, make_user, "investor")
    page = client.get("/investor/deal-flow?q=LIDAR&sort=amount&amount_min=3500&stages=series_a", headers=EN)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and len(cards(html)) == 20
    assert re.search(r'name="q"[^>]*value="LIDAR"', html) and 'value="series_a" id="stages-series_a" checked' in html
    link = next_link(html)
    assert "q=LIDAR" in link and "sort=amount" in link and "amount_min=3500" in link
    assert len(cards(client.get(link, headers=EN).get_data(as_text=True))) == 5


def test_sector_groups_and_chinese_keywords_filter_the_page(client, make_user, market):
    logged_in(client, make_user, "investor")
    leading = client.get("/investor/deal-flow?sector_groups=leading&instruments=credit_loan", headers=EN)
    assert cards(leading.get_data(as_text=True)) == ["Credit line for the lab"]
    chinese = client.get("/investor/deal-flow?q=抗体&sort=newest", headers=ZH).get_data(as_text=True)
    assert cards(chinese) == ["Pledge our antibody patents", "Credit line for the lab"]


def test_nothing_found_shows_an_empty_state(client, make_user, market):
    logged_in(client, make_user, "investor")
    html = client.get("/investor/deal-flow?q=quantum+teleportation", headers=EN).get_data(as_text=True)
    assert cards(html) == [] and "No open need matches these filters." in html


@pytest.mark.parametrize(("query", "field"), [
    ("amount_min=lots", "amount_min"),
    ("amount_min=500&amount_max=100", "amount_max"),
    ("sectors=teleportation", "sectors"),
    ("sort=random", "sort"),
    ("tiers=emperor", "tiers"),
])
def test_bad_filters_are_shown_on_the_form_not_a_crash(client, make_user, market, query, field):
    logged_in(client, make_user, "investor")
    response = client.get(f"/investor/deal-flow?{query}", headers=EN)
    assert response.status_code == 400
    assert field_errors(response.get_data(as_text=True), field)


def test_a_stage_no_list_offers_is_refused_in_the_readers_language(client, make_user, market):
    logged_in(client, make_user, "investor")
    for headers, message in ((EN, "Not among the choices offered: nope"), (ZH, "不在可选范围内：nope")):
        response = client.get("/investor/deal-flow?stages=nope", headers=headers)
        assert response.status_code == 400 and field_errors(response.get_data(as_text=True), "stages") == message


def test_a_broken_page_link_says_so(client, make_user, market):
    logged_in(client, make_user, "investor")
    for cursor in ("%%%", "WyJub3QgYSB0aW1lIiwgMV0"):
        response = client.get(f"/investor/deal-flow?sort=newest&after={cursor}", headers=EN)
        assert response.status_code == 400 and "This page link is broken" in response.get_data(as_text=True)


def test_the_thesis_button_fills_the_filters_from_the_thesis(client, make_user, market, run_in):
    email = logged_in(client, make_user, "investor")
    assert 'href="/investor/thesis"' in client.get("/investor/deal-flow", headers=EN).get_data(as_text=True)

    def state(s):
        org = s.scalar(sa.select(User).where(User.email == email)).organization_id
        theses.upsert(s, org, ThesisInput(ticket_min=1 * M, ticket_max=10 * M, sector_groups=[SectorGroup.LEADING],
                                          stages=["pre_a"]))

    run_in(state)
    html = client.get("/investor/deal-flow", headers=EN).get_data(as_text=True)
    link = unescape(re.search(r'href="([^"]+)" data-testid="apply-thesis"', html).group(1))
    assert "sector_groups=leading" in link and "amount_min=100" in link and "instruments=equity" in link
    assert cards(client.get(link, headers=EN).get_data(as_text=True)) == []  # the biotech asks for loans


def test_a_bank_sees_loan_needs_and_narrows_them_by_product(client, make_user, market, run_in):
    email = logged_in(client, make_user, "bank")

    def products(s):
        bank = s.scalar(sa.select(User).where(User.email == email)).organization
        mine = biotech_pledge_product(s, bank, "知识产权质押贷")
        theirs = LoanProduct(bank=Bank(name="别家银行"), kind=LoanKind.CREDIT, name="别家信用贷", amount_min=1,
                             amount_max=M, rate_min_bps=300, rate_max_bps=500, term_months=12)
        s.add_all([mine, theirs])
        s.commit()
        return mine.id, theirs.id

    mine, theirs = run_in(products)
    html = client.get("/bank/needs", headers=EN).get_data(as_text=True)
    assert cards(html) == ["Pledge our antibody patents", "Credit line for the lab"]
    assert "知识产权质押贷" in html and "别家信用贷" not in html
    narrowed = client.get(f"/bank/needs?product={mine}", headers=EN).get_data(as_text=True)
    assert cards(narrowed) == ["Pledge our antibody patents"]
    assert 'data-testid="product-eligibility"' in narrowed and "Biomedicine" in narrowed
    equity = client.get("/bank/needs?instruments=equity", headers=EN)
    assert equity.status_code == 400
    assert client.get(f"/bank/needs?product={theirs}", headers=EN).status_code == 400
    nothing = client.get("/bank/needs?q=welding", headers=EN).get_data(as_text=True)
    assert "No open loan need fits." in nothing
