"""Error pages for people, one JSON error body for JSON clients."""
from __future__ import annotations

from tests.conftest import PASSWORD, make_app, rolled_back
from tests.helpers import log_in, submit

JSON = {"Accept": "application/json"}


def test_404_page_in_the_users_language(client):
    zh = client.get("/no/such/page", headers={"Accept-Language": "zh-CN"})
    assert zh.status_code == 404 and "页面不存在" in zh.get_data(as_text=True)
    en = client.get("/no/such/page", headers={"Accept-Language": "en"})
    assert "Page not found" in en.get_data(as_text=True)


def test_json_clients_get_json_errors(client):
    response = client.get("/no/such/page", headers={**JSON, "Accept-Language": "en"})
    assert response.status_code == 404
    assert response.get_json() == {"errors": {"_": ["Page not found"]}}


def test_403_for_another_sides_page(client, make_user):
    log_in(client, make_user("bank"), PASSWORD)
    response = client.get("/startup/", headers={"Accept-Language": "en"})
    assert response.status_code == 403 and "You may not open this page" in response.get_data(as_text=True)
    assert client.get("/startup/", headers=JSON).get_json()["errors"]["_"]


def test_405_for_a_get_on_a_post_only_action(client):
    assert client.get("/language").status_code == 405


def test_an_unknown_language_is_a_400(client):
    assert submit(client, "/", {"locale": "klingon"}, action="/language").status_code == 400


def test_500_page_hides_the_error_and_json_clients_get_json(database_url):
    app = make_app(database_url, TESTING=False)

    @app.get("/boom")
    def boom():
        raise RuntimeError("secret internals")

    with rolled_back(app):
        client = app.test_client()
        page = client.get("/boom", headers={"Accept-Language": "en"})
        assert page.status_code == 500
        body = page.get_data(as_text=True)
        assert "Something went wrong on our side" in body and "secret internals" not in body
        assert client.get("/boom", headers={**JSON, "Accept-Language": "zh-CN"}).get_json() == {
            "errors": {"_": ["系统出现异常"]}}
