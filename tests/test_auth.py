"""Sign-up, log-in, log-out, sessions that end on the server, and the account's settings."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from marketplace import create_app
from marketplace.config import ENV_KEYS
from marketplace.models import Investor, User
from marketplace.models.enums import InvestorKind, OrgKind
from marketplace.services.passwords import hash_password
from tests.conftest import PASSWORD
from tests.helpers import csrf_token, field_errors, log_in, log_out, submit

SIGNUP = {"kind": "startup", "org_name": "上海芯澜微电子", "email": "Founder@Example.org",
          "password": PASSWORD, "confirm": PASSWORD, "investor_kind": "vc"}


@pytest.mark.parametrize("kind,home", [("startup", "/startup/"), ("investor", "/investor/"),
                                       ("bank", "/bank/"), ("incubator", "/incubator/")])
def test_each_side_signs_up_and_lands_on_its_home(client, run_in, kind, home):
    response = submit(client, "/signup", {**SIGNUP, "kind": kind})
    assert response.status_code == 302 and response.location == home
    page = client.get(home)
    assert page.status_code == 200 and "上海芯澜微电子" in page.get_data(as_text=True)
    user = run_in(lambda s: s.scalar(sa.select(User)))
    assert user.email == "founder@example.org"  # stored lower-case
    assert user.password_hash.startswith("scrypt:") and PASSWORD not in user.password_hash


def test_passwords_are_hashed_at_full_cost_outside_the_test_suite():
    """The suite lowers the scrypt cost (tests/conftest.py); an app's own configuration does not,
    and no environment variable can."""
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "DATABASE_URL": "sqlite://"})
    with app.app_context():
        assert hash_password(PASSWORD).startswith("scrypt:32768:8:1$")
    assert hash_password(PASSWORD).startswith("scrypt:32768:8:1$")  # and outside any app
    assert "PASSWORD_HASH_METHOD" not in ENV_KEYS


@pytest.mark.parametrize("change,field,message", [
    ({"password": "short", "confirm": "short"}, "password", "at least 10 characters"),
    ({"password": "password1234", "confirm": "password1234"}, "password", "too common"),
    ({"confirm": PASSWORD + "x"}, "confirm", "passwords differ"),
    ({"email": "not-an-email"}, "email", "valid email"),
    ({"kind": ""}, "kind", "Choose your side"),
    ({"kind": "operator"}, "kind", "Not a valid choice"),
    ({"org_name": " "}, "org_name", "required"),
    ({"org_name": "Xinlan\x00Micro"}, "org_name", "invisible control characters"),  # PostgreSQL cannot store it
])
def test_bad_sign_up_shows_the_field_error_and_writes_nothing(client, row_counts, change, field, message):
    before = row_counts()
    response = submit(client, "/signup", {**SIGNUP, **change}, headers={"Accept-Language": "en"})
    assert response.status_code == 422
    assert message.lower() in field_errors(response.get_data(as_text=True), field).lower()
    assert row_counts() == before


def test_email_is_unique_whatever_its_case(client, make_user, row_counts):
    make_user("investor", email="lead@fund.cn")
    before = row_counts()
    response = submit(client, "/signup", {**SIGNUP, "email": "LEAD@Fund.CN"}, headers={"Accept-Language": "en"})
    assert response.status_code == 422
    assert "already exists" in field_errors(response.get_data(as_text=True), "email")
    assert row_counts() == before


def test_errors_come_in_the_users_language(client):
    response = submit(client, "/signup", {**SIGNUP, "password": "short", "confirm": "short"},
                      headers={"Accept-Language": "zh-CN,zh;q=0.9"})
    assert "至少" in field_errors(response.get_data(as_text=True), "password")


def test_log_in_and_back_to_the_page_asked_for(client, make_user):
    email = make_user("investor")
    assert client.get("/investor/").location.startswith("/login?next=")
    response = submit(client, "/login?next=/investor/", {"email": email.upper(), "password": PASSWORD})
    assert response.status_code == 302 and response.location == "/investor/"


def test_log_in_refuses_a_next_on_another_site(client, make_user):
    email = make_user("bank")
    response = submit(client, "/login?next=//evil.example/x", {"email": email, "password": PASSWORD})
    assert response.location == "/bank/"


def test_wrong_password_is_refused_without_saying_which_part(client, make_user):
    email = make_user()
    response = submit(client, "/login", {"email": email, "password": "wrong password 1"},
                      headers={"Accept-Language": "en"})
    assert response.status_code == 422
    assert "The email or the password is not correct." in response.get_data(as_text=True)
    assert client.get("/startup/").status_code == 302


def test_log_in_starts_a_new_session(client, make_user):
    email = make_user()
    with client.session_transaction() as session:
        session["planted"] = "before login"
    log_in(client, email, PASSWORD)
    with client.session_transaction() as session:
        assert "planted" not in session


def test_a_cookie_copied_before_logout_no_longer_works(app, client, make_user):
    email = make_user()
    log_in(client, email, PASSWORD, remember=True)
    copied = {c.key: c.value for c in client._cookies.values()}
    assert "session" in copied and "remember_token" in copied
    assert log_out(client).status_code == 302

    thief = app.test_client()
    for key, value in copied.items():
        thief.set_cookie(key, value)
    assert thief.get("/startup/").status_code == 302  # the session cookie
    thief.delete_cookie("session")
    assert thief.get("/startup/").status_code == 302  # the remember cookie


def test_remember_me_keeps_the_user_logged_in_after_the_browser_session(app, client, make_user):
    email = make_user()
    log_in(client, email, PASSWORD, remember=True)
    browser = app.test_client()
    browser.set_cookie("remember_token", client.get_cookie("remember_token").value)
    assert browser.get("/startup/").status_code == 200


def test_logout_is_not_possible_by_get(client, make_user):
    log_in(client, make_user(), PASSWORD)
    assert client.get("/logout").status_code == 405
    assert client.get("/startup/").status_code == 200


def test_a_post_without_csrf_token_is_refused_and_writes_nothing(client, row_counts):
    before = row_counts()
    response = client.post("/signup", data=SIGNUP, headers={"Accept-Language": "en"})
    assert response.status_code == 400
    assert "The request could not be understood" in response.get_data(as_text=True)
    assert row_counts() == before


def test_changing_the_password_needs_the_current_one_and_logs_out_other_devices(app, client, make_user, row_counts):
    email = make_user()
    log_in(client, email, PASSWORD)
    other_device = app.test_client()
    log_in(other_device, email, PASSWORD)

    before = row_counts()
    new = "a much better passphrase 42"
    wrong = submit(client, "/account/", {"current_password": "not it at all", "new_password": new, "confirm": new},
                   action="/account/password", headers={"Accept-Language": "en"})
    assert wrong.status_code == 422
    assert "not correct" in field_errors(wrong.get_data(as_text=True), "current_password")
    assert row_counts() == before

    ok = submit(client, "/account/", {"current_password": PASSWORD, "new_password": new, "confirm": new},
                action="/account/password")
    assert ok.status_code == 302
    assert client.get("/startup/").status_code == 200  # this device carries on
    assert other_device.get("/startup/").status_code == 302  # the other was logged out
    log_out(client)
    assert log_in(client, email, new).status_code == 302


def test_changing_the_email_needs_the_current_password_and_a_free_address(client, make_user, run_in):
    email = make_user()
    taken = make_user("bank")
    log_in(client, email, PASSWORD)
    refused = submit(client, "/account/", {"new_email": taken.upper(), "current_password": PASSWORD},
                     action="/account/email", headers={"Accept-Language": "en"})
    assert refused.status_code == 422 and "already exists" in field_errors(refused.get_data(as_text=True), "new_email")
    wrong = submit(client, "/account/", {"new_email": "new@example.org", "current_password": "nope nope nope"},
                   action="/account/email")
    assert wrong.status_code == 422
    ok = submit(client, "/account/", {"new_email": "New@Example.org", "current_password": PASSWORD},
                action="/account/email")
    assert ok.status_code == 302
    assert run_in(lambda s: s.scalar(sa.select(sa.func.count()).where(User.email == "new@example.org"))) == 1


@pytest.mark.parametrize("role,home", [("startup", "/startup/"), ("investor", "/investor/"), ("bank", "/bank/"),
                                       ("incubator", "/incubator/"), ("operator", "/park/"), ("admin", "/park/")])
def test_each_role_opens_its_own_home_and_no_other(client, make_user, role, home):
    log_in(client, make_user(role), PASSWORD)
    for page in ("/startup/", "/investor/", "/bank/", "/incubator/", "/park/"):
        expected = 200 if page == home else 403
        assert client.get(page).status_code == expected, page


def test_signed_up_organizations_are_of_the_chosen_kind(client, run_in):
    submit(client, "/signup", {**SIGNUP, "kind": "investor", "investor_kind": "guidance_fund"})
    kinds = run_in(lambda s: s.execute(sa.select(Investor.kind, Investor.investor_kind)).one())
    assert kinds == (OrgKind.INVESTOR, InvestorKind.GUIDANCE_FUND)


def test_the_signup_page_has_a_csrf_token(client):
    assert csrf_token(client, "/signup")
