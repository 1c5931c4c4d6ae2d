"""What people do in the browser, checked by what they see: text, language, the page they land on."""
from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from marketplace.extensions import db
from marketplace.models import User
from tests.browser.conftest import LiveServer, shot
from tests.conftest import PASSWORD, create_account

pytestmark = pytest.mark.browser

HOMES = {"startup": "/startup/", "investor": "/investor/", "bank": "/bank/", "incubator": "/incubator/",
         "operator": "/park/", "admin": "/park/"}
# Another side's home, which each role may not open.
FORBIDDEN = {"startup": "/investor/", "investor": "/bank/", "bank": "/incubator/", "incubator": "/park/",
             "operator": "/startup/", "admin": "/startup/"}
ROLE_LABELS = {
    "zh-CN": {"startup": "科技企业", "investor": "投资机构", "bank": "银行", "incubator": "孵化器",
              "operator": "园区运营方", "admin": "管理员"},
    "en-US": {"startup": "Startup", "investor": "Investor", "bank": "Bank", "incubator": "Incubator",
              "operator": "Park operator", "admin": "Administrator"},
}
LOG_OUT = {"zh-CN": "退出登录", "en-US": "Log out"}
HTML_LANG = {"zh-CN": "zh-Hans", "en-US": "en"}
FORBIDDEN_TITLE = {"zh-CN": "您无权访问此页面", "en-US": "You may not open this page"}


def at(server: LiveServer, path: str) -> str:
    return server.url(path)


def log_in(page: Page, email: str, password: str = PASSWORD) -> None:
    """Fill the log-in form on the current page and submit it."""
    form = page.get_by_test_id("login-form")
    form.locator("input[name=email]").fill(email)
    form.locator("input[name=password]").fill(password)
    form.locator("button[type=submit]").click()


def nav(page: Page):
    return page.get_by_role("navigation")


def account_exists(server: LiveServer, email: str) -> bool:
    with server.app.app_context():
        try:
            return db.session.scalar(sa.select(sa.func.count()).select_from(User).where(User.email == email)) > 0
        finally:
            db.session.remove()


def test_a_startup_signs_up_in_chinese_logs_out_and_in_and_switches_to_english(page, page_factory, live_server):
    org = "上海芯澜微电子有限公司"
    email = "founder@xinlan.example.cn"

    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    expect(page).to_have_title(re.compile("张江"))
    sign_up = nav(page).get_by_role("link", name="注册", exact=True)
    expect(sign_up).to_be_visible()
    expect(nav(page).get_by_role("link", name="登录", exact=True)).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text("张江")
    shot(page, "journey-01-landing-zh")

    sign_up.click()
    expect(page).to_have_url(at(live_server, "/signup"))
    expect(page.get_by_role("heading", name="创建账户")).to_be_visible()
    form = page.get_by_test_id("signup-form")
    form.get_by_text("投资机构", exact=True).click()
    expect(page.locator("#investor-kind")).to_be_visible()  # the investor kind shows for investors only
    form.get_by_text("科技企业", exact=True).click()
    expect(form.locator("input[name=kind][value=startup]")).to_be_checked()
    expect(page.locator("#investor-kind")).to_be_hidden()
    form.locator("input[name=org_name]").fill(org)
    form.locator("input[name=email]").fill(email)
    form.locator("input[name=password]").fill(PASSWORD)
    form.locator("input[name=confirm]").fill(PASSWORD)
    shot(page, "journey-02-signup-filled-zh")
    form.get_by_role("button", name="注册").click()

    expect(page).to_have_url(at(live_server, "/startup/"))
    expect(page.get_by_test_id("home-title")).to_have_text(org)
    expect(page.get_by_role("alert")).to_contain_text("您的账户已开通")
    expect(page.get_by_test_id("whoami")).to_contain_text(f"{org} · 科技企业")
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    shot(page, "journey-03-startup-home-zh")

    nav(page).get_by_role("button", name="退出登录").click()
    expect(page).to_have_url(at(live_server, "/"))
    expect(page.get_by_role("alert")).to_contain_text("您已退出登录。")
    expect(nav(page).get_by_role("link", name="登录", exact=True)).to_be_visible()
    expect(page.get_by_test_id("whoami")).to_have_count(0)
    shot(page, "journey-04-logged-out-zh")

    nav(page).get_by_role("link", name="登录", exact=True).click()
    expect(page).to_have_url(at(live_server, "/login"))
    log_in(page, email)
    expect(page).to_have_url(at(live_server, "/startup/"))
    expect(page.get_by_test_id("home-title")).to_have_text(org)
    shot(page, "journey-05-logged-in-again-zh")

    switcher = page.get_by_test_id("language-switcher")
    expect(switcher.get_by_role("button", name="简体中文")).to_have_attribute("aria-current", "true")
    switcher.get_by_role("button", name="English").click()
    expect(page).to_have_url(at(live_server, "/startup/"))  # the same page, now in English
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(nav(page).get_by_role("button", name="Log out")).to_be_visible()
    expect(nav(page).get_by_role("link", name="Home")).to_be_visible()
    expect(page.get_by_test_id("whoami")).to_contain_text("Startup")
    expect(page.get_by_test_id("home-title")).to_have_text(org)
    expect(switcher.get_by_role("button", name="English")).to_have_attribute("aria-current", "true")
    shot(page, "journey-06-startup-home-en")

    page.reload()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(nav(page).get_by_role("button", name="Log out")).to_be_visible()
    nav(page).get_by_role("link", name="Account").click()
    expect(page).to_have_url(at(live_server, "/account/"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(nav(page).get_by_role("button", name="Log out")).to_be_visible()
    shot(page, "journey-07-account-en")

    # The account keeps the choice: a new Chinese-speaking browser gets English once logged in.
    other = page_factory("zh-CN")
    other.goto("/login")
    expect(other.locator("html")).to_have_attribute("lang", "zh-Hans")
    log_in(other, email)
    expect(other).to_have_url(at(live_server, "/startup/"))
    expect(other.locator("html")).to_have_attribute("lang", "en")
    expect(nav(other).get_by_role("button", name="Log out")).to_be_visible()
    shot(other, "journey-08-other-browser-en")


@pytest.mark.parametrize("password,message", [
    ("short", "请至少输入10个字符。"),
    ("password1234", "该密码过于常见，请设置更难猜到的密码。"),
], ids=["too-short", "too-common"])
def test_a_bad_password_shows_the_field_error_in_chinese_and_makes_no_account(page, live_server, password,
                                                                              message):
    email = f"bad-{len(password)}@example.cn"
    page.goto("/signup")
    form = page.get_by_test_id("signup-form")
    form.get_by_text("银行", exact=True).click()
    form.locator("input[name=org_name]").fill("浦发测试银行")
    form.locator("input[name=email]").fill(email)
    form.locator("input[name=password]").fill(password)
    form.locator("input[name=confirm]").fill(password)
    form.get_by_role("button", name="注册").click()

    error = page.locator('[data-field-error="password"]')
    expect(error).to_have_text(message)
    expect(page.locator("input[name=password]")).to_have_class(re.compile(r"\bis-invalid\b"))
    expect(page).to_have_url(at(live_server, "/signup"))
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    # What was typed stays, except the passwords.
    expect(page.locator("input[name=org_name]")).to_have_value("浦发测试银行")
    expect(page.locator("input[name=kind][value=bank]")).to_be_checked()
    expect(page.locator("input[name=password]")).to_have_value("")
    shot(page, f"bad-password-{len(password)}-zh")
    assert not account_exists(live_server, email)

    page.get_by_test_id("signup-form").get_by_role("link", name="登录").click()
    log_in(page, email, password)
    expect(page).to_have_url(at(live_server, "/login"))
    expect(page.get_by_test_id("form-errors")).to_have_text("邮箱或密码不正确。")
    expect(nav(page).get_by_role("link", name="登录", exact=True)).to_be_visible()


@pytest.mark.parametrize("role", list(HOMES))
def test_each_side_lands_on_its_own_home_in_both_languages_and_may_not_open_another(
        page_factory, live_server, role):
    email = f"{role}@home.example.cn"
    park = "zhangjiang_core" if role == "operator" else None
    org = None if role in ("operator", "admin") else f"张江{ROLE_LABELS['zh-CN'][role]}测试机构"
    create_account(live_server.app, role, email, org=org, park=park)
    titles = {
        "zh-CN": {"operator": "张江核心园", "admin": "全区"}.get(role, org),
        "en-US": {"operator": "Zhangjiang Core Park", "admin": "The whole zone"}.get(role, org),
    }

    for locale in ("zh-CN", "en-US"):
        page = page_factory(locale)
        page.goto("/login")
        expect(page.locator("html")).to_have_attribute("lang", HTML_LANG[locale])
        log_in(page, email)
        expect(page).to_have_url(at(live_server, HOMES[role]))
        expect(page.get_by_test_id("home-title")).to_have_text(titles[locale])
        expect(page.locator("html")).to_have_attribute("lang", HTML_LANG[locale])
        expect(page.get_by_test_id("whoami")).to_contain_text(ROLE_LABELS[locale][role])
        expect(nav(page).get_by_role("button", name=LOG_OUT[locale])).to_be_visible()
        shot(page, f"home-{role}-{locale}")

        response = page.goto(FORBIDDEN[role])
        assert response is not None and response.status == 403
        expect(page.get_by_role("heading", level=1)).to_have_text(FORBIDDEN_TITLE[locale])
        expect(page.get_by_text("403", exact=True)).to_be_visible()
        expect(page.get_by_test_id("home-title")).to_have_count(0)
        if role == "startup":
            shot(page, f"forbidden-{locale}")


def test_an_anonymous_visitor_is_sent_to_log_in_and_comes_back(page, live_server):
    email = create_account(live_server.app, "investor", "partner@fund.example.cn", org="张江测试创投")
    page.goto("/investor/")
    expect(page).to_have_url(re.compile(r"/login\?next=%2Finvestor%2F$"))
    expect(page.get_by_role("alert")).to_contain_text("请先登录后再访问该页面。")
    expect(page.get_by_role("heading", name="登录")).to_be_visible()
    shot(page, "anonymous-sent-to-login-zh")
    log_in(page, email)
    expect(page).to_have_url(at(live_server, "/investor/"))
    expect(page.get_by_test_id("home-title")).to_have_text("张江测试创投")


def test_the_navbar_collapses_on_a_phone(page_factory, live_server):
    page = page_factory("zh-CN", viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True)
    page.goto("/")
    toggler = page.get_by_role("button", name="菜单")
    switcher = page.get_by_test_id("language-switcher")
    expect(toggler).to_be_visible()
    expect(switcher.get_by_role("button", name="English")).to_be_hidden()
    shot(page, "phone-menu-closed-zh")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"the page is {width}px wide on a 375px phone"

    toggler.click()
    expect(toggler).to_have_attribute("aria-expanded", "true")
    expect(page.locator("#nav")).to_have_class(re.compile(r"\bshow\b"))  # the opening animation is over
    expect(switcher.get_by_role("button", name="简体中文")).to_be_visible()
    expect(switcher.get_by_role("button", name="English")).to_be_visible()
    expect(nav(page).get_by_role("link", name="登录", exact=True)).to_be_visible()
    shot(page, "phone-menu-open-zh")

    switcher.get_by_role("button", name="English").tap()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("button", name="Menu")).to_be_visible()
    expect(page.get_by_test_id("language-switcher").get_by_role("button", name="English")).to_be_hidden()
