"""Who may write a thesis and open the deal flow: every other role is refused, and nothing changes."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from marketplace.models import User
from marketplace.services import theses
from marketplace.services.theses import ThesisInput
from tests.conftest import PASSWORD
from tests.helpers import log_in, submit
from tests.test_deal_flow_api import bearer

WRITE_ROUTES = ["/api/v1/theses/me", "/investor/thesis"]
OTHER_ROLES = ["startup", "bank", "incubator", "operator", "admin"]
THESIS_FORM = {"ticket_min": "1", "ticket_max": "2"}
THESIS_BODY = {"ticket_min": 10_000, "ticket_max": 20_000}


@pytest.fixture
def owner(make_user, run_in):
    """An investor with a thesis: (email, what its thesis holds)."""
    email = make_user("investor")

    def state(s):
        org = s.scalar(sa.select(User).where(User.email == email)).organization_id
        theses.upsert(s, org, ThesisInput(ticket_min=50_000, ticket_max=500_000, sectors=["biomedicine"]))

    run_in(state)
    return email


def thesis_of(run_in, email):
    def read(s):
        found = theses.get(s, s.scalar(sa.select(User).where(User.email == email)).organization_id)
        return (found.row.ticket_min, found.row.ticket_max, [x.code for x in found.row.sectors])

    return run_in(read)


@pytest.mark.parametrize("role", OTHER_ROLES)
def test_other_roles_may_not_write_a_thesis_in_pages_or_api(client, make_user, run_in, row_counts, owner, role):
    email = make_user(role)
    before = row_counts()
    assert client.put("/api/v1/theses/me", json=THESIS_BODY, headers=bearer(run_in, email)).status_code == 403
    log_in(client, email, PASSWORD)
    assert client.get("/investor/thesis").status_code == 403
    assert submit(client, "/account/", THESIS_FORM, action="/investor/thesis").status_code == 403
    after = row_counts()
    assert after.pop("api_tokens") == before.pop("api_tokens") + 1  # the token made for this test
    assert after == before and thesis_of(run_in, owner) == (50_000, 500_000, ["biomedicine"])


def test_another_investor_writes_its_own_thesis_never_the_first_ones(client, make_user, run_in, owner):
    other = make_user("investor")
    assert client.put("/api/v1/theses/me", json=THESIS_BODY, headers=bearer(run_in, other)).status_code == 200
    log_in(client, other, PASSWORD)
    assert submit(client, "/investor/thesis", {"ticket_min": "3", "ticket_max": "4"}).status_code == 302
    assert thesis_of(run_in, owner) == (50_000, 500_000, ["biomedicine"])
    assert thesis_of(run_in, other) == (30_000, 40_000, [])


@pytest.mark.parametrize("role", ["startup", "investor", "bank", "incubator", "operator", "admin"])
def test_each_page_opens_for_its_side_only(client, make_user, role):
    log_in(client, make_user(role), PASSWORD)
    for page, side in (("/investor/thesis", "investor"), ("/investor/deal-flow", "investor"), ("/bank/needs", "bank")):
        assert client.get(page).status_code == (200 if role == side else 403), page


def test_anonymous_visitors_are_sent_to_log_in(client):
    for page in ("/investor/thesis", "/investor/deal-flow", "/bank/needs"):
        response = client.get(page)
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert client.put("/api/v1/theses/me", json=THESIS_BODY).status_code == 401
    assert client.get("/api/v1/needs").status_code == 401
