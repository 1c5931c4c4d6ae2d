"""Every write of the startup slice, tried by every other side and by another startup: refused with
403 or 404, and nothing changes (row counts, the owner's rows, the deck on disk)."""
from __future__ import annotations

import io
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from marketplace import clock
from marketplace.api import ip_assets as ip_assets_api
from marketplace.api import needs as needs_api
from marketplace.api import startups as startups_api
from marketplace.models import FundingNeed, IPAsset, Startup, StartupTier
from marketplace.models.enums import IPKind
from marketplace.models.organizations import startup_sectors
from marketplace.services.ip_numbers import patent_number
from tests import test_needs_deck
from tests.conftest import PASSWORD
from tests.helpers import csrf_token, log_in
from tests.test_needs import EN, bearer, need_body, org_id
from tests.test_needs_deck import PDF, put_deck

WRITE_ROUTES = [
    "/api/v1/needs",
    "/api/v1/needs/<int:need_id>",
    "/api/v1/needs/<int:need_id>/deck",
    "/api/v1/ip-assets",
    "/api/v1/ip-assets/<int:asset_id>",
    "/api/v1/organizations/<int:org_id>",
    "/startup/profile",
    "/startup/ip/new",
    "/startup/ip/<int:asset_id>/edit",
    "/startup/ip/<int:asset_id>/delete",
    "/startup/needs/new",
    "/startup/needs/<int:need_id>/edit",
    "/startup/needs/<int:need_id>/status",
    "/startup/needs/<int:need_id>/delete",
    "/startup/needs/<int:need_id>/deck",
    "/startup/needs/<int:need_id>/deck/delete",
]
# Routes that write the caller's own organization: another startup using them changes only its own.
OWN_ROUTES = {"/api/v1/needs", "/api/v1/ip-assets", "/startup/profile", "/startup/ip/new", "/startup/needs/new"}
ACTORS = ("startup", "investor", "bank", "incubator", "operator", "admin", None)
DEADLINE = (clock.today() + timedelta(days=30)).isoformat()
NEED_FORM = {"instrument": "equity", "title": "hijacked", "amount_min": "1", "amount_max": "2", "stage": "seed",
             "sectors": ["integrated_circuits"], "deadline": DEADLINE}
uploads = test_needs_deck.uploads  # the same fixture: decks in the test's own folder
IP_FORM = {"kind": "design", "number": patent_number(2022, IPKind.DESIGN, 99), "title": "hijacked",
           "status": "filed"}


@pytest.fixture
def world(client, run_in, make_user, uploads) -> dict[str, Any]:
    """The owner's startup with a draft, an open need with a deck, and a patent."""
    founder = make_user("startup", org="芯澜微电子")
    owner = bearer(run_in, founder, **EN)
    draft = client.post("/api/v1/needs", json=need_body(), headers=owner).get_json()["id"]
    published = client.post("/api/v1/needs", json=need_body(status="open"), headers=owner).get_json()["id"]
    assert put_deck(client, published, owner).status_code == 200
    asset = client.post("/api/v1/ip-assets", headers=owner, json={
        "kind": "invention", "number": patent_number(2021, IPKind.INVENTION, 5), "title": "一种芯片",
        "status": "granted", "filed_on": "2021-01-04", "granted_on": "2023-02-01"}).get_json()["id"]
    client.patch(f"/api/v1/organizations/{org_id(run_in, founder)}", headers=owner,
                 json={"sectors": ["integrated_circuits"], "tiers": [{"tier": "high_tech"}]})
    return {"startup": org_id(run_in, founder), "draft": draft, "published": published, "asset": asset,
            "uploads": uploads}


def snapshot(run_in: Callable, world: dict[str, Any]) -> dict[str, Any]:
    """Everything of the owner's a write could touch, as plain values."""

    def rows(s, model, *where):
        return sorted((tuple(sorted((c.key, getattr(r, c.key)) for c in sa.inspect(model).column_attrs))
                       for r in s.scalars(sa.select(model).where(*where))), key=str)

    def read(s):
        startup_id = world["startup"]
        return {
            "needs": rows(s, FundingNeed, FundingNeed.startup_id == startup_id),
            "assets": rows(s, IPAsset, IPAsset.startup_id == startup_id),
            "startup": rows(s, Startup, Startup.id == startup_id),
            "tiers": rows(s, StartupTier, StartupTier.startup_id == startup_id),
            "sectors": s.execute(sa.select(startup_sectors).where(startup_sectors.c.startup_id == startup_id)).all(),
        }

    decks = sorted((p.name, p.read_bytes()) for p in (world["uploads"] / "decks").glob("*"))
    return {**run_in(read), "decks": decks}


def api_writes(world: dict[str, Any]) -> list[tuple[str, str, str, dict[str, Any]]]:
    """(rule, method, url, request keywords) for every API write."""
    need, draft, asset = world["published"], world["draft"], world["asset"]
    pdf = {"data": {"deck": (io.BytesIO(PDF), "x.pdf")}, "content_type": "multipart/form-data"}
    return [
        ("/api/v1/needs", "POST", "/api/v1/needs", {"json": need_body(title="hijacked")}),
        ("/api/v1/needs/<int:need_id>", "PATCH", f"/api/v1/needs/{need}", {"json": {"title": "hijacked"}}),
        ("/api/v1/needs/<int:need_id>", "PATCH", f"/api/v1/needs/{need}", {"json": {"status": "closed"}}),
        ("/api/v1/needs/<int:need_id>", "DELETE", f"/api/v1/needs/{draft}", {}),
        ("/api/v1/needs/<int:need_id>/deck", "PUT", f"/api/v1/needs/{need}/deck", pdf),
        ("/api/v1/needs/<int:need_id>/deck", "DELETE", f"/api/v1/needs/{need}/deck", {}),
        ("/api/v1/ip-assets", "POST", "/api/v1/ip-assets", {"json": {
            "kind": "design", "number": IP_FORM["number"], "title": "hijacked", "status": "filed"}}),
        ("/api/v1/ip-assets/<int:asset_id>", "PATCH", f"/api/v1/ip-assets/{asset}", {"json": {"title": "hijacked"}}),
        ("/api/v1/ip-assets/<int:asset_id>", "DELETE", f"/api/v1/ip-assets/{asset}", {}),
        ("/api/v1/organizations/<int:org_id>", "PATCH", f"/api/v1/organizations/{world['startup']}",
         {"json": {"name": "hijacked"}}),
    ]


def page_writes(world: dict[str, Any]) -> list[tuple[str, str, dict[str, Any], bool]]:
    """(rule, url, form, multipart) for every page write."""
    need, draft, asset = world["published"], world["draft"], world["asset"]
    return [
        ("/startup/profile", "/startup/profile", {"name": "hijacked", "tiers-0-tier": "unicorn"}, False),
        ("/startup/ip/new", "/startup/ip/new", IP_FORM, False),
        ("/startup/ip/<int:asset_id>/edit", f"/startup/ip/{asset}/edit", IP_FORM, False),
        ("/startup/ip/<int:asset_id>/delete", f"/startup/ip/{asset}/delete", {}, False),
        ("/startup/needs/new", "/startup/needs/new", NEED_FORM, False),
        ("/startup/needs/<int:need_id>/edit", f"/startup/needs/{need}/edit", NEED_FORM, False),
        ("/startup/needs/<int:need_id>/status", f"/startup/needs/{draft}/status", {"status": "open"}, False),
        ("/startup/needs/<int:need_id>/delete", f"/startup/needs/{draft}/delete", {}, False),
        ("/startup/needs/<int:need_id>/deck", f"/startup/needs/{need}/deck", {}, True),
        ("/startup/needs/<int:need_id>/deck/delete", f"/startup/needs/{need}/deck/delete", {}, False),
    ]


def test_every_write_route_of_the_slice_is_listed(app):
    mine = {f"api.{name}" for module in (needs_api, ip_assets_api, startups_api) for name in vars(module)}
    written = {rule.rule for rule in app.url_map.iter_rules()
               if (rule.endpoint.startswith("startups.") or rule.endpoint in mine)
               and rule.methods & {"POST", "PUT", "PATCH", "DELETE"}}
    assert written == set(WRITE_ROUTES)
    world = {"published": 1, "draft": 2, "asset": 3, "startup": 4}
    tried = {rule for rule, *_ in api_writes(world)} | {rule for rule, *_ in page_writes(world)}
    assert tried == set(WRITE_ROUTES)


@pytest.mark.parametrize("role", ACTORS)
def test_no_one_else_writes_the_startups_data(client, run_in, make_user, row_counts, world, role):
    email = make_user(role) if role else None
    headers = bearer(run_in, email, **EN) if email else EN
    if email:
        log_in(client, email, PASSWORD)
    token = csrf_token(client, "/account/" if email else "/login")
    before, owned = row_counts(), snapshot(run_in, world)

    def unchanged(write: Any) -> None:
        assert row_counts() == before, write
        assert snapshot(run_in, world) == owned, write

    for rule, method, url, keywords in api_writes(world):
        if role == "startup" and rule in OWN_ROUTES:
            continue  # another startup posting writes its own need or asset
        response = client.open(url, method=method, headers=headers, **keywords)
        expected = 401 if role is None else 403 if role != "startup" else 404
        assert response.status_code == expected, (method, url, response.status_code, response.get_json())
        unchanged((method, url))
    for rule, url, form, multipart in page_writes(world):
        if role == "startup" and rule in OWN_ROUTES:
            continue  # another startup's own profile, portfolio and needs
        data = {"csrf_token": token, **form}
        if multipart:
            data["deck"] = (io.BytesIO(PDF), "x.pdf")
        response = client.post(url, data=data, headers=EN)
        if role is None:
            assert response.status_code == 302 and "/login" in response.headers["Location"], url
        else:
            assert response.status_code == (404 if role == "startup" else 403), (url, response.status_code)
        unchanged(url)


def test_another_startup_using_its_own_routes_leaves_the_owner_untouched(client, run_in, make_user, world):
    other = make_user("startup")
    headers = bearer(run_in, other, **EN)
    owned = snapshot(run_in, world)
    for rule, method, url, keywords in api_writes(world):
        if rule in OWN_ROUTES:
            assert client.open(url, method=method, headers=headers, **keywords).status_code == 201, url
    log_in(client, other, PASSWORD)
    page_ip = {**IP_FORM, "number": patent_number(2022, IPKind.DESIGN, 100)}
    for url, form in (("/startup/needs/new", NEED_FORM), ("/startup/ip/new", page_ip)):
        response = client.post(url, data={"csrf_token": csrf_token(client, url), **form}, headers=EN)
        assert response.status_code == 302, url
    assert snapshot(run_in, world) == owned
    other_id = org_id(run_in, other)
    assert run_in(lambda s: s.scalar(sa.select(sa.func.count()).select_from(FundingNeed)
                                     .where(FundingNeed.startup_id == other_id))) == 2
