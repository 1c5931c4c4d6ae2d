"""The IP portfolio pages: the list, the add and edit form, deleting."""
from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from marketplace.models import IPAsset
from marketplace.models.enums import IPKind
from marketplace.services.ip_numbers import patent_number
from tests.conftest import PASSWORD
from tests.helpers import field_errors, log_in, submit
from tests.test_needs import EN, ZH

UTILITY = patent_number(2022, IPKind.UTILITY_MODEL, 4567)
FORM = {"kind": "utility_model", "number": UTILITY, "title": "一种芯片散热结构", "status": "granted",
        "filed_on": "2022-02-01", "granted_on": "2022-09-01", "expires_on": "2032-02-01",
        "appraised_value": "45", "appraised_on": "2024-01-15"}  # 万元


@pytest.fixture
def founder(client, make_user):
    email = make_user("startup")
    log_in(client, email, PASSWORD)
    return email


def add(client, **changes):
    return submit(client, "/startup/ip/new", {**FORM, **changes}, headers=EN)


def test_an_empty_portfolio_says_what_to_do(client, founder):
    page = client.get("/startup/ip", headers=EN).get_data(as_text=True)
    assert "Your portfolio is empty." in page and 'data-testid="ip-count">0<' in page


def test_a_startup_adds_an_asset_and_sees_it_listed(client, founder):
    response = add(client)
    assert response.status_code == 302 and response.headers["Location"].endswith("/startup/ip")
    page = client.get("/startup/ip", headers=EN).get_data(as_text=True)
    assert "The IP asset was added to your portfolio." in page
    assert UTILITY in page and "一种芯片散热结构" in page and "Utility model patent" in page and "Granted" in page
    assert 'data-testid="ip-granted">1<' in page and 'data-testid="ip-value">CNY 450K<' in page
    home = client.get("/startup/", headers=EN).get_data(as_text=True)
    assert "CNY 450K" in home


def test_a_wrong_number_and_dates_are_shown_on_their_fields(client, founder, row_counts):
    before = row_counts()
    response = add(client, number="ZL202210004567.0" if not UTILITY.endswith(".0") else "ZL202210004567.1",
                   expires_on="2022-08-01", appraised_value="-5")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert field_errors(html, "appraised_value") == "Enter an amount from 0 to 100000000 (in 10,000 CNY)."
    # in the same answer, the rules of the fields the form took
    assert "type digit" in field_errors(html, "number")
    assert field_errors(html, "expires_on") == "The expiry date must be after the grant date."
    response = add(client, number="ZL202210004567.0", expires_on="2022-08-01")
    html = response.get_data(as_text=True)
    assert "type digit" in field_errors(html, "number")
    assert field_errors(html, "expires_on") == "The expiry date must be after the grant date."
    assert field_errors(submit(client, "/startup/ip/new", {**FORM, "title": ""}, headers=ZH).get_data(as_text=True),
                        "title") == "此项为必填项。"
    assert row_counts() == before


def test_a_taken_number_is_refused_on_the_number(client, founder, row_counts):
    add(client)
    before = row_counts()
    html = add(client).get_data(as_text=True)
    assert field_errors(html, "number") == "An IP asset with this number is already registered."
    assert row_counts() == before


def test_the_owner_edits_and_deletes_an_asset(client, founder, run_in):
    add(client)
    asset_id = run_in(lambda s: s.scalar(sa.select(IPAsset.id)))
    edit = f"/startup/ip/{asset_id}/edit"
    form = client.get(edit, headers=EN).get_data(as_text=True)
    assert f'value="{UTILITY}"' in form and re.search(r'<option selected value="granted">', form)
    assert submit(client, edit, {**FORM, "status": "invalidated"}, headers=EN).status_code == 302
    assert run_in(lambda s: s.get(IPAsset, asset_id).status.value) == "invalidated"
    page = submit(client, "/startup/ip", {}, action=f"/startup/ip/{asset_id}/delete", headers=EN,
                  follow_redirects=True).get_data(as_text=True)
    assert "The IP asset was removed from your portfolio." in page and "Your portfolio is empty." in page
