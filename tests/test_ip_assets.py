"""The IP portfolio through the JSON API: the owner's alone, checked as the offices number and date it."""
from __future__ import annotations

from datetime import timedelta

import pytest

from marketplace import clock
from marketplace.models import IPAsset
from marketplace.models.enums import IPKind
from marketplace.services.ip_numbers import patent_number
from tests import test_needs
from tests.test_needs import EN, ZH, bearer

INVENTION = patent_number(2021, IPKind.INVENTION, 123)

founder, owner = test_needs.founder, test_needs.owner  # the same fixtures


def asset_body(**changes) -> dict:
    return {"kind": "invention", "number": INVENTION, "title": "一种车规级MCU的低功耗唤醒方法",
            "status": "granted", "filed_on": "2021-03-01", "granted_on": "2023-05-10", "expires_on": "2041-03-01",
            "appraised_value": 3_200_000, "appraised_on": "2024-06-30", **changes}


def post_asset(client, headers, **changes):
    return client.post("/api/v1/ip-assets", json=asset_body(**changes), headers=headers)


def test_a_startup_adds_a_patent_and_reads_it_back(client, owner):
    response = post_asset(client, owner, number=" zl 2021 1 0000123." + INVENTION[-1])
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["number"] == INVENTION and body["kind"] == "invention" and body["appraised_value"] == 3_200_000
    assert client.get(f"/api/v1/ip-assets/{body['id']}", headers=owner).get_json() == body


def test_the_portfolio_is_paged_newest_first_with_a_next_link(client, owner):
    ids = [post_asset(client, owner, kind="software_copyright", number=f"2023SR000000{i}", status="filed",
                      granted_on=None, expires_on=None).get_json()["id"] for i in range(1, 6)]
    first = client.get("/api/v1/ip-assets?limit=2", headers=owner).get_json()
    assert [a["id"] for a in first["items"]] == ids[::-1][:2] and "limit=2" in first["next"]
    second = client.get(first["next"], headers=owner).get_json()
    third = client.get(second["next"], headers=owner).get_json()
    assert [a["id"] for a in second["items"] + third["items"]] == ids[::-1][2:]
    assert third["next"] is None
    assert client.get("/api/v1/ip-assets", headers=owner).get_json()["next"] is None


@pytest.mark.parametrize("query", ["limit=0", "limit=101", "limit=x", "after=%%%", "after=WyJ4Il0", "after=e30",
                                   "after=WzEsMl0", "other=1"])
def test_a_bad_page_query_is_a_400(client, owner, query):
    response = client.get(f"/api/v1/ip-assets?{query}", headers=owner)
    assert response.status_code == 400 and response.get_json()["errors"]


def test_others_never_see_an_asset(client, run_in, owner, make_user):
    asset_id = post_asset(client, owner).get_json()["id"]
    other = bearer(run_in, make_user("startup"), **EN)
    assert client.get(f"/api/v1/ip-assets/{asset_id}", headers=other).status_code == 404
    assert client.get("/api/v1/ip-assets", headers=other).get_json() == {"items": [], "next": None}
    for role in ("investor", "bank", "incubator", "operator", "admin"):
        assert client.get(f"/api/v1/ip-assets/{asset_id}", headers=bearer(run_in, make_user(role))).status_code == 403


@pytest.mark.parametrize("changes, field", [
    ({"number": "ZL202110000123.0" if INVENTION[-1] != "0" else "ZL202110000123.1"}, "number"),
    ({"number": patent_number(2021, IPKind.UTILITY_MODEL, 123)}, "number"),
    ({"kind": "software_copyright"}, "number"),
    ({"expires_on": "2023-05-10"}, "expires_on"),
    ({"granted_on": "2020-01-01"}, "granted_on"),
    ({"granted_on": None}, "granted_on"),
    ({"status": "filed"}, "granted_on"),
    ({"status": "expired", "expires_on": None}, "expires_on"),
    ({"appraised_value": -1}, "appraised_value"),
    ({"appraised_value": None}, "appraised_value"),
    ({"filed_on": (clock.today() + timedelta(days=2)).isoformat()}, "filed_on"),
    ({"title": ""}, "title"),
    ({"kind": "trademark"}, "kind"),
    ({"appraised_value": 1.5}, "appraised_value"),
])
def test_an_invalid_asset_is_refused_on_its_field_and_nothing_is_written(client, owner, row_counts, changes, field):
    before = row_counts()
    response = post_asset(client, owner, **changes)
    assert response.status_code == 422, response.get_json()
    assert field in response.get_json()["errors"], response.get_json()
    assert row_counts() == before


def test_messages_are_in_the_requesters_language(client, run_in, founder):
    zh = client.post("/api/v1/ip-assets", json={"kind": "invention"}, headers=bearer(run_in, founder, **ZH))
    assert zh.get_json()["errors"]["number"] == ["缺少必填字段。"]
    en = post_asset(client, bearer(run_in, founder, **EN), expires_on="2022-01-01")
    assert en.get_json()["errors"] == {"expires_on": ["The expiry date must be after the grant date."]}


def test_a_number_is_registered_once(client, run_in, owner, make_user, row_counts):
    post_asset(client, owner)
    before = row_counts()
    again = post_asset(client, bearer(run_in, make_user("startup"), **EN))
    assert again.status_code == 409
    assert again.get_json() == {"errors": {"number": ["An IP asset with this number is already registered."]}}
    assert row_counts()["ip_assets"] == before["ip_assets"]
    software = post_asset(client, owner, kind="software_copyright", number="2023SR0000001")
    assert software.status_code == 201  # the same kind and number is what must be unique


def test_the_owner_changes_and_removes_an_asset(client, owner, run_in):
    asset_id = post_asset(client, owner).get_json()["id"]
    changed = client.patch(f"/api/v1/ip-assets/{asset_id}", headers=owner,
                           json={"status": "invalidated", "appraised_value": None, "appraised_on": None})
    assert changed.status_code == 200, changed.get_json()
    assert changed.get_json()["status"] == "invalidated" and changed.get_json()["appraised_value"] is None
    refused = client.patch(f"/api/v1/ip-assets/{asset_id}", headers=owner, json={"granted_on": "2019-01-01"})
    assert refused.status_code == 422 and list(refused.get_json()["errors"]) == ["granted_on"]
    assert client.patch(f"/api/v1/ip-assets/{asset_id}", headers=owner, json={"owner": 1}).status_code == 422
    assert client.delete(f"/api/v1/ip-assets/{asset_id}", headers=owner).status_code == 204
    assert client.get(f"/api/v1/ip-assets/{asset_id}", headers=owner).status_code == 404
    assert run_in(lambda s: s.get(IPAsset, asset_id)) is None


def test_another_startup_cannot_change_or_remove_an_asset(client, run_in, owner, make_user, row_counts):
    asset_id = post_asset(client, owner).get_json()["id"]
    other = bearer(run_in, make_user("startup"), **EN)
    before = row_counts()
    assert client.patch(f"/api/v1/ip-assets/{asset_id}", headers=other, json={"title": "x"}).status_code == 404
    assert client.delete(f"/api/v1/ip-assets/{asset_id}", headers=other).status_code == 404
    assert row_counts() == before
    assert client.get(f"/api/v1/ip-assets/{asset_id}", headers=owner).get_json()["title"] == asset_body()["title"]
