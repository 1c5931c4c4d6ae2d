"""Log-in and sign-up are rate-limited per address and per email, in Redis when configured."""
from __future__ import annotations

import re

import pytest

from marketplace.extensions import limiter
from tests.conftest import PASSWORD, create_account, make_app, redis_url, rolled_back
from tests.helpers import csrf_token

EN = {"Accept-Language": "en"}


def try_login(client, email, address="203.0.113.7"):
    token = csrf_token(client, "/login")
    return client.post("/login", data={"csrf_token": token, "email": email, "password": "wrong password!"},
                       headers=EN, environ_base={"REMOTE_ADDR": address})




def test_the_eleventh_try_from_one_address_gets_a_429_that_says_when_to_retry(client):
    for i in range(10):
        assert try_login(client, f"person{i}@example.org").status_code == 422
    response = try_login(client, "person10@example.org")
    assert response.status_code == 429
    seconds = int(response.headers["Retry-After"])
    assert 0 < seconds <= 60
    assert re.search(r"Try again in \d+ seconds", response.get_data(as_text=True))


def test_the_eleventh_try_on_one_email_is_limited_whatever_the_address(client):
    for i in range(10):
        assert try_login(client, "target@example.org", address=f"198.51.100.{i}").status_code == 422
    assert try_login(client, "target@example.org", address="198.51.100.99").status_code == 429
    assert try_login(client, "someone.else@example.org", address="198.51.100.98").status_code == 422


def test_sign_up_is_limited_too(client):
    for i in range(10):
        token = csrf_token(client, "/signup")
        client.post("/signup", data={"csrf_token": token, "email": f"x{i}@example.org"})
    token = csrf_token(client, "/signup")
    assert client.post("/signup", data={"csrf_token": token, "email": "x@example.org"}).status_code == 429


def test_reading_the_forms_is_never_limited(client):
    assert all(client.get("/login").status_code == 200 for _ in range(15))


@pytest.mark.redis
def test_counters_live_in_redis_when_it_is_configured(database_url, redis_server):
    app = make_app(database_url, REDIS_URL=redis_url())
    with rolled_back(app):
        client = app.test_client()
        for i in range(10):
            try_login(client, f"r{i}@example.org")
        assert try_login(client, "r10@example.org").status_code == 429
        keys = [k.decode() for k in redis_server.keys("*")]
        assert any("auth-ip" in k for k in keys), keys
        # A second app process sharing the Redis server sees the same counters.
        other = make_app(database_url, REDIS_URL=redis_url()).test_client()
        assert try_login(other, "r11@example.org").status_code == 429


def test_the_app_keeps_serving_when_redis_is_down(database_url):
    app = make_app(database_url, REDIS_URL="redis://127.0.0.1:1/0")  # nothing listens there
    try:
        with rolled_back(app):
            email = create_account(app, "startup", "calm@example.org")
            client = app.test_client()
            assert client.get("/login").status_code == 200
            token = csrf_token(client, "/login")
            response = client.post("/login", data={"csrf_token": token, "email": email, "password": PASSWORD})
            assert response.status_code == 302
    finally:
        # Flask-Limiter keeps "the storage is down" on its one process-wide object, and a new
        # app's init_app does not clear it: the next test's app would run on the fallback.
        limiter._storage_dead = False
