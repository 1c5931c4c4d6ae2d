"""An investor states its thesis and browses the deal flow; a bank browses loan needs by product."""
from __future__ import annotations

import re
from datetime import date

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from marketplace.extensions import db
from marketplace.models import User
from marketplace.models.enums import Instrument
from tests.browser.conftest import LiveServer, shot
from tests.browser.test_journeys import log_in
from tests.conftest import create_account
from tests.test_deal_flow import M, need, startup
from tests.test_deal_flow_pages import biotech_pledge_product

pytestmark = pytest.mark.browser


def in_app(server: LiveServer, work):
    with server.app.app_context():
        try:
            return work(db.session)
        finally:
            db.session.remove()


def post_market(s, tag: str) -> None:
    """25 chip rounds and two biotech loan needs, named after the test that needs them."""
    chips = startup(s, f"上海芯澜微电子{tag}", f"Xinlan Micro {tag}", park="zhangjiang_core")
    bio = startup(s, f"张江抗体生物{tag}", f"Zhangjiang Antibody {tag}", park="caohejing")
    for i in range(25):
        need(s, chips, f"{tag} 芯片 A 轮 {i:02d}", minutes=i, amount=(30 * M, 50 * M), stage="series_a",
             summary="28nm lidar chip tape-out", deadline=date(2030, 1, 1))
    need(s, bio, f"{tag} Credit line", minutes=30, instrument=Instrument.CREDIT_LOAN, sectors=("biomedicine",),
         stage="pre_a")
    need(s, bio, f"{tag} Pledge antibody patents", minutes=31, instrument=Instrument.IP_PLEDGE_LOAN,
         amount=(8 * M, 9 * M), sectors=("biomedicine",), stage="pre_a")
    s.commit()


def cards(page: Page):
    return page.get_by_test_id("need-card")


def submit_filters(page: Page) -> None:
    page.get_by_test_id("need-filters").locator("button[type=submit]").click()


def test_an_investor_states_a_thesis_in_chinese_browses_by_it_and_edits_it_in_english(page, live_server):
    email = create_account(live_server.app, "investor", "partner@junling.example.cn", org="君岭创业投资")
    create_account(live_server.app, "incubator", "hub@zjhub.example.cn", org="张江药谷孵化器")
    in_app(live_server, lambda s: post_market(s, "T1"))

    page.goto("/login")
    log_in(page, email)
    expect(page).to_have_url(live_server.url("/investor/"))
    page.get_by_test_id("thesis-link").click()
    expect(page).to_have_url(live_server.url("/investor/thesis"))

    form = page.get_by_test_id("thesis-form")
    form.locator("#group-leading").check()
    ic = form.locator("#sector-integrated_circuits")
    expect(ic).to_be_checked()
    expect(ic).to_be_disabled()  # the whole group covers it
    form.get_by_label("A轮", exact=True).check()
    form.locator("input[name=ticket_min]").fill("1000")
    form.locator("input[name=ticket_max]").fill("6000")
    form.locator("input[name=fund_size]").fill("100000")
    form.locator("input[name=invests_early]").check()
    form.locator("input[name=invests_hard_tech]").check()
    form.get_by_label("张江药谷孵化器").check()
    shot(page, "investors-01-thesis-filled-zh")
    form.locator("button[type=submit]").click()

    expect(page).to_have_url(live_server.url("/investor/"))
    expect(page.get_by_role("alert")).to_be_visible()
    thesis = page.get_by_test_id("thesis")
    expect(page.get_by_test_id("thesis-sectors")).to_contain_text("三大先导产业")
    expect(thesis).to_contain_text("1,000 万元 – 6,000 万元")
    expect(thesis).to_contain_text("张江药谷孵化器")
    shot(page, "investors-02-home-with-thesis-zh")

    page.get_by_test_id("deal-flow-link").click()
    expect(page).to_have_url(live_server.url("/investor/deal-flow"))
    expect(cards(page)).to_have_count(20)
    page.get_by_test_id("apply-thesis").click()
    expect(page).to_have_url(re.compile(r"sector_groups=leading"))
    expect(cards(page)).to_have_count(20)
    expect(cards(page).first).to_contain_text("3,000 万元 – 5,000 万元")
    expect(cards(page).first).to_contain_text("集成电路")
    expect(page.locator("#group-leading")).to_be_checked()  # the filters show what is applied
    shot(page, "investors-03-deal-flow-by-thesis-zh")
    page.get_by_test_id("next-page").click()
    expect(cards(page)).to_have_count(5)
    expect(page.get_by_test_id("next-page")).to_have_count(0)
    page.get_by_test_id("first-page").click()
    expect(cards(page)).to_have_count(20)

    page.get_by_test_id("need-filters").locator("input[name=q]").fill("抗体")
    page.get_by_test_id("need-filters").locator("input[name=amount_min]").fill("")
    page.locator("#group-leading").uncheck()
    page.get_by_test_id("need-filters").locator("input[name=instruments][value=equity]").uncheck()
    page.get_by_test_id("need-filters").locator("input[name=stages][value=series_a]").uncheck()
    submit_filters(page)
    expect(cards(page)).to_have_count(2)
    expect(page.get_by_test_id("need-title").first).to_have_text("T1 Pledge antibody patents")

    page.get_by_test_id("language-switcher").get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Deal flow")
    expect(cards(page).first).to_contain_text("Zhangjiang Antibody T1")
    expect(cards(page).first).to_contain_text("CNY 8M – CNY 9M")
    shot(page, "investors-04-deal-flow-keyword-en")

    page.goto("/investor/thesis")
    form = page.get_by_test_id("thesis-form")
    expect(form.locator("input[name=ticket_max]")).to_have_value("6000")
    form.locator("#group-leading").uncheck()
    expect(form.locator("#sector-integrated_circuits")).not_to_be_checked()
    form.get_by_label("Biomedicine", exact=True).check()
    form.locator("input[name=ticket_min]").fill("5000")
    form.locator("input[name=ticket_max]").fill("4000")
    form.locator("button[type=submit]").click()
    expect(page.locator('[data-field-error="ticket_max"]')).to_have_text(
        "The largest ticket must not be below the smallest.")
    shot(page, "investors-05-thesis-refused-en")
    form.locator("input[name=ticket_min]").fill("1000")
    form.locator("button[type=submit]").click()
    expect(page).to_have_url(live_server.url("/investor/"))
    expect(page.get_by_test_id("thesis-sectors")).to_have_text("Biomedicine")
    expect(page.get_by_test_id("thesis")).to_contain_text("CNY 10M – CNY 40M")
    shot(page, "investors-06-home-edited-en")


def test_a_bank_browses_loan_needs_and_narrows_them_to_a_product(page_factory, live_server):
    email = create_account(live_server.app, "bank", "credit@zjbank.example.cn", org="张江科技银行")
    in_app(live_server, lambda s: post_market(s, "T2"))

    def publish(s):
        bank = s.scalar(sa.select(User).where(User.email == email)).organization
        product = biotech_pledge_product(s, bank, "IP pledge for biotech")
        s.commit()
        return product.id

    product_id = in_app(live_server, publish)
    page = page_factory("en-US")
    page.goto("/login")
    log_in(page, email)
    page.goto("/bank/needs?q=T2")
    titles = page.get_by_test_id("need-title")
    expect(titles).to_have_text(["T2 Pledge antibody patents", "T2 Credit line"])
    page.locator("select[name=product]").select_option(str(product_id))  # the form sends itself
    expect(page).to_have_url(re.compile(rf"product={product_id}"))
    expect(titles).to_have_text(["T2 Pledge antibody patents"])
    expect(page.get_by_test_id("product-eligibility")).to_contain_text("Biomedicine")
    expect(page.get_by_test_id("product-eligibility")).to_contain_text("CNY 5M – CNY 10M")
    shot(page, "investors-07-bank-needs-by-product-en")
