"""Ranked matches in every direction: what each side sees first, why, and that no list leaks.

The market: a chip company and a biotech raise equity; an investor backed the chip company
before; two investors state opposite theses; a bank lends against patents to biotech; an
incubator offers seats for chip startups.
"""
from __future__ import annotations

import re
import time
from datetime import UTC, date, datetime, timedelta
from html import unescape

import pytest
import sqlalchemy as sa

from marketplace import cache, clock, recs
from marketplace.extensions import db
from marketplace.models import (
    Bank,
    FundingNeed,
    FundingRound,
    IncubationCapacity,
    Incubator,
    Interaction,
    Investor,
    IPAsset,
    LoanProduct,
    Park,
    PledgeRate,
    Sector,
    Stage,
    User,
)
from marketplace.models.enums import (
    Instrument,
    InteractionAction,
    InvestorKind,
    IPKind,
    IPStatus,
    LoanKind,
    NeedStatus,
    TargetKind,
)
from marketplace.models.history import investments
from marketplace.models.organizations import startup_sectors
from marketplace.services import capacities, loan_products, matching, recommendations, theses
from marketplace.services import needs as need_service
from marketplace.services.deal_flow import NeedFilters
from marketplace.services.theses import ThesisInput
from tests.conftest import PASSWORD, create_account, make_app, redis_url, rolled_back
from tests.helpers import csrf_token, log_in
from tests.offer_helpers import bearer
from tests.test_deal_flow import M, by_code, need, startup

EN = {"Accept-Language": "en"}
ZH = {"Accept-Language": "zh-CN"}
TODAY = clock.today()

LISTS = "'needs', 'investors', 'loan-products', 'capacities', 'startups'"
WRITE_ROUTES = [*(f"/matches/<any({LISTS}):list_name>/<int:item_id>/{action}" for action in ("save", "dismiss", "clear")),
                "/api/v1/marks/<list_name>/<int:item_id>"]


def org(session, email):
    return session.scalar(sa.select(User).where(User.email == email)).organization


def titles(html):
    return [unescape(t) for t in re.findall(r'data-testid="need-title">(.*?)</a>', html)]


def reasons_of(html):
    return [unescape(t) for t in re.findall(r'data-testid="match-reason">(.*?)</li>', html)]


def build_market(app):
    """Emails of the sides, and the ids of what they will be matched with."""
    emails = {role: create_account(app, role, f"{role}@example.org")
              for role in ("startup", "investor", "bank", "incubator")}
    emails["bio_investor"] = create_account(app, "investor", "bio@example.org", org="Helix Bio Fund")
    emails["biotech"] = create_account(app, "startup", "antibody@example.org", org="Zhangjiang Antibody")

    def build(s):
        chip_co = org(s, emails["startup"])
        chip_co.name_en, chip_co.park = "Xinlan Micro", by_code(s, Park, "zhangjiang_core")
        chip_co.stage = by_code(s, Stage, "series_a")
        s.execute(sa.insert(startup_sectors), {"startup_id": chip_co.id,
                                               "sector_id": by_code(s, Sector, "integrated_circuits").id,
                                               "position": 1})
        bio = org(s, emails["biotech"])
        bio.stage = by_code(s, Stage, "pre_a")
        s.execute(sa.insert(startup_sectors), {"startup_id": bio.id, "sector_id": by_code(s, Sector, "biomedicine").id,
                                               "position": 1})
        other_chip = startup(s, "上海微芯", "Weixin Chips", park="zhangjiang_core")
        chip_need = need(s, chip_co, "Lidar chip Series A", amount=(30 * M, 50 * M), stage="series_a")
        other_need = need(s, other_chip, "Another chip round", amount=(30 * M, 50 * M), stage="series_a", minutes=1)
        bio_need = need(s, bio, "Antibody pre-A", amount=(10 * M, 20 * M), stage="pre_a", sectors=("biomedicine",),
                        minutes=2)
        chip_investor = org(s, emails["investor"])
        bio_investor = org(s, emails["bio_investor"])
        # the chip investor backed the chip company's seed round
        seed = FundingRound(startup=chip_co, round_type="seed", stage=by_code(s, Stage, "seed"),
                            funded_on=TODAY - timedelta(days=400), raised_amount_usd=1_000_000, source="test",
                            external_id="seed")
        s.add(seed)
        s.flush()
        s.execute(sa.insert(investments), [{"round_id": seed.id, "investor_id": chip_investor.id}])
        s.commit()
        theses.upsert(s, chip_investor.id, ThesisInput(ticket_min=20 * M, ticket_max=60 * M,
                                                       sectors=["integrated_circuits"],
                                                       stages=["series_a", "series_b"]))
        theses.upsert(s, bio_investor.id, ThesisInput(ticket_min=5 * M, ticket_max=30 * M, sectors=["biomedicine"],
                                                      stages=["seed", "pre_a"]))
        bank = org(s, emails["bank"])
        pledge = LoanProduct(bank=bank, kind=LoanKind.IP_PLEDGE, name="Antibody patent loan", amount_min=1 * M,
                             amount_max=10 * M, rate_min_bps=300, rate_max_bps=450, term_months=24,
                             min_remaining_life_months=36)
        pledge.pledge_rates = [PledgeRate(ip_kind=IPKind.INVENTION, rate=0.4)]
        credit = LoanProduct(bank=bank, kind=LoanKind.CREDIT, name="Biotech credit line", amount_min=1 * M,
                             amount_max=3 * M, rate_min_bps=350, rate_max_bps=500, term_months=12)
        credit.sectors = [by_code(s, Sector, "biomedicine")]
        s.add_all([pledge, credit])
        s.add_all([
            IPAsset(startup=bio, kind=IPKind.INVENTION, number="CN202310000001.1", title="Antibody A",
                    status=IPStatus.GRANTED, filed_on=date(2023, 1, 1), granted_on=date(2024, 1, 1),
                    expires_on=date(2043, 1, 1), appraised_value=8 * M, appraised_on=TODAY),
            IPAsset(startup=bio, kind=IPKind.INVENTION, number="CN202310000002.X", title="Antibody B (filed)",
                    status=IPStatus.FILED, filed_on=date(2024, 1, 1), appraised_value=50 * M, appraised_on=TODAY),
        ])
        incubator = org(s, emails["incubator"])
        stages = {code: by_code(s, Stage, code) for code in ("seed", "series_a", "pre_a")}
        open_seats = IncubationCapacity(incubator=incubator, title="Chip seats", stage_min=stages["seed"],
                                        stage_max=stages["series_a"], seats_total=5, starts_on=TODAY,
                                        ends_on=TODAY + timedelta(days=365))
        open_seats.sectors = [by_code(s, Sector, "integrated_circuits")]
        full = IncubationCapacity(incubator=incubator, title="Full seats", stage_min=stages["seed"],
                                  stage_max=stages["series_a"], seats_total=2, seats_taken=2, starts_on=TODAY,
                                  ends_on=TODAY + timedelta(days=365))
        full.sectors = [by_code(s, Sector, "biomedicine")]
        s.add_all([open_seats, full])
        chip_co.seeking_incubation = True
        s.commit()
        return {"chip_need": chip_need.id, "other_need": other_need.id, "bio_need": bio_need.id,
                "chip_investor": chip_investor.id, "bio_investor": bio_investor.id, "pledge": pledge.id,
                "credit": credit.id, "seats": open_seats.id, "full": full.id, "chip_co": chip_co.id,
                "bio": bio.id, "incubator": incubator.id}

    with app.app_context():
        try:
            return emails, build(db.session)
        finally:
            db.session.remove()


@pytest.fixture
def market(app):
    return build_market(app)


def ranked_ids(s, org_id):
    page = recommendations.needs(s, org_id, NeedFilters(), today=TODAY, offset=0, limit=20)
    return [item.item.id for item in page.items], page


def test_each_investor_sees_its_own_thesis_first_and_the_follow_on_on_top(run_in, market):
    _, ids = market
    chip_first, page = run_in(lambda s: ranked_ids(s, ids["chip_investor"]))
    bio_first, _ = run_in(lambda s: ranked_ids(s, ids["bio_investor"]))
    assert chip_first[0] == ids["chip_need"]  # its earlier company's new round
    assert chip_first.index(ids["other_need"]) < chip_first.index(ids["bio_need"])
    assert bio_first[0] == ids["bio_need"]
    codes = [r.code for r in page.items[0].reasons]
    assert "earlier_investor" in codes and "thesis_fit" in codes


def test_the_rounds_a_thesis_asks_for_come_first_whatever_the_history(run_in, market):
    """The chip investor backed the chip company in three rounds; once its thesis turns to biotech
    seed and pre-A rounds, the biotech's round is its best match, and the chip rounds follow it
    (still listed)."""
    _, ids = market

    def back_again(s):
        for n, kind in enumerate(("angel", "pre_a")):
            earlier = FundingRound(startup_id=ids["chip_co"], round_type=kind, stage=by_code(s, Stage, kind),
                                   funded_on=TODAY - timedelta(days=300 - 100 * n), raised_amount_usd=2_000_000,
                                   source="test", external_id=kind)
            s.add(earlier)
            s.flush()
            s.execute(sa.insert(investments), [{"round_id": earlier.id, "investor_id": ids["chip_investor"]}])
        s.commit()
    run_in(back_again)
    run_in(lambda s: theses.upsert(s, ids["chip_investor"], ThesisInput(
        ticket_min=5 * M, ticket_max=30 * M, sectors=["biomedicine"], stages=["seed", "pre_a"])))
    ranked, page = run_in(lambda s: ranked_ids(s, ids["chip_investor"]))
    assert ranked[0] == ids["bio_need"] and sorted(ranked[1:]) == sorted([ids["chip_need"], ids["other_need"]])
    assert page.total == 3 and "thesis_fit" in [r.code for r in page.items[0].reasons]


def test_the_deal_flow_page_is_ranked_with_reasons_in_both_languages(client, market):
    emails, ids = market
    log_in(client, emails["investor"], PASSWORD)
    en = client.get("/investor/deal-flow", headers=EN).get_data(as_text=True)
    assert titles(en)[0] == "Lidar chip Series A"
    assert "Earlier investor in this company (1 round)" in reasons_of(en)
    assert any(r.startswith("Fits your thesis on sector, stage, amount range CNY 20M to CNY 60M")
               for r in reasons_of(en))
    zh = client.get("/investor/deal-flow", headers=ZH).get_data(as_text=True)
    assert "该企业的老股东（已投 1 轮）" in reasons_of(zh)
    # the filters narrow the ranking and keep its order
    bio_only = client.get("/investor/deal-flow?sectors=biomedicine", headers=EN).get_data(as_text=True)
    assert titles(bio_only) == ["Antibody pre-A"]
    newest = client.get("/investor/deal-flow?sort=newest", headers=EN).get_data(as_text=True)
    assert titles(newest)[0] == "Antibody pre-A" and not reasons_of(newest)


def test_a_new_angel_that_has_declared_nothing_is_shown_what_angels_fund_and_told_why(app, client, run_in, market):
    """The bio fund is an angel whose thesis is seed and pre-A tickets of CNY 5M to 30M; a new angel
    with no history and no thesis is ranked the pre-A round ahead of the two Series A rounds of CNY
    30M to 50M, and the reason says the stage and amount are those of its kind, not of a thesis. Once
    it states a thesis of its own, the reasons speak of that thesis."""
    emails, ids = market
    newcomer = create_account(app, "investor", "new-angel@example.org", org="New Angel")

    def make_angels(s):
        for email in (emails["bio_investor"], newcomer):
            org(s, email).investor_kind = InvestorKind.ANGEL
        s.commit()
        return org(s, newcomer).id

    angel = run_in(make_angels)
    log_in(client, newcomer, PASSWORD)
    en = client.get("/investor/deal-flow", headers=EN).get_data(as_text=True)
    assert titles(en)[0] == "Antibody pre-A"
    assert "The stage and amount typical of your kind (Angel investor)" in reasons_of(en)
    zh = client.get("/investor/deal-flow", headers=ZH).get_data(as_text=True)
    assert "您这类机构（天使投资人）常见的阶段与金额" in reasons_of(zh)
    run_in(lambda s: theses.upsert(s, angel, ThesisInput(ticket_min=20 * M, ticket_max=60 * M,
                                                         sectors=["integrated_circuits"], stages=["series_a"])))
    en = client.get("/investor/deal-flow", headers=EN).get_data(as_text=True)
    assert titles(en)[0] != "Antibody pre-A"
    assert not any(r.startswith("The stage and amount typical") for r in reasons_of(en))


def home_panel(client, home: str, headers=EN) -> str:
    """The html of a home's best-matches panel."""
    page = client.get(home, headers=headers).get_data(as_text=True)
    return page.split('data-testid="best-matches"', 1)[1].split("</section>", 1)[0]


def best_on_home(app, email: str, home: str, headers=EN) -> list[tuple[str, list[str]]]:
    """(title, reasons) of each of a home's best matches."""
    client = app.test_client()
    log_in(client, email, PASSWORD)
    panel = home_panel(client, home, headers)
    return [(unescape(re.search(r'<a class="fw-semibold"[^>]*>(.*?)</a>', item, re.S).group(1)), reasons_of(item))
            for item in panel.split('data-testid="best-match"')[1:]]


def test_each_home_starts_with_the_best_of_its_ranked_list(app, market):
    emails, _ = market
    investor = best_on_home(app, emails["investor"], "/investor/")
    # the deal flow's order
    assert [title for title, _ in investor][:2] == ["Lidar chip Series A", "Another chip round"]
    assert "Earlier investor in this company (1 round)" in investor[0][1]
    assert "该企业的老股东（已投 1 轮）" in best_on_home(app, emails["investor"], "/investor/", ZH)[0][1]
    assert best_on_home(app, emails["biotech"], "/startup/")[0][0] == "Helix Bio Fund"
    assert [title for title, _ in best_on_home(app, emails["incubator"], "/incubator/")] == ["Xinlan Micro"]
    assert best_on_home(app, emails["bank"], "/bank/") == []  # no loan need in this market: the panel says so
    client = app.test_client()
    log_in(client, emails["bank"], PASSWORD)
    assert "No open loan need yet." in client.get("/bank/", headers=EN).get_data(as_text=True)


def test_two_investors_never_get_each_others_list(app, run_in, market):
    _, ids = market

    def both(s):
        return ranked_ids(s, ids["chip_investor"])[0], ranked_ids(s, ids["bio_investor"])[0]

    chip, bio = run_in(both)
    assert chip != bio
    with app.app_context():
        store = cache.store()
        held = {key: matching.Ranking.from_bytes(store.get(key)).ids.tolist() for key in store.keys()}
    owners = {recs.org_key(ids["chip_investor"]): chip, recs.org_key(ids["bio_investor"]): bio}
    assert len(held) == 2
    for key, ranked in held.items():  # each list is stored under its viewer's own key, and is its own
        viewer = next(v for v in owners if f":{matching.NEEDS}:{v}:" in key)
        assert ranked == owners[viewer]
    assert run_in(both) == (chip, bio)  # served again from the cache, each its own


def test_a_thesis_change_invalidates_the_cached_list(run_in, market):
    _, ids = market
    before, _ = run_in(lambda s: ranked_ids(s, ids["bio_investor"]))
    assert before[0] == ids["bio_need"]
    run_in(lambda s: theses.upsert(s, ids["bio_investor"], ThesisInput(
        ticket_min=20 * M, ticket_max=60 * M, sectors=["integrated_circuits"], stages=["series_a"])))
    after, _ = run_in(lambda s: ranked_ids(s, ids["bio_investor"]))
    assert after.index(ids["other_need"]) < after.index(ids["bio_need"])


def test_redis_caches_each_viewers_list_under_its_own_key(database_url, tmp_path, redis_server):
    app = make_app(database_url, REDIS_URL=redis_url())
    app.instance_path = str(tmp_path / "instance")
    with rolled_back(app):
        _, ids = build_market(app)
        with app.app_context():
            assert isinstance(cache.store(), cache.RedisStore)
            chip, _ = ranked_ids(db.session, ids["chip_investor"])
            bio, _ = ranked_ids(db.session, ids["bio_investor"])
        lists = [k.decode() for k in redis_server.keys("zjm:recs:list:*")]
        viewers = {recs.org_key(ids["chip_investor"]), recs.org_key(ids["bio_investor"])}
        assert len(lists) == 2 and {v for v in viewers for key in lists if f":needs:{v}:" in key} == viewers
        assert chip != bio
        version = int(redis_server.get(cache.VERSION_KEY))
        with app.app_context():
            theses.upsert(db.session, ids["bio_investor"], ThesisInput(ticket_min=1 * M, ticket_max=2 * M,
                                                                       sectors=["biomedicine"]))
        assert int(redis_server.get(cache.VERSION_KEY)) == version + 1


def test_save_and_dismiss_are_recorded_and_a_dismissed_need_leaves_the_list(client, run_in, market):
    emails, ids = market
    log_in(client, emails["investor"], PASSWORD)
    token = csrf_token(client, "/investor/deal-flow")
    saved = client.post(f"/matches/needs/{ids['other_need']}/save",
                        data={"csrf_token": token, "next": "/investor/deal-flow"}, headers=EN)
    assert saved.status_code == 302 and saved.headers["Location"].endswith("/investor/deal-flow")
    client.post(f"/matches/needs/{ids['bio_need']}/dismiss", data={"csrf_token": token}, headers=EN)
    page = client.get("/investor/deal-flow", headers=EN).get_data(as_text=True)
    assert "Antibody pre-A" not in titles(page) and 'data-testid="unsave"' in page
    logged = run_in(lambda s: sorted((i.target_id, i.action) for i in s.scalars(sa.select(Interaction))))
    assert logged == sorted([(ids["other_need"], InteractionAction.SAVE), (ids["bio_need"], InteractionAction.DISMISS)])
    client.post(f"/matches/needs/{ids['bio_need']}/clear", data={"csrf_token": token}, headers=EN)
    assert "Antibody pre-A" in titles(client.get("/investor/deal-flow", headers=EN).get_data(as_text=True))
    # the recommender learns from the log: a saved need is an interaction of that investor
    data = run_in(lambda s: recs.dataset(s, TODAY))
    assert ("org:%d" % ids["chip_investor"], "saved") in set(zip(data.investor.tolist(), data.kind.tolist()))


def test_the_recommender_knows_a_mark_and_an_investor_from_the_day_they_were_made(session):
    """Training replays the history at earlier days: a need posted on 1 March and saved a month later
    is known on 15 March, its save only from 1 April; an angel that signed up on 1 May, with nothing
    done yet, is known from then on."""
    company = startup(session, "上海芯澜微电子", "Xinlan Micro", park="zhangjiang_core")
    posted = need(session, company, "Lidar chip Series A")
    fund = Investor(name="张江早期基金", investor_kind=InvestorKind.VC)
    angel = Investor(name="王天使", investor_kind=InvestorKind.ANGEL, created_at=datetime(2026, 5, 1, 9, tzinfo=UTC))
    session.add_all([fund, angel])
    session.flush()
    session.add(Interaction(organization_id=fund.id, target_kind=TargetKind.NEED, target_id=posted.id,
                            action=InteractionAction.SAVE, created_at=posted.created_at + timedelta(days=31)))
    session.flush()
    data = recs.dataset(session, TODAY)
    mid_march, april = posted.created_at.date() + timedelta(days=14), posted.created_at.date() + timedelta(days=32)
    assert recs.need_key(posted.id) in data.before(mid_march).rounds.key.tolist()
    assert recs.org_key(fund.id) not in data.before(mid_march).investor.tolist()
    assert (recs.org_key(fund.id), "saved") in set(zip(data.before(april).investor.tolist(),
                                                       data.before(april).kind.tolist()))
    assert recs.org_key(angel.id) not in data.before(date(2026, 5, 1)).investors.id.tolist()
    assert recs.org_key(angel.id) in data.before(date(2026, 5, 2)).investors.id.tolist()


def test_the_replay_reads_the_thesis_an_investor_had_on_the_day(session):
    """A fund looked for chips for a hundred days, then rewrote its thesis for biomedicine today: the
    replay of any earlier day describes it by the chips, from today on by biomedicine."""
    fund = Investor(name="张江早期基金", investor_kind=InvestorKind.VC, created_at=datetime(2025, 1, 1, tzinfo=UTC))
    session.add(fund)
    session.flush()
    first = theses.upsert(session, fund.id, ThesisInput(ticket_min=M, ticket_max=10 * M, summary="芯片设计",
                                                         sectors=["integrated_circuits"], stages=["seed", "series_a"]))
    first.row.updated_at = datetime.combine(TODAY - timedelta(days=100), datetime.min.time(), UTC)
    session.commit()
    theses.upsert(session, fund.id, ThesisInput(ticket_min=20 * M, ticket_max=50 * M, summary="创新药",
                                                sectors=["biomedicine"], stages=["series_b"]))
    data = recs.dataset(session, TODAY)

    def declared(day):
        table = data.before(day).investors
        i = table.id.tolist().index(recs.org_key(fund.id))
        return table.sectors[i], table.ticket_max[i], table.text[i], table.stage_max[i]

    chips = (("integrated_circuits",), 10 * M, "芯片设计", by_code(session, Stage, "series_a").ordinal)
    assert declared(TODAY) == declared(TODAY - timedelta(days=50)) == declared(date(2025, 6, 1)) == chips
    assert declared(TODAY + timedelta(days=1)) == (("biomedicine",), 50 * M, "创新药",
                                                   by_code(session, Stage, "series_b").ordinal)


def test_the_replay_describes_a_bank_by_the_products_it_had_on_the_day(session):
    """A bank lent to chip companies for a hundred days, and launched a biotech line today: a replayed
    day before today sees a chip lender, today's model both."""
    long_ago = datetime.combine(TODAY - timedelta(days=100), datetime.min.time(), UTC)
    bank = Bank(name="浦江银行", created_at=long_ago - timedelta(days=100))
    chips = LoanProduct(bank=bank, kind=LoanKind.CREDIT, name="Chip credit line", amount_min=1 * M, amount_max=5 * M,
                        rate_min_bps=350, rate_max_bps=500, term_months=12, created_at=long_ago)
    chips.sectors = [by_code(session, Sector, "integrated_circuits")]
    bio = LoanProduct(bank=bank, kind=LoanKind.CREDIT, name="Biotech credit line", amount_min=2 * M,
                      amount_max=30 * M, rate_min_bps=350, rate_max_bps=500, term_months=12)
    bio.sectors = [by_code(session, Sector, "biomedicine")]
    session.add_all([bank, chips, bio])
    session.flush()
    data = recs.dataset(session, TODAY)

    def declared(day):
        table = data.before(day).investors
        i = table.id.tolist().index(recs.org_key(bank.id))
        return table.sectors[i], table.ticket_max[i], "Biotech" in table.text[i]

    assert declared(TODAY) == declared(TODAY - timedelta(days=99)) == (("integrated_circuits",), 5 * M, False)
    assert declared(TODAY + timedelta(days=1)) == (("biomedicine", "integrated_circuits"), 30 * M, True)
    assert recs.product_key(bio.id) not in data.before(TODAY).investors.id.tolist()


def test_the_replay_describes_a_bank_by_its_products_as_they_read_on_the_day(session):
    """For a hundred days a bank lent to chip companies up to 5M and to AI companies; today it turned
    the chip line to biotech up to 30M and withdrew the AI line. A replayed day before today sees the
    chip and AI lines, today's model the biotech line alone."""
    long_ago = datetime.combine(TODAY - timedelta(days=100), datetime.min.time(), UTC)
    bank = Bank(name="浦江银行", created_at=long_ago - timedelta(days=100))
    lines = [LoanProduct(bank=bank, kind=LoanKind.CREDIT, name=name, amount_min=1 * M, amount_max=5 * M,
                         rate_min_bps=350, rate_max_bps=500, term_months=12, created_at=long_ago)
             for name in ("Chip credit line", "AI credit line")]
    lines[0].sectors = [by_code(session, Sector, "integrated_circuits")]
    lines[1].sectors = [by_code(session, Sector, "artificial_intelligence")]
    session.add_all([bank, *lines])
    session.commit()
    loan_products.update(session, bank.id, lines[0].id, {"name": "Biotech credit line", "amount_max": 30 * M,
                                                         "sectors": ["biomedicine"]})
    loan_products.set_active(session, bank.id, lines[1].id, False)
    data = recs.dataset(session, TODAY)

    def declared(key, day):
        table = data.before(day).investors
        i = table.id.tolist().index(key)
        return table.sectors[i], table.ticket_max[i], "Biotech" in table.text[i]

    before = (("artificial_intelligence", "integrated_circuits"), 5 * M, False)
    assert declared(recs.org_key(bank.id), TODAY) == declared(recs.org_key(bank.id), TODAY - timedelta(days=99)) \
        == before
    assert declared(recs.org_key(bank.id), TODAY + timedelta(days=1)) == (("biomedicine",), 30 * M, True)
    chip_line = recs.product_key(lines[0].id)
    assert declared(chip_line, TODAY) == (("integrated_circuits",), 5 * M, False)
    assert declared(chip_line, TODAY + timedelta(days=1)) == (("biomedicine",), 30 * M, True)
    assert recs.product_key(lines[1].id) not in data.investors.id.tolist()


def test_the_replay_describes_an_incubator_by_its_capacities_as_they_read_on_the_day(session):
    """An incubator offered seats to chip startups for a hundred days and opened them to biomedicine
    today: a replayed day before today sees chips only."""
    long_ago = datetime.combine(TODAY - timedelta(days=100), datetime.min.time(), UTC)
    hub = Incubator(name="张江孵化器", created_at=long_ago)
    seats = IncubationCapacity(incubator=hub, title="芯片接力孵化", stage_min=by_code(session, Stage, "seed"),
                               stage_max=by_code(session, Stage, "series_a"), seats_total=5,
                               starts_on=TODAY - timedelta(days=100), ends_on=TODAY + timedelta(days=200),
                               created_at=long_ago)
    seats.sectors = [by_code(session, Sector, "integrated_circuits")]
    session.add_all([hub, seats])
    session.commit()
    capacities.update(session, hub.id, seats.id, {"sectors": ["integrated_circuits", "biomedicine"]})
    data = recs.dataset(session, TODAY)

    def sectors(key, day):
        table = data.before(day).investors
        return table.sectors[table.id.tolist().index(key)]

    for key in (recs.org_key(hub.id), recs.capacity_key(seats.id)):
        assert sectors(key, TODAY) == sectors(key, TODAY - timedelta(days=99)) == ("integrated_circuits",)
        assert set(sectors(key, TODAY + timedelta(days=1))) == {"biomedicine", "integrated_circuits"}


def test_marked_needs_are_found_again_and_a_dismissed_one_is_brought_back(client, run_in, market):
    emails, ids = market
    log_in(client, emails["investor"], PASSWORD)
    token = csrf_token(client, "/investor/deal-flow")
    assert titles(client.get("/matches/needs/marked", headers=EN).get_data(as_text=True)) == []
    for need_id, action in ((ids["other_need"], "save"), (ids["chip_need"], "save"), (ids["bio_need"], "dismiss")):
        client.post(f"/matches/needs/{need_id}/{action}", data={"csrf_token": token}, headers=EN)
    saved = client.get("/matches/needs/marked", headers=EN).get_data(as_text=True)
    assert titles(saved) == ["Lidar chip Series A", "Another chip round"]  # the latest saved first
    assert saved.count('data-testid="unsave"') == 2
    dismissed = client.get("/matches/needs/marked?mark=dismiss", headers=EN).get_data(as_text=True)
    assert titles(dismissed) == ["Antibody pre-A"] and 'data-testid="undismiss"' in dismissed
    # another investor sees none of these marks
    client.post("/logout", data={"csrf_token": token})
    log_in(client, emails["bio_investor"], PASSWORD)
    assert titles(client.get("/matches/needs/marked?mark=dismiss", headers=EN).get_data(as_text=True)) == []
    assert "Antibody pre-A" in titles(client.get("/investor/deal-flow", headers=EN).get_data(as_text=True))
    client.post("/logout", data={"csrf_token": csrf_token(client, "/investor/deal-flow")})
    # brought back: out of the marked list, into the ranked deal flow again
    log_in(client, emails["investor"], PASSWORD)
    token = csrf_token(client, "/investor/deal-flow")
    assert "Antibody pre-A" not in titles(client.get("/investor/deal-flow", headers=EN).get_data(as_text=True))
    back = client.post(f"/matches/needs/{ids['bio_need']}/clear",
                       data={"csrf_token": token, "next": "/matches/needs/marked?mark=dismiss"}, headers=EN,
                       follow_redirects=True).get_data(as_text=True)
    assert "The mark is taken back." in back and titles(back) == []
    assert "Antibody pre-A" in titles(client.get("/investor/deal-flow", headers=EN).get_data(as_text=True))
    zh = client.get("/matches/needs/marked", headers=ZH).get_data(as_text=True)
    assert "已标记的需求" in zh and "不感兴趣" in zh
    assert client.get("/matches/needs/marked?mark=view").status_code == 404


def test_a_saved_need_stays_saved_when_its_round_closes_and_a_dismissed_one_leaves(client, run_in, market):
    """What became of a round one saved is news: it stays under Saved, marked closed, and can only
    be unsaved; a dismissed need that closes is in no ranked list, so there is nothing to bring back."""
    emails, ids = market
    log_in(client, emails["investor"], PASSWORD)
    token = csrf_token(client, "/investor/deal-flow")
    for need_id, action in ((ids["other_need"], "save"), (ids["chip_need"], "save"), (ids["bio_need"], "dismiss")):
        client.post(f"/matches/needs/{need_id}/{action}", data={"csrf_token": token}, headers=EN)

    def close(s, need_id, status=NeedStatus.CLOSED):
        need = s.get(FundingNeed, need_id)
        need_service.update(s, need.startup_id, need_id, {"status": status})

    run_in(lambda s: close(s, ids["other_need"]))
    run_in(lambda s: close(s, ids["bio_need"]))
    saved = client.get("/matches/needs/marked", headers=EN).get_data(as_text=True)
    assert titles(saved) == ["Lidar chip Series A", "Another chip round"]
    cards = saved.split('data-testid="need-card"')[1:]
    assert 'data-testid="need-status">Closed<' in cards[1] and 'data-testid="need-status"' not in cards[0]
    assert 'data-testid="unsave"' in cards[1] and 'data-testid="dismiss"' not in cards[1]
    assert 'data-testid="dismiss"' in cards[0]
    assert titles(client.get("/matches/needs/marked?mark=dismiss", headers=EN).get_data(as_text=True)) == []
    assert 'data-testid="need-status">已关闭<' in client.get("/matches/needs/marked", headers=ZH).get_data(as_text=True)
    client.post(f"/matches/needs/{ids['other_need']}/clear", data={"csrf_token": token}, headers=EN)
    assert titles(client.get("/matches/needs/marked", headers=EN).get_data(as_text=True)) == ["Lidar chip Series A"]
    run_in(lambda s: close(s, ids["chip_need"], NeedStatus.FUNDED))
    saved = client.get("/matches/needs/marked", headers=EN).get_data(as_text=True)
    assert titles(saved) == ["Lidar chip Series A"] and 'data-testid="need-status">Funded<' in saved
    assert 'data-testid="need-status">已完成融资<' in client.get("/matches/needs/marked", headers=ZH).get_data(as_text=True)


def test_a_bank_has_its_own_marked_needs_and_a_startup_has_none(client, market):
    emails, ids = market
    log_in(client, emails["bank"], PASSWORD)
    token = csrf_token(client, "/bank/needs")
    client.post(f"/matches/needs/{ids['bio_need']}/save", data={"csrf_token": token}, headers=EN)
    page = client.get("/matches/needs/marked", headers=EN).get_data(as_text=True)
    assert titles(page) == ["Antibody pre-A"] and 'href="/bank/needs"' in page
    client.post("/logout", data={"csrf_token": token})
    log_in(client, emails["startup"], PASSWORD)
    assert client.get("/matches/needs/marked").status_code == 403


def test_marks_on_a_missing_need_write_nothing_and_other_sides_are_refused(client, run_in, market, row_counts):
    emails, ids = market
    log_in(client, emails["investor"], PASSWORD)
    token = csrf_token(client, "/investor/deal-flow")
    before = row_counts()
    missing = client.post("/matches/needs/999999/save", data={"csrf_token": token}, headers=EN, follow_redirects=True)
    assert "There is no open funding need with that number." in missing.get_data(as_text=True)
    assert row_counts() == before
    client.post("/logout", data={"csrf_token": token})
    log_in(client, emails["startup"], PASSWORD)
    token = csrf_token(client, "/startup/")
    for action in ("save", "dismiss", "clear"):
        assert client.post(f"/matches/needs/{ids['bio_need']}/{action}", data={"csrf_token": token}).status_code == 403
    assert row_counts() == before


def match_titles(html):
    return [unescape(t) for t in re.findall(r'data-testid="match-title">(.*?)<', html)]


def marked_titles(html):
    return [unescape(t) for t in re.findall(r'data-testid="marked-title">(.*?)<', html)]


def marks_by(run_in, org_id):
    return run_in(lambda s: sorted((i.target_kind, i.target_id, i.action) for i in s.scalars(
        sa.select(Interaction).where(Interaction.organization_id == org_id))))


def test_a_startup_sets_aside_an_investor_and_a_loan_and_brings_them_back(app, client, run_in, market):
    """Every tab of a startup's matches takes save and dismiss; a dismissed match leaves that startup's
    list (page, home and API) and no one else's, and comes back from "Marked"."""
    emails, ids = market
    log_in(client, emails["biotech"], PASSWORD)
    token = csrf_token(client, "/matches/")
    assert match_titles(client.get("/matches/", headers=EN).get_data(as_text=True))[0] == "Helix Bio Fund"
    best = client.get("/startup/", headers=EN).get_data(as_text=True).split('data-testid="best-matches"')[1]
    assert "Helix Bio Fund" in best.split("</section>")[0]
    gone = client.post(f"/matches/investors/{ids['bio_investor']}/dismiss",
                       data={"csrf_token": token, "next": "/matches/"}, headers=EN, follow_redirects=True)
    page = gone.get_data(as_text=True)
    assert "Set aside: it will not be shown in this ranked list again." in page
    assert "Helix Bio Fund" not in match_titles(page) and len(match_titles(page)) == 1
    client.post(f"/matches/investors/{ids['chip_investor']}/save", data={"csrf_token": token}, headers=EN)
    assert 'data-testid="unsave"' in client.get("/matches/", headers=EN).get_data(as_text=True)
    client.post(f"/matches/loan-products/{ids['credit']}/dismiss", data={"csrf_token": token}, headers=EN)
    loans = client.get("/matches/?tab=loan-products", headers=EN).get_data(as_text=True)
    assert match_titles(loans) == ["Antibody patent loan"]
    assert marks_by(run_in, ids["bio"]) == sorted([
        (TargetKind.ORGANIZATION, ids["bio_investor"], InteractionAction.DISMISS),
        (TargetKind.ORGANIZATION, ids["chip_investor"], InteractionAction.SAVE),
        (TargetKind.LOAN_PRODUCT, ids["credit"], InteractionAction.DISMISS)])
    # the API and the home page rank the same list
    api = client.get("/api/v1/recommendations/investors", headers=bearer(app, emails["biotech"])).get_json()
    assert [i["investor"]["id"] for i in api["items"]] == [ids["chip_investor"]]
    home = client.get("/startup/", headers=EN).get_data(as_text=True)
    assert "Helix Bio Fund" not in home.split('data-testid="best-matches"')[1].split("</section>")[0]
    # found again under Marked, in both languages
    saved = client.get("/matches/investors/marked", headers=EN).get_data(as_text=True)
    assert len(marked_titles(saved)) == 1 and f'href="/organizations/{ids["chip_investor"]}"' in saved
    assert 'data-testid="unsave"' in saved
    dismissed = client.get("/matches/investors/marked?mark=dismiss", headers=EN).get_data(as_text=True)
    assert marked_titles(dismissed) == ["Helix Bio Fund"] and 'data-testid="undismiss"' in dismissed
    assert "已标记的投资机构" in client.get("/matches/investors/marked", headers=ZH).get_data(as_text=True)
    assert marked_titles(client.get("/matches/loan-products/marked?mark=dismiss", headers=EN)
                         .get_data(as_text=True)) == ["Biotech credit line"]
    # another startup's list keeps the investor this one set aside
    client.post("/logout", data={"csrf_token": token})
    log_in(client, emails["startup"], PASSWORD)
    assert "Helix Bio Fund" in match_titles(client.get("/matches/", headers=EN).get_data(as_text=True))
    assert marked_titles(client.get("/matches/investors/marked?mark=dismiss", headers=EN).get_data(as_text=True)) == []
    client.post("/logout", data={"csrf_token": csrf_token(client, "/matches/")})
    # brought back
    log_in(client, emails["biotech"], PASSWORD)
    token = csrf_token(client, "/matches/")
    back = client.post(f"/matches/investors/{ids['bio_investor']}/clear",
                       data={"csrf_token": token, "next": "/matches/investors/marked?mark=dismiss"}, headers=EN,
                       follow_redirects=True).get_data(as_text=True)
    assert "The mark is taken back." in back and marked_titles(back) == []
    assert match_titles(client.get("/matches/", headers=EN).get_data(as_text=True))[0] == "Helix Bio Fund"


def test_an_incubator_sets_aside_a_startup_and_brings_it_back(client, run_in, market):
    emails, ids = market
    log_in(client, emails["incubator"], PASSWORD)
    token = csrf_token(client, "/incubator/startups")
    page = client.get("/incubator/startups", headers=EN).get_data(as_text=True)
    assert f'data-testid="startup-{ids["chip_co"]}"' in page and 'data-testid="dismiss"' in page
    client.post(f"/matches/startups/{ids['chip_co']}/dismiss", data={"csrf_token": token}, headers=EN)
    page = client.get("/incubator/startups", headers=EN).get_data(as_text=True)
    assert f'data-testid="startup-{ids["chip_co"]}"' not in page
    assert marks_by(run_in, ids["incubator"]) == [(TargetKind.ORGANIZATION, ids["chip_co"], InteractionAction.DISMISS)]
    dismissed = client.get("/matches/startups/marked?mark=dismiss", headers=EN).get_data(as_text=True)
    assert marked_titles(dismissed) == ["Xinlan Micro"] and 'href="/incubator/startups"' in dismissed
    client.post(f"/matches/startups/{ids['chip_co']}/clear", data={"csrf_token": token}, headers=EN)
    assert f'data-testid="startup-{ids["chip_co"]}"' in client.get("/incubator/startups", headers=EN).get_data(
        as_text=True)


def test_marks_on_what_is_not_in_a_list_write_nothing_and_other_sides_are_refused(client, run_in, market, row_counts):
    emails, ids = market

    def end_offers(s):  # a withdrawn product, a closed offer, and an investor only known from imported history
        s.get(LoanProduct, ids["credit"]).is_active = False
        s.get(IncubationCapacity, ids["seats"]).is_open = False
        s.add(Investor(name="Imported Fund", investor_kind=InvestorKind.VC, source="test", external_id="imported"))
        s.commit()
        return s.scalar(sa.select(Investor.id).where(Investor.source == "test"))
    imported = run_in(end_offers)
    before = row_counts()
    log_in(client, emails["biotech"], PASSWORD)
    token = csrf_token(client, "/matches/")
    for path, message in ((f"/matches/loan-products/{ids['credit']}/save", "There is no active loan product"),
                          (f"/matches/capacities/{ids['seats']}/dismiss", "There is no open incubation offer"),
                          (f"/matches/investors/{imported}/save", "There is no investor with that number"),
                          ("/matches/investors/999999/dismiss", "There is no investor with that number")):
        answer = client.post(path, data={"csrf_token": token}, headers=EN, follow_redirects=True)
        assert message in answer.get_data(as_text=True), path
    zh = client.post(f"/matches/capacities/{ids['seats']}/save", data={"csrf_token": token}, headers=ZH,
                     follow_redirects=True).get_data(as_text=True)
    assert "没有该编号的开放孵化席位" in zh
    assert row_counts() == before
    # another side's list is not a startup's to mark or to read, and the other way round
    assert client.post(f"/matches/startups/{ids['chip_co']}/save", data={"csrf_token": token}).status_code == 403
    assert client.get("/matches/startups/marked").status_code == 403
    client.post("/logout", data={"csrf_token": token})
    for email, path in ((emails["investor"], f"/matches/investors/{ids['bio_investor']}/dismiss"),
                        (emails["bank"], f"/matches/loan-products/{ids['pledge']}/save"),
                        (emails["incubator"], f"/matches/capacities/{ids['full']}/dismiss"),
                        (emails["incubator"], f"/matches/needs/{ids['bio_need']}/save")):
        log_in(client, email, PASSWORD)
        token = csrf_token(client, "/account/")
        assert client.post(path, data={"csrf_token": token}).status_code == 403, (email, path)
        assert client.get("/matches/investors/marked").status_code == 403
        client.post("/logout", data={"csrf_token": token})
    assert row_counts() == before


def test_marked_pages_page_on(client, market, monkeypatch):
    """Months of saves do not make one endless page: each marked page pages on, keeping its list and tab."""
    from marketplace.matches import routes

    monkeypatch.setattr(routes, "PAGE_SIZE", 1)
    emails, ids = market
    log_in(client, emails["biotech"], PASSWORD)
    token = csrf_token(client, "/matches/")
    for investor in ("chip_investor", "bio_investor"):
        client.post(f"/matches/investors/{ids[investor]}/dismiss", data={"csrf_token": token}, headers=EN)
    first = client.get("/matches/investors/marked?mark=dismiss", headers=EN).get_data(as_text=True)
    assert marked_titles(first) == ["Helix Bio Fund"] and 'data-testid="first-page"' not in first  # the latest first
    following = unescape(re.search(r'href="([^"]+)" rel="next"', first).group(1))
    assert following.startswith("/matches/investors/marked?") and "mark=dismiss" in following and "page=2" in following
    second = client.get(following, headers=EN).get_data(as_text=True)
    assert len(marked_titles(second)) == 1 and marked_titles(second) != marked_titles(first)
    assert 'data-testid="first-page"' in second and 'rel="next"' not in second
    client.post("/logout", data={"csrf_token": token})
    log_in(client, emails["investor"], PASSWORD)
    token = csrf_token(client, "/investor/deal-flow")
    for need_id in (ids["chip_need"], ids["other_need"]):
        client.post(f"/matches/needs/{need_id}/save", data={"csrf_token": token}, headers=EN)
    first = client.get("/matches/needs/marked", headers=EN).get_data(as_text=True)
    assert titles(first) == ["Another chip round"]
    second = client.get(unescape(re.search(r'href="([^"]+)" rel="next"', first).group(1)), headers=EN)
    assert titles(second.get_data(as_text=True)) == ["Lidar chip Series A"]


def test_marks_through_the_api_shape_the_same_lists(app, client, run_in, market, row_counts):
    """An API client marks as the buttons do: the same log, the same lists, the same refusals."""
    emails, ids = market
    startup_api = bearer(app, emails["biotech"])
    put = client.put(f"/api/v1/marks/investors/{ids['bio_investor']}", json={"mark": "dismiss"}, headers=startup_api)
    assert put.status_code == 200 and put.get_json()["id"] == ids["bio_investor"]
    assert put.get_json()["mark"] == "dismiss"
    ranked = client.get("/api/v1/recommendations/investors", headers=startup_api).get_json()
    assert [i["investor"]["id"] for i in ranked["items"]] == [ids["chip_investor"]]
    listed = client.get("/api/v1/marks/investors?mark=dismiss", headers=startup_api).get_json()
    assert [m["id"] for m in listed["items"]] == [ids["bio_investor"]] and listed["next"] is None
    assert client.get("/api/v1/marks/investors", headers=startup_api).get_json()["items"] == []
    log_in(client, emails["biotech"], PASSWORD)  # the page reads the same log
    assert marked_titles(client.get("/matches/investors/marked?mark=dismiss", headers=EN).get_data(as_text=True)) == [
        "Helix Bio Fund"]
    assert client.delete(f"/api/v1/marks/investors/{ids['bio_investor']}", headers=startup_api).status_code == 204
    ranked = client.get("/api/v1/recommendations/investors", headers=startup_api).get_json()
    assert ids["bio_investor"] in [i["investor"]["id"] for i in ranked["items"]]
    # refused: a bad body, no such list, another side's list, nothing to mark; each writes nothing
    startup_zh, investor_api = bearer(app, emails["biotech"], ZH), bearer(app, emails["investor"])
    before = row_counts()
    bad = client.put(f"/api/v1/marks/investors/{ids['bio_investor']}", json={"mark": "love"}, headers=startup_zh)
    assert bad.status_code == 422 and bad.get_json()["errors"]["mark"] == ["须为以下之一：save, dismiss。"]
    assert client.put(f"/api/v1/marks/nothing/{ids['bio_investor']}", json={"mark": "save"},
                      headers=startup_api).status_code == 404
    assert client.put(f"/api/v1/marks/needs/{ids['bio_need']}", json={"mark": "save"},
                      headers=startup_api).status_code == 403
    assert client.get("/api/v1/marks/startups", headers=startup_api).status_code == 403
    missing = client.put("/api/v1/marks/capacities/999999", json={"mark": "save"}, headers=startup_api)
    assert missing.status_code == 404 and missing.get_json()["errors"]["_"] == [
        "There is no open incubation offer with that number."]
    assert client.put(f"/api/v1/marks/investors/{ids['bio_investor']}", json={"mark": "save"},
                      headers=investor_api).status_code == 403
    assert client.delete(f"/api/v1/marks/startups/{ids['chip_co']}", headers=investor_api).status_code == 403
    assert row_counts() == before


def test_a_startup_sees_investors_eligible_loans_with_amounts_and_seats_left(client, market, run_in):
    emails, ids = market

    def describe(s):  # what the bank says of its product, as the startup reads it
        s.get(LoanProduct, ids["pledge"]).description = "Approval in 5 working days"
        s.commit()
    run_in(describe)
    log_in(client, emails["biotech"], PASSWORD)
    loans = client.get("/matches/?tab=loan-products", headers=EN).get_data(as_text=True)
    titles_ = re.findall(r'data-testid="match-title">(.*?)<', loans)
    assert sorted(titles_) == ["Antibody patent loan", "Biotech credit line"]
    assert re.findall(r'data-testid="offer-terms">(.*?)<', loans) == ["Approval in 5 working days"]
    # 40% of the granted patent's 8M; the filed one counts for nothing
    assert "Up to CNY 3.2M" in loans and "Up to CNY 3M" in loans
    investors = client.get("/matches/", headers=EN).get_data(as_text=True)
    assert re.findall(r'data-testid="match-title">(.*?)<', investors)[0] == "Helix Bio Fund"
    client.post("/logout", data={"csrf_token": csrf_token(client, "/startup/")})
    log_in(client, emails["startup"], PASSWORD)
    seats = client.get("/matches/?tab=capacities", headers=EN).get_data(as_text=True)
    assert re.findall(r'data-testid="match-title">(.*?)<', seats) == ["Chip seats"]  # the full offer is left out
    assert "5 seats left" in seats
    chip_loans = client.get("/matches/?tab=loan-products", headers=EN).get_data(as_text=True)
    assert "Biotech credit line" not in chip_loans and "Antibody patent loan" not in chip_loans  # no IP, not biotech
    assert client.get("/matches/?tab=nonsense").status_code == 404


def test_a_startup_pages_through_all_its_ranked_investors(app, client, market, monkeypatch):
    """Past the first page, in the API and on the matches page: each investor once, ranks going on."""
    from marketplace.matches import routes

    emails, _ = market
    headers = bearer(app, emails["biotech"])
    whole = client.get("/api/v1/recommendations/investors?limit=100", headers=headers).get_json()
    assert whole["next"] is None and len(whole["items"]) == 2
    first = client.get("/api/v1/recommendations/investors?limit=1", headers=headers).get_json()
    second = client.get(first["next"], headers=headers).get_json()
    assert second["next"] is None
    paged = first["items"] + second["items"]
    assert [i["investor"]["id"] for i in paged] == [i["investor"]["id"] for i in whole["items"]]
    assert [i["rank"] for i in paged] == [1, 2]
    assert [i["strength"] for i in paged] == [i["strength"] for i in whole["items"]]  # one scale across pages
    assert client.get("/api/v1/recommendations/investors?after=bad", headers=headers).status_code == 400

    monkeypatch.setattr(routes, "PAGE_SIZE", 1)
    log_in(client, emails["biotech"], PASSWORD)
    names = [i["investor"]["name_en"] or i["investor"]["name"] for i in whole["items"]]
    page = client.get("/matches/", headers=EN).get_data(as_text=True)
    assert re.findall(r'data-testid="match-title">(.*?)<', page) == names[:1]
    assert 'data-testid="first-page"' not in page
    page = client.get(unescape(re.search(r'href="([^"]+)" rel="next"', page).group(1)), headers=EN).get_data(
        as_text=True)
    assert re.findall(r'data-testid="match-title">(.*?)<', page) == names[1:]
    assert re.findall(r'data-testid="match-rank">(\d+)<', page) == ["2"]
    assert 'data-testid="first-page"' in page and 'rel="next"' not in page
    # the other tabs page the same way, and keep their tab
    loans = client.get("/matches/?tab=loan-products", headers=EN).get_data(as_text=True)
    following = unescape(re.search(r'href="([^"]+)" rel="next"', loans).group(1))
    assert "tab=loan-products" in following and "page=2" in following
    assert len(re.findall(r'data-testid="borrowable"', client.get(following, headers=EN).get_data(as_text=True))) == 1


def test_an_incubator_sees_startups_looking_for_incubation_ranked(client, market):
    emails, _ = market
    log_in(client, emails["incubator"], PASSWORD)
    page = client.get("/incubator/startups", headers=EN).get_data(as_text=True)
    # the reason names which of the incubator's offers the startup fits
    assert 'data-testid="match-rank">1<' in page and "Fits your offer “Chip seats” on sector, stage" in reasons_of(page)


def test_a_startup_in_several_sectors_fits_an_offer_on_sector_when_the_offer_covers_any_of_them(
        client, market, run_in):
    """The chip company lists biomedicine first and chips second: the incubator's chip seats fit it
    on sector all the same, on the incubator's list and on the startup's (the features read its first
    sector; the seats are matched on any, as the marketplace's filters do), and on its new biomedicine
    seats too, though its open need is a chip round: a seat is for the company. The incubator's full
    biomedicine seats are not the offer the reason names."""
    emails, ids = market

    def biomedicine_first(s):
        s.execute(sa.update(startup_sectors).where(startup_sectors.c.startup_id == ids["chip_co"])
                  .values(position=2))
        s.execute(sa.insert(startup_sectors), {"startup_id": ids["chip_co"],
                                               "sector_id": by_code(s, Sector, "biomedicine").id, "position": 1})
        bio_seats = IncubationCapacity(incubator=org(s, emails["incubator"]), title="Bio seats",
                                       stage_min=by_code(s, Stage, "seed"), stage_max=by_code(s, Stage, "series_a"),
                                       seats_total=3, starts_on=TODAY, ends_on=TODAY + timedelta(days=365))
        bio_seats.sectors = [by_code(s, Sector, "biomedicine")]
        s.add(bio_seats)
        s.commit()
        assert [r.sectors for r in recs.startup_rounds(s, [ids["chip_co"]], TODAY)] == [
            ("biomedicine", "integrated_circuits")]

    run_in(biomedicine_first)
    log_in(client, emails["incubator"], PASSWORD)
    page = client.get("/incubator/startups", headers=EN).get_data(as_text=True)
    assert "Fits your offer “Chip seats” on sector, stage" in reasons_of(page)
    assert not any("Full seats" in r for r in reasons_of(page))  # no seat left to offer it
    client.post("/logout", data={"csrf_token": csrf_token(client, "/incubator/")})
    log_in(client, emails["startup"], PASSWORD)
    seats = client.get("/matches/?tab=capacities", headers=EN).get_data(as_text=True)
    # its seats are matched on the company (chips and biomedicine), not on its open chip round
    shown = dict(zip(re.findall(r'data-testid="match-title">(.*?)<', seats), re.findall(
        r'data-testid="match-reasons".*?</ul>', seats, re.DOTALL)))
    assert set(shown) == {"Chip seats", "Bio seats"}
    assert all("Fits the offer on sector, stage" in html for html in shown.values())


def test_the_recommendation_api_ranks_for_the_caller_with_reasons(app, client, market):
    emails, ids = market
    needs = client.get("/api/v1/recommendations/needs?limit=2", headers=bearer(app, emails["investor"])).get_json()
    assert (needs["items"][0]["need"]["id"] == ids["chip_need"]
            and needs["items"][0]["score"] > needs["items"][1]["score"])
    assert {"code": "earlier_investor",
            "text": "Earlier investor in this company (1 round)"} in needs["items"][0]["reasons"]
    assert [i["rank"] for i in needs["items"]] == [1, 2]
    following = client.get(needs["next"], headers=bearer(app, emails["investor"])).get_json()
    assert [i["need"]["id"] for i in following["items"]] == [ids["bio_need"]] and following["next"] is None
    assert [i["rank"] for i in following["items"]] == [3]  # the place in the whole list, across pages
    strengths = [i["strength"] for i in needs["items"] + following["items"]]  # the pages' bars, one scale
    assert strengths[0] == 1.0 and strengths == sorted(strengths, reverse=True) and 0.1 <= strengths[-1] < 1.0
    zh = client.get("/api/v1/recommendations/needs?limit=1", headers=bearer(app, emails["investor"], ZH)).get_json()
    assert zh["items"][0]["reasons"][0]["text"] == "该企业的老股东（已投 1 轮）"
    bio = bearer(app, emails["biotech"])
    loans = client.get("/api/v1/recommendations/loan-products", headers=bio).get_json()["items"]
    assert {i["product"]["name"]: i["borrowable"] for i in loans} == {"Antibody patent loan": 3_200_000,
                                                                      "Biotech credit line": 3_000_000}
    assert client.get("/api/v1/recommendations/investors", headers=bio).get_json()["items"][0]["investor"]["id"] == \
        ids["bio_investor"]
    chip = bearer(app, emails["startup"])
    assert [i["capacity"]["id"]
            for i in client.get("/api/v1/recommendations/capacities", headers=chip).get_json()["items"]] \
        == [ids["seats"]]
    startups = client.get("/api/v1/recommendations/startups", headers=bearer(app, emails["incubator"])).get_json()
    assert [i["startup"]["id"] for i in startups["items"]] == [ids["chip_co"]]
    assert client.get("/api/v1/recommendations/needs", headers=chip).status_code == 403
    assert client.get("/api/v1/recommendations/investors", headers=bearer(app, emails["investor"])).status_code == 403
    assert client.get("/api/v1/recommendations/needs?after=bad",
                      headers=bearer(app, emails["investor"])).status_code == 400


def test_a_rebuild_runs_in_the_background_while_the_older_state_answers(app, run_in, market):
    """In a marketplace whose state takes longer to build than a request would wait (as at 100,000
    needs), the request after a write is answered at once from the older state."""
    _, ids = market
    app.config.update(RECS_BACKGROUND_REBUILD=True, RECS_REBUILD_WAIT_SECONDS=60)
    before = run_in(lambda s: matching.engine(s, TODAY))
    before.built_in = 61.0
    run_in(lambda s: theses.upsert(s, ids["bio_investor"], ThesisInput(ticket_min=1 * M, ticket_max=2 * M)))
    assert run_in(lambda s: matching.engine(s, TODAY)) is before  # answers at once, from the older state
    for _ in range(300):
        if app.extensions["zjm_engine"][1] is not before:
            break
        time.sleep(0.1)
    after = run_in(lambda s: matching.engine(s, TODAY))
    assert after is not before and after.fingerprint != before.fingerprint


def test_the_first_list_after_a_write_reflects_it_when_the_rebuild_is_quick(app, client, run_in, market):
    """The bio fund moves its thesis from biotech to chips; the next deal-flow page it opens, with
    the rebuild in a thread, already ranks the chip rounds first (the demo's state takes well under
    a second to build; a request waits up to RECS_REBUILD_WAIT_SECONDS for it)."""
    emails, ids = market
    app.config.update(RECS_BACKGROUND_REBUILD=True, RECS_REBUILD_WAIT_SECONDS=60)
    log_in(client, emails["bio_investor"], PASSWORD)
    assert titles(client.get("/investor/deal-flow", headers=EN).get_data(as_text=True))[0] == "Antibody pre-A"
    run_in(lambda s: theses.upsert(s, ids["bio_investor"], ThesisInput(
        ticket_min=20 * M, ticket_max=60 * M, sectors=["integrated_circuits"], stages=["series_a"])))
    assert titles(client.get("/investor/deal-flow", headers=EN).get_data(as_text=True))[0] != "Antibody pre-A"


def test_a_new_server_process_warms_its_serving_state_up(app, market):
    assert "zjm_engine" not in app.extensions
    matching.warm_up(app).join(timeout=120)
    assert app.extensions["zjm_engine"][1].index is not None


def test_building_the_serving_state_asks_no_query_a_parameter_per_need(app, session):
    """PostgreSQL takes at most 65,535 parameters a query: the serving state of 100,000 open needs
    could not be built when the needs' sectors were read with every need's id listed."""
    company = startup(session, "上海芯澜微电子", "Xinlan Micro", park="zhangjiang_core")

    def largest_query_after(count: int) -> int:
        for k in range(count):
            need(session, company, f"Round {k}", minutes=k)
        sizes = []

        def record(conn, cursor, statement, parameters, context, executemany):
            sizes.append(len(parameters or ()))

        sa.event.listen(db.engine, "before_cursor_execute", record)
        try:
            data = recs.dataset(session, TODAY)
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", record)
        assert sum(key.startswith("need:") for key in data.rounds.key) >= count
        return max(sizes)

    few = largest_query_after(3)
    assert largest_query_after(40) == few


def test_what_the_viewer_can_fund_comes_first_and_nothing_is_left_out(run_in, market):
    """The chip investor backed the chip company, whose patent-loan need matches it as well as its
    equity round does: the investor sees its equity rounds first, the bank the loan first; both
    lists still hold every open need (the filters, not the ranking, leave needs out)."""
    emails, ids = market

    def add_loan(s):
        chip_co = org(s, emails["startup"])
        loan = need(s, chip_co, "Pledge our lidar patents", amount=(30 * M, 50 * M), stage="series_a",
                    instrument=Instrument.IP_PLEDGE_LOAN, minutes=3)
        s.commit()
        return loan.id

    loan = run_in(add_loan)
    investor_list, investor_page = run_in(lambda s: ranked_ids(s, ids["chip_investor"]))
    bank_list, bank_page = run_in(lambda s: ranked_ids(s, org(s, emails["bank"]).id))
    equity = [ids["chip_need"], ids["other_need"], ids["bio_need"]]
    assert sorted(investor_list[:3]) == sorted(equity) and investor_list[3] == loan
    assert bank_list[0] == loan and sorted(bank_list[1:]) == sorted(equity)
    assert investor_page.total == bank_page.total == 4


def test_a_bank_sees_first_the_loans_its_products_can_serve_and_which_product_fits(app, run_in, market):
    """Of three patent-loan needs, the one inside the patent loan's range (CNY 1M to 10M) and the one
    reaching above it (8M to 12M) come before the one above it, and their offer reason names that
    product and its range (not the credit line, whose sector and range the first also meets but
    which lends no money against patents); the one no product can serve gets no "fits your offer"
    claim (the bank's products together cover no more than each does)."""
    emails, ids = market

    def add_loans(s):
        bio, chip_co = org(s, emails["biotech"]), org(s, emails["startup"])
        big = need(s, chip_co, "Pledge our lidar patents", amount=(30 * M, 50 * M), stage="series_a",
                   instrument=Instrument.IP_PLEDGE_LOAN, minutes=3)
        small = need(s, bio, "Pledge the antibody patent", amount=(2 * M, 3 * M), stage="pre_a",
                     sectors=("biomedicine",), instrument=Instrument.IP_PLEDGE_LOAN, minutes=4)
        # asks CNY 8M to 12M: the product lends up to 10M of it, as the bank's filters say
        across = need(s, bio, "Pledge the second antibody patent", amount=(8 * M, 12 * M), stage="pre_a",
                      sectors=("biomedicine",), instrument=Instrument.IP_PLEDGE_LOAN, minutes=5)
        s.commit()
        pledge = s.scalar(sa.select(LoanProduct).where(LoanProduct.name == "Antibody patent loan"))
        return big.id, small.id, across.id, recs.product_key(pledge.id)

    big, small, across, pledge = run_in(add_loans)
    page = run_in(lambda s: recommendations.needs(s, org(s, emails["bank"]).id, NeedFilters(), today=TODAY,
                                                  offset=0, limit=20))
    ranked = [item.item.id for item in page.items]
    assert sorted(ranked[:2]) == sorted([small, across]) and ranked[2] == big
    fits = {item.item.id: [r.values for r in item.reasons if r.code == "thesis_fit"] for item in page.items}
    for served in (small, across):
        assert fits[served] and all(v["offer"] == pledge and "ticket" in v["fits"] and v["ticket"] == [1 * M, 10 * M]
                                    for v in fits[served])
    assert fits[big] == []
    client = app.test_client()
    log_in(client, emails["bank"], PASSWORD)
    html = client.get("/bank/needs", headers=EN).get_data(as_text=True)
    assert sorted(titles(html)[:2]) == ["Pledge the antibody patent", "Pledge the second antibody patent"]
    assert titles(html)[2] == "Pledge our lidar patents"
    # ranked pages number their needs
    assert re.findall(r'data-testid="match-rank">(\d+)<', html)[:3] == ["1", "2", "3"]
    assert "Fits your offer “Antibody patent loan” on amount range CNY 1M to CNY 10M" in reasons_of(html)
    assert len(bars_of(html)) == len(titles(html)) and bars_of(html)[0] == 100
    assert bars_of(home_panel(client, "/bank/")) == bars_of(html)[:recommendations.HIGHLIGHTS]

    def in_both_languages(s):  # a bank that names its product in Chinese and in English
        product = s.get(LoanProduct, recs.key_id(pledge))
        product.name, product.name_en = "抗体专利质押贷", "Antibody patent loan"
        s.commit()
    run_in(in_both_languages)
    for headers, name in ((EN, "“Antibody patent loan”"), (ZH, "“抗体专利质押贷”")):
        assert any(name in r for r in reasons_of(client.get("/bank/needs", headers=headers).get_data(as_text=True)))


def test_a_bar_is_drawn_to_its_lists_scale_the_first_full_and_none_empty():
    scores = [4.0, 3.0, 1.0, 0.0] + [-1.0] * matching.BAR_DEPTH + [-9.0]
    scale = matching.bar_scale(scores)
    assert scale == (-1.0, 4.0)  # the weakest of the first BAR_DEPTH, not the very last
    bars = [matching.strength(s, scale) for s in scores]
    assert bars[0] == 1.0 and bars[1] == pytest.approx(0.1 + 0.9 * 4 / 5) and bars[-1] == bars[-2] == 0.1
    assert bars == sorted(bars, reverse=True)
    assert matching.strength(5.0, scale) == 1.0  # a later tier's higher score fills no more than the first
    assert matching.strength(2.0, (2.0, 2.0)) == 1.0 and matching.bar_scale([]) == (0.0, 0.0)
    first, weakest = 0.6884467601776123, 0.10000000149011612  # float32 scores: 0.9 x 0.588.. / 0.588.. < 1
    assert matching.strength(first, (weakest, first)) == 1.0


def bars_of(html):
    return [int(w) for w in re.findall(r'class="progress-bar bg-success" style="width: (\d+)%"', html)]


def test_every_ranked_list_draws_each_matchs_strength_and_its_pages_share_one_scale(app, run_in, market):
    emails, ids = market
    whole = run_in(lambda s: recommendations.needs(s, ids["chip_investor"], NeedFilters(), today=TODAY,
                                                   offset=0, limit=20))
    strengths = [item.strength for item in whole.items]
    assert strengths[0] == 1.0 and strengths == sorted(strengths, reverse=True) and min(strengths) >= 0.1
    assert min(strengths) < 1.0  # the bars tell the matches apart
    second = run_in(lambda s: recommendations.needs(s, ids["chip_investor"], NeedFilters(), today=TODAY,
                                                    offset=1, limit=1))
    assert [(i.item.id, i.strength) for i in second.items] == [(whole.items[1].item.id, strengths[1])]
    for email, path in ((emails["investor"], "/investor/deal-flow"), (emails["incubator"], "/incubator/startups"),
                        (emails["biotech"], "/matches/")):
        client = app.test_client()
        log_in(client, email, PASSWORD)
        html = client.get(path, headers=EN).get_data(as_text=True)
        ranks = re.findall(r'data-testid="match-rank">(\d+)<', html)
        assert ranks and len(bars_of(html)) == len(ranks) and bars_of(html)[0] == 100, path
        assert 'aria-label="Match strength"' in html
    client = app.test_client()
    log_in(client, emails["investor"], PASSWORD)
    assert bars_of(client.get("/investor/deal-flow", headers=EN).get_data(as_text=True)) == \
        [round(s * 100) for s in strengths]
    newest = client.get("/investor/deal-flow?sort=newest", headers=EN).get_data(as_text=True)
    assert bars_of(newest) == [] and titles(newest)  # another order than the ranking's draws no bars
    assert 'aria-label="匹配度"' in client.get("/investor/deal-flow", headers=ZH).get_data(as_text=True)


def test_a_homes_best_matches_draw_the_bars_of_their_whole_list(app, run_in, market):
    """The startup's home asks for three investors and its matches page for thirty: both draw them to
    the scale of the whole ranking, so the same investor fills the same share of its bar on both."""
    emails, _ = market
    # four investors of four theses: the startup's home shows three of them
    for name, sector in (("Pudong Angels", "biomedicine"), ("Lingang Capital", "integrated_circuits")):
        email = create_account(app, "investor", f"{name.split()[0].lower()}@example.org", org=name)
        run_in(lambda s: theses.upsert(s, org(s, email).id, ThesisInput(ticket_min=1 * M, ticket_max=5 * M,
                                                                        sectors=[sector])))
    for email, home, whole in ((emails["investor"], "/investor/", "/investor/deal-flow"),
                               (emails["incubator"], "/incubator/", "/incubator/startups"),
                               (emails["biotech"], "/startup/", "/matches/")):
        client = app.test_client()
        log_in(client, email, PASSWORD)
        panel, listed = bars_of(home_panel(client, home)), bars_of(client.get(whole, headers=EN).get_data(as_text=True))
        assert panel and panel[0] == 100 and panel == listed[:len(panel)], home
        assert len(panel) == min(len(listed), recommendations.HIGHLIGHTS)
    shown = bars_of(home_panel(client, "/startup/"))
    assert len(shown) == 3 and shown[-1] > 10  # the third is not the list's floor: the fourth is below it
    assert 'aria-label="匹配度"' in home_panel(client, "/startup/", ZH)
