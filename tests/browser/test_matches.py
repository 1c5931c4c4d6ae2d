"""Ranked matches in the browser: an investor's deal flow with reasons, saved and dismissed; a
startup's matches, one tab per side, with a fund set aside and brought back."""
from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from marketplace import clock
from marketplace.models import LoanProduct, Sector, Stage, User
from marketplace.models.enums import LoanKind
from marketplace.models.organizations import startup_sectors
from marketplace.services import theses
from marketplace.services.theses import ThesisInput
from tests.browser.conftest import shot
from tests.browser.test_investors import cards, in_app
from tests.browser.test_journeys import log_in
from tests.conftest import create_account
from tests.test_deal_flow import M, by_code, need, startup

pytestmark = pytest.mark.browser


def test_an_investor_sees_why_saves_one_and_dismisses_another(page, live_server):
    email = create_account(live_server.app, "investor", "ranker@fund.example.cn", org="芯锐创投")

    def market(s):
        investor = s.scalar(sa.select(User).where(User.email == email)).organization
        chips = startup(s, "上海芯锐排序科技", "Xinrui Ranking Tech", park="zhangjiang_core")
        bio = startup(s, "张江排序生物", "Ranking Bio", park="caohejing")
        need(s, chips, "R1 激光雷达芯片 A 轮", amount=(30 * M, 50 * M), stage="series_a", minutes=1)
        need(s, bio, "R1 抗体药物 Pre-A 轮", amount=(10 * M, 20 * M), stage="pre_a", sectors=("biomedicine",),
             minutes=2)
        s.commit()
        theses.upsert(s, investor.id, ThesisInput(ticket_min=20 * M, ticket_max=60 * M,
                                                  sectors=["integrated_circuits"], stages=["series_a"]))

    in_app(live_server, market)
    page.goto("/login")
    log_in(page, email)
    page.goto(live_server.url("/investor/deal-flow?q=R1"))
    first = cards(page).first
    expect(first).to_contain_text("R1 激光雷达芯片 A 轮")
    expect(first.get_by_test_id("match-reasons")).to_contain_text("符合您的投资偏好：领域、阶段、金额区间 2,000 万元 至 6,000 万元")
    shot(page, "matches-01-ranked-deal-flow-zh")
    first.get_by_test_id("save").click()
    expect(page.get_by_role("alert")).to_contain_text("已收藏")
    expect(cards(page).first.get_by_test_id("unsave")).to_be_visible()
    cards(page).nth(1).get_by_test_id("dismiss").click()
    expect(page.get_by_role("alert")).to_contain_text("不会再出现在您的推荐列表中")
    expect(cards(page)).to_have_count(1)
    expect(page).to_have_url(live_server.url("/investor/deal-flow?q=R1"))
    shot(page, "matches-02-saved-and-dismissed-zh")
    # the dismissed need is found under the marked needs and brought back into the ranked list
    page.get_by_test_id("marked-needs").click()
    expect(cards(page)).to_have_count(1)
    expect(cards(page).first).to_contain_text("R1 激光雷达芯片 A 轮")
    page.get_by_test_id("mark-tab-dismiss").click()
    expect(cards(page).first).to_contain_text("R1 抗体药物 Pre-A 轮")
    shot(page, "matches-03-marked-needs-zh")
    cards(page).first.get_by_test_id("undismiss").click()
    expect(page.get_by_role("alert")).to_contain_text("已取消标记")
    expect(cards(page)).to_have_count(0)
    page.get_by_test_id("back-to-ranked-list").click()
    expect(page).to_have_url(live_server.url("/investor/deal-flow"))
    page.goto(live_server.url("/investor/deal-flow?q=R1"))
    expect(cards(page)).to_have_count(2)


def test_a_startup_browses_its_matches_tab_by_tab(page_factory, live_server):
    email = create_account(live_server.app, "startup", "founder@xinrui.example.cn", org="上海芯锐微电子")
    create_account(live_server.app, "investor", "partner@icfund.example.cn", org="集成电路产业基金")
    bank_email = create_account(live_server.app, "bank", "loans@bank.example.cn", org="浦江银行测试支行")

    def market(s):
        company = s.scalar(sa.select(User).where(User.email == email)).organization
        company.stage = by_code(s, Stage, "series_a")
        company.founded_on = clock.today() - timedelta(days=900)
        s.execute(sa.insert(startup_sectors), {"startup_id": company.id, "position": 1,
                                               "sector_id": by_code(s, Sector, "integrated_circuits").id})
        need(s, company, "芯锐 A 轮", amount=(30 * M, 50 * M), stage="series_a")
        investor = s.scalar(sa.select(User).where(User.email == "partner@icfund.example.cn")).organization
        bank = s.scalar(sa.select(User).where(User.email == bank_email)).organization
        s.add(LoanProduct(bank=bank, kind=LoanKind.CREDIT, name="科创信用贷", amount_min=1 * M, amount_max=5 * M,
                          rate_min_bps=320, rate_max_bps=450, term_months=12))
        s.commit()
        theses.upsert(s, investor.id, ThesisInput(ticket_min=10 * M, ticket_max=60 * M, sectors=["integrated_circuits"],
                                                  stages=["series_a"]))

    in_app(live_server, market)
    page = page_factory("en-US")
    page.goto("/login")
    log_in(page, email)
    page.goto(live_server.url("/matches/"))
    fund = page.get_by_test_id("match-card").filter(has_text="集成电路产业基金")  # other tests' investors rank too
    expect(fund.get_by_test_id("match-reasons")).to_contain_text(
        "Fits the thesis on sector, stage, amount range CNY 10M to CNY 60M")
    expect(page.get_by_test_id("match-card").first.get_by_test_id("match-rank")).to_have_text("1")
    shot(page, "matches-03-startup-investors-en")
    page.get_by_test_id("match-tab-loan-products").click()
    product = page.get_by_test_id("match-card").filter(has_text="科创信用贷")
    expect(product.get_by_test_id("borrowable")).to_have_text("Up to CNY 5M")
    shot(page, "matches-04-startup-loans-en")
    page.get_by_test_id("match-tab-capacities").click()
    expect(page.get_by_test_id("match-tabs").locator(".active")).to_have_text("Incubation seats")
    # a fund that is not for the company is set aside, found under Marked and brought back
    page.get_by_test_id("match-tab-investors").click()
    fund.get_by_test_id("dismiss").click()
    expect(page.locator(".alert-success")).to_contain_text("it will not be shown in this ranked list again")
    expect(page.get_by_test_id("match-card").filter(has_text="集成电路产业基金")).to_have_count(0)
    page.get_by_test_id("marked-matches").click()
    page.get_by_test_id("mark-tab-dismiss").click()
    expect(page.get_by_test_id("marked-title")).to_have_text(["集成电路产业基金"])
    shot(page, "matches-05-startup-marked-en")
    page.get_by_test_id("undismiss").click()
    expect(page.get_by_test_id("marked-card")).to_have_count(0)
    page.get_by_test_id("back-to-ranked-list").click()
    expect(page.get_by_test_id("match-card").filter(has_text="集成电路产业基金")).to_have_count(1)
