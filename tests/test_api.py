"""The JSON API's common ground: tokens, the error body, the OpenAPI document."""
from __future__ import annotations

import re

import sqlalchemy as sa
from openapi_spec_validator import validate

from marketplace.models import ApiToken
from tests.conftest import PASSWORD
from tests.helpers import log_in, submit

EN = {"Accept-Language": "en"}


def get_token(client, email):
    response = client.post("/api/v1/auth/token", json={"email": email, "password": PASSWORD, "name": "script"})
    assert response.status_code == 201, response.get_json()
    return response.get_json()["token"]


def test_an_email_and_password_give_a_token_that_opens_the_api(client, make_user, run_in):
    email = make_user("investor")
    token = get_token(client, email)
    assert token.startswith("zjm_")
    stored = run_in(lambda s: s.scalar(sa.select(ApiToken.token_hash)))
    assert token not in stored and len(stored) == 64
    response = client.get("/api/v1/organizations/1", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code in (200, 404)


def test_a_wrong_password_gets_401_in_the_error_body(client, make_user, row_counts):
    email = make_user()
    before = row_counts()
    response = client.post("/api/v1/auth/token", json={"email": email, "password": "wrong password"}, headers=EN)
    assert response.status_code == 401
    assert response.get_json() == {"errors": {"_": ["Please log in"]}}
    assert row_counts() == before


def test_bad_bodies_get_field_errors_in_the_requesters_language(client, row_counts):
    before = row_counts()
    response = client.post("/api/v1/auth/token", json={"email": "", "extra": 1}, headers=EN)
    assert response.status_code == 422
    assert response.get_json()["errors"] == {
        "email": ["Length must be between 1 and 254."], "extra": ["Unknown field."],
        "password": ["Missing data for required field."]}
    zh = client.post("/api/v1/auth/token", json={"extra": 1}, headers={"Accept-Language": "zh-CN"})
    assert re.search(r"[\u4e00-\u9fff]", zh.get_json()["errors"]["extra"][0])
    assert client.post("/api/v1/auth/token", data="not json", headers=EN).status_code == 400
    assert row_counts() == before


def test_no_token_a_wrong_token_and_a_revoked_token_get_401(client, make_user, run_in):
    email = make_user()
    token = get_token(client, email)
    assert client.get("/api/v1/organizations/1").status_code == 401
    assert client.get("/api/v1/organizations/1", headers={"Authorization": "Bearer zjm_nope"}).status_code == 401
    assert client.get("/api/v1/organizations/1", headers={"Authorization": f"Basic {token}"}).status_code == 401
    token_id = run_in(lambda s: s.scalar(sa.select(ApiToken.id)))
    log_in(client, email, PASSWORD)
    assert submit(client, "/account/", {}, action=f"/account/tokens/{token_id}/revoke").status_code == 302
    assert client.get("/api/v1/organizations/1", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_tokens_are_made_in_settings_and_shown_once(client, make_user):
    log_in(client, make_user(), PASSWORD)
    page = submit(client, "/account/", {"name": "nightly sync", "ttl_days": "30"}, action="/account/tokens")
    token = re.search(r'value="(zjm_[^"]+)"', page.get_data(as_text=True)).group(1)
    assert client.get("/api/v1/taxonomy", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    again = client.get("/account/").get_data(as_text=True)
    assert "nightly sync" in again and token not in again


def test_someone_else_cannot_revoke_my_token(client, make_user, run_in):
    mine = make_user()
    token = get_token(client, mine)
    token_id = run_in(lambda s: s.scalar(sa.select(ApiToken.id)))
    log_in(client, make_user(), PASSWORD)
    assert submit(client, "/account/", {}, action=f"/account/tokens/{token_id}/revoke").status_code == 404
    assert client.get("/api/v1/taxonomy", headers={"Authorization": f"Bearer {token}"}).status_code == 200


def test_the_api_ignores_the_session_cookie(client, make_user):
    log_in(client, make_user(), PASSWORD)
    assert client.get("/api/v1/organizations/1").status_code == 401


def test_the_openapi_document_is_valid_and_lists_every_api_route(app, client):
    document = client.get("/api/v1/openapi.json").get_json()
    validate(document)
    documented = {path for path in document["paths"]}
    routes = {"/api/v1" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", r.rule.removeprefix("/api/v1"))
              for r in app.url_map.iter_rules() if r.rule.startswith("/api/v1")
              and r.endpoint not in ("api.openapi_json", "api.docs_page")}
    assert routes == documented


def test_the_docs_page_shows_the_document_in_both_languages(client):
    en = client.get("/api/v1/docs", headers=EN).get_data(as_text=True)
    assert "/api/v1/auth/token" in en and "Exchange an email and password for a bearer token" in en
    zh = client.get("/api/v1/docs", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert "/api/v1/taxonomy" in zh and "Exchange an email" not in zh


def test_the_taxonomy_names_every_sector_in_both_languages(client):
    body = client.get("/api/v1/taxonomy").get_json()
    assert body["version"] == "2023" and len(body["sectors"]) == 20 and len(body["parks"]) == 22
    assert {"code": "integrated_circuits", "group": "leading", "name_zh": "集成电路",
            "name_en": "Integrated circuits"} in body["sectors"]
