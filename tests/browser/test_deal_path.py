"""From match to deal, tried as a new user would, with several browsers (one per side).

An investor finds a startup's round in its deal flow and asks for an introduction; the startup
accepts; they exchange messages; the investor moves the card to term sheet as lead; the startup
confirms; a bank's linked loan (投贷联动) is offered, applied for and approved; the startup's
incubator refers it to another incubator's seats, which accepts, and the relay chain shows both.
The investor, the bank and the receiving incubator read Chinese; the startup and its incubator
English.
"""
from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from marketplace import clock
from marketplace.models import Sector, Stage
from marketplace.models.enums import InvestorKind, LoanKind
from marketplace.models.listings import IncubationCapacity
from marketplace.models.organizations import startup_sectors
from marketplace.models.relay import IncubationStay
from marketplace.services import loan_products, theses
from marketplace.services.loan_products import LoanTerms
from marketplace.services.theses import ThesisInput
from tests.browser.conftest import LiveServer, nav_link, shot
from tests.browser.test_investors import cards, in_app
from tests.browser.test_journeys import log_in
from tests.conftest import create_account
from tests.offer_helpers import org_of
from tests.test_deal_flow import M, by_code, need

pytestmark = pytest.mark.browser

ROUND = "芯途激光雷达芯片 A 轮"
STARTUP = "上海芯途微电子"
FUND = "张江芯火创投"
BANK = "浦江科创银行"
PRODUCT = "芯片投贷联动贷"
INCUBATOR_A = "张江芯片孵化器"
INCUBATOR_B = "临港硬科技加速器"
SEATS = "临港 A 轮接力席位"
EMAILS = {"startup": "founder@xintu.example.cn", "investor": "partner@xinhuo.example.cn",
          "bank": "loans@pujiang.example.cn", "incubator_a": "hub@zjchip.example.cn",
          "incubator_b": "seats@lingang.example.cn"}


def market(s) -> dict[str, int]:
    """The startup (a resident of incubator A) with its open Series A, the VC whose thesis fits it,
    the bank's linked-loan product it qualifies for, and incubator B's seats."""
    company, fund, bank = (org_of(s, EMAILS[k]) for k in ("startup", "investor", "bank"))
    incubator_a, incubator_b = org_of(s, EMAILS["incubator_a"]), org_of(s, EMAILS["incubator_b"])
    today = clock.today()
    company.stage = by_code(s, Stage, "series_a")
    company.founded_on = today - timedelta(days=1200)
    s.execute(sa.insert(startup_sectors), {"startup_id": company.id, "position": 1,
                                           "sector_id": by_code(s, Sector, "integrated_circuits").id})
    round_ = need(s, company, ROUND, amount=(30 * M, 50 * M), stage="series_a",
                  summary="28nm 激光雷达 SoC 流片与车规认证", revenue_last_year=8 * M, monthly_burn=1_200_000,
                  runway_months=14)
    s.add(IncubationStay(startup_id=company.id, incubator_id=incubator_a.id, started_on=today - timedelta(days=400)))
    capacity = IncubationCapacity(incubator_id=incubator_b.id, title=SEATS, stage_min=by_code(s, Stage, "seed"),
                                  stage_max=by_code(s, Stage, "series_b"), seats_total=3, starts_on=today,
                                  ends_on=today + timedelta(days=365))
    s.add(capacity)
    s.commit()
    ids = {"startup": company.id, "need": round_.id, "capacity": capacity.id}
    assert fund.investor_kind == InvestorKind.VC
    theses.upsert(s, fund.id, ThesisInput(ticket_min=10 * M, ticket_max=60 * M, sectors=["integrated_circuits"],
                                          stages=["series_a"]))
    loan_products.create(s, bank.id, LoanTerms(
        kind=LoanKind.LINKED, name=PRODUCT, amount_min=1 * M, amount_max=20 * M, rate_min_bps=300,
        rate_max_bps=450, term_months=36, loan_to_equity_ratio=Decimal("0.3"), investor_kinds=[InvestorKind.VC],
        sectors=["integrated_circuits"], stages=["series_a"]))
    return ids


def alert(page: Page):
    return page.get_by_role("alert")


def test_from_deal_flow_to_term_sheet_linked_loan_and_relay(page_factory, live_server: LiveServer):
    orgs = {"startup": STARTUP, "investor": FUND, "bank": BANK, "incubator_a": INCUBATOR_A,
            "incubator_b": INCUBATOR_B}
    roles = {"startup": "startup", "investor": "investor", "bank": "bank", "incubator_a": "incubator",
             "incubator_b": "incubator"}
    for who, role in roles.items():
        create_account(live_server.app, role, EMAILS[who], org=orgs[who])
    ids = in_app(live_server, market)

    def browser(who: str, locale: str) -> Page:
        page = page_factory(locale)
        page.goto("/login")
        log_in(page, EMAILS[who])
        expect(page.get_by_test_id("whoami")).to_contain_text(orgs[who])
        # the navigation bar fits the window: nothing runs off the page
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), f"{who} page too wide"
        return page

    investor = browser("investor", "zh-CN")
    founder = browser("startup", "en-US")

    # 1. The investor finds the round in its deal flow, opens it and asks for an introduction.
    nav_link(investor, "项目流").click()
    expect(investor).to_have_url(re.compile(r"/investor/deal-flow"))
    card = cards(investor).filter(has_text=ROUND)
    expect(card.get_by_test_id("need-startup")).to_have_text(STARTUP)
    expect(card.get_by_test_id("match-reasons")).to_contain_text("符合您的投资偏好")
    shot(investor, "deal-path-01-investor-deal-flow-zh")
    card.get_by_test_id("need-title").click()
    expect(investor.get_by_test_id("need-title")).to_have_text(ROUND)
    expect(investor.get_by_test_id("need-confidential")).to_have_count(0)  # not before the startup accepts
    panel = investor.get_by_test_id("intro-panel")
    panel.get_by_text("请求引荐").click()
    form = investor.get_by_test_id("intro-form")
    form.locator("textarea[name=message]").fill("我们是专注集成电路的早期基金，希望了解贵司 A 轮的流片计划。")
    form.get_by_role("button", name="发送请求").click()
    expect(alert(investor)).to_contain_text("请求已发送")
    expect(panel.get_by_test_id("intro-status")).to_have_text("已请求")
    expect(panel).to_contain_text("等待企业答复。")
    expect(investor.get_by_test_id("contacts")).to_have_count(0)
    shot(investor, "deal-path-02-intro-requested-zh")

    # 2. The startup sees the bell's count, opens its introductions and accepts.
    founder.reload()
    expect(founder.get_by_test_id("unread-count")).to_have_text("1")
    expect(founder.get_by_test_id("bell")).to_have_attribute("aria-label", "Notifications: 1 unread")
    nav_link(founder, "Introductions").click()
    item = founder.get_by_test_id("intro-item").filter(has_text=FUND)
    expect(item).to_contain_text(ROUND)
    expect(item.get_by_test_id("intro-status")).to_have_text("Requested")
    shot(founder, "deal-path-03-startup-introductions-en")
    item.get_by_test_id("accept").click()
    expect(alert(founder)).to_contain_text("Accepted: you now see each other's contacts")
    expect(item.get_by_test_id("intro-status")).to_have_text("Accepted")

    # 3. The investor now sees the startup's contacts and confidential figures, and writes.
    investor.reload()
    expect(panel.get_by_test_id("intro-status")).to_have_text("已接受")
    expect(investor.get_by_test_id("contacts")).to_contain_text(EMAILS["startup"])
    expect(investor.get_by_test_id("need-confidential")).to_contain_text("14")
    panel.get_by_role("link", name="打开引荐").click()
    expect(investor.get_by_test_id("intro-title")).to_contain_text(STARTUP)
    expect(investor.get_by_test_id("contacts")).to_contain_text(EMAILS["startup"])
    thread = investor.get_by_test_id("thread")
    thread.locator("textarea[name=body]").fill("下周二方便来张江路的办公室聊一聊吗？")
    thread.get_by_role("button", name="发送", exact=True).click()
    expect(alert(investor)).to_contain_text("消息已发送。")
    expect(investor.get_by_test_id("message")).to_have_count(1)

    founder.get_by_test_id("intro-item").filter(has_text=FUND).get_by_role("link", name=FUND).click()
    expect(founder.get_by_test_id("intro-title")).to_have_text(f"{FUND} asks about your need")
    expect(founder.get_by_test_id("contacts")).to_contain_text(EMAILS["investor"])
    expect(founder.get_by_test_id("message").first).to_contain_text("下周二方便来张江路的办公室聊一聊吗？")
    founder.get_by_test_id("thread").locator("textarea[name=body]").fill("Tuesday 2pm works. See you then.")
    founder.get_by_test_id("thread").get_by_role("button", name="Send", exact=True).click()
    expect(alert(founder)).to_contain_text("Message sent.")
    expect(founder.get_by_test_id("message")).to_have_count(2)

    investor.reload()
    expect(investor.get_by_test_id("message")).to_have_count(2)
    expect(investor.get_by_test_id("message").nth(1)).to_contain_text("Tuesday 2pm works.")
    expect(investor.get_by_test_id("message").nth(1)).to_contain_text(STARTUP)
    shot(investor, "deal-path-04-intro-thread-zh")

    # 4. The investor's board has the card at "introduction"; it moves it to term sheet as lead.
    nav_link(investor, "项目管线").click()
    column = investor.get_by_test_id("column-intro")
    expect(column.get_by_test_id("column-count")).to_have_text("1")
    expect(column.get_by_test_id("pipeline-card")).to_contain_text(ROUND)
    shot(investor, "deal-path-05-pipeline-board-zh")
    column.get_by_test_id("card-title").click()
    expect(investor.get_by_test_id("card-stage")).to_have_text("引荐")
    move = investor.get_by_test_id("card-move-form")
    move.locator("select[name=stage]").select_option("term_sheet")
    move.locator("input[name=amount]").fill("2000")
    move.get_by_label("我方领投本轮").check()
    move.get_by_role("button", name="保存").click()
    expect(alert(investor)).to_contain_text("卡片现处于“投资意向书”。")
    expect(investor.get_by_test_id("card-stage")).to_have_text("投资意向书")
    expect(investor.get_by_test_id("commitment-amount")).to_have_text("2,000 万元")
    expect(investor.get_by_test_id("commitment-status")).to_have_text("待企业确认")
    shot(investor, "deal-path-06-term-sheet-recorded-zh")

    # 5. The startup confirms; the linked loan is offered at 0.3 x CNY 20M, and it applies.
    nav_link(founder, "Commitments").click()
    row = founder.get_by_test_id("commitment-row").filter(has_text=FUND)
    expect(row.get_by_test_id("commitment-amount")).to_have_text("CNY 20M")
    expect(row).to_contain_text("Lead")
    expect(row).to_contain_text("Awaiting your confirmation")
    row.get_by_test_id("confirm").click()
    expect(alert(founder)).to_contain_text("Confirmed. Linked loans your round opens")
    expect(row).to_contain_text("Confirmed")
    nav_link(founder, "Linked-loan offers").click()
    offer = founder.get_by_test_id("offer-row").filter(has_text=PRODUCT)
    expect(offer).to_contain_text(BANK)
    expect(offer).to_contain_text(ROUND)
    expect(offer.get_by_test_id("offer-amount")).to_have_text("CNY 6M")
    expect(offer.get_by_test_id("offer-status")).to_have_text("Offered")
    shot(founder, "deal-path-07-startup-linked-loan-offered-en")
    offer.get_by_test_id("offer-link").click()
    expect(founder.get_by_test_id("offer-amount")).to_have_text("CNY 6M")
    expect(founder.get_by_test_id("lead")).to_contain_text(FUND)
    expect(founder.get_by_test_id("confirmed-equity")).to_have_text("CNY 20M")
    founder.get_by_test_id("offer-apply").click()
    expect(alert(founder)).to_contain_text("The loan offer is now Applied.")
    expect(founder.get_by_test_id("offer-status")).to_have_text("Applied")
    expect(founder.get_by_test_id("offer-waiting")).to_have_text("The bank handles your application.")

    # 6. The bank sees the offer with the round it rides on, and approves it.
    bank = browser("bank", "zh-CN")
    expect(bank.get_by_test_id("unread-count")).to_have_text(re.compile(r"^[1-9]"))  # offered, then applied
    nav_link(bank, "投贷联动贷款要约").click()
    row = bank.get_by_test_id("offer-row").filter(has_text=PRODUCT)
    expect(row).to_contain_text(STARTUP)
    expect(row).to_contain_text("2,000 万元")  # the confirmed equity
    expect(row.get_by_test_id("offer-amount")).to_have_text("600 万元")
    expect(row.get_by_test_id("offer-status")).to_have_text("已申请")
    row.get_by_test_id("offer-link").click()
    linked = bank.get_by_test_id("linked-round")
    expect(linked).to_contain_text(ROUND)
    expect(linked.get_by_test_id("lead")).to_contain_text(FUND)
    expect(linked.get_by_test_id("lead")).to_contain_text("风险投资(VC)")
    expect(linked.get_by_test_id("confirmed-equity")).to_have_text("2,000 万元")
    expect(bank.get_by_test_id("need-confidential")).to_have_count(0)
    shot(bank, "deal-path-08-bank-offer-with-linked-round-zh")
    approve = bank.get_by_test_id("offer-approve")
    approve.locator("summary").click()  # approving asks first: nothing is approved yet
    expect(approve).to_contain_text(f"批准向{STARTUP}发放 600 万元的贷款？")
    expect(bank.get_by_test_id("offer-status")).to_have_text("已申请")
    approve.get_by_role("button", name="批准").click()
    expect(alert(bank)).to_contain_text("贷款要约现为“已批准”。")
    expect(bank.get_by_test_id("offer-status")).to_have_text("已批准")
    founder.reload()
    expect(founder.get_by_test_id("offer-status")).to_have_text("Approved")

    # 7. Incubator A refers its resident to incubator B's seats; B accepts; the chain shows A then B.
    hub_a = browser("incubator_a", "en-US")
    nav_link(hub_a, "Relay incubation").click()
    resident = hub_a.get_by_test_id(f"resident-{ids['startup']}")
    expect(resident).to_contain_text(STARTUP)
    resident.get_by_test_id("refer").click()
    refer = hub_a.get_by_test_id("refer-form")
    offer_label = f"{SEATS} · {INCUBATOR_B} · 3 of 3"  # the offer, its incubator, the seats left
    expect(refer.locator("select[name=capacity] option")).to_have_text([offer_label])
    refer.locator("select[name=capacity]").select_option(label=offer_label)
    refer.locator("textarea[name=message]").fill("Graduating from our chip programme; ready for Series A support.")
    refer.get_by_test_id("refer").click()
    expect(alert(hub_a)).to_contain_text("The startup is referred")
    expect(hub_a.get_by_test_id("reservation-status")).to_have_text("Awaiting the incubator")
    expect(hub_a.get_by_test_id("seats-left")).to_contain_text("2 of 3")
    shot(hub_a, "deal-path-09-incubator-a-referred-en")

    hub_b = browser("incubator_b", "zh-CN")
    nav_link(hub_b, "接力孵化").click()
    incoming = hub_b.get_by_test_id(f"incoming-{ids['capacity']}")
    reservation = incoming.locator("li").filter(has_text=STARTUP)
    expect(reservation).to_contain_text(f"由{INCUBATOR_A}推荐")
    expect(reservation.get_by_test_id("reservation-status")).to_have_text("待孵化器答复")
    reservation.get_by_test_id("accept").click()
    expect(alert(hub_b)).to_contain_text("已接受：该企业开始在您处孵化。")
    expect(hub_b.get_by_test_id("reservation-status")).to_have_text("已接受")

    nav_link(founder, "Relay incubation").click()
    stays = founder.get_by_test_id("relay-chain").get_by_test_id("stay")
    expect(stays).to_have_count(2)
    expect(stays.nth(0)).to_contain_text(INCUBATOR_A)
    expect(stays.nth(1)).to_contain_text(INCUBATOR_B)
    expect(stays.nth(1)).to_contain_text("now")
    expect(stays.nth(0)).not_to_contain_text("now")
    expect(founder.get_by_test_id("reservations")).to_contain_text("Accepted")
    shot(founder, "deal-path-10-startup-relay-chain-en")
