"""A loan product's or an incubation offer's English name: given by its owner, shown on English
pages (the own name on Chinese ones and when there is none), changed by nobody else."""
from __future__ import annotations

from typing import NamedTuple

import pytest

from tests import test_capacities, test_loan_products
from tests.conftest import PASSWORD
from tests.helpers import log_in, submit
from tests.offer_helpers import EN, bearer, listed_as


class Offer(NamedTuple):
    role: str
    form: dict
    pages: str  # the owner's list; "<pages>/new" and "<pages>/<id>/edit" are its forms
    api: str
    field: str
    own: str
    english: str
    published: str  # the English page's message after publishing


OFFERS = {
    "loan product": Offer("bank", {**test_loan_products.FORM, "name_en": "  Patent Express Loan "}, "/bank/products",
                          "/api/v1/loan-products", "name_en", "专利快贷", "Patent Express Loan",
                          "Patent Express Loan is published."),
    "incubation offer": Offer("incubator", {**test_capacities.FORM, "title_en": "AI relay incubation"},
                              "/incubator/capacities", "/api/v1/capacities", "title_en", "人工智能接力孵化",
                              "AI relay incubation", "AI relay incubation is open to startups."),
}


@pytest.mark.parametrize("kind", OFFERS)
def test_an_english_name_is_shown_on_english_pages_and_the_own_name_on_chinese_ones(app, client, make_user, kind):
    offer = OFFERS[kind]
    email = make_user(offer.role)
    log_in(client, email, PASSWORD)
    published = submit(client, f"{offer.pages}/new", offer.form, headers=EN, follow_redirects=True)
    assert offer.published in published.get_data(as_text=True)
    listed_as(client, offer.pages, offer.english, offer.own)
    owner = bearer(app, email)
    stored = client.get(f"{offer.api}?mine=true", headers=owner).get_json()["items"][0]
    assert stored[offer.field] == offer.english  # trimmed
    assert f'value="{offer.english}"' in client.get(f"{offer.pages}/{stored['id']}/edit").get_data(as_text=True)
    url = f"{offer.api}/{stored['id']}"
    assert client.patch(url, json={offer.field: "Taken"}, headers=bearer(app, make_user(offer.role))).status_code == 404
    assert client.get(url, headers=owner).get_json()[offer.field] == offer.english  # the other's change wrote nothing
    for cleared in ("", None):  # no English name: the own name everywhere
        response = client.patch(url, json={offer.field: cleared}, headers=owner)
        assert response.status_code == 200 and response.get_json()[offer.field] is None
    listed_as(client, offer.pages, offer.own, offer.own)
