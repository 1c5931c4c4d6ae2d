"""Funding needs through the JSON API: posting, the lifecycle, who sees which fields, search text."""
from __future__ import annotations

import json
from datetime import date, timedelta
from itertools import product

import pytest
import sqlalchemy as sa

from marketplace import clock
from marketplace.errors import DomainError
from marketplace.models import FundingNeed, IPAsset, Stage, Startup, User
from marketplace.models.enums import Instrument, IPKind, IPStatus, NeedStatus
from marketplace.schemas.needs import NeedSchema
from marketplace.services import demo, needs, tokens
from marketplace.services.ip_numbers import number_error, patent_number
from tests.conftest import PASSWORD
from tests.helpers import log_in

EN = {"Accept-Language": "en"}
ZH = {"Accept-Language": "zh-CN"}
TODAY = clock.today()
# Confidential values no one but the owner may ever see, raw or formatted.
SENTINELS = {"revenue_last_year": 987_654_321, "monthly_burn": 4_321_987, "runway_months": 47}
SENTINEL_TEXTS = ("987654321", "987.65", "9.88", "4321987", "4.32", "432.2")


def org_id(run_in, email: str) -> int:
    return run_in(lambda s: s.scalar(sa.select(User.organization_id).where(User.email == email)))


def bearer(run_in, email: str, **headers: str) -> dict[str, str]:
    """An API token of the user, as the Authorization header (plus any other headers)."""
    raw = run_in(lambda s: tokens.create(s, s.scalar(sa.select(User).where(User.email == email)), name="t")[1])
    return {"Authorization": f"Bearer {raw}", **headers}


def need_body(**changes) -> dict:
    return {"instrument": "equity", "title": "车规级MCU芯片A轮融资", "amount_min": 10_000_000,
            "amount_max": 30_000_000, "stage": "series_a", "sectors": ["integrated_circuits", "automotive"],
            "summary": "Automotive-grade MCU, in trials with two Tier-1 suppliers.",
            "use_of_funds": "Tape-out and certification", "deadline": (TODAY + timedelta(days=90)).isoformat(),
            **changes}


def post_need(client, headers, **changes):
    return client.post("/api/v1/needs", json=need_body(**changes), headers=headers)


def need_row(run_in, need_id: int) -> dict:
    """The stored need as plain values, to compare before and after a refused write."""
    return run_in(lambda s: {c.name: getattr(s.get(FundingNeed, need_id), c.key)
                             for c in FundingNeed.__table__.columns})


@pytest.fixture
def founder(make_user):
    return make_user("startup", org="芯澜微电子")


@pytest.fixture
def owner(run_in, founder):
    return bearer(run_in, founder, **EN)


def test_a_startup_posts_a_draft_and_sees_all_of_it(client, run_in, founder, owner):
    response = post_need(client, owner, **SENTINELS)
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert set(body) == set(NeedSchema.VIEWS["owner"])
    assert body["status"] == "draft" and body["stage"] == "series_a"
    assert body["sectors"] == ["integrated_circuits", "automotive"]
    assert body["startup"] == {"id": org_id(run_in, founder), "name": "芯澜微电子", "name_en": None}
    assert body["revenue_last_year"] == 987_654_321 and body["deck"] is None
    assert client.get(f"/api/v1/needs/{body['id']}", headers=owner).get_json() == body


def test_a_need_can_be_published_when_it_is_posted(client, owner):
    assert post_need(client, owner, status="open").get_json()["status"] == "open"
    refused = post_need(client, owner, status="funded")
    assert refused.status_code == 422 and list(refused.get_json()["errors"]) == ["status"]


def test_others_see_the_public_view_and_never_the_confidential_fields(client, run_in, owner, make_user):
    need = post_need(client, owner, status="open", **SENTINELS).get_json()
    for role in ("startup", "investor", "bank", "incubator", "operator", "admin"):
        response = client.get(f"/api/v1/needs/{need['id']}", headers=bearer(run_in, make_user(role)))
        assert response.status_code == 200, role
        body = response.get_json()
        assert set(body) == set(NeedSchema.VIEWS["public"]), role
        assert not set(body) & set(NeedSchema.CONFIDENTIAL)
        # the timestamps left out: their seconds can spell a sentinel ("…:54.32…" holds "4.32")
        shown = json.dumps({key: value for key, value in body.items() if key not in ("created_at", "updated_at")})
        assert not any(text in shown for text in SENTINEL_TEXTS), role
        assert body["title"] == need["title"] and body["amount_max"] == 30_000_000


def test_the_view_rule_names_one_field_set_per_viewer(session):
    need = FundingNeed(startup_id=7)
    assert needs.view_for(need, 7) == "owner"
    assert needs.view_for(need, 8) == needs.view_for(need, None) == "public"
    assert set(NeedSchema.VIEWS["owner"]) - set(NeedSchema.VIEWS["public"]) == set(NeedSchema.CONFIDENTIAL)


def test_a_draft_exists_only_for_its_owner(client, run_in, owner, make_user):
    draft = post_need(client, owner).get_json()
    other = bearer(run_in, make_user("investor"), **EN)
    response = client.get(f"/api/v1/needs/{draft['id']}", headers=other)
    assert response.status_code == 404
    assert response.get_json() == client.get("/api/v1/needs/999999", headers=other).get_json()


def test_bad_bodies_get_field_errors_and_write_nothing(client, owner, run_in, founder, row_counts):
    before = row_counts()
    cases = [
        ({"amount_min": -5, "title": "", "extra": 1}, {"amount_min", "title", "extra"}),
        ({"amount_min": 50_000_000}, {"amount_max"}),
        ({"stage": "series_z"}, {"stage"}),
        ({"sectors": ["integrated_circuits", "quantum_cooking"]}, {"sectors"}),
        ({"sectors": []}, {"sectors"}),
        ({"instrument": "grant", "runway_months": 1.5}, {"instrument", "runway_months"}),
        ({"deadline": (TODAY - timedelta(days=1)).isoformat()}, {"deadline"}),
        ({"title": "bad\x00title"}, {"title"}),
        ({"title_en": "x" * 201}, {"title_en"}),
        ({"title_en": "bad\x00title"}, {"title_en"}),
        ({"summary_en": "x" * 5001, "use_of_funds_en": "bad\x00use"}, {"summary_en", "use_of_funds_en"}),
        ({"amount_max": 10**13}, {"amount_max"}),
    ]
    for changes, fields in cases:
        response = post_need(client, owner, **changes)
        assert response.status_code == 422, changes
        assert set(response.get_json()["errors"]) == fields, response.get_json()
    missing = client.post("/api/v1/needs", json={}, headers=owner).get_json()["errors"]
    assert set(missing) == {"instrument", "title", "amount_min", "amount_max", "stage", "sectors"}
    assert client.post("/api/v1/needs", data="[1]", headers=owner).status_code == 400
    assert row_counts() == before


def test_an_english_title_is_what_english_readers_see(app, client, owner, run_in, make_user):
    need = post_need(client, owner, status="open", title_en="  Series A for an automotive MCU ",
                     summary="车规级MCU芯片，已进入两家一级供应商验证。", summary_en="In trials with two Tier-1 suppliers.",
                     use_of_funds="流片与认证", use_of_funds_en="Tape-out and certification").get_json()
    assert need["title_en"] == "Series A for an automotive MCU"  # trimmed
    assert (need["summary_en"], need["use_of_funds_en"]) == ("In trials with two Tier-1 suppliers.",
                                                             "Tape-out and certification")
    text = run_in(lambda s: s.get(FundingNeed, need["id"]).search_text)
    assert "series a for an automotive mcu" in text and "tier-1 suppliers" in text and "流片与认证" in text
    investor = app.test_client()
    log_in(investor, make_user("investor"), PASSWORD)
    for headers, title, summary, use in ((EN, "Series A for an automotive MCU", "In trials with two Tier-1 suppliers.",
                                          "Tape-out and certification"),
                                         (ZH, "车规级MCU芯片A轮融资", "车规级MCU芯片，已进入两家一级供应商验证。", "流片与认证")):
        flow = investor.get("/investor/deal-flow", headers=headers).get_data(as_text=True)
        assert f'data-testid="need-title">{title}</a>' in flow and summary in flow, headers
        assert use in investor.get(f"/startup/needs/{need['id']}", headers=headers).get_data(as_text=True), headers
    someone = bearer(run_in, make_user("startup"), **EN)  # another startup may not retitle it
    assert client.patch(f"/api/v1/needs/{need['id']}", json={"title_en": "Ours"}, headers=someone).status_code == 404
    assert need_row(run_in, need["id"])["title_en"] == "Series A for an automotive MCU"
    cleared = client.patch(f"/api/v1/needs/{need['id']}", json={"title_en": ""}, headers=owner).get_json()
    assert cleared["title_en"] is None  # no English title: the title on every page
    assert 'data-testid="need-title">车规级MCU芯片A轮融资</a>' in investor.get("/investor/deal-flow", headers=EN).get_data(
        as_text=True)


def test_field_errors_come_in_the_requesters_language(client, run_in, founder):
    zh = bearer(run_in, founder, **ZH)
    errors = client.post("/api/v1/needs", json={"extra": 1}, headers=zh).get_json()["errors"]
    assert errors["extra"] == ["未知字段。"] and errors["title"] == ["缺少必填字段。"]
    en = client.post("/api/v1/needs", json=need_body(amount_min=40_000_000), headers=bearer(run_in, founder, **EN))
    assert en.get_json()["errors"] == {"amount_max": ["The largest amount must not be below the smallest."]}


def test_only_startups_post_needs(client, run_in, make_user, row_counts):
    others = {role: bearer(run_in, make_user(role)) for role in ("investor", "bank", "incubator", "operator", "admin")}
    before = row_counts()
    for role, headers in others.items():
        assert post_need(client, headers).status_code == 403, role
    assert post_need(client, {}).status_code == 401
    assert row_counts() == before


def test_the_owner_changes_a_need_and_its_search_text_follows(client, owner, run_in):
    need = post_need(client, owner).get_json()
    response = client.patch(f"/api/v1/needs/{need['id']}", headers=owner,
                            json={"title": "Series A for the RISC-V MCU", "sectors": ["artificial_intelligence"],
                                  "deadline": None, "monthly_burn": 800_000})
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["title"] == "Series A for the RISC-V MCU" and body["sectors"] == ["artificial_intelligence"]
    assert body["deadline"] is None and body["monthly_burn"] == 800_000 and body["amount_max"] == 30_000_000
    text = run_in(lambda s: s.get(FundingNeed, need["id"]).search_text)
    assert "risc-v mcu" in text and "人工智能" in text and "artificial intelligence" in text
    assert "integrated circuits" not in text


def test_search_text_holds_the_need_the_company_its_sectors_and_stage_in_both_languages(
        client, owner, run_in, founder):
    run_in(lambda s: (setattr(s.get(Startup, org_id(run_in, founder)), "name_en", "Xinlan Micro"), s.commit()))
    need = post_need(client, owner, use_of_funds="Tape-Out at TSMC").get_json()
    text = run_in(lambda s: s.get(FundingNeed, need["id"]).search_text)
    for words in ("车规级mcu芯片a轮融资", "tier-1 suppliers", "tape-out at tsmc", "芯澜微电子", "xinlan micro",
                  "集成电路", "integrated circuits", "汽车", "automotive", "a轮", "series a"):
        assert words in text, words
    assert text == text.lower()


def test_renaming_the_startup_refreshes_its_needs_search_text(client, owner, run_in, founder):
    need = post_need(client, owner).get_json()
    response = client.patch(f"/api/v1/organizations/{org_id(run_in, founder)}", headers=owner,
                            json={"name_en": "Xinlan Microelectronics"})
    assert response.status_code == 200, response.get_json()
    assert "xinlan microelectronics" in run_in(lambda s: s.get(FundingNeed, need["id"]).search_text)


LIFECYCLE = {(NeedStatus.DRAFT, NeedStatus.OPEN), (NeedStatus.OPEN, NeedStatus.CLOSED),
             (NeedStatus.OPEN, NeedStatus.FUNDED), (NeedStatus.CLOSED, NeedStatus.OPEN)}


def test_the_lifecycle_allows_exactly_its_transitions(session, founder):
    startup_id = session.scalar(sa.select(User.organization_id).where(User.email == founder))
    stage = session.scalar(sa.select(Stage).where(Stage.code == "seed"))
    for old, new in product(NeedStatus, NeedStatus):
        if old == new:
            continue
        need = FundingNeed(startup_id=startup_id, stage=stage, instrument=Instrument.EQUITY, title="t",
                           amount_min=1, amount_max=2, status=old)
        session.add(need)
        session.commit()
        try:
            needs.update(session, startup_id, need.id, {"status": new})
        except DomainError as error:
            assert (old, new) not in LIFECYCLE and list(error.errors) == ["status"], (old, new)
            assert session.get(FundingNeed, need.id).status == old
        else:
            assert (old, new) in LIFECYCLE, (old, new)
            assert session.get(FundingNeed, need.id).status == new


def test_the_api_walks_a_need_through_its_life(client, owner, run_in):
    need_id = post_need(client, owner).get_json()["id"]

    def move(status):
        return client.patch(f"/api/v1/needs/{need_id}", json={"status": status}, headers=owner)

    assert move("closed").status_code == 422
    for status in ("open", "closed", "open", "funded"):
        assert move(status).get_json()["status"] == status
    refused = move("open")
    assert refused.status_code == 422
    assert refused.get_json() == {"errors": {"status": ["A need cannot go from Funded to Open."]}}
    assert move("funded").status_code == 200  # staying put is no transition


def test_a_need_whose_deadline_passed_reopens_only_with_a_new_deadline(client, owner, run_in):
    need_id = post_need(client, owner, status="open").get_json()["id"]
    client.patch(f"/api/v1/needs/{need_id}", json={"status": "closed"}, headers=owner)
    run_in(lambda s: (setattr(s.get(FundingNeed, need_id), "deadline", TODAY - timedelta(days=3)), s.commit()))
    refused = client.patch(f"/api/v1/needs/{need_id}", json={"status": "open"}, headers=owner)
    assert refused.status_code == 422 and list(refused.get_json()["errors"]) == ["deadline"]
    assert client.patch(f"/api/v1/needs/{need_id}", json={"title": "still closed"}, headers=owner).status_code == 200
    later = (TODAY + timedelta(days=30)).isoformat()
    reopened = client.patch(f"/api/v1/needs/{need_id}", json={"status": "open", "deadline": later}, headers=owner)
    assert reopened.get_json()["status"] == "open"


def test_an_ip_pledge_loan_is_published_only_with_granted_ip(client, owner, run_in, founder):
    need_id = post_need(client, owner, instrument="ip_pledge_loan").get_json()["id"]
    refused = client.patch(f"/api/v1/needs/{need_id}", json={"status": "open"}, headers=owner)
    assert refused.status_code == 422 and list(refused.get_json()["errors"]) == ["instrument"]
    run_in(lambda s: (s.add(IPAsset(
        startup_id=org_id(run_in, founder), kind=IPKind.INVENTION, number=patent_number(2021, IPKind.INVENTION, 42),
        title="一种芯片", status=IPStatus.GRANTED, filed_on=date(2021, 3, 1), granted_on=date(2023, 5, 1),
        expires_on=date(2041, 3, 1))), s.commit()))
    assert client.patch(f"/api/v1/needs/{need_id}", json={"status": "open"}, headers=owner).status_code == 200


def test_only_a_draft_is_deleted(client, owner, run_in, row_counts):
    draft = post_need(client, owner).get_json()["id"]
    published = post_need(client, owner, status="open").get_json()["id"]
    before = row_counts()
    response = client.delete(f"/api/v1/needs/{published}", headers=owner)
    assert response.status_code == 409 and list(response.get_json()["errors"]) == ["status"]
    assert row_counts() == before
    assert client.delete(f"/api/v1/needs/{draft}", headers=owner).status_code == 204
    assert client.get(f"/api/v1/needs/{draft}", headers=owner).status_code == 404
    assert row_counts()["funding_needs"] == before["funding_needs"] - 1


def test_another_startup_cannot_change_or_delete_a_need(client, owner, run_in, make_user, row_counts):
    need_id = post_need(client, owner, status="open").get_json()["id"]
    other, investor = bearer(run_in, make_user("startup"), **EN), bearer(run_in, make_user("investor"), **EN)
    stored, before = need_row(run_in, need_id), row_counts()
    assert client.patch(f"/api/v1/needs/{need_id}", json={"title": "mine now"}, headers=other).status_code == 404
    assert client.delete(f"/api/v1/needs/{need_id}", headers=other).status_code == 404
    assert client.patch(f"/api/v1/needs/{need_id}", json={"title": "mine now"}, headers=investor).status_code == 403
    assert row_counts() == before and need_row(run_in, need_id) == stored


def test_the_demo_writes_needs_with_search_text_and_valid_ip_numbers(session):
    demo.load(session, seed=2023, password="demo-password-for-tests")
    for need in session.scalars(sa.select(FundingNeed).limit(50)):
        assert need.search_text == needs.need_search_text(need) != ""
    for asset in session.scalars(sa.select(IPAsset)):
        assert number_error(asset.kind, asset.number, TODAY.year) is None, asset.number
