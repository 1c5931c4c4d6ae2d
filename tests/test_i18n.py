"""Simplified Chinese and English: the account's choice, then the browser's; nothing untranslated."""
from __future__ import annotations

import html
import re
import subprocess
import sys

import flask_babel
import pytest
import sqlalchemy as sa
from babel.messages.pofile import read_po

from marketplace.models import User
from tests.conftest import PASSWORD
from tests.helpers import ROOT, log_in, submit

CATALOG = ROOT / "marketplace/translations/zh_Hans/LC_MESSAGES/messages.po"
CJK = re.compile(r"[\u3400-\u9fff]")
ZH = {"Accept-Language": "zh-CN,zh;q=0.9"}
EN = {"Accept-Language": "en-US,en;q=0.9"}


def visible_text(page: str) -> str:
    """The words a reader sees, less what a form holds for editing (an input's value, a textarea's
    text: the member's own words, which a Chinese page may hold in English and the other way round)."""
    page = re.sub(r"<(script|style|textarea)\b.*?</\1>", " ", page, flags=re.S)
    attributes = " ".join(re.findall(r'(?:aria-label|title|placeholder|alt)="([^"]*)"', page))
    text = re.sub(r"<[^>]+>", " ", page) + " " + attributes
    return html.unescape(re.sub(r"\s+", " ", text))


def test_the_browser_language_chooses_when_the_account_has_not(client):
    assert '<html lang="zh-Hans">' in client.get("/", headers=ZH).get_data(as_text=True)
    assert '<html lang="en">' in client.get("/", headers=EN).get_data(as_text=True)
    assert '<html lang="zh-Hans">' in client.get("/").get_data(as_text=True)  # the default


def test_the_switcher_keeps_a_visitors_choice(client):
    response = submit(client, "/login", {"locale": "en", "next": "/login"}, action="/language", headers=ZH)
    assert response.status_code == 302 and response.location == "/login"
    assert "Log in" in client.get("/login", headers=ZH).get_data(as_text=True)


def test_the_account_keeps_its_choice_on_every_device(app, client, make_user, run_in):
    email = make_user()
    log_in(client, email, PASSWORD)
    submit(client, "/account/", {"locale": "en", "next": "/account/"}, action="/language")
    assert run_in(lambda s: s.scalar(sa.select(User.locale).where(User.email == email))) == "en"
    other_device = app.test_client()
    log_in(other_device, email, PASSWORD)
    assert '<html lang="en">' in other_device.get("/startup/", headers=ZH).get_data(as_text=True)


def test_the_catalog_translates_every_message_in_the_source(tmp_path):
    template = tmp_path / "messages.pot"
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg", "-k", "_l",
                    "-k", "lazy_gettext", "-k", "lazy_pgettext:1c,2", "-k", "N_", "-o", str(template), "."],
                   cwd=ROOT, check=True, capture_output=True)
    with template.open("rb") as f:  # a message is its context and its text ("Withdrawn": a request's, a product's)
        source = {(m.context, m.id) for m in read_po(f) if m.id}
    with CATALOG.open("rb") as f:
        catalog = {(m.context, m.id): m for m in read_po(f) if m.id}
    missing = sorted(str(i) for i in source - catalog.keys())
    assert missing == [], "run `make messages` and translate these"
    untranslated = sorted(str(i) for i, m in catalog.items()
                          if i in source
                          and (m.fuzzy or not all(m.string if isinstance(m.string, tuple) else [m.string])))
    assert untranslated == []


def test_the_chinese_catalog_addresses_the_reader_as_nin_throughout():
    """The polite 您, as the zone's services write to firms and investors; never the familiar 你."""
    with CATALOG.open("rb") as f:
        familiar = [str(m.id) for m in read_po(f) if m.id and not m.fuzzy
                    and "你" in "".join(m.string if isinstance(m.string, tuple) else [m.string])]
    assert familiar == []


def test_templates_hold_no_chinese_outside_the_catalog():
    offenders = [str(p.relative_to(ROOT)) for p in (ROOT / "templates").rglob("*.html") if CJK.search(p.read_text())]
    assert offenders == []


class _Recorder:
    """Wraps the Chinese catalog and notes every message it had no translation for."""

    def __init__(self, inner, missing: set[str]):
        self._inner, self._missing = inner, missing

    def ugettext(self, message):
        result = self._inner.ugettext(message)
        if result == message:
            self._missing.add(message)
        return result

    def ungettext(self, singular, plural, n):
        result = self._inner.ungettext(singular, plural, n)
        if result in (singular, plural):
            self._missing.add(singular)
        return result

    def __getattr__(self, name):
        return getattr(self._inner, name)


@pytest.fixture
def untranslated(monkeypatch) -> set[str]:
    missing: set[str] = set()
    original = flask_babel.Domain.get_translations

    def recording(self):
        translations = original(self)
        locale = flask_babel.get_locale()
        return _Recorder(translations, missing) if locale is not None and locale.language == "zh" else translations

    monkeypatch.setattr(flask_babel.Domain, "get_translations", recording)
    return missing


def demo_ids(session) -> dict[str, int]:
    """Ids of objects the demo logins own, to open the pages that show one object."""
    from marketplace.models import FundingNeed, IncubationCapacity, Introduction, IPAsset, LoanOffer, LoanProduct
    from marketplace.models import PipelineCard
    from marketplace.models.relay import Reservation

    def first(model, owner_column, email):
        owner = session.scalar(sa.select(User.organization_id).where(User.email == email))
        return session.scalar(sa.select(model.id).where(owner_column == owner).order_by(model.id))

    return {
        "need_id": first(FundingNeed, FundingNeed.startup_id, "startup@demo.zjmatch.cn"),
        "asset_id": first(IPAsset, IPAsset.startup_id, "startup@demo.zjmatch.cn"),
        "product_id": first(LoanProduct, LoanProduct.bank_id, "bank@demo.zjmatch.cn"),
        "capacity_id": first(IncubationCapacity, IncubationCapacity.incubator_id, "incubator@demo.zjmatch.cn"),
        "org_id": session.scalar(sa.select(User.organization_id).where(User.email == "startup@demo.zjmatch.cn")),
        # the deals the demo plays: each side's detail pages, with content
        "intro_id": first(Introduction, Introduction.requester_id, "investor@demo.zjmatch.cn"),
        "card_id": first(PipelineCard, PipelineCard.investor_id, "investor@demo.zjmatch.cn"),
        "offer_id": session.scalar(sa.select(LoanOffer.id).order_by(LoanOffer.id)),
        "reservation_id": first(Reservation, Reservation.referred_by_id, "incubator@demo.zjmatch.cn"),
        "startup_id": session.scalar(sa.select(User.organization_id).where(  # a resident of the login incubator
            User.email == "startup@demo.zjmatch.cn")),
    }


def side_pages(app, ids: dict[str, int]) -> list[str]:
    """Every HTML page of the sides and the organizations, with its ids filled in."""
    paths = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.rule.startswith(("/api/", "/static/", "/account/", "/invite/")):
            continue
        if rule.rule.endswith("/deck") or rule.rule in ("/", "/login", "/signup", "/favicon.ico"):
            continue
        path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(ids.get(m.group(1), "")), rule.rule)
        paths.append(path)
    return sorted(paths)


def pages_of_every_kind(app, client, run_in, headers):
    """Every page a user can reach, with the demo marketplace loaded so pages have content."""
    from marketplace.services import demo

    run_in(lambda s: demo.load(s, seed=7, password=PASSWORD))
    logins = run_in(demo.logins)
    pages = {}
    for path in ("/", "/login", "/signup", "/no/such/page"):
        pages[path] = client.get(path, headers=headers)
    pages["signup errors"] = submit(client, "/signup", {"kind": "", "password": "short", "confirm": "x",
                                                         "email": "bad"}, headers=headers)
    pages["login error"] = submit(client, "/login", {"email": "a@b.cn", "password": "wrong one!!"}, headers=headers)
    pages["invitation gone"] = client.get("/invite/not-a-token", headers=headers)
    ids = run_in(demo_ids)
    for role, email in logins:
        log_in(client, email, PASSWORD)
        for path in side_pages(app, ids):
            pages[f"{role} {path}"] = client.get(path, headers=headers)  # its page, or the 403/404 page
        pages[f"{role} account"] = submit(client, "/account/", {}, action="/account/invitations", headers=headers)
        pages[f"{role} password errors"] = submit(client, "/account/", {"current_password": "x",
                                                                         "new_password": "short", "confirm": "y"},
                                                  action="/account/password", headers=headers)
        submit(client, "/account/", {}, action="/logout")
    link = re.search(r'value="http://localhost(/invite/[^"]+)"', pages["startup account"].get_data(as_text=True))
    pages["invitation"] = client.get(link.group(1), headers=headers)
    return pages


def words_in_data(session) -> set[str]:
    """Latin words users (here: the demo) wrote into listings: data, not untranslated interface."""
    from marketplace.models import FundingNeed, IncubationCapacity, IPAsset, LoanProduct, Organization, Tag

    columns = [FundingNeed.title, FundingNeed.summary, FundingNeed.use_of_funds, Organization.name,
               Organization.summary_zh, Organization.description_zh, LoanProduct.name, LoanProduct.description,
               IncubationCapacity.title, IncubationCapacity.conditions, IPAsset.title, IPAsset.number, Tag.name]
    words: set[str] = set()
    for column in columns:
        for value in session.scalars(sa.select(column).where(column.is_not(None))):
            words.update(re.findall(r"[A-Za-z]{2,}", value))
    return words


@pytest.mark.one_database
def test_every_page_in_chinese_leaves_no_message_untranslated(app, client, run_in, untranslated):
    pages = pages_of_every_kind(app, client, run_in, ZH)
    assert untranslated == set()
    allowed = run_in(words_in_data) | {"English", "Pre", "IPO", "ZL", "SR", "CVC", "VC", "API", "JSON", "OpenAPI",
                                       "Bearer", "PDF", "MB", "http", "https"}
    for name, response in pages.items():
        assert response.status_code < 500, name
        text = visible_text(response.get_data(as_text=True))
        text = re.sub(r"[\w.+-]+@[\w.-]+", " ", text)  # e-mail addresses are data
        text = re.sub(r"https?://\S+", " ", text)
        latin = set(re.findall(r"[A-Za-z]{2,}", text)) - allowed
        assert latin == set(), f"English left on the Chinese page {name}: {sorted(latin)[:20]}"


@pytest.mark.one_database
def test_every_page_in_english_is_english(app, client, run_in):
    pages = pages_of_every_kind(app, client, run_in, EN)
    for name, response in pages.items():
        assert response.status_code < 500, name
        page = response.get_data(as_text=True)
        assert '<html lang="en">' in page, name
        chrome = visible_text(re.sub(r"<main\b.*?</main>|<title>.*?</title>", " ", page, flags=re.S))
        assert not CJK.search(chrome.replace("简体中文", "")), f"Chinese in the English navigation of {name}"


def test_translations_add_no_bare_percent_sign():
    """Templates format every message with %: a stray % in a translation breaks the page."""
    def bare(text: str) -> int:
        return re.sub(r"%\(\w+\)[sd]|%%", "", text).count("%")

    with CATALOG.open("rb") as f:
        wrong = [m.id for m in read_po(f) if m.id and isinstance(m.string, str) and bare(m.string) != bare(m.id)]
    assert wrong == []


@pytest.mark.parametrize(("amount", "english", "chinese"), [
    (800, "CNY 800", "800 元"),
    (35_000, "CNY 35K", "3.5 万元"),
    (20_000_000, "CNY 20M", "2,000 万元"),
    (5_499_610_000, "CNY 5.5B", "55 亿元"),
    (None, "—", "—"),
])
def test_money_reads_in_the_units_of_each_language(app, amount, english, chinese):
    from marketplace.i18n import yuan

    for header, expected in (("en", english), ("zh-CN", chinese)):
        with app.test_request_context(headers={"Accept-Language": header}):
            assert yuan(amount) == expected
