"""Any logged-in user sees an organization's public profile and its deal history."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from marketplace.models import (
    FundingRound,
    IncubationStay,
    Incubator,
    Investor,
    ParkOperator,
    Stage,
    Startup,
    investments,
)
from marketplace.models.enums import InvestorKind
from tests.conftest import PASSWORD
from tests.helpers import log_in

EN = {"Accept-Language": "en"}


def imported_history(session):
    startup = Startup(name="Waywire", name_en="Waywire", source="crunchbase", external_id="/company/waywire",
                      region="New York")
    fund = Investor(name="Lerer Ventures", investor_kind=InvestorKind.VC, source="crunchbase",
                    external_id="investor:/financial-organization/lerer-ventures")
    stage = session.scalar(sa.select(Stage).where(Stage.code == "series_a"))
    round_ = FundingRound(startup=startup, round_type="series-a", stage=stage, funded_on=date(2012, 6, 30),
                          raised_amount_usd=1_750_000, source="crunchbase",
                          external_id="/company/waywire|series-a|2012-06-30")
    session.add_all([startup, fund, round_])
    session.flush()
    session.execute(sa.insert(investments).values(round_id=round_.id, investor_id=fund.id))
    session.commit()
    return startup.id, fund.id


def test_a_startup_profile_shows_its_rounds_and_credits_crunchbase(client, make_user, run_in):
    startup_id, fund_id = run_in(imported_history)
    log_in(client, make_user("investor"), PASSWORD)
    page = client.get(f"/organizations/{startup_id}", headers=EN).get_data(as_text=True)
    assert "Waywire" in page and "Series A" in page and "1,750,000" in page and "Lerer Ventures" in page
    assert "Source: Crunchbase (CC-BY)" in page
    investor_page = client.get(f"/organizations/{fund_id}", headers=EN).get_data(as_text=True)
    assert "Waywire" in investor_page and "Source: Crunchbase (CC-BY)" in investor_page


def test_members_profiles_carry_no_credit(client, make_user, run_in):
    email = make_user("startup", org="芯澜微电子")
    org_id = run_in(lambda s: s.scalar(sa.select(Startup.id)))
    log_in(client, email, PASSWORD)
    page = client.get(f"/organizations/{org_id}", headers=EN).get_data(as_text=True)
    assert "芯澜微电子" in page and "Crunchbase" not in page


def test_profiles_need_a_login_and_operators_have_none(client, make_user, run_in):
    assert client.get("/organizations/1").status_code == 302
    make_user("operator", park="zizhu")
    operator_id = run_in(lambda s: s.scalar(sa.select(ParkOperator.id)))
    log_in(client, make_user("bank"), PASSWORD)
    assert client.get(f"/organizations/{operator_id}").status_code == 404
    assert client.get("/organizations/999999").status_code == 404


def test_a_startup_profile_shows_its_relay_chain(client, make_user, run_in):
    make_user("startup", org="芯澜微电子")
    first = make_user("incubator", org="张江孵化器")
    make_user("incubator", org="临港加速器")

    def stays(s):
        startup = s.scalar(sa.select(Startup))
        by_name = {i.name: i for i in s.scalars(sa.select(Incubator))}
        s.add_all([IncubationStay(startup=startup, incubator=by_name["张江孵化器"], started_on=date(2024, 3, 1),
                                  ended_on=date(2025, 9, 30)),
                   IncubationStay(startup=startup, incubator=by_name["临港加速器"], started_on=date(2025, 10, 1))])
        s.commit()
        return startup.id
    startup_id = run_in(stays)
    log_in(client, first, PASSWORD)
    page = client.get(f"/organizations/{startup_id}", headers=EN).get_data(as_text=True)
    chain = page[page.index('data-testid="relay-chain"'):]
    assert "Relay incubation" in page
    assert chain.index("张江孵化器") < chain.index("临港加速器") < chain.index("now")


def test_a_profile_reads_in_the_readers_language_and_else_in_the_other(client, make_user, run_in):
    make_user("startup", org="芯澜微电子")
    org_id = run_in(lambda s: s.scalar(sa.select(Startup.id)))

    def texts(summary_zh, summary_en, description_zh, description_en):
        def write(s):
            startup = s.get(Startup, org_id)
            startup.summary_zh, startup.summary_en = summary_zh, summary_en
            startup.description_zh, startup.description_en = description_zh, description_en
            s.commit()
        run_in(write)

    log_in(client, make_user("investor"), PASSWORD)
    url, zh = f"/organizations/{org_id}", {"Accept-Language": "zh-CN"}
    texts("车规级MCU芯片设计", "Automotive-grade MCUs", "十年车规经验。", "Ten years in automotive.")
    english = client.get(url, headers=EN).get_data(as_text=True)
    chinese = client.get(url, headers=zh).get_data(as_text=True)
    assert "Automotive-grade MCUs" in english and "Ten years in automotive." in english and "车规级" not in english
    assert "车规级MCU芯片设计" in chinese and "十年车规经验。" in chinese and "Automotive-grade" not in chinese
    texts(None, "Automotive-grade MCUs", "十年车规经验。", None)  # each given in one language only
    for headers in (EN, zh):
        page = client.get(url, headers=headers).get_data(as_text=True)
        assert "Automotive-grade MCUs" in page and "十年车规经验。" in page
