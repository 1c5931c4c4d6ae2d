"""An incubator's profile (tier, services, park, partner investors) and its browsing of the
startups that look for incubation."""
from __future__ import annotations

import sqlalchemy as sa

from marketplace.models import InvestorThesis, Park, Sector, Stage, Startup
from marketplace.models.organizations import incubator_services, startup_sectors
from tests.conftest import PASSWORD
from tests.helpers import field_errors, log_in, submit
from tests.offer_helpers import EN, bearer, org_id, org_of
from tests.test_deal_flow import by_code

PROFILE = {"tier": "national", "services": ["pilot_testing", "shared_labs", "finance"], "park": "zizhu",
           "website": "https://incubator.example.cn", "summary_zh": "紫竹国家级孵化器",
           "summary_en": "A national incubator",
           "description_zh": "聚焦集成电路与人工智能", "description_en": ""}


def test_an_incubator_edits_its_profile_and_its_home_shows_it(client, make_user, run_in):
    email = make_user("incubator")
    log_in(client, email, PASSWORD)
    assert submit(client, "/incubator/profile", PROFILE).status_code == 302

    def stored(s):
        incubator = org_of(s, email)
        services = s.scalars(sa.select(incubator_services.c.service)
                             .where(incubator_services.c.incubator_id == incubator.id)).all()
        return incubator.tier.value, sorted(services), incubator.park.code, incubator.website, incubator.description_en

    assert run_in(stored) == ("national", ["finance", "pilot_testing", "shared_labs"], "zizhu",
                              "https://incubator.example.cn", None)
    home = client.get("/incubator/", headers=EN).get_data(as_text=True)
    assert "National incubator" in home and "Pilot testing" in home and "Zizhu Park" in home
    form = client.get("/incubator/profile", headers=EN).get_data(as_text=True)
    assert 'value="https://incubator.example.cn"' in form and "紫竹国家级孵化器" in form


def test_bad_profile_input_is_refused_on_its_field(client, make_user, row_counts, run_in):
    email = make_user("incubator")
    log_in(client, email, PASSWORD)
    before = row_counts()
    for change, field in [({"website": "javascript:alert(1)"}, "website"), ({"tier": "galactic"}, "tier"),
                          ({"services": ["massage"]}, "services"), ({"park": "atlantis"}, "park"),
                          ({"summary_en": "x" * 301}, "summary_en")]:
        response = submit(client, "/incubator/profile", {**PROFILE, **change}, headers=EN)
        assert response.status_code == 422 and field_errors(response.get_data(as_text=True), field), change
    assert row_counts() == before
    assert run_in(lambda s: org_of(s, email).tier.value) == "other"


def test_partner_investors_come_from_their_theses(client, make_user, run_in):
    incubator, investor = make_user("incubator"), make_user("investor", org="深创投")

    def link(s):
        partner = org_of(s, incubator)
        s.add(InvestorThesis(investor=org_of(s, investor), ticket_min=1_000_000, ticket_max=10_000_000,
                             partner_incubators=[partner]))
        s.commit()

    log_in(client, incubator, PASSWORD)
    assert "No investor names you as a partner yet." in client.get("/incubator/", headers=EN).get_data(as_text=True)
    run_in(link)
    assert "深创投" in client.get("/incubator/profile", headers=EN).get_data(as_text=True)
    assert "深创投" in client.get("/incubator/", headers=EN).get_data(as_text=True)


def test_the_profile_through_the_api(app, client, make_user):
    email, other = make_user("incubator"), make_user("incubator")
    headers, me = bearer(app, email), org_id(app, email)
    changed = client.patch(f"/api/v1/incubators/{me}", json={"tier": "high_quality", "services": ["legal"],
                                                              "park": "lingang"}, headers=headers)
    assert changed.status_code == 200, changed.get_json()
    body = changed.get_json()
    assert (body["tier"], body["services"], body["park"], body["partner_investors"]) == \
        ("high_quality", ["legal"], "lingang", [])
    viewer = bearer(app, make_user("bank"))
    assert client.get(f"/api/v1/incubators/{me}", headers=viewer).get_json()["tier"] == "high_quality"
    refused = client.patch(f"/api/v1/incubators/{me}", json={"website": "ftp://x"}, headers=headers)
    assert refused.status_code == 422 and "website" in refused.get_json()["errors"]
    assert client.get(f"/api/v1/incubators/{org_id(app, other) + 1000}", headers=viewer).status_code == 404


# --- Startups looking for incubation -----------------------------------------------------------

def add_startup(run_in, name, *, sector, stage, park, seeks=True):
    def write(s):
        startup = Startup(name=name, seeking_incubation=seeks, stage=by_code(s, Stage, stage),
                          park=by_code(s, Park, park), summary_en=f"{sector} at {stage}")
        s.add(startup)
        s.flush()
        s.execute(sa.insert(startup_sectors).values(startup_id=startup.id, sector_id=by_code(s, Sector, sector).id,
                                                    position=1))
        s.commit()
    run_in(write)


def test_an_incubator_browses_startups_looking_for_incubation(client, make_user, run_in):
    names = ("芯片一号", "生物二号", "芯片三号", "不找孵化")
    for name, sector, stage, park, seeks in [("芯片一号", "integrated_circuits", "seed", "zhangjiang_core", True),
                                             ("生物二号", "biomedicine", "series_a", "zizhu", True),
                                             ("芯片三号", "integrated_circuits", "series_a", "zizhu", True),
                                             ("不找孵化", "integrated_circuits", "seed", "zizhu", False)]:
        add_startup(run_in, name, sector=sector, stage=stage, park=park, seeks=seeks)
    log_in(client, make_user("incubator"), PASSWORD)

    def shown(query=""):
        page = client.get(f"/incubator/startups{query}", headers=EN).get_data(as_text=True)
        return [n for n in names if n in page], page

    listed, page = shown()
    assert listed == ["芯片一号", "生物二号", "芯片三号"] and "Integrated circuits" in page
    assert 'data-testid="match-rank">1<' in page  # ranked for the incubator (see test_recommendations.py)
    assert shown("?sector=integrated_circuits")[0] == ["芯片一号", "芯片三号"]
    assert shown("?stage=series_a&park=zizhu")[0] == ["生物二号", "芯片三号"]
    assert shown("?sector=bogus")[0] == ["芯片一号", "生物二号", "芯片三号"]  # an unknown filter is ignored
    empty = shown("?sector=future_space")[1]
    assert "No startup matching these filters is looking for incubation." in empty
    for after in ("99999999999999", "-99999999999999"):
        assert client.get(f"/incubator/startups?after={after}", headers=EN).status_code == 200


def test_startup_browsing_pages_and_its_api(app, client, make_user, run_in):
    for n in range(23):
        add_startup(run_in, f"企业{n:02d}", sector="metaverse", stage="seed", park="shibo")
    email = make_user("incubator")
    log_in(client, email, PASSWORD)
    first = client.get("/incubator/startups?sector=metaverse", headers=EN).get_data(as_text=True)
    on_first = {f"企业{n:02d}" for n in range(23) if f"企业{n:02d}" in first}
    next_url = first.split('data-testid="next-page"')[0].rsplit('href="', 1)[1].split('"')[0].replace("&amp;", "&")
    assert len(on_first) == 20 and "sector=metaverse" in next_url
    second = client.get(next_url, headers=EN).get_data(as_text=True)
    on_second = {f"企业{n:02d}" for n in range(23) if f"企业{n:02d}" in second}
    assert len(on_second) == 3 and not on_first & on_second and 'data-testid="next-page"' not in second
    assert 'data-testid="match-rank">21<' in second
    headers = bearer(app, email)
    body = client.get("/api/v1/startups/seeking-incubation?limit=20&park=shibo", headers=headers).get_json()
    assert len(body["items"]) == 20 and body["next"]
    item = body["items"][0]
    assert (item["name"], item["sectors"], item["stage"], item["park"]) == ("企业22", ["metaverse"], "seed", "shibo")
    assert "revenue_band" not in item and "seeking_incubation" not in item
    assert len(client.get(body["next"], headers=headers).get_json()["items"]) == 3
    assert client.get("/api/v1/startups/seeking-incubation", headers=bearer(app, make_user("bank"))).status_code == 403


def test_nobody_looking_shows_an_empty_state(client, make_user):
    log_in(client, make_user("incubator"), PASSWORD)
    page = client.get("/incubator/startups", headers=EN).get_data(as_text=True)
    assert "No startup is looking for incubation right now." in page
    home = client.get("/incubator/", headers=EN).get_data(as_text=True)
    assert 'href="/incubator/startups"' in home and 'href="/incubator/profile"' in home
