"""A startup at work in the browser: a funding need from draft to closed with its deck (in Chinese),
its profile and IP portfolio (in English), and what an investor sees of the need."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from marketplace import clock
from marketplace.extensions import db
from marketplace.models import User
from marketplace.models.enums import Instrument, IPKind
from marketplace.services import needs
from marketplace.services.ip_numbers import patent_number
from tests.browser.conftest import LiveServer, nav_link, shot
from tests.browser.test_journeys import log_in
from tests.conftest import create_account

pytestmark = pytest.mark.browser

PDF = b"%PDF-1.7\n% a pitch deck\n%%EOF\n"
DEADLINE = (clock.today() + timedelta(days=60)).isoformat()


@pytest.fixture
def uploads(live_server: LiveServer, tmp_path, monkeypatch):
    """Decks go to the test's temporary folder, not the repository's instance folder."""
    monkeypatch.setattr(live_server.app, "instance_path", str(tmp_path))
    return tmp_path / "uploads" / "decks"


def logged_in(page: Page, live_server: LiveServer, email: str) -> None:
    page.goto("/login")
    log_in(page, email)
    expect(page).to_have_url(live_server.url("/startup/"))


def fill_need(page: Page, title: str) -> None:
    form = page.get_by_test_id("need-form")
    form.locator("input[name=title]").fill(title)
    form.locator("select[name=instrument]").select_option("linked_loan")
    form.locator("select[name=stage]").select_option("series_a")
    form.locator("input[name=amount_min]").fill("300")
    form.locator("input[name=amount_max]").fill("800")
    form.locator("input[name=sectors][value=integrated_circuits]").check()
    form.locator("input[name=deadline]").fill(DEADLINE)
    form.locator("textarea[name=summary]").fill("与A轮股权融资配套的投贷联动贷款。")
    form.locator("input[name=revenue_last_year]").fill("1200")
    form.locator("input[name=monthly_burn]").fill("60")
    form.locator("input[name=runway_months]").fill("18")


def test_a_need_goes_from_draft_to_closed_with_its_deck_in_chinese(page, live_server, uploads):
    email = create_account(live_server.app, "startup", "founder@need.startup.example.cn", org="芯澜微电子")
    logged_in(page, live_server, email)
    page.locator('a[href="/startup/needs/new"]').first.click()
    expect(page).to_have_url(live_server.url("/startup/needs/new"))
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")

    page.get_by_test_id("need-form").locator("button[type=submit]").first.click()  # save as draft, empty
    expect(page.locator('[data-field-error="title"]')).to_have_text("此项为必填项。")
    fill_need(page, "MCU产线投贷联动贷款")
    shot(page, "startup-need-form-zh")
    page.get_by_test_id("need-form").locator("button[type=submit]").first.click()

    expect(page).to_have_url(re.compile(r"/startup/needs/\d+$"))
    expect(page.get_by_test_id("need-title")).to_have_text("MCU产线投贷联动贷款")
    expect(page.get_by_test_id("status")).to_have_text("草稿")
    expect(page.get_by_test_id("need-public")).to_contain_text("投贷联动贷款")
    expect(page.get_by_test_id("need-public")).to_contain_text("300 万元 – 800 万元")
    expect(page.get_by_test_id("need-confidential")).to_contain_text("1,200 万元")

    page.locator("button[name=status][value=open]").click()
    expect(page.get_by_test_id("status")).to_have_text("进行中")

    page.get_by_test_id("deck-form").locator("input[name=deck]").set_input_files(
        {"name": "商业计划书.pdf", "mimeType": "application/pdf", "buffer": PDF})
    page.get_by_test_id("deck-form").locator("button[type=submit]").click()
    expect(page.get_by_test_id("deck")).to_contain_text("商业计划书.pdf")
    [stored] = list(uploads.glob("*.pdf"))
    assert stored.read_bytes() == PDF
    with page.expect_download() as download:
        page.get_by_test_id("deck").get_by_role("link").click()
    assert download.value.suggested_filename == "商业计划书.pdf"
    shot(page, "startup-need-open-zh")

    page.locator("button[name=status][value=closed]").click()
    expect(page.get_by_test_id("status")).to_have_text("已关闭")
    expect(page.locator("button[name=status][value=open]")).to_be_visible()  # it can be reopened
    nav_link(page, "工作台").click()
    expect(page.get_by_test_id("needs")).to_contain_text("MCU产线投贷联动贷款")
    expect(page.get_by_test_id("needs")).to_contain_text("已关闭")
    shot(page, "startup-home-with-need-zh")


def test_a_startup_keeps_its_profile_and_ip_portfolio_in_english(page_factory, live_server):
    email = create_account(live_server.app, "startup", "founder@profile.startup.example.cn", org="芯澜科技")
    page = page_factory("en-US")
    logged_in(page, live_server, email)

    nav_link(page, "Profile").click()
    form = page.get_by_test_id("profile-form")
    form.locator("input[name=name_en]").fill("Xinlan Technology")
    form.locator("input[name=website]").fill("https://xinlan.example.cn")
    form.locator("select[name=park]").select_option("zhangjiang_core")
    form.locator("select[name=stage]").select_option("seed")
    form.locator("select[name=sectors-0]").select_option("artificial_intelligence")
    form.locator("select[name=sectors-1]").select_option("integrated_circuits")
    form.get_by_label("High-tech enterprise").check()
    form.locator("textarea[name=description_en]").fill("Edge AI chips for factories.")
    shot(page, "startup-profile-form-en")
    form.get_by_role("button", name="Save profile").click()
    expect(page).to_have_url(live_server.url("/startup/"))
    expect(page.get_by_role("alert")).to_contain_text("Your profile is saved.")
    expect(page.get_by_test_id("home-title")).to_have_text("Xinlan Technology")
    expect(page.locator("main")).to_contain_text("Artificial intelligence")
    expect(page.locator("main")).to_contain_text("High-tech enterprise")

    nav_link(page, "IP portfolio").click()
    expect(page.get_by_test_id("empty")).to_be_visible()
    page.get_by_role("link", name="Add a patent or copyright").click()
    number = patent_number(2021, IPKind.INVENTION, 8080)
    ip_form = page.get_by_test_id("ip-form")
    ip_form.locator("input[name=number]").fill(number[:-1] + ("0" if number[-1] != "0" else "1"))
    ip_form.locator("input[name=title]").fill("An edge inference scheduling method")
    ip_form.locator("select[name=status]").select_option("granted")
    ip_form.locator("input[name=filed_on]").fill("2021-04-01")
    ip_form.locator("input[name=granted_on]").fill("2023-06-01")
    ip_form.locator("input[name=appraised_value]").fill("250")
    ip_form.get_by_role("button", name="Save").click()
    expect(page.locator('[data-field-error="number"]')).to_contain_text("check digit")
    ip_form.locator("input[name=number]").fill(number)
    ip_form.get_by_role("button", name="Save").click()
    expect(page).to_have_url(live_server.url("/startup/ip"))
    expect(page.get_by_test_id("ip-asset")).to_contain_text(number)
    expect(page.get_by_test_id("ip-value")).to_have_text("CNY 2.5M")
    shot(page, "startup-ip-portfolio-en")

    page.get_by_test_id("delete-ip-asset").locator("summary").click()
    page.get_by_test_id("delete-ip-asset").get_by_role("button", name="Delete").click()
    expect(page.get_by_test_id("empty")).to_be_visible()


def test_an_investor_sees_the_public_need_but_not_its_confidential_part(page_factory, live_server):
    founder = create_account(live_server.app, "startup", "founder@public.startup.example.cn", org="公开需求公司")
    investor = create_account(live_server.app, "investor", "vc@public.investor.example.cn", org="张江创投")
    owner = page_factory("en-US")
    logged_in(owner, live_server, founder)
    owner.goto("/startup/needs/new")
    fill_need(owner, "Series A linked loan")
    owner.locator("input[name=monthly_burn]").fill("98.7654")
    owner.get_by_role("button", name="Save and publish").click()
    expect(owner.get_by_test_id("need-confidential")).to_contain_text("CNY 987.65K")
    need_url = owner.url

    with live_server.app.app_context():
        startup_id = db.session.scalar(sa.select(User.organization_id).where(User.email == founder))
        draft_id = needs.create(db.session, startup_id, {
            "instrument": Instrument.EQUITY, "title": "Unpublished round", "amount_min": 1, "amount_max": 2,
            "stage": "seed", "sectors": ["integrated_circuits"]}).id
        db.session.remove()
    page = page_factory("en-US")
    page.goto("/login")
    log_in(page, investor)
    page.goto(need_url)
    expect(page.get_by_test_id("need-title")).to_have_text("Series A linked loan")
    expect(page.get_by_test_id("need-company")).to_contain_text("公开需求公司")
    expect(page.get_by_test_id("need-confidential")).to_have_count(0)
    expect(page.get_by_test_id("need-actions")).to_have_count(0)
    assert "987" not in page.content() and "CNY 12M" not in page.content() and "Runway" not in page.content()
    shot(page, "startup-need-public-view-en")
    response = page.goto(f"/startup/needs/{draft_id}")
    assert response is not None and response.status == 404
