"""Every write of a loan product, in pages and the API, tried as every other role and as
another bank: refused with 403 or 404, and nothing changes."""
from __future__ import annotations

import pytest

from marketplace.models import LoanProduct
from marketplace.models.enums import LoanKind
from tests.conftest import PASSWORD
from tests.helpers import log_in, submit
from tests.offer_helpers import bearer, org_of

WRITE_ROUTES = [
    "/bank/products/new",
    "/bank/products/<int:product_id>/edit",
    "/bank/products/<int:product_id>/withdraw",
    "/bank/products/<int:product_id>/reactivate",
    "/api/v1/loan-products",
    "/api/v1/loan-products/<int:product_id>",
]
OTHER_ROLES = ("startup", "investor", "incubator", "operator", "admin")
FORM = {"kind": "credit", "name": "改名", "amount_min": "10", "amount_max": "100", "rate_min": "3", "rate_max": "4",
        "term_months": "12"}
BODY = {"kind": "credit", "name": "改名", "amount_min": 100_000, "amount_max": 1_000_000, "rate_min_bps": 300,
        "rate_max_bps": 400, "term_months": 12}


@pytest.fixture
def products(make_user, run_in):
    """An active and a withdrawn product of one bank: ids, and how to read their state."""
    owner = make_user("bank")

    def add(s):
        bank = org_of(s, owner)
        made = [LoanProduct(bank=bank, kind=LoanKind.CREDIT, name=f"信用贷 {n}", amount_min=1, amount_max=2,
                            rate_min_bps=300, rate_max_bps=400, term_months=12, is_active=n == 0) for n in range(2)]
        s.add_all(made)
        s.commit()
        return [p.id for p in made]

    return run_in(add)


def state(run_in, ids):
    return run_in(lambda s: [(p.name, p.is_active, p.updated_at) for p in (s.get(LoanProduct, i) for i in ids)])


def page_writes(product_id):
    return [(f"/bank/products/{product_id}/edit", FORM), (f"/bank/products/{product_id}/withdraw", {}),
            (f"/bank/products/{product_id}/reactivate", {})]


@pytest.mark.parametrize("role", (*OTHER_ROLES, "bank"))
def test_no_one_else_writes_a_banks_products(app, make_user, products, run_in, row_counts, role):
    email = make_user(role)
    client = app.test_client()
    log_in(client, email, PASSWORD)
    headers = bearer(app, email)
    before, counts = state(run_in, products), row_counts()
    denied = {403, 404} if role == "bank" else {403}
    for product_id in products:
        for route, data in page_writes(product_id):
            assert submit(client, "/account/", data, action=route).status_code in denied, (role, route)
        assert client.get(f"/bank/products/{product_id}/edit").status_code in denied
        response = client.patch(f"/api/v1/loan-products/{product_id}", json={"name": "改名", "is_active": True},
                                headers=headers)
        assert response.status_code in denied, (role, response.get_json())
    if role != "bank":  # another bank may publish products of its own
        assert submit(client, "/account/", FORM, action="/bank/products/new").status_code == 403
        assert client.post("/api/v1/loan-products", json=BODY, headers=headers).status_code == 403
    assert state(run_in, products) == before and row_counts() == counts


def test_a_withdrawn_product_is_hidden_from_everyone_else(app, client, make_user, products):
    for role in ("bank", "startup"):
        headers = bearer(app, make_user(role))
        assert client.get(f"/api/v1/loan-products/{products[1]}", headers=headers).status_code == 404
        assert client.get(f"/api/v1/loan-products/{products[0]}", headers=headers).status_code == 200
        mine = client.get("/api/v1/loan-products?mine=true", headers=headers).get_json()["items"]
        assert mine == []


def test_anonymous_callers_are_sent_to_log_in(client, products, row_counts):
    before = row_counts()
    for route, data in page_writes(products[0]) + [("/bank/products/new", FORM)]:
        response = submit(client, "/login", data, action=route)
        assert response.status_code == 302 and "/login" in response.location
    assert client.post("/api/v1/loan-products", json=BODY).status_code == 401
    assert client.patch(f"/api/v1/loan-products/{products[0]}", json={"name": "x"}).status_code == 401
    assert row_counts() == before
