"""IP-pledge sizing: which assets count, at what rate, and the product's range; one
implementation for the sizing page and for the loan products a startup is matched with."""
from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from marketplace import clock
from marketplace.models import IPAsset, LoanProduct, PledgeRate, Stage, Startup, User
from marketplace.models.enums import IPKind, IPStatus, LoanKind, NeedStatus
from marketplace.services import eligibility, intros, ip_pledge, needs
from marketplace.services.audit import Actor
from marketplace.services.ip_pledge import STALE_AFTER_MONTHS, add_months, size
from marketplace.services.loan_products import ProductListing
from tests.conftest import PASSWORD
from tests.helpers import log_in, log_out
from tests.offer_helpers import EN, ZH, org_of
from tests.test_needs import need_body

TODAY = date(2026, 6, 15)
M = 1_000_000
WRITE_ROUTES: list[str] = []  # the sizing pages only read


def product(amount=(1 * M, 10 * M), life=36, rates=None) -> ProductListing:
    row = LoanProduct(id=1, kind=LoanKind.IP_PLEDGE, name="Patent loan", amount_min=amount[0], amount_max=amount[1],
                      rate_min_bps=300, rate_max_bps=450, term_months=24, min_remaining_life_months=life,
                      is_active=True)
    rates = rates if rates is not None else {IPKind.INVENTION: Decimal("0.4"), IPKind.UTILITY_MODEL: Decimal("0.2")}
    row.pledge_rates = [PledgeRate(ip_kind=kind, rate=rate) for kind, rate in rates.items()]
    return ProductListing(row, tiers=[], investor_kinds=[])


def asset(number="1", *, kind=IPKind.INVENTION, status=IPStatus.GRANTED, expires_on=date(2040, 1, 1),
          value=5 * M, appraised_on=TODAY - timedelta(days=30)) -> IPAsset:
    return IPAsset(kind=kind, number=number, title=f"Asset {number}", status=status, filed_on=date(2015, 1, 1),
                   granted_on=None if status == IPStatus.FILED else date(2017, 1, 1),
                   expires_on=None if status == IPStatus.FILED else expires_on,
                   appraised_value=value, appraised_on=appraised_on if value is not None else None)


def included(sizing) -> list[str]:
    return [line.asset.number for line in sizing.lines if line.included]


def reason(sizing, number) -> str:
    return str(next(line.reason for line in sizing.lines if line.asset.number == number))


def test_a_granted_valid_appraised_asset_counts_at_the_rate_of_its_kind():
    sizing = size(product(), [asset("a", value=5 * M), asset("b", kind=IPKind.UTILITY_MODEL, value=3 * M)], TODAY)
    assert included(sizing) == ["a", "b"]
    assert [line.contribution for line in sizing.lines] == [2 * M, 600_000]
    assert sizing.total == sizing.amount == 2_600_000 and sizing.eligible and not sizing.capped


@pytest.mark.parametrize(("status", "expected"), [
    (IPStatus.FILED, "Only filed, not granted."), (IPStatus.EXPIRED, "Expired."),
    (IPStatus.INVALIDATED, "Invalidated."),
])
def test_filed_expired_and_invalidated_assets_do_not_count(status, expected):
    sizing = size(product(), [asset("a"), asset("x", status=status)], TODAY)
    assert included(sizing) == ["a"]
    assert reason(sizing, "x") == expected
    assert sizing.amount == 2 * M


def test_a_granted_asset_past_its_expiry_date_does_not_count():
    sizing = size(product(life=0), [asset("a"), asset("old", expires_on=TODAY)], TODAY)
    assert included(sizing) == ["a"]
    assert reason(sizing, "old").startswith("Expired on 2026-06-15")


def test_remaining_life_counts_on_the_boundary_day_and_not_one_day_short():
    boundary = add_months(TODAY, 36)
    assert boundary == date(2029, 6, 15)
    sizing = size(product(life=36), [asset("on", expires_on=boundary),
                                     asset("short", expires_on=boundary - timedelta(days=1))], TODAY)
    assert included(sizing) == ["on"]
    assert "2029-06-15" in reason(sizing, "short")


def test_months_are_calendar_months_on_the_last_day_of_a_short_month():
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert add_months(date(2026, 3, 31), -13) == date(2025, 2, 28)


def test_an_appraisal_older_than_the_limit_is_stale_and_none_does_not_count():
    limit = add_months(TODAY, -STALE_AFTER_MONTHS)
    sizing = size(product(), [asset("fresh", appraised_on=limit),
                              asset("stale", appraised_on=limit - timedelta(days=1)), asset("none", value=None)], TODAY)
    assert included(sizing) == ["fresh"]
    assert "stale" in reason(sizing, "stale")
    assert reason(sizing, "none") == "Not appraised."


def test_an_appraised_value_without_a_date_is_stale():
    sizing = size(product(), [asset("a", appraised_on=None)], TODAY)
    assert included(sizing) == [] and "stale" in reason(sizing, "a")


def test_a_kind_without_a_rate_does_not_count():
    sizing = size(product(), [asset("a"), asset("d", kind=IPKind.DESIGN, value=50 * M)], TODAY)
    assert included(sizing) == ["a"]
    assert reason(sizing, "d") == "The product takes no Design patent."
    assert [line.rate for line in sizing.lines if line.asset.number == "d"] == [None]


def test_the_sum_is_capped_at_the_products_maximum():
    sizing = size(product(amount=(1 * M, 3 * M)), [asset("a", value=5 * M), asset("b", value=5 * M)], TODAY)
    assert sizing.total == 4 * M and sizing.amount == 3 * M and sizing.capped and sizing.eligible


def test_below_the_minimum_nothing_can_be_borrowed_and_the_page_says_why():
    below = size(product(amount=(3 * M, 10 * M)), [asset("a", value=5 * M)], TODAY)
    assert below.total == 2 * M and below.amount == 0 and not below.eligible
    assert str(below.reason) == "What your assets back is below the product's minimum."
    at_min = size(product(amount=(2 * M, 10 * M)), [asset("a", value=5 * M)], TODAY)
    assert at_min.amount == 2 * M and at_min.eligible


def test_nothing_qualifying_is_not_eligible():
    sizing = size(product(), [asset("x", status=IPStatus.FILED)], TODAY)
    assert not sizing.eligible and sizing.amount == 0
    assert str(sizing.reason) == "No asset of your portfolio qualifies for this product."


def test_no_expiry_date_counts_only_when_the_product_asks_no_remaining_life():
    assert included(size(product(life=36), [asset("a", expires_on=None)], TODAY)) == []
    assert included(size(product(life=0), [asset("a", expires_on=None)], TODAY)) == ["a"]


def test_contributions_are_rounded_down_to_the_yuan():
    sizing = size(product(rates={IPKind.INVENTION: Decimal("0.333")}), [asset("a", value=10 * M + 1)], TODAY)
    assert sizing.lines[0].contribution == 3_330_000


# --- The page, and the same sizing for the matched loan products --------------------------------

@pytest.fixture
def portfolio(app, make_user, run_in):
    founder = make_user("startup")
    banker = make_user("bank")
    today = clock.today()

    def build(s):
        company = org_of(s, founder)
        company.stage = s.scalar(sa.select(Stage).where(Stage.code == "series_a"))
        pledge = LoanProduct(bank=org_of(s, banker), kind=LoanKind.IP_PLEDGE, name="Patent loan", amount_min=1 * M,
                             amount_max=3 * M, rate_min_bps=300, rate_max_bps=450, term_months=24,
                             min_remaining_life_months=36)
        pledge.pledge_rates = [PledgeRate(ip_kind=IPKind.INVENTION, rate=Decimal("0.4"))]
        credit = LoanProduct(bank=org_of(s, banker), kind=LoanKind.CREDIT, name="Credit line", amount_min=1 * M,
                             amount_max=2 * M, rate_min_bps=300, rate_max_bps=450, term_months=12)
        s.add_all([pledge, credit])
        s.add_all([
            IPAsset(startup=company, kind=IPKind.INVENTION, number="CN202110000001.1", title="Lidar optics",
                    status=IPStatus.GRANTED, filed_on=date(2021, 1, 1), granted_on=date(2022, 1, 1),
                    expires_on=date(2041, 1, 1), appraised_value=5 * M, appraised_on=today - timedelta(days=10)),
            IPAsset(startup=company, kind=IPKind.INVENTION, number="CN202110000002.X", title="Old appraisal",
                    status=IPStatus.GRANTED, filed_on=date(2021, 1, 1), granted_on=date(2022, 1, 1),
                    expires_on=date(2041, 1, 1), appraised_value=9 * M, appraised_on=today - timedelta(days=800)),
            IPAsset(startup=company, kind=IPKind.DESIGN, number="CN202130000003.5", title="Housing design",
                    status=IPStatus.GRANTED, filed_on=date(2021, 1, 1), granted_on=date(2022, 1, 1),
                    expires_on=date(2036, 1, 1), appraised_value=1 * M, appraised_on=today),
        ])
        s.commit()
        return {"pledge": pledge.id, "credit": credit.id, "startup": company.id}

    return founder, banker, run_in(build)


def test_eligibility_sizes_ip_pledge_products_with_the_same_function(run_in, portfolio):
    _founder, _banker, ids = portfolio

    def check(s):
        startup = s.get(Startup, ids["startup"])
        matched = {b.listing.id: b for b in eligibility.loan_products_for(s, startup, clock.today())}
        sizing = ip_pledge.for_product(s, ids["startup"], ids["pledge"], clock.today())
        assert matched[ids["pledge"]].amount == sizing.amount == 2 * M
        assert [a.number for a in matched[ids["pledge"]].pledged] == [a.number for a in sizing.counted] \
            == ["CN202110000001.1"]

    run_in(check)


def test_the_sizing_page_shows_the_calculation_line_by_line(client, portfolio):
    founder, _banker, ids = portfolio
    log_in(client, founder, PASSWORD)
    html = client.get(f"/matches/loan-products/{ids['pledge']}/sizing", headers=EN).get_data(as_text=True)
    assert re.findall(r'data-included="(\w+)"', html) == ["no", "yes", "no"]  # design, lidar, old (by kind, number)
    assert "The product takes no Design patent." in html
    assert "The appraisal is stale" in html
    assert re.search(r'data-testid="contribution">CNY 2M<', html)
    assert re.search(r'data-testid="sizing-total">CNY 2M<', html)
    assert re.search(r'data-testid="sizing-amount">CNY 2M<', html)
    overview = client.get("/matches/loan-products/sizing", headers=EN).get_data(as_text=True)
    assert "Patent loan" in overview and "Up to CNY 2M" in overview
    assert f"/matches/loan-products/{ids['pledge']}/sizing" in client.get(
        "/matches/?tab=loan-products", headers=EN).get_data(as_text=True)


def test_the_sizing_page_is_the_startups_own_and_for_ip_pledge_products_only(client, make_user, portfolio):
    founder, banker, ids = portfolio
    log_in(client, banker, PASSWORD)
    assert client.get(f"/matches/loan-products/{ids['pledge']}/sizing").status_code == 403
    log_out(client)
    log_in(client, founder, PASSWORD)
    assert client.get(f"/matches/loan-products/{ids['credit']}/sizing").status_code == 404
    assert client.get("/matches/loan-products/999999/sizing").status_code == 404
    other = make_user("startup")
    log_out(client)
    log_in(client, other, PASSWORD)
    html = client.get(f"/matches/loan-products/{ids['pledge']}/sizing", headers=EN).get_data(as_text=True)
    assert "Lidar optics" not in html and "Your IP portfolio is empty." in html


def test_a_bank_reads_an_ip_pledge_needs_collateral_and_what_its_products_lend_once_accepted(
        client, make_user, run_in, portfolio):
    """Before the startup accepts the bank's introduction the bank reads how many assets are granted
    (public record); after, what each of its IP-pledge products could lend on them, as the
    startup's own sizing page says. An investor, or the bank on an equity need, reads none of it."""
    _founder, banker, ids = portfolio
    investor = make_user("investor")

    def open_needs(s):
        pledge = needs.create(s, ids["startup"], {**need_body(instrument="ip_pledge_loan", amount_min=1_000_000,
                                                              amount_max=3_000_000), "status": NeedStatus.OPEN,
                                                "deadline": None})
        equity = needs.create(s, ids["startup"], {**need_body(), "status": NeedStatus.OPEN, "deadline": None})
        return pledge.id, equity.id

    pledge_need, equity_need = run_in(open_needs)
    log_in(client, banker, PASSWORD)
    html = client.get(f"/startup/needs/{pledge_need}", headers=EN).get_data(as_text=True)
    assert "Granted IP assets: 3 of 3 recorded" in html
    assert "shows once the startup accepts your introduction" in html and "Up to CNY 2M" not in html
    assert 'data-testid="collateral"' not in client.get(f"/startup/needs/{equity_need}", headers=EN).get_data(as_text=True)

    def ask_and_accept(s):
        bank = s.scalar(sa.select(User).where(User.email == banker)).organization_id
        intro = intros.request(s, Actor(bank), pledge_need, "We lend against invention patents.")
        intros.accept(s, Actor(ids["startup"]), intro.id)

    run_in(ask_and_accept)
    html = client.get(f"/startup/needs/{pledge_need}", headers=EN).get_data(as_text=True)
    sizing = re.search(r'data-testid="collateral-sizing">(.*?)</li>', html, re.DOTALL).group(1)
    assert "Patent loan" in sizing and "1 of 3 assets qualify" in sizing and "Up to CNY 2M" in sizing
    assert "Credit line" not in html.split('data-testid="collateral"')[1]
    zh = client.get(f"/startup/needs/{pledge_need}", headers=ZH).get_data(as_text=True)
    assert "已授权知识产权：3 项（共登记 3 项）" in zh and "最高可贷 200 万元" in zh
    log_out(client)
    log_in(client, make_user("bank"), PASSWORD)  # a bank without an IP-pledge product
    html = client.get(f"/startup/needs/{pledge_need}", headers=EN).get_data(as_text=True)
    assert "Granted IP assets: 3 of 3 recorded" in html and "You have no active IP-pledge product." in html
    assert "shows once the startup accepts" not in html
    log_out(client)
    log_in(client, investor, PASSWORD)
    assert 'data-testid="collateral"' not in client.get(f"/startup/needs/{pledge_need}", headers=EN).get_data(as_text=True)
