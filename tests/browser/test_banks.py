"""A bank publishes, changes and withdraws a loan product in the browser."""
from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from marketplace.extensions import db
from marketplace.models import LoanProduct
from tests.browser.conftest import LiveServer, shot
from tests.browser.test_journeys import log_in
from tests.conftest import create_account

pytestmark = pytest.mark.browser


def stored(server: LiveServer, name: str) -> LoanProduct | None:
    with server.app.app_context():
        try:
            product = db.session.scalar(sa.select(LoanProduct).where(LoanProduct.name == name))
            if product is not None:
                db.session.expunge(product)
            return product
        finally:
            db.session.remove()


def test_a_bank_publishes_an_ip_pledge_loan_edits_and_withdraws_it_in_chinese(page, live_server):
    create_account(live_server.app, "bank", "kechuang@bank.example.cn", org="上海科创银行")
    page.goto("/login")
    log_in(page, "kechuang@bank.example.cn")
    page.get_by_test_id("manage-products").click()
    expect(page.get_by_test_id("empty")).to_be_visible()
    page.get_by_test_id("new-product").click()

    form = page.get_by_test_id("product-form")
    linked, ip_terms = page.get_by_test_id("linked-terms"), page.get_by_test_id("ip-pledge-terms")
    expect(linked).to_be_hidden()
    expect(ip_terms).to_be_hidden()
    form.locator("input[name=kind][value=linked]").check()
    expect(linked).to_be_visible()
    expect(ip_terms).to_be_hidden()
    form.locator("input[name=kind][value=ip_pledge]").check()
    expect(linked).to_be_hidden()
    expect(ip_terms).to_be_visible()

    form.locator("input[name=name]").fill("知识产权质押贷")
    form.locator("input[name=amount_min]").fill("50")
    form.locator("input[name=amount_max]").fill("2000")
    form.locator("input[name=rate_min]").fill("3.85")
    form.locator("input[name=rate_max]").fill("3.5")  # below the lowest: refused
    form.locator("input[name=term_months]").fill("24")
    form.locator("input[name=sectors][value=integrated_circuits]").check()
    form.locator("input[name=pledge_rate_invention]").fill("50")
    form.locator("input[name=min_remaining_life_months]").fill("36")
    shot(page, "bank-01-new-product-zh")
    form.locator("button[type=submit]").click()

    expect(page.locator('[data-field-error="rate_max"]')).to_be_visible()
    expect(page.get_by_test_id("ip-pledge-terms")).to_be_visible()  # the chosen kind's terms stay shown
    expect(page.locator("input[name=pledge_rate_invention]")).to_have_value("50")
    assert stored(live_server, "知识产权质押贷") is None
    shot(page, "bank-02-rate-refused-zh")
    page.locator("input[name=rate_max]").fill("4.5")
    page.get_by_test_id("product-form").locator("button[type=submit]").click()

    row = page.get_by_test_id("products").locator("tbody tr").first
    expect(row).to_contain_text("知识产权质押贷")
    expect(row).to_contain_text("3.85% – 4.50%")
    expect(row).to_contain_text("50 万元 – 2,000 万元")
    product = stored(live_server, "知识产权质押贷")
    assert (product.amount_min, product.rate_max_bps, product.min_remaining_life_months) == (500_000, 450, 36)
    shot(page, "bank-03-published-zh")

    row.get_by_role("link", name="知识产权质押贷").click()
    expect(page.locator("input[name=rate_min]")).to_have_value("3.85")
    page.locator("input[name=name]").fill("知识产权质押贷（升级版）")
    page.locator("input[name=pledge_rate_software_copyright]").fill("30")
    page.get_by_test_id("product-form").locator("button[type=submit]").click()
    row = page.get_by_test_id("products").locator("tbody tr").first
    expect(row).to_contain_text("知识产权质押贷（升级版）")

    row.locator("form button[type=submit]").click()
    expect(row.get_by_test_id("status").locator(".badge")).to_have_class(re.compile(r"text-bg-secondary"))
    assert stored(live_server, "知识产权质押贷（升级版）").is_active is False
    shot(page, "bank-04-withdrawn-zh")
