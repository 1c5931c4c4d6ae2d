"""A loan product's or an incubation offer's English name, and its description or conditions in
English: given by its owner, shown on English pages (the own words on Chinese ones and when there
are none; the English on Chinese pages too when the own text is blank), changed by nobody else."""
from __future__ import annotations

from typing import NamedTuple

import pytest

from marketplace.models import IncubationCapacity, LoanProduct
from marketplace.services.capacities import CONDITIONS_LENGTH
from marketplace.services.loan_products import DESCRIPTION_LENGTH
from tests import test_capacities, test_loan_products
from tests.conftest import PASSWORD
from tests.helpers import field_errors, log_in, submit
from tests.offer_helpers import EN, ZH, bearer, listed_as


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


class Text(NamedTuple):
    offer: Offer
    model: type
    form: dict  # an offer a new startup (no sector, stage or IP yet) qualifies for
    field: str
    longest: int
    own: str
    english: str
    read_at: tuple[str, ...]  # the startup's pages that show the text; "{id}" is the offer's


TEXTS = {
    "loan product's description": Text(
        OFFERS["loan product"], LoanProduct,
        {"kind": "credit", "name": "科技信用贷", "description": "纯信用，随借随还",
         "description_en": "  Unsecured, repaid as you go ", "amount_min": "30", "amount_max": "300",
         "rate_min": "3.8", "rate_max": "4.5", "term_months": "12"},
        "description_en", DESCRIPTION_LENGTH, "纯信用，随借随还", "Unsecured, repaid as you go",
        ("/matches/?tab=loan-products",)),
    "incubation offer's conditions": Text(
        OFFERS["incubation offer"], IncubationCapacity,
        {**test_capacities.FORM, "sectors": [], "conditions_en": " A business plan handed in  "},
        "conditions_en", CONDITIONS_LENGTH, "需提交商业计划书", "A business plan handed in",
        ("/matches/?tab=capacities", "/relay/capacities/{id}/apply")),
}


def read_by(startup, text: Text, offer_id: int, english: str) -> None:
    """The startup's pages show the offer's text as ``english`` to English readers, its own to Chinese ones."""
    for page in text.read_at:
        for headers, shown in ((EN, english), (ZH, text.own)):
            hidden = text.own if shown == text.english else text.english
            html = startup.get(page.format(id=offer_id), headers=headers).get_data(as_text=True)
            assert shown in html and hidden not in html, (page, headers)


@pytest.mark.parametrize("kind", TEXTS)
def test_an_english_text_is_shown_on_english_pages_and_the_own_text_on_chinese_ones(app, client, make_user, run_in,
                                                                                    kind):
    text = TEXTS[kind]
    offer = text.offer
    email = make_user(offer.role)
    log_in(client, email, PASSWORD)
    assert submit(client, f"{offer.pages}/new", text.form).status_code == 302
    owner = bearer(app, email)
    offer_id = client.get(f"{offer.api}?mine=true", headers=owner).get_json()["items"][0]["id"]

    def stored():
        return run_in(lambda s: getattr(s.get(text.model, offer_id), text.field))
    assert stored() == text.english  # trimmed
    edit, url = f"{offer.pages}/{offer_id}/edit", f"{offer.api}/{offer_id}"
    assert f"{text.english}</textarea>" in client.get(edit).get_data(as_text=True)
    startup = app.test_client()
    log_in(startup, make_user("startup"), PASSWORD)
    read_by(startup, text, offer_id, text.english)

    other, others_email = app.test_client(), make_user(offer.role)
    log_in(other, others_email, PASSWORD)
    assert other.get(edit).status_code == 404
    assert client.patch(url, json={text.field: "Ours"}, headers=bearer(app, others_email)).status_code == 404
    for bad in ("x" * (text.longest + 1), "bad\x00text"):
        response = client.patch(url, json={text.field: bad}, headers=owner)
        assert response.status_code == 422 and text.field in response.get_json()["errors"], bad[:9]
        page = submit(client, edit, {**text.form, text.field: bad}, headers=EN)
        assert page.status_code == 422 and field_errors(page.get_data(as_text=True), text.field), bad[:9]
    assert stored() == text.english  # neither the other's change nor a refused one wrote anything

    response = client.patch(url, json={text.field: " Terms on request "}, headers=owner)
    assert response.status_code == 200 and response.get_json()[text.field] == "Terms on request"
    assert client.get(url, headers=owner).get_json()[text.field] == "Terms on request"
    assert submit(client, edit, {**text.form, text.field: ""}).status_code == 302 and stored() is None
    for cleared in ("", None):  # no English text: the own text everywhere
        client.patch(url, json={text.field: "Terms on request"}, headers=owner)
        response = client.patch(url, json={text.field: cleared}, headers=owner)
        assert response.status_code == 200 and response.get_json()[text.field] is None and stored() is None
    read_by(startup, text, offer_id, text.own)


@pytest.mark.parametrize("kind", TEXTS)
def test_a_text_given_only_in_english_is_shown_on_chinese_pages_too(app, client, make_user, kind):
    text = TEXTS[kind]
    email = make_user(text.offer.role)
    log_in(client, email, PASSWORD)
    blank_own_text = {**text.form, text.field.removesuffix("_en"): ""}
    assert submit(client, f"{text.offer.pages}/new", blank_own_text).status_code == 302
    offer_id = client.get(f"{text.offer.api}?mine=true", headers=bearer(app, email)).get_json()["items"][0]["id"]
    startup = app.test_client()
    log_in(startup, make_user("startup"), PASSWORD)
    for page in text.read_at:
        for headers in (EN, ZH):
            assert text.english in startup.get(page.format(id=offer_id), headers=headers).get_data(as_text=True)
