"""``GET /api/v1/needs``: the deal flow for scripts, with the same filters, sorts and pages."""
from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from marketplace import clock
from marketplace.models import User
from marketplace.models.enums import Instrument, NeedStatus
from marketplace.services import tokens
from tests.test_deal_flow import M, need, startup

EN = {"Accept-Language": "en"}
CONFIDENTIAL = {"revenue_last_year", "monthly_burn", "runway_months", "deck", "deck_path", "deck_filename",
                "search_text"}


def bearer(run_in, email):
    def make(s):
        return tokens.create(s, s.scalar(sa.select(User).where(User.email == email)), name="t")[1]

    return {"Authorization": f"Bearer {run_in(make)}", **EN}


@pytest.fixture
def headers(run_in, make_user):
    return bearer(run_in, make_user("bank"))


@pytest.fixture
def needs(run_in):
    def post(s):
        chips = startup(s, "上海芯澜微电子", "Xinlan Micro", park="zhangjiang_core")
        for i in range(5):
            need(s, chips, f"Round {i}", minutes=i, amount=((i + 1) * M, (i + 2) * M), summary="lidar chip",
                 revenue_last_year=12 * M, monthly_burn=M, runway_months=14, deck_path="decks/secret.pdf")
        need(s, chips, "Credit line", minutes=9, instrument=Instrument.CREDIT_LOAN, deadline=date(2030, 9, 1))
        need(s, chips, "A draft", minutes=10, status=NeedStatus.DRAFT)
        need(s, chips, "Past its deadline", minutes=11, deadline=clock.today() - timedelta(days=1))  # not listed
        s.commit()

    run_in(post)


def test_anyone_logged_in_browses_the_public_part_of_open_needs(client, headers, needs):
    body = client.get("/api/v1/needs", headers=headers).get_json()
    assert [item["title"] for item in body["items"]] == ["Credit line"] + [f"Round {i}" for i in range(4, -1, -1)]
    assert body["next"] is None
    item = body["items"][1]
    assert not CONFIDENTIAL & set(item)
    assert item["startup"]["name"] == "上海芯澜微电子" and item["startup"]["park"] == "zhangjiang_core"
    assert item["stage"] == "seed" and item["sectors"] == ["integrated_circuits"] and item["status"] == "open"
    assert item["amount_min"] == 5 * M and item["instrument"] == "equity"


def test_filters_repeat_in_the_query_string_and_the_next_link_keeps_them(client, headers, needs):
    query = "/api/v1/needs?instruments=equity&instruments=credit_loan&q=LIDAR&sort=amount&limit=2&amount_min=3000000"
    first = client.get(query, headers=headers).get_json()
    assert [i["title"] for i in first["items"]] == ["Round 4", "Round 3"]
    assert "instruments=credit_loan" in first["next"] and "q=LIDAR" in first["next"]
    second = client.get(first["next"], headers=headers).get_json()
    assert [i["title"] for i in second["items"]] == ["Round 2", "Round 1"] and second["next"] is None


def test_without_a_token_the_deal_flow_is_closed(client, needs):
    assert client.get("/api/v1/needs", headers=EN).status_code == 401


@pytest.mark.parametrize(("query", "field", "message"), [
    ("limit=0", "limit", "Must be greater than or equal to 1 and less than or equal to 100."),
    ("limit=ten", "limit", "Not a valid integer."),
    ("sort=random", "sort", None),
    ("sectors=no_such_sector", "sectors", "Unknown sector: no_such_sector."),
    ("sectors=Not%20A%20Code", "sectors.0", None),
    ("tiers=emperor", "tiers.0", None),
    ("amount_min=-1", "amount_min", None),
    ("amount_min=5&amount_max=4", "amount_max", "The largest amount must not be below the smallest."),
    ("after=%%%", "after", None),
    ("after=WyJub3QgYSB0aW1lIiwgMV0", "after", None),  # ["not a time", 1]
    ("limit=1&limit=2", "limit", None),
    ("colour=red", "colour", "Unknown field."),
])
def test_bad_queries_get_400_with_the_field_named(client, headers, needs, row_counts, query, field, message):
    before = row_counts()
    response = client.get(f"/api/v1/needs?{query}", headers=headers)
    assert response.status_code == 400, response.get_json()
    errors = response.get_json()["errors"]
    assert field in errors
    if message:
        assert errors[field] == [message]
    assert row_counts() == before


def test_errors_come_in_the_requesters_language(client, headers, needs):
    zh = client.get("/api/v1/needs?limit=0", headers={**headers, "Accept-Language": "zh-CN"}).get_json()
    assert re.search(r"[\u4e00-\u9fff]", zh["errors"]["limit"][0])
