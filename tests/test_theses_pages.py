"""The thesis page: an investor states and edits its thesis, amounts in 万元 (10,000 CNY)."""
from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from marketplace.models import User
from marketplace.services import theses
from tests.conftest import PASSWORD
from tests.helpers import field_errors, log_in, submit

EN = {"Accept-Language": "en"}
ZH = {"Accept-Language": "zh-CN"}
FORM = {"sector_groups": ["leading"], "sectors": ["metaverse"], "stages": ["seed", "pre_a"],
        "parks": ["zhangjiang_core", "lingang"], "ticket_min": "500", "ticket_max": "3000.5",
        "fund_size": "200000", "invests_early": "y", "invests_hard_tech": "y", "summary": "硬科技早期投资"}


@pytest.fixture
def investor(client, make_user):
    email = make_user("investor")
    log_in(client, email, PASSWORD)
    return email


def thesis_of(run_in, email):
    def read(s):
        found = theses.get(s, s.scalar(sa.select(User).where(User.email == email)).organization_id)
        return None if found is None else {
            "groups": [g.value for g in found.sector_groups], "sectors": [x.code for x in found.row.sectors],
            "stages": [x.code for x in found.row.stages], "parks": sorted(p.code for p in found.row.parks),
            "tickets": (found.row.ticket_min, found.row.ticket_max), "fund": found.row.fund_size,
            "flags": (found.row.invests_early, found.row.invests_small, found.row.invests_hard_tech,
                      found.row.invests_long_term),
            "partners": [i.id for i in found.row.partner_incubators], "summary": found.row.summary}

    return run_in(read)


def test_a_new_investor_is_asked_for_its_thesis_with_every_sector_group(client, investor):
    page = client.get("/investor/thesis", headers=EN).get_data(as_text=True)
    assert "State your investment thesis" in page
    for group in ("Transformations", "Three leading industries", "Key industries", "New tracks", "Future industries"):
        assert group in page
    assert "Integrated circuits" in page and "Series A" in page and "Lingang Park" in page
    assert "Amounts in units of 10,000 CNY" in page
    zh = client.get("/investor/thesis", headers=ZH).get_data(as_text=True)
    assert "集成电路" in zh and "临港园" in zh


def test_the_thesis_is_saved_in_yuan_and_shown_again_in_10000s(client, investor, run_in, make_user):
    partner = run_in(lambda s: s.scalar(sa.select(User).where(User.email == make_user("incubator"))).organization_id)
    response = submit(client, "/investor/thesis", {**FORM, "partner_incubators": [str(partner)]}, headers=EN)
    assert response.status_code == 302 and response.headers["Location"].endswith("/investor/")
    assert thesis_of(run_in, investor) == {
        "groups": ["leading"], "sectors": ["metaverse"], "stages": ["seed", "pre_a"],
        "parks": ["lingang", "zhangjiang_core"], "tickets": (5_000_000, 30_005_000), "fund": 2_000_000_000,
        "flags": (True, False, True, False), "partners": [partner], "summary": "硬科技早期投资"}
    home = client.get("/investor/", headers=EN).get_data(as_text=True)
    assert "Your thesis is saved." in home and "CNY 5M – CNY 30" in home
    again = client.get("/investor/thesis", headers=EN).get_data(as_text=True)
    assert "Your investment thesis" in again
    assert re.search(r'name="ticket_max"[^>]*value="3000.5"', again)
    assert re.search(r'value="leading"[^>]*checked', again) and re.search(r'value="metaverse"\s[^>]*checked', again)


def test_unticking_everything_clears_the_lists(client, investor, run_in):
    submit(client, "/investor/thesis", FORM, headers=EN)
    submit(client, "/investor/thesis", {"ticket_min": "0", "ticket_max": "10"}, headers=EN)
    saved = thesis_of(run_in, investor)
    assert saved["groups"] == saved["sectors"] == saved["stages"] == saved["parks"] == []
    assert saved["tickets"] == (0, 100_000) and saved["flags"] == (False,) * 4


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"ticket_min": "4000"}, "ticket_max", "The largest ticket must not be below the smallest."),
    ({"ticket_min": ""}, "ticket_min", "This field is required."),
    ({"ticket_min": "abc"}, "ticket_min", "Not a valid decimal value."),
    ({"ticket_min": "NaN"}, "ticket_min", "Enter a number."),
    ({"ticket_max": "-1"}, "ticket_max", None),
    ({"fund_size": "100"}, "ticket_max", "A single ticket cannot be larger than the fund."),
    ({"ticket_min": "0.0001", "ticket_max": "0.0002"}, "ticket_max", "The largest ticket must be at least CNY 10K."),
    ({"ticket_min": "0", "ticket_max": "0"}, "ticket_max", "The largest ticket must be at least CNY 10K."),
    ({"stages": ["series_z"]}, "stages", None),
    ({"sector_groups": ["past"]}, "sector_groups", None),
    ({"partner_incubators": ["abc"]}, "partner_incubators", None),
    ({"partner_incubators": ["424242"]}, "partner_incubators", None),
    ({"summary": "x" * 2001}, "summary", None),
])
def test_a_wrong_thesis_is_shown_again_with_the_field_at_fault(client, investor, row_counts, changes, field,
                                                              message):
    before = row_counts()
    response = submit(client, "/investor/thesis", {**FORM, **changes}, headers=EN)
    assert response.status_code == 422
    shown = field_errors(response.get_data(as_text=True), field)
    assert shown and (message is None or shown == message)
    assert row_counts() == before


def test_every_refusal_comes_in_one_answer(client, investor, row_counts):
    """The form refuses the summary's length, the service the tickets the wrong way round: both show."""
    before = row_counts()
    html = submit(client, "/investor/thesis", {**FORM, "summary": "x" * 2001, "ticket_min": "4000"},
                  headers=EN).get_data(as_text=True)
    assert field_errors(html, "summary") == "Field cannot be longer than 2000 characters."
    assert field_errors(html, "ticket_max") == "The largest ticket must not be below the smallest."
    assert row_counts() == before


def test_refusals_are_in_the_investors_language(client, investor):
    response = submit(client, "/investor/thesis", {**FORM, "ticket_min": ""}, headers=ZH)
    assert re.search(r"[\u4e00-\u9fff]", field_errors(response.get_data(as_text=True), "ticket_min"))


def test_the_home_page_leads_to_the_thesis_and_the_deal_flow(client, investor):
    home = client.get("/investor/", headers=EN).get_data(as_text=True)
    assert 'href="/investor/thesis"' in home and 'href="/investor/deal-flow"' in home
    assert "State your thesis" in home
