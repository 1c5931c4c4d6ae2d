"""Confidential need details reach the owner only: sentinel values are planted in them and
searched for in every page, API response and log line that anyone else can get."""
from __future__ import annotations

import logging
import re

import pytest
import sqlalchemy as sa

from marketplace import clock, recs
from marketplace.extensions import db
from marketplace.models import FundingNeed, Sector, Stage, User
from marketplace.models.enums import Instrument, NeedStatus, Role
from marketplace.services import needs as needs_service
from marketplace.services import tokens
from tests.conftest import PASSWORD, create_account
from tests.helpers import log_in

REVENUE, BURN, RUNWAY = 6_543_219, 4_471_113, 587
DECK = "sentinel-deck-q9z.pdf"
SENTINELS = ["6543219", "6,543,219", "654.32", "4471113", "4,471,113", "447.11", "587 months", "587 个月",
             '"runway_months": 587', "sentinel-deck-q9z"]
OTHERS = [Role.STARTUP, Role.INVESTOR, Role.BANK, Role.INCUBATOR, Role.OPERATOR, Role.ADMIN]


def plant(app) -> tuple[int, int]:
    create_account(app, "startup", "owner@example.org", org="保密科技")
    with app.app_context():
        owner = db.session.scalar(sa.select(User).where(User.email == "owner@example.org")).organization
        need = FundingNeed(startup=owner, instrument=Instrument.EQUITY, title="A轮融资 机密测试", summary="公开摘要",
                           amount_min=10_000_000, amount_max=20_000_000, status=NeedStatus.OPEN,
                           stage=db.session.scalar(sa.select(Stage).where(Stage.code == "series_a")),
                           revenue_last_year=REVENUE, monthly_burn=BURN, runway_months=RUNWAY,
                           deck_filename=DECK, deck_path=f"decks/{DECK}")
        need.sectors.append(db.session.scalar(sa.select(Sector).where(Sector.code == "integrated_circuits")))
        db.session.add(need)
        db.session.flush()
        need.search_text = needs_service.need_search_text(need)
        assert leaks(need.search_text) == []  # keyword search must not find a need by its secrets
        db.session.commit()
        ids = need.id, owner.id
        db.session.remove()
    return ids


def get_pages(app) -> list[str]:
    """Every page and API read route, with their ids filled in (``{need_id}`` ...)."""
    pages = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static" or "<token>" in rule.rule:
            continue
        pages.append(re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule))
    return pages


def fill(path: str, need_id: int, org_id: int) -> str:
    return path.replace("{need_id}", str(need_id)).replace("{org_id}", str(org_id))


def leaks(body: str) -> list[str]:
    return [s for s in SENTINELS if s in body]


def test_the_owner_sees_the_confidential_details(app, client):
    need_id, _ = plant(app)
    log_in(client, "owner@example.org", PASSWORD)
    page = client.get(f"/startup/needs/{need_id}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "6,543,219" in page or "654.32" in page or "6.54M" in page
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == "owner@example.org"))
        _, raw = tokens.create(db.session, user, name="t")
    body = client.get(f"/api/v1/needs/{need_id}", headers={"Authorization": f"Bearer {raw}"}).get_json()
    assert body["revenue_last_year"] == REVENUE and body["runway_months"] == RUNWAY


@pytest.mark.parametrize("role", OTHERS + [None], ids=[r.value for r in OTHERS] + ["anonymous"])
def test_nobody_else_ever_gets_them(app, client, caplog, role):
    caplog.set_level(logging.DEBUG)
    need_id, org_id = plant(app)
    headers = {}
    if role is not None:
        email = create_account(app, role.value, f"other-{role.value}@example.org", park="zhangjiang_core")
        log_in(client, email, PASSWORD)
        with app.app_context():
            user = db.session.scalar(sa.select(User).where(User.email == email))
            _, raw = tokens.create(db.session, user, name="t")
            db.session.remove()
        headers = {"Authorization": f"Bearer {raw}"}
    searches = ["/investor/deal-flow?q=机密", "/bank/needs",
                "/api/v1/needs?q=机密", "/api/v1/needs?keyword=机密", "/api/v1/needs"]
    checked = 0
    for path in [fill(p, need_id, org_id) for p in get_pages(app)] + searches:
        if "{" in path:
            continue
        for language in ("en", "zh-CN"):
            response = client.get(path, headers={**headers, "Accept-Language": language})
            assert response.status_code < 500, path
            assert leaks(response.get_data().decode("utf-8", "replace")) == [], f"{path} leaks to {role}"
            checked += 1
    assert checked > 40
    assert leaks(caplog.text) == []


def test_the_recommender_never_reads_them(app, run_in):
    """What the rankings learn from and the reasons quote (texts, amounts) holds none of them."""
    plant(app)
    data = run_in(lambda s: recs.dataset(s, clock.today()))
    learned = " ".join([*data.rounds.text, *data.investors.text, *map(str, data.rounds.amount)])
    assert "机密测试" in learned  # the public title is there...
    # ...the secrets not
    assert leaks(learned) == [] and str(REVENUE) not in learned and str(float(REVENUE)) not in learned
