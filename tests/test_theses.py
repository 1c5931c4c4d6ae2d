"""An investor states its thesis, through the service and through ``/api/v1/theses/me``."""
from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from marketplace.models import Incubator, InvestorThesis, ThesisRevision, User
from marketplace.models.enums import SectorGroup
from marketplace.services import theses
from marketplace.services.theses import ThesisInput
from tests.test_deal_flow_api import EN, bearer

M = 1_000_000
BODY = {
    "summary": "Hard tech at seed and A.", "sectors": ["integrated_circuits", "biomedicine"],
    "sector_groups": ["future"], "stages": ["series_a", "seed"], "parks": ["zhangjiang_core"],
    "partner_incubators": [], "ticket_min": 5 * M, "ticket_max": 30 * M, "fund_size": 2_000 * M,
    "invests_early": True, "invests_small": False, "invests_hard_tech": True, "invests_long_term": True,
}


def org_id(session, email):
    return session.scalar(sa.select(User).where(User.email == email)).organization_id


@pytest.fixture
def investor(session, make_user):
    return org_id(session, make_user("investor"))


@pytest.fixture
def incubator_id(session, make_user):
    return org_id(session, make_user("incubator"))


def test_a_thesis_is_saved_whole_and_replaced_whole(session, investor, incubator_id):
    assert theses.get(session, investor) is None
    saved = theses.upsert(session, investor, ThesisInput(
        ticket_min=5 * M, ticket_max=30 * M, fund_size=2_000 * M, summary="  Hard tech.  ",
        sectors=["biomedicine", "integrated_circuits"], sector_groups=[SectorGroup.FUTURE, SectorGroup.LEADING],
        stages=["series_a", "seed"], parks=["lingang"], partner_incubators=[incubator_id, incubator_id],
        invests_hard_tech=True))
    again = theses.get(session, investor)
    assert again.row.id == saved.row.id and again.row.summary == "Hard tech."
    assert sorted(s.code for s in again.row.sectors) == ["biomedicine", "integrated_circuits"]
    assert again.sector_groups == [SectorGroup.LEADING, SectorGroup.FUTURE]
    assert [s.code for s in again.row.stages] == ["seed", "series_a"]  # the ladder's order
    assert [i.id for i in again.row.partner_incubators] == [incubator_id]
    assert again.row.invests_hard_tech and not again.row.invests_early

    theses.upsert(session, investor, ThesisInput(ticket_min=0, ticket_max=1 * M))
    replaced = theses.get(session, investor)
    assert replaced.row.id == saved.row.id and replaced.sector_groups == []
    assert replaced.row.sectors == [] and replaced.row.partner_incubators == [] and replaced.row.fund_size is None
    assert session.scalar(sa.select(sa.func.count()).select_from(InvestorThesis)) == 1


@pytest.mark.parametrize(("changes", "fields"), [
    ({"ticket_min": 10 * M, "ticket_max": 5 * M}, {"ticket_max"}),
    ({"ticket_min": -1}, {"ticket_min"}),
    ({"ticket_max": 10**15}, {"ticket_max"}),
    ({"fund_size": 1 * M}, {"ticket_max"}),  # one ticket larger than the whole fund
    ({"sectors": ["integrated_circuits", "teleportation"]}, {"sectors"}),
    ({"stages": ["series_z"], "parks": ["atlantis"]}, {"stages", "parks"}),
    ({"summary": "x" * 2001}, {"summary"}),
    ({"summary": "nul\x00byte"}, {"summary"}),
])
def test_a_wrong_thesis_is_refused_field_by_field_and_nothing_is_written(session, investor, row_counts,
                                                                        changes, fields):
    from marketplace.errors import DomainError

    before = row_counts()
    with pytest.raises(DomainError) as refused:
        theses.upsert(session, investor, ThesisInput(**{"ticket_min": M, "ticket_max": 2 * M, **changes}))
    assert set(refused.value.errors) == fields
    assert row_counts() == before


def test_a_rewrite_keeps_the_version_it_replaced_and_a_save_that_changes_nothing_keeps_none(session, investor,
                                                                                             row_counts):
    from marketplace.errors import DomainError

    chips = {"ticket_min": 5 * M, "ticket_max": 30 * M, "summary": "Chips.", "sectors": ["integrated_circuits"],
             "stages": ["seed"]}
    declared_at = theses.upsert(session, investor, ThesisInput(**chips)).row.updated_at
    theses.upsert(session, investor, ThesisInput(**chips))
    assert session.scalar(sa.select(sa.func.count()).select_from(ThesisRevision)) == 0
    before = row_counts()
    with pytest.raises(DomainError):
        theses.upsert(session, investor, ThesisInput(**{**chips, "sectors": ["teleportation"]}))
    assert row_counts() == before

    theses.upsert(session, investor, ThesisInput(**{**chips, "sectors": ["biomedicine"]}))
    revision = session.scalars(sa.select(ThesisRevision)).one()
    assert revision.investor_id == investor and revision.declared_at == declared_at
    assert revision.declared["sectors"] == ["integrated_circuits"] and revision.declared["stages"] == ["seed"]
    assert (revision.declared["ticket_max"], revision.declared["summary"]) == (30 * M, "Chips.")
    assert theses.get(session, investor).row.updated_at == revision.replaced_at > declared_at


def test_partner_incubators_must_be_incubators(session, investor, make_user):
    startup_id = org_id(session, make_user("startup"))
    from marketplace.errors import DomainError

    with pytest.raises(DomainError) as refused:
        theses.upsert(session, investor, ThesisInput(ticket_min=M, ticket_max=2 * M,
                                                     partner_incubators=[startup_id, investor, 999_999]))
    assert list(refused.value.errors) == ["partner_incubators"]
    assert session.scalar(sa.select(sa.func.count()).select_from(Incubator)) == 0


# --- The API -------------------------------------------------------------------------------------

@pytest.fixture
def headers(run_in, make_user):
    return bearer(run_in, make_user("investor"))


def test_no_thesis_yet_is_404_and_put_states_it(client, headers, run_in, make_user):
    assert client.get("/api/v1/theses/me", headers=headers).status_code == 404
    partner = run_in(lambda s: org_id(s, make_user("incubator")))
    response = client.put("/api/v1/theses/me", json={**BODY, "partner_incubators": [partner]}, headers=headers)
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["stages"] == ["seed", "series_a"] and body["sector_groups"] == ["future"]
    assert body["partner_incubators"] == [partner] and body["fund_size"] == 2_000 * M
    assert client.get("/api/v1/theses/me", headers=headers).get_json() == body


def test_what_get_returns_can_be_put_back_unchanged(client, headers):
    client.put("/api/v1/theses/me", json=BODY, headers=headers)
    got = client.get("/api/v1/theses/me", headers=headers).get_json()
    sent = {k: v for k, v in got.items() if k not in ("investor_id", "updated_at")}
    again = client.put("/api/v1/theses/me", json=sent, headers=headers).get_json()
    assert {k: v for k, v in again.items() if k != "updated_at"} == {k: v for k, v in got.items()
                                                                      if k != "updated_at"}


@pytest.mark.parametrize(("body", "field", "message"), [
    ({**BODY, "ticket_min": 40 * M}, "ticket_max", "The largest ticket must not be below the smallest."),
    ({**BODY, "ticket_min": "5000000"}, "ticket_min", "Not a valid integer."),
    ({**BODY, "invests_early": 1}, "invests_early", "Not a valid boolean."),
    ({**BODY, "sector_groups": ["past"]}, "sector_groups.0", None),
    ({**BODY, "sectors": ["teleportation"]}, "sectors", "Unknown sector: teleportation."),
    ({**BODY, "investor_id": 1}, "investor_id", "Unknown field."),
    ({**BODY, "fund_size": -5}, "fund_size", None),
    ({k: v for k, v in BODY.items() if k != "ticket_max"}, "ticket_max", "Missing data for required field."),
])
def test_bad_bodies_get_422_with_field_messages_and_write_nothing(client, headers, row_counts, body, field, message):
    before = row_counts()
    response = client.put("/api/v1/theses/me", json=body, headers=headers)
    assert response.status_code == 422
    errors = response.get_json()["errors"]
    assert field in errors and (message is None or errors[field] == [message])
    assert row_counts() == before


def test_a_body_that_is_not_json_is_400_and_messages_follow_the_language(client, headers):
    assert client.put("/api/v1/theses/me", data="ticket_min=1", headers=headers).status_code == 400
    zh = client.put("/api/v1/theses/me", json={**BODY, "colour": "red"},
                    headers={**headers, "Accept-Language": "zh-CN"}).get_json()
    assert re.search(r"[\u4e00-\u9fff]", zh["errors"]["colour"][0])


def test_the_owner_sees_the_fund_size_and_others_would_not(session, investor, make_user):
    from marketplace.schemas.theses import thesis_schema

    thesis = theses.upsert(session, investor, ThesisInput(ticket_min=M, ticket_max=2 * M, fund_size=3 * M))
    owner = session.scalar(sa.select(User).where(User.organization_id == investor))
    someone = session.scalar(sa.select(User).where(User.email == make_user("startup")))
    assert thesis_schema(owner, thesis).dump(thesis)["fund_size"] == 3 * M
    assert "fund_size" not in thesis_schema(someone, thesis).dump(thesis)


def test_only_investors_have_a_thesis(client, run_in, make_user):
    for role in ("startup", "bank", "incubator", "operator"):
        headers = bearer(run_in, make_user(role))
        assert client.get("/api/v1/theses/me", headers=headers).status_code == 403
    assert client.get("/api/v1/theses/me", headers=EN).status_code == 401
