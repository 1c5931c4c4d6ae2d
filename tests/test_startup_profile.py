"""A startup edits its own profile, in the API and on its page; no one else can."""
from __future__ import annotations

import pytest

from marketplace.models import Startup
from tests.conftest import PASSWORD
from tests.helpers import field_errors, log_in, submit
from tests.test_needs import EN, ZH, bearer, org_id

PROFILE = {"name": "上海芯澜微电子有限公司", "name_en": "Xinlan Microelectronics", "website": "https://xinlan.example.cn",
           "park": "zhangjiang_core", "stage": "series_a", "sectors": ["integrated_circuits", "automotive"],
           "team_size": 42, "founded_on": "2020-05-18", "revenue_band": "10m_50m", "seeking_incubation": True,
           "summary_zh": "车规级MCU芯片设计", "summary_en": "Automotive-grade MCUs", "description_zh": None,
           "description_en": "We design MCUs for cars.",
           "tiers": [{"tier": "specialised", "valid_until": "2027-12-31"}, {"tier": "high_tech", "valid_until": None}]}


@pytest.fixture
def founder(make_user):
    return make_user("startup", org="芯澜")


def test_a_startup_edits_its_profile_through_the_api(client, run_in, founder):
    startup_id = org_id(run_in, founder)
    headers = bearer(run_in, founder, **EN)
    response = client.patch(f"/api/v1/organizations/{startup_id}", json=PROFILE, headers=headers)
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["name"] == PROFILE["name"] and body["park"] == "zhangjiang_core" and body["stage"] == "series_a"
    assert body["sectors"] == ["integrated_circuits", "automotive"] and body["revenue_band"] == "10m_50m"
    assert {t["tier"]: t["valid_until"] for t in body["tiers"]} == {"specialised": "2027-12-31", "high_tech": None}
    public = client.get(f"/api/v1/organizations/{startup_id}", headers=bearer(run_in, founder)).get_json()
    assert public["sectors"] == ["integrated_circuits", "automotive"] and public["team_size"] == 42


def test_the_main_sector_comes_first_and_the_lists_are_replaced(client, run_in, founder):
    startup_id = org_id(run_in, founder)
    headers = bearer(run_in, founder, **EN)
    client.patch(f"/api/v1/organizations/{startup_id}", json=PROFILE, headers=headers)
    body = client.patch(f"/api/v1/organizations/{startup_id}", headers=headers, json={
        "sectors": ["automotive", "artificial_intelligence", "integrated_circuits"],
        "tiers": [{"tier": "high_tech", "valid_until": "2026-01-01"}], "name_en": None, "park": None}).get_json()
    assert body["sectors"] == ["automotive", "artificial_intelligence", "integrated_circuits"]
    assert body["tiers"] == [{"tier": "high_tech", "valid_until": "2026-01-01"}]
    assert body["name_en"] is None and body["park"] is None and body["stage"] == "series_a"


@pytest.mark.parametrize("changes, field", [
    ({"sectors": ["a", "b", "c", "d"]}, "sectors"),
    ({"sectors": ["integrated_circuits", "integrated_circuits"]}, "sectors"),
    ({"sectors": ["no_such_sector"]}, "sectors"),
    ({"park": "atlantis"}, "park"),
    ({"stage": "series_z"}, "stage"),
    ({"website": "ftp://example.cn"}, "website"),
    ({"website": "not a url"}, "website"),
    ({"name": ""}, "name"),
    ({"name": None}, "name"),
    ({"team_size": -1}, "team_size"),
    ({"founded_on": "2999-01-01"}, "founded_on"),
    ({"tiers": [{"tier": "unicorn"}, {"tier": "unicorn"}]}, "tiers"),
    ({"tiers": [{"tier": "emperor"}]}, "tiers.0.tier"),
    ({"summary_en": "x" * 301}, "summary_en"),
    ({"kind": "bank"}, "kind"),
    ({"id": 5}, "id"),
])
def test_bad_profiles_are_refused_on_their_field_and_change_nothing(client, run_in, founder, row_counts, changes,
                                                                      field):
    startup_id = org_id(run_in, founder)
    headers = bearer(run_in, founder, **EN)
    before = row_counts()
    response = client.patch(f"/api/v1/organizations/{startup_id}", json=changes, headers=headers)
    assert response.status_code == 422, response.get_json()
    assert field in response.get_json()["errors"], response.get_json()
    assert row_counts() == before
    assert run_in(lambda s: s.get(Startup, startup_id).name) == "芯澜"


def test_no_one_else_edits_the_profile(client, run_in, founder, make_user, row_counts):
    startup_id = org_id(run_in, founder)
    others = [(bearer(run_in, make_user("startup")), 404), (bearer(run_in, make_user("investor")), 403),
              (bearer(run_in, make_user("admin")), 403), ({}, 401)]
    investor_id = org_id(run_in, make_user("investor"))
    mine = bearer(run_in, founder)
    before = row_counts()
    for headers, status in others:
        response = client.patch(f"/api/v1/organizations/{startup_id}", json={"name": "taken over"}, headers=headers)
        assert response.status_code == status
    assert client.patch(f"/api/v1/organizations/{investor_id}", json={"name": "x"}, headers=mine).status_code == 404
    assert row_counts() == before and run_in(lambda s: s.get(Startup, startup_id).name) == "芯澜"


FORM = {"name": "上海芯澜微电子有限公司", "name_en": "Xinlan Microelectronics", "website": "https://xinlan.example.cn",
        "park": "zhangjiang_core", "stage": "series_a", "sectors-0": "integrated_circuits", "sectors-1": "automotive",
        "sectors-2": "", "team_size": "42", "founded_on": "2020-05-18", "revenue_band": "10m_50m",
        "seeking_incubation": "y", "summary_zh": "车规级MCU芯片设计", "summary_en": "Automotive-grade MCUs",
        "description_zh": "", "description_en": "We design MCUs for cars.",
        **{f"tiers-{i}-tier": tier for i, tier in enumerate(
            ("tech_leader", "chain_leader", "unicorn", "hidden_champion", "specialised", "little_giant", "high_tech"))},
        **{f"tiers-{i}-valid_until": "" for i in range(7)},
        "tiers-4-held": "y", "tiers-4-valid_until": "2027-12-31"}


def test_a_startup_edits_its_profile_on_its_page(client, founder):
    log_in(client, founder, PASSWORD)
    response = submit(client, "/startup/profile", FORM, headers=EN)
    assert response.status_code == 302
    home = client.get("/startup/", headers=EN).get_data(as_text=True)
    assert "Your profile is saved." in home and "Xinlan Microelectronics" in home
    assert "Integrated circuits" in home and "Zhangjiang Core Park" in home and "Series A" in home
    assert "Specialised, refined, distinctive, novel" in home and "CNY 10M to CNY 50M" in home
    form = client.get("/startup/profile", headers=EN).get_data(as_text=True)
    assert 'value="2027-12-31"' in form and 'value="https://xinlan.example.cn"' in form


def test_the_profile_page_shows_each_refusal_on_its_field(client, founder, row_counts):
    log_in(client, founder, PASSWORD)
    before = row_counts()
    html = submit(client, "/startup/profile", {**FORM, "sectors-1": "integrated_circuits", "website": "nope",
                                               "founded_on": "2999-01-01"}, headers=EN).get_data(as_text=True)
    assert "web address" in field_errors(html, "website")
    # in the same answer, the rules the form leaves to the service
    assert "the main one first" in field_errors(html, "sectors")
    assert field_errors(html, "founded_on") == "This date is in the future."
    html = submit(client, "/startup/profile", {**FORM, "sectors-1": "integrated_circuits",
                                               "founded_on": "2999-01-01"}, headers=EN).get_data(as_text=True)
    assert "the main one first" in field_errors(html, "sectors")
    assert field_errors(html, "founded_on") == "This date is in the future."
    zh = submit(client, "/startup/profile", {**FORM, "name": ""}, headers=ZH).get_data(as_text=True)
    assert field_errors(zh, "name") == "此项为必填项。"
    assert row_counts() == before


def test_other_sides_cannot_open_the_profile_page(client, make_user):
    log_in(client, make_user("investor"), PASSWORD)
    assert client.get("/startup/profile").status_code == 403
