"""Funding needs in the browser's pages: the form, the lifecycle buttons, the public page."""
from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from marketplace import clock
from marketplace.models import FundingNeed
from tests.conftest import PASSWORD
from tests.helpers import field_errors, log_in, log_out, submit
from tests.test_needs import EN, SENTINEL_TEXTS, SENTINELS, ZH

DEADLINE = (clock.today() + timedelta(days=60)).isoformat()
FORM = {"instrument": "linked_loan", "title": "Linked loan for the MCU line", "amount_min": "300",
        "amount_max": "800", "stage": "series_a", "sectors": ["integrated_circuits"],
        "summary": "Alongside our Series A.", "use_of_funds": "Production line", "deadline": DEADLINE,
        "revenue_last_year": "98765.4321", "monthly_burn": "432.1987",  # 万元: SENTINELS' yuan
        "runway_months": str(SENTINELS["runway_months"])}


@pytest.fixture
def founder(client, make_user):
    email = make_user("startup", org="芯澜微电子")
    log_in(client, email, PASSWORD)
    return email


def create(client, **changes):
    return submit(client, "/startup/needs/new", {**FORM, **changes}, headers=EN)


def need_id_of(response) -> int:
    return int(re.search(r"/startup/needs/(\d+)$", response.headers["Location"]).group(1))


def test_the_needs_list_starts_empty(client, founder):
    page = client.get("/startup/needs", headers=EN).get_data(as_text=True)
    assert "You have not posted a funding need yet." in page and "New funding need" in page


def test_a_startup_saves_a_draft_and_walks_it_through_its_life(client, founder):
    response = create(client)
    assert response.status_code == 302
    need_page = f"/startup/needs/{need_id_of(response)}"
    page = client.get(need_page, headers=EN).get_data(as_text=True)
    assert "Your funding need is saved as a draft." in page and "Draft" in page
    assert "Linked loan for the MCU line" in page and "CNY 3M – CNY 8M" in page and "Integrated circuits" in page
    assert "CNY 987.65M" in page and "47 months" in page  # the owner sees the confidential figures
    for button, status, shown in (("Publish", "open", "Open"), ("Close", "closed", "Closed"),
                                  ("Reopen", "open", "Open"), ("Mark as funded", "funded", "Funded")):
        assert f">{button}</button>" in page, button
        page = submit(client, need_page, {"status": status}, action=f"{need_page}/status", headers=EN,
                      follow_redirects=True).get_data(as_text=True)
        assert f"The funding need is now {shown}." in page
    assert 'name="status"' not in page  # a funded need is a closed record


def test_a_need_is_published_straight_from_the_form(client, founder, run_in):
    response = create(client, publish="Save and publish")
    need_id = need_id_of(response)
    assert run_in(lambda s: s.get(FundingNeed, need_id).status.value) == "open"
    page = client.get(f"/startup/needs/{need_id}", headers=EN).get_data(as_text=True)
    assert "Your funding need is published." in page


def test_a_bad_form_shows_every_error_at_once_and_writes_nothing(client, founder, row_counts):
    """The form's own refusals and the service's rules on the other fields come in one answer, not
    the rules only once the fields are put right."""
    before = row_counts()
    response = create(client, title="", amount_min="900", amount_max="100", runway_months="-1",
                      sectors=[], deadline="2001-01-01", instrument="grant", title_en="x" * 201)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert field_errors(html, "title") == "This field is required."
    assert field_errors(html, "title_en") == "Field cannot be longer than 200 characters."
    assert field_errors(html, "runway_months") == "Between 0 and 600 months."
    assert field_errors(html, "sectors") == "Choose 1 to 3 sectors."
    assert "Not a valid choice" in field_errors(html, "instrument")
    assert field_errors(html, "amount_max") == "The largest amount must not be below the smallest."
    assert field_errors(html, "deadline") == "The deadline has passed: choose a later date."
    rules = create(client, amount_min="900", amount_max="100", deadline="2001-01-01")
    assert rules.status_code == 422
    html = rules.get_data(as_text=True)
    assert field_errors(html, "amount_max") == "The largest amount must not be below the smallest."
    assert field_errors(html, "deadline") == "The deadline has passed: choose a later date."
    assert row_counts() == before


def test_an_edit_checks_the_other_fields_against_what_was_typed_not_what_was_stored(client, founder, run_in):
    """The smallest amount typed is refused: the largest is not compared with the stored one (CNY 3M)."""
    need_id = need_id_of(create(client))
    response = submit(client, f"/startup/needs/{need_id}/edit",
                      {**FORM, "amount_min": "lots", "amount_max": "100", "deadline": "2001-01-01"}, headers=EN)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert field_errors(html, "amount_min") == "Not a valid decimal value."
    assert field_errors(html, "amount_max") == ""
    assert field_errors(html, "deadline") == "The deadline has passed: choose a later date."
    stored = run_in(lambda s: tuple(s.execute(sa.select(FundingNeed.amount_min, FundingNeed.amount_max,
                                                        FundingNeed.deadline).where(FundingNeed.id == need_id)).one()))
    assert stored == (3_000_000, 8_000_000, date.fromisoformat(DEADLINE))


def test_form_errors_are_in_the_users_language(client, founder):
    html = submit(client, "/startup/needs/new", {**FORM, "title": ""}, headers=ZH).get_data(as_text=True)
    assert field_errors(html, "title") == "此项为必填项。"


def test_a_need_titled_in_both_languages_shows_each_in_its_language(client, founder, run_in):
    need_id = need_id_of(create(client, title="MCU产线投贷联动贷款", title_en="Linked loan for the MCU line"))
    assert run_in(lambda s: s.get(FundingNeed, need_id).title_en) == "Linked loan for the MCU line"
    for headers, title in ((EN, "Linked loan for the MCU line"), (ZH, "MCU产线投贷联动贷款")):
        page = client.get(f"/startup/needs/{need_id}", headers=headers).get_data(as_text=True)
        assert f'data-testid="need-title">{title}</h1>' in page, headers
    assert 'value="Linked loan for the MCU line"' in client.get(f"/startup/needs/{need_id}/edit").get_data(as_text=True)


def test_amounts_are_typed_in_wan_and_stored_in_yuan(client, founder, run_in):
    need_id = need_id_of(create(client, amount_min="2.5", amount_max="3000"))
    stored = run_in(lambda s: (lambda n: (n.amount_min, n.amount_max, n.revenue_last_year, n.monthly_burn))(
        s.get(FundingNeed, need_id)))
    assert stored == (25_000, 30_000_000, SENTINELS["revenue_last_year"], SENTINELS["monthly_burn"])
    page = client.get(f"/startup/needs/{need_id}", headers=ZH).get_data(as_text=True)
    assert "2.5 万元 – 3,000 万元" in page


def test_an_amount_of_nothing_is_refused_in_wan_and_writes_nothing(client, founder, row_counts):
    before = row_counts()
    for headers, message in ((EN, "Enter an amount from 0.0001 to 100000000 (in 10,000 CNY)."),
                             (ZH, "请输入0.0001至100000000之间的金额（万元）。")):
        response = submit(client, "/startup/needs/new", {**FORM, "amount_min": "0"}, headers=headers)
        assert response.status_code == 422
        assert field_errors(response.get_data(as_text=True), "amount_min") == message
    assert row_counts() == before


def test_the_owner_edits_a_need(client, founder, run_in):
    need_id = need_id_of(create(client))
    edit = f"/startup/needs/{need_id}/edit"
    form = client.get(edit, headers=EN).get_data(as_text=True)
    assert 'value="Linked loan for the MCU line"' in form
    assert re.search(r'<input checked[^>]*value="integrated_circuits"', form)
    assert 'value="300"' in form and 'value="800"' in form  # the amounts in 万元, as they were typed
    response = submit(client, edit, {**FORM, "title": "Bigger linked loan", "amount_max": "1200",
                                     "sectors": ["integrated_circuits", "automotive"]}, headers=EN)
    assert response.status_code == 302
    need = run_in(lambda s: (lambda n: (n.title, n.amount_max, sorted(x.code for x in n.sectors),
                                        n.search_text))(s.get(FundingNeed, need_id)))
    assert need[:3] == ("Bigger linked loan", 12_000_000, ["automotive", "integrated_circuits"])
    assert "bigger linked loan" in need[3] and "汽车" in need[3]


def test_a_wrong_transition_is_explained_on_the_page(client, founder, run_in):
    need_page = f"/startup/needs/{need_id_of(create(client))}"
    response = submit(client, need_page, {"status": "funded"}, action=f"{need_page}/status", headers=EN)
    assert response.status_code == 422
    assert "A need cannot go from Draft to Funded." in response.get_data(as_text=True)
    assert run_in(lambda s: s.scalar(sa.select(FundingNeed.status)).value) == "draft"


def test_a_draft_is_deleted_from_its_page(client, founder, row_counts):
    need_page = f"/startup/needs/{need_id_of(create(client))}"
    assert "Delete draft" in client.get(need_page, headers=EN).get_data(as_text=True)
    response = submit(client, need_page, {}, action=f"{need_page}/delete", headers=EN, follow_redirects=True)
    assert "The draft was deleted." in response.get_data(as_text=True)
    assert row_counts()["funding_needs"] == 0


def test_an_open_need_is_not_deleted(client, founder, row_counts):
    need_page = f"/startup/needs/{need_id_of(create(client, publish='Save and publish'))}"
    before = row_counts()
    response = submit(client, need_page, {}, action=f"{need_page}/delete", headers=EN)
    assert response.status_code == 409 and row_counts() == before


def test_home_and_the_needs_list_link_to_each_need(client, founder):
    need_id = need_id_of(create(client))
    for page in ("/startup/", "/startup/needs"):
        html = client.get(page, headers=EN).get_data(as_text=True)
        assert f'href="/startup/needs/{need_id}"' in html and "Linked loan for the MCU line" in html


def test_a_need_past_its_deadline_leaves_the_deal_flow_and_its_owner_is_told(client, founder, make_user, run_in):
    need_id = need_id_of(create(client, publish="Save and publish"))
    investor = make_user("investor")

    def pass_deadline(s):
        s.get(FundingNeed, need_id).deadline = clock.today() - timedelta(days=1)
        s.commit()

    def listed():
        log_in(client, investor, PASSWORD)
        html = client.get("/investor/deal-flow?sort=newest", headers=EN).get_data(as_text=True)
        log_out(client)
        return f'href="/startup/needs/{need_id}"' in html

    log_out(client)
    assert listed()
    run_in(pass_deadline)
    assert not listed()
    log_in(client, founder, PASSWORD)
    for page in ("/startup/", "/startup/needs", f"/startup/needs/{need_id}"):
        assert "Deadline passed: not listed until you extend it" in client.get(page, headers=EN).get_data(
            as_text=True), page
    assert "截止日期已过" in client.get("/startup/needs", headers=ZH).get_data(as_text=True)


def test_others_see_the_public_page_without_the_confidential_part(client, founder, make_user):
    need_id = need_id_of(create(client, publish="Save and publish"))
    owner_page = client.get(f"/startup/needs/{need_id}", headers=EN).get_data(as_text=True)
    assert "987.65" in owner_page and "Confidential" in owner_page  # the sentinel is there to be found
    for role in ("startup", "investor", "bank", "incubator", "operator", "admin"):
        client.post("/logout", data={})
        with client.session_transaction() as browser:
            browser.clear()
        log_in(client, make_user(role), PASSWORD)
        for headers in (EN, ZH):
            page = client.get(f"/startup/needs/{need_id}", headers=headers)
            assert page.status_code == 200, role
            html = page.get_data(as_text=True)
            assert "Linked loan for the MCU line" in html and "芯澜微电子" in html
            assert not any(text in html for text in SENTINEL_TEXTS), role
            assert "need-confidential" not in html and "deck" not in html.lower() and "/edit" not in html


def test_a_draft_page_is_not_found_for_others(client, founder, make_user):
    need_id = need_id_of(create(client))
    with client.session_transaction() as browser:
        browser.clear()
    log_in(client, make_user("investor"), PASSWORD)
    assert client.get(f"/startup/needs/{need_id}").status_code == 404
    assert client.get("/startup/needs/999999").status_code == 404


def test_the_need_page_asks_visitors_to_log_in(client, founder):
    need_id = need_id_of(create(client, publish="Save and publish"))
    with client.session_transaction() as browser:
        browser.clear()
    response = client.get(f"/startup/needs/{need_id}")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
