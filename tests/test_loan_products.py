"""Banks publish loan products of three kinds; every member browses the active ones."""
from __future__ import annotations

import re
from decimal import Decimal

import pytest
import sqlalchemy as sa

from marketplace.models import LoanProduct, OfferRevision
from marketplace.models.listings import product_investor_kinds, product_tiers
from tests.conftest import PASSWORD
from tests.helpers import field_errors, log_in, submit
from tests.offer_helpers import EN, ZH, bearer, org_id

LINKED = {"kind": "linked", "name": "科创认股权贷", "amount_min": 2_000_000, "amount_max": 50_000_000,
          "rate_min_bps": 320, "rate_max_bps": 420, "term_months": 36, "stages": ["series_a", "pre_a"],
          "loan_to_equity_ratio": 0.3, "warrant_coverage": 0.1, "investor_kinds": ["vc", "guidance_fund"],
          "tiers": ["high_tech"], "sectors": ["integrated_circuits"]}
IP_PLEDGE = {"kind": "ip_pledge", "name": "知识产权质押贷", "amount_min": 500_000, "amount_max": 10_000_000,
             "rate_min_bps": 350, "rate_max_bps": 450, "term_months": 24, "min_remaining_life_months": 36,
             "pledge_rates": [{"ip_kind": "invention", "rate": 0.5}, {"ip_kind": "software_copyright", "rate": "0.3"}]}
CREDIT = {"kind": "credit", "name": "科技信用贷", "amount_min": 300_000, "amount_max": 3_000_000,
          "rate_min_bps": 380, "rate_max_bps": 450, "term_months": 12, "min_months_operating": 24,
          "sectors": ["biomedicine"]}


@pytest.fixture
def bank(app, make_user):
    email = make_user("bank")
    return {"email": email, "headers": bearer(app, email), "id": org_id(app, email)}


def publish(client, bank, body):
    response = client.post("/api/v1/loan-products", json=body, headers=bank["headers"])
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_a_bank_publishes_each_kind_and_reads_back_its_terms(client, bank, run_in):
    linked = publish(client, bank, LINKED)
    assert linked["bank"]["id"] == bank["id"] and linked["is_active"] is True
    assert linked["loan_to_equity_ratio"] == 0.3 and linked["warrant_coverage"] == 0.1
    assert linked["investor_kinds"] == ["vc", "guidance_fund"] and linked["tiers"] == ["high_tech"]
    assert linked["stages"] == ["pre_a", "series_a"]  # in ladder order
    assert linked["pledge_rates"] == [] and linked["min_remaining_life_months"] is None
    ip = publish(client, bank, IP_PLEDGE)
    assert sorted((r["ip_kind"], r["rate"]) for r in ip["pledge_rates"]) == [("invention", 0.5),
                                                                           ("software_copyright", 0.3)]
    credit = publish(client, bank, CREDIT)
    assert credit["min_months_operating"] == 24 and credit["loan_to_equity_ratio"] is None
    stored = run_in(lambda s: s.get(LoanProduct, linked["id"]))
    assert stored.rate_min_bps == 320 and stored.loan_to_equity_ratio == Decimal("0.300")


def test_the_terms_of_each_kind_are_required_and_others_refused(client, bank, row_counts):
    before = row_counts()
    missing = client.post("/api/v1/loan-products", json={**LINKED, "loan_to_equity_ratio": None,
                                                          "investor_kinds": []}, headers=bank["headers"])
    assert missing.status_code == 422
    assert set(missing.get_json()["errors"]) == {"loan_to_equity_ratio", "investor_kinds"}
    no_rates = client.post("/api/v1/loan-products", json={**IP_PLEDGE, "pledge_rates": [],
                                                           "min_remaining_life_months": None}, headers=bank["headers"])
    assert set(no_rates.get_json()["errors"]) == {"pledge_rates", "min_remaining_life_months"}
    foreign = client.post("/api/v1/loan-products", json={**CREDIT, "pledge_rates": IP_PLEDGE["pledge_rates"],
                                                         "warrant_coverage": 0.1}, headers=bank["headers"])
    assert foreign.status_code == 422
    assert foreign.get_json()["errors"] == {
        "warrant_coverage": ["This kind of loan does not use this term: leave it empty."],
        "pledge_rates": ["This kind of loan does not use this term: leave it empty."]}
    assert row_counts() == before


BAD_TERMS = [
    ({"loan_to_equity_ratio": 0}, "loan_to_equity_ratio"),
    ({"loan_to_equity_ratio": 10.5}, "loan_to_equity_ratio"),
    ({"loan_to_equity_ratio": "0.3333"}, "loan_to_equity_ratio"),
    ({"warrant_coverage": 1.5}, "warrant_coverage"),
    ({"amount_min": 60_000_000}, "amount_max"),
    ({"rate_min_bps": 500}, "rate_max_bps"),
    ({"rate_max_bps": 5000}, "rate_max_bps"),
    ({"sectors": ["no_such_sector"]}, "sectors"),
    ({"stages": ["Seed"]}, "stages.0"),
    ({"name": "  "}, "name"),
    ({"name_en": "x" * 201}, "name_en"),
    ({"name_en": "bad\x00name"}, "name_en"),
    ({"description_en": "x" * 5001}, "description_en"),
    ({"description_en": "bad\x00text"}, "description_en"),
    ({"name": "bad\x00name"}, "name"),
    ({"kind": "mortgage"}, "kind"),
    ({"colour": "red"}, "colour"),
]


def test_bad_terms_get_field_errors_and_write_nothing(client, bank, row_counts):
    before = row_counts()
    for change, field in BAD_TERMS:
        response = client.post("/api/v1/loan-products", json={**LINKED, **change}, headers=bank["headers"])
        assert response.status_code == 422 and field in response.get_json()["errors"], (change, response.get_json())
    assert row_counts() == before


def test_pledge_rates_are_within_zero_and_one_and_name_each_kind_once(client, bank):
    for rates, field in (([{"ip_kind": "invention", "rate": 0}], "pledge_rates.0.rate"),
                         ([{"ip_kind": "invention", "rate": 1.2}], "pledge_rates.0.rate"),
                         ([{"ip_kind": "invention", "rate": 0.5}, {"ip_kind": "invention", "rate": 0.4}],
                          "pledge_rates")):
        response = client.post("/api/v1/loan-products", json={**IP_PLEDGE, "pledge_rates": rates},
                               headers=bank["headers"])
        assert response.status_code == 422 and field in response.get_json()["errors"], response.get_json()


def test_refusals_speak_the_requesters_language(app, client, bank):
    headers = {**bank["headers"], **ZH}
    response = client.post("/api/v1/loan-products", json={**CREDIT, "warrant_coverage": 0.1}, headers=headers)
    assert response.status_code == 422
    assert re.search(r"[\u4e00-\u9fff]", client.post("/api/v1/loan-products", json={"name": 1},
                                                     headers=headers).get_json()["errors"]["name"][0])


def test_members_browse_active_products_by_kind_bank_and_sector(app, client, bank, make_user):
    other_bank = make_user("bank")
    other = {"headers": bearer(app, other_bank), "id": org_id(app, other_bank)}
    linked, ip, credit = (publish(client, bank, body) for body in (LINKED, IP_PLEDGE, CREDIT))
    theirs = publish(client, other, {**CREDIT, "name": "别家信用贷", "sectors": []})
    startup = bearer(app, make_user("startup"))

    def names(query=""):
        body = client.get(f"/api/v1/loan-products{query}", headers=startup).get_json()
        return [p["name"] for p in body["items"]]

    assert names() == [theirs["name"], credit["name"], ip["name"], linked["name"]]  # newest first
    assert names("?kind=ip_pledge") == [ip["name"]]
    assert names(f"?bank={other['id']}") == [theirs["name"]]
    # Open to integrated circuits: the IC product and those open to every sector.
    assert names("?sector=integrated_circuits") == [theirs["name"], ip["name"], linked["name"]]
    item = client.get("/api/v1/loan-products", headers=startup).get_json()["items"][0]
    assert "is_active" not in item and item["bank"]["id"] == other["id"]


def test_pages_follow_the_next_link_with_the_filters(app, client, bank, make_user):
    for n in range(5):
        publish(client, bank, {**CREDIT, "name": f"信用贷 {n}"})
    publish(client, bank, LINKED)
    headers = bearer(app, make_user("investor"))
    url, seen = "/api/v1/loan-products?kind=credit&limit=2", []
    while url:
        body = client.get(url, headers=headers).get_json()
        seen += [p["name"] for p in body["items"]]
        url = body["next"]
        assert url is None or "kind=credit" in url
    assert seen == [f"信用贷 {n}" for n in range(4, -1, -1)]
    assert client.get("/api/v1/loan-products?after=bogus", headers=headers).status_code == 400
    assert client.get("/api/v1/loan-products?limit=1000", headers=headers).status_code == 400


def test_a_withdrawn_product_is_seen_by_its_bank_only_and_can_come_back(app, client, bank, make_user):
    product = publish(client, bank, CREDIT)
    url = f"/api/v1/loan-products/{product['id']}"
    withdrawn = client.patch(url, json={"is_active": False}, headers=bank["headers"])
    assert withdrawn.status_code == 200 and withdrawn.get_json()["is_active"] is False
    startup = bearer(app, make_user("startup"))
    assert client.get(url, headers=startup).status_code == 404
    assert client.get("/api/v1/loan-products", headers=startup).get_json()["items"] == []
    assert client.get(url, headers=bank["headers"]).get_json()["is_active"] is False
    mine = client.get("/api/v1/loan-products?mine=true", headers=bank["headers"]).get_json()["items"]
    assert [p["id"] for p in mine] == [product["id"]] and mine[0]["is_active"] is False
    client.patch(url, json={"is_active": True}, headers=bank["headers"])
    shown = client.get(url, headers=startup).get_json()
    assert shown["name"] == CREDIT["name"] and "is_active" not in shown


def test_a_patch_changes_what_it_names_and_a_new_kind_needs_its_own_terms(client, bank, run_in):
    product = publish(client, bank, LINKED)
    url = f"/api/v1/loan-products/{product['id']}"
    renamed = client.patch(url, json={"name": "新名字", "tiers": ["specialised", "little_giant"]},
                           headers=bank["headers"]).get_json()
    assert renamed["name"] == "新名字" and renamed["loan_to_equity_ratio"] == 0.3
    assert renamed["tiers"] == ["specialised", "little_giant"]
    refused = client.patch(url, json={"kind": "credit"}, headers=bank["headers"])
    assert refused.status_code == 422
    assert set(refused.get_json()["errors"]) == {"loan_to_equity_ratio", "warrant_coverage", "investor_kinds"}
    credit = client.patch(url, json={"kind": "credit", "loan_to_equity_ratio": None, "warrant_coverage": None,
                                     "investor_kinds": []}, headers=bank["headers"])
    assert credit.status_code == 200 and credit.get_json()["kind"] == "credit"
    rows = run_in(lambda s: s.execute(sa.select(sa.func.count()).select_from(product_investor_kinds)).scalar())
    assert rows == 0
    tiers = run_in(lambda s: sorted(s.scalars(sa.select(product_tiers.c.tier)).all()))
    assert tiers == ["little_giant", "specialised"]


def test_a_change_keeps_the_version_it_replaced_and_a_change_of_nothing_keeps_none(client, bank, run_in,
                                                                                      row_counts):
    """The recommender's replay reads a bank's products as they read on each earlier day."""
    product = publish(client, bank, LINKED)
    url = f"/api/v1/loan-products/{product['id']}"
    assert client.patch(url, json={"name": LINKED["name"]}, headers=bank["headers"]).status_code == 200
    before = row_counts()
    assert client.patch(url, json={"amount_max": 1}, headers=bank["headers"]).status_code == 422
    assert row_counts() == before and before["offer_revisions"] == 0
    client.patch(url, json={"amount_max": 80_000_000, "sectors": ["biomedicine"]}, headers=bank["headers"])
    log_in(client, bank["email"], PASSWORD)
    submit(client, "/bank/products", {}, action=f"/bank/products/{product['id']}/withdraw")
    versions = run_in(lambda s: [(r.product_id, r.declared_at, r.replaced_at, r.terms) for r in s.scalars(
        sa.select(OfferRevision).order_by(OfferRevision.id))])
    assert [v[0] for v in versions] == [product["id"]] * 2
    first, second = (v[3] for v in versions)
    assert (first["amount_max"], first["sectors"], first["is_active"]) == (50_000_000, ["integrated_circuits"], True)
    assert (second["amount_max"], second["sectors"], second["is_active"]) == (80_000_000, ["biomedicine"], True)
    assert first["stages"] == ["pre_a", "series_a"] and first["loan_to_equity_ratio"] == "0.3"
    assert versions[0][2] == versions[1][1]  # the second version was declared when it replaced the first


# --- Pages ----------------------------------------------------------------------------------

FORM = {"kind": "ip_pledge", "name": "专利快贷", "description": "最快5个工作日审批", "amount_min": "50",
        "amount_max": "1000.5", "rate_min": "3.85", "rate_max": "4.5", "term_months": "24",
        "sectors": ["integrated_circuits", "biomedicine"], "stages": ["seed", "series_a"], "tiers": ["high_tech"],
        "min_months_operating": "12", "pledge_rate_invention": "50", "pledge_rate_software_copyright": "30.5",
        "min_remaining_life_months": "36"}


def test_a_bank_publishes_a_product_in_wan_yuan_and_percent(client, bank, run_in):
    log_in(client, bank["email"], PASSWORD)
    response = submit(client, "/bank/products/new", FORM)
    assert response.status_code == 302 and response.location == "/bank/products"
    product = run_in(lambda s: s.scalar(sa.select(LoanProduct).where(LoanProduct.bank_id == bank["id"])))
    assert (product.amount_min, product.amount_max) == (500_000, 10_005_000)
    assert (product.rate_min_bps, product.rate_max_bps) == (385, 450)
    rates = run_in(lambda s: {r.ip_kind.value: r.rate for r in s.get(LoanProduct, product.id).pledge_rates})
    assert rates == {"invention": Decimal("0.5"), "software_copyright": Decimal("0.305")}
    page = client.get("/bank/products", headers=EN).get_data(as_text=True)
    assert "专利快贷" in page and "3.85% – 4.50%" in page and "CNY 500K – CNY 10M" in page
    assert "Software copyright 30.5%" in page and "Active" in page


BAD_FORMS = [
    ({"rate_min": "3.855"}, "rate_min"),
    ({"rate_max": "3"}, "rate_max"),
    ({"amount_min": "abc"}, "amount_min"),
    ({"amount_min": "NaN"}, "amount_min"),
    ({"amount_min": "sNaN"}, "amount_min"),
    ({"amount_max": "10"}, "amount_max"),
    ({"pledge_rate_invention": "", "pledge_rate_software_copyright": ""}, "pledge_rate_invention"),
    ({"pledge_rate_design": "120"}, "pledge_rate_design"),
    ({"kind": "linked"}, "loan_to_equity_ratio"),
    ({"warrant_coverage": "10"}, "warrant_coverage"),  # sent without script: refused, not ignored
    ({"sectors": ["nonsense"]}, "sectors"),
    ({"name": ""}, "name"),
    ({"name_en": "x" * 201}, "name_en"),
    ({"description_en": "x" * 5001}, "description_en"),
]


def test_the_form_shows_each_problem_on_its_field_and_writes_nothing(client, bank, row_counts):
    log_in(client, bank["email"], PASSWORD)
    before = row_counts()
    for change, field in BAD_FORMS:
        response = submit(client, "/bank/products/new", {**FORM, **change}, headers=EN)
        assert response.status_code == 422, change
        assert field_errors(response.get_data(as_text=True), field), change
    # every problem in one answer: the form's own (a rate with too many places, a name missing)
    # and the rules it leaves to the service (the largest amount below the smallest, a term of
    # another kind of loan)
    html = submit(client, "/bank/products/new", {**FORM, "rate_min": "3.855", "name": "", "amount_max": "10",
                                                 "warrant_coverage": "10"}, headers=EN).get_data(as_text=True)
    assert field_errors(html, "rate_min") and field_errors(html, "name") == "This field is required."
    assert field_errors(html, "amount_max") == "The largest amount cannot be below the smallest."
    assert field_errors(html, "warrant_coverage") == "This kind of loan does not use this term: leave it empty."
    assert field_errors(html, "rate_max") == ""  # not compared with a rate refused
    assert row_counts() == before


def test_the_edit_form_shows_the_stored_terms_and_saves_changes(client, bank, run_in):
    product = publish(client, bank, LINKED)
    log_in(client, bank["email"], PASSWORD)
    page = client.get(f"/bank/products/{product['id']}/edit", headers=EN).get_data(as_text=True)
    assert 'value="200"' in page and 'value="5000"' in page and 'value="3.2"' in page and 'value="30"' in page
    assert re.search(r'value="guidance_fund"\s+id="[\w-]+"\s+checked', page)
    as_shown = {"kind": "linked", "name": LINKED["name"], "amount_min": "200", "amount_max": "5000",
                "rate_min": "3.2", "rate_max": "4.2", "term_months": "36", "stages": LINKED["stages"],
                "loan_to_equity_ratio": "30", "warrant_coverage": "10", "investor_kinds": LINKED["investor_kinds"],
                "tiers": LINKED["tiers"], "sectors": LINKED["sectors"]}
    assert submit(client, f"/bank/products/{product['id']}/edit", as_shown).status_code == 302
    assert run_in(lambda s: s.scalar(sa.select(sa.func.count()).select_from(OfferRevision))) == 0
    form = {"kind": "linked", "name": "投贷联动贷 2.0", "amount_min": "200", "amount_max": "8000", "rate_min": "3.1",
            "rate_max": "4", "term_months": "36", "loan_to_equity_ratio": "50", "investor_kinds": ["cvc"]}
    response = submit(client, f"/bank/products/{product['id']}/edit", form)
    assert response.status_code == 302
    stored = run_in(lambda s: (lambda p: (p.name, p.loan_to_equity_ratio, p.warrant_coverage, p.amount_max,
                                          p.sectors))(s.get(LoanProduct, product["id"])))
    assert stored == ("投贷联动贷 2.0", Decimal("0.5"), None, 80_000_000, [])
    assert run_in(lambda s: s.scalar(sa.select(OfferRevision.terms)))["name"] == LINKED["name"]


def test_withdrawing_and_publishing_again_from_the_list(client, bank, run_in):
    product = publish(client, bank, CREDIT)
    log_in(client, bank["email"], PASSWORD)
    action = f"/bank/products/{product['id']}/withdraw"
    assert submit(client, "/bank/products", {}, action=action).status_code == 302
    assert run_in(lambda s: s.get(LoanProduct, product["id"]).is_active) is False
    page = client.get("/bank/products", headers=EN).get_data(as_text=True)
    assert "Withdrawn" in page and "Publish again" in page
    submit(client, "/bank/products", {}, action=f"/bank/products/{product['id']}/reactivate")
    assert run_in(lambda s: s.get(LoanProduct, product["id"]).is_active) is True


def test_an_empty_list_says_so_and_the_home_links_to_it(client, bank):
    log_in(client, bank["email"], PASSWORD)
    page = client.get("/bank/products", headers=EN).get_data(as_text=True)
    assert "You have not published a loan product yet." in page
    assert 'href="/bank/products"' in client.get("/bank/", headers=EN).get_data(as_text=True)

