"""``flask import crunchbase DIR``: a Crunchbase-format export becomes startups, investors, rounds
and investments; skipped rows are reported with reasons; a second run adds nothing."""
from __future__ import annotations

import csv
import io
import time
from datetime import date
from pathlib import Path
from types import SimpleNamespace

import pytest
from flask_babel import force_locale
import sqlalchemy as sa

from marketplace.errors import DomainError
from marketplace.models import FundingRound, Investor, Sector, Stage, Startup
from marketplace.models.enums import InvestorKind
from marketplace.services import crunchbase
from marketplace.services.crunchbase import Fix, Skip
from recommender.crunchbase import STAGE_BY_ROUND_TYPE, rows
from tests.helpers import SHARED_CRUNCHBASE, needs_shared_crunchbase


COMPANY = ",".join(f"company_{c}" for c in ("permalink", "name", "category_code", "country_code", "state_code",
                                            "region", "city"))
HEADERS = {
    "crunchbase-companies.csv": "permalink,name,category_code,funding_total_usd,status,country_code,state_code,"
                                "region,city,funding_rounds,founded_at,founded_month,founded_quarter,founded_year,"
                                "first_funding_at,last_funding_at,last_milestone_at",
    "crunchbase-rounds.csv": f"{COMPANY},funding_round_type,funded_at,funded_month,funded_quarter,funded_year,"
                             "raised_amount_usd",
    "crunchbase-investments.csv": f"{COMPANY},investor_permalink,investor_name,investor_category_code,"
                                  "investor_country_code,investor_state_code,investor_region,investor_city,"
                                  "funding_round_type,funded_at,funded_month,funded_quarter,funded_year,"
                                  "raised_amount_usd",
}


def company(permalink, name, category, founded="2010-01-01", region="SF Bay", **extra):
    return {"permalink": f"/company/{permalink}", "name": name, "category_code": category, "region": region,
            "founded_at": founded, "country_code": "USA", **extra}


def funding(permalink, round_type, funded_at, amount=""):
    return {"company_permalink": f"/company/{permalink}", "funding_round_type": round_type, "funded_at": funded_at,
            "raised_amount_usd": amount}


def investment(permalink, round_type, funded_at, investor, name, region="SF Bay"):
    return {**funding(permalink, round_type, funded_at), "investor_permalink": investor, "investor_name": name,
            "investor_region": region}


COMPANIES = [
    company("cafe-co", "Café Co", "software", region="New York"),
    company("n-plusn", "#NAME?", "web"),
    company("oddly", "Oddly", "spacetech", founded="sometime"),
    company("no-category", "No Category", ""),
    company("investing-co", "Investing Co", "semiconductor"),
    company("cafe-co", "Café Co again", "web"),
    company("", "No Permalink", "web"),
]
ROUNDS = [
    funding("cafe-co", "angel", "2011-03-01", "500000"),
    funding("cafe-co", "series-a", "2012-06-30", "3000000"),
    funding("cafe-co", "series-a", "2012-06-30", "1000000"),
    funding("n-plusn", "venture", "2012-01-01"),
    funding("oddly", "series-z", "2012-05-05", "lots"),
    funding("ghost", "angel", "2012-01-01", "100000"),
    funding("cafe-co", "series-b", "2012-13-45", "9000000"),
]
INVESTMENTS = [
    investment("cafe-co", "angel", "2011-03-01", "/person/jane-doe", "Jane Doe"),
    investment("cafe-co", "series-a", "2012-06-30", "/financial-organization/acme", "Acme Ventures", "unknown"),
    investment("cafe-co", "series-a", "2012-06-30", "/company/investing-co", "Investing Co"),
    investment("cafe-co", "series-a", "2012-06-30", "/financial-organization/acme", "Acme Ventures"),
    investment("n-plusn", "venture", "2012-01-01", "/financial-organization/acme", "Acme Ventures"),
    investment("ghost", "angel", "2012-01-01", "/person/jane-doe", "Jane Doe"),
    investment("cafe-co", "series-b", "2099-01-01", "/person/jane-doe", "Jane Doe"),
    investment("cafe-co", "angel", "2011-03-01", "/guild/weavers", "Weavers"),
    investment("cafe-co", "angel", "2011-03-01", "", "Nobody"),
    investment("cafe-co", "angel", "2011-03-01", "/person/pat", "#NAME?"),
]
LATER = {
    "companies": [company("later-co", "Later Co", "biotech", founded="2013-02-01",
                          homepage_url="https://later.example")],
    "rounds": [funding("later-co", "series-a", "2013-03-01", "2000000")],
    "investments": [investment("later-co", "series-a", "2013-03-01", "/financial-organization/acme", "Acme Ventures"),
                    investment("later-co", "series-a", "2013-03-01", "/financial-organization/new-fund", "New Fund")],
}


def write_export(directory: Path, companies=COMPANIES, rounds=ROUNDS, investments=INVESTMENTS, *,
                 newline: str = "\r", extra_column: str | None = None) -> Path:
    """The files as Crunchbase wrote them: Mac Roman, ``newline`` line ends, ``extra_column`` first when given."""
    directory.mkdir(exist_ok=True)
    for (name, header), records in zip(HEADERS.items(), (companies, rounds, investments)):
        columns = ([extra_column] if extra_column else []) + header.split(",")
        text = io.StringIO()
        writer = csv.DictWriter(text, columns, restval="", lineterminator=newline)
        writer.writeheader()
        writer.writerows({k: v for k, v in record.items() if k in columns} for record in records)
        (directory / name).write_bytes(text.getvalue().encode("mac_roman"))
    return directory


def startup(session, slug):
    return session.scalar(sa.select(Startup).where(Startup.external_id == f"/company/{slug}"))


def investor(session, permalink):
    return session.scalar(sa.select(Investor).where(Investor.external_id == f"investor:{permalink}"))


def funding_round(session, key):
    return session.scalar(sa.select(FundingRound).where(FundingRound.external_id == key))


def test_companies_become_startups_with_a_mapped_sector(session, tmp_path):
    crunchbase.import_export(session, write_export(tmp_path / "cb"))
    cafe = startup(session, "cafe-co")
    assert (cafe.name, cafe.region, cafe.founded_on, cafe.source) == ("Café Co", "New York", date(2010, 1, 1),
                                                                     "crunchbase")
    assert [s.code for s in cafe.sectors] == ["digital_economy"]
    assert startup(session, "n-plusn").name == "n-plusn"
    oddly = startup(session, "oddly")
    assert (oddly.founded_on, [s.code for s in oddly.sectors]) == (None, ["digital_economy"])
    assert [s.code for s in startup(session, "investing-co").sectors] == ["integrated_circuits"]


def test_rounds_keep_their_type_and_get_a_stage(session, tmp_path):
    crunchbase.import_export(session, write_export(tmp_path / "cb"))
    series_a = funding_round(session, "/company/cafe-co|series-a|2012-06-30")
    assert (series_a.round_type, series_a.stage.code, series_a.funded_on, series_a.raised_amount_usd) == \
        ("series-a", "series_a", date(2012, 6, 30), 4_000_000)  # two rows of one round: amounts added
    assert series_a.startup.external_id == "/company/cafe-co"
    assert funding_round(session, "/company/cafe-co|angel|2011-03-01").stage.code == "seed"
    venture = funding_round(session, "/company/n-plusn|venture|2012-01-01")
    assert (venture.stage, venture.raised_amount_usd) == (None, None)
    assert funding_round(session, "/company/oddly|series-z|2012-05-05").stage is None
    assert session.scalar(sa.select(sa.func.count()).select_from(FundingRound)) == 4


def test_investors_are_typed_by_permalink_and_linked_to_their_rounds(session, tmp_path):
    crunchbase.import_export(session, write_export(tmp_path / "cb"))
    jane, acme, cvc = (investor(session, p) for p in ("/person/jane-doe", "/financial-organization/acme",
                                                      "/company/investing-co"))
    assert (jane.investor_kind, acme.investor_kind, cvc.investor_kind) == \
        (InvestorKind.ANGEL, InvestorKind.VC, InvestorKind.CVC)
    assert (acme.name, acme.region, cvc.name) == ("Acme Ventures", None, "Investing Co")
    assert cvc.id != startup(session, "investing-co").id  # an investing company is also a startup, apart
    assert investor(session, "/person/pat").name == "pat"
    series_a = funding_round(session, "/company/cafe-co|series-a|2012-06-30")
    assert sorted(i.name for i in series_a.investors) == ["Acme Ventures", "Investing Co"]
    angel = funding_round(session, "/company/cafe-co|angel|2011-03-01")
    assert sorted(i.name for i in angel.investors) == ["Jane Doe", "pat"]
    assert investor(session, "/guild/weavers") is None


def test_the_report_counts_rows_and_names_the_skipped_with_reasons(session, tmp_path):
    report = crunchbase.import_export(session, write_export(tmp_path / "cb"))
    assert {kind: vars(tally) for kind, tally in report.tallies().items()} == {
        "companies": {"added": 5, "updated": 0, "unchanged": 0},
        "investors": {"added": 4, "updated": 0, "unchanged": 0},
        "rounds": {"added": 4, "updated": 0, "unchanged": 0},
        "investments": {"added": 5, "updated": 0, "unchanged": 0},
    }
    assert {reason: issue.count for reason, issue in report.skipped.items()} == {
        Skip.DUPLICATE_COMPANY: 1, Skip.BAD_PERMALINK: 2, Skip.UNKNOWN_COMPANY: 1, Skip.BAD_DATE: 1,
        Skip.DUPLICATE_INVESTMENT: 1, Skip.UNKNOWN_ROUND: 2, Skip.UNKNOWN_INVESTOR_KIND: 1,
    }
    assert {reason: issue.count for reason, issue in report.fixed.items()} == {
        Fix.MANGLED_NAME: 2, Fix.UNKNOWN_CATEGORY: 1, Fix.BLANK_CATEGORY: 1, Fix.BAD_FOUNDING_DATE: 1,
        Fix.MERGED_ROUND: 1, Fix.UNKNOWN_ROUND_TYPE: 1, Fix.BAD_AMOUNT: 1,
    }
    assert report.skipped[Skip.UNKNOWN_COMPANY].examples == [
        "crunchbase-rounds.csv line 7: /company/ghost|angel|2012-01-01"]
    assert report.skipped[Skip.BAD_DATE].examples == ["crunchbase-rounds.csv line 8: '2012-13-45'"]
    assert report.fixed[Fix.UNKNOWN_CATEGORY].examples == ["crunchbase-companies.csv line 4: /company/oddly spacetech"]
    described = report.describe()
    assert "round of a company that is not in the companies file" in described
    assert "Crunchbase (CC-BY)" in described


def test_a_second_run_adds_nothing(session, tmp_path, row_counts):
    directory = write_export(tmp_path / "cb")
    crunchbase.import_export(session, directory)
    before = row_counts()
    report = crunchbase.import_export(session, directory)
    assert row_counts() == before
    assert all(t.added == t.updated == 0 and t.unchanged for t in report.tallies().values())


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_a_complete_export_with_other_line_ends_and_columns_adds_the_later_rows(session, tmp_path, newline):
    crunchbase.import_export(session, write_export(tmp_path / "2013"))
    complete = write_export(tmp_path / "complete", COMPANIES + LATER["companies"], ROUNDS + LATER["rounds"],
                            INVESTMENTS + LATER["investments"], newline=newline, extra_column="homepage_url")
    report = crunchbase.import_export(session, complete)
    assert {kind: (t.added, t.updated, t.unchanged) for kind, t in report.tallies().items()} == {
        "companies": (1, 0, 5), "investors": (1, 0, 4), "rounds": (1, 0, 4), "investments": (2, 0, 5)}
    later = startup(session, "later-co")
    assert (later.website, [s.code for s in later.sectors]) == ("https://later.example", ["biomedicine"])
    round_ = funding_round(session, "/company/later-co|series-a|2013-03-01")
    assert sorted(i.name for i in round_.investors) == ["Acme Ventures", "New Fund"]


def test_a_changed_row_is_updated_in_place(session, tmp_path, row_counts):
    crunchbase.import_export(session, write_export(tmp_path / "before"))
    before = row_counts()
    companies = [company("cafe-co", "Café Company", "semiconductor", region="Boston"), *COMPANIES[1:]]
    rounds = [funding("cafe-co", "angel", "2011-03-01", "600000"), *ROUNDS[1:]]
    investments = [*INVESTMENTS[:1], investment("cafe-co", "series-a", "2012-06-30", "/financial-organization/acme",
                                                "Acme Capital"), *INVESTMENTS[2:]]
    report = crunchbase.import_export(session, write_export(tmp_path / "after", companies, rounds, investments))
    assert {kind: t.updated for kind, t in report.tallies().items()} == \
        {"companies": 1, "investors": 1, "rounds": 1, "investments": 0}
    assert row_counts() == before
    session.expire_all()
    cafe = startup(session, "cafe-co")
    assert (cafe.name, cafe.region, [s.code for s in cafe.sectors]) == ("Café Company", "Boston",
                                                                        ["integrated_circuits"])
    assert funding_round(session, "/company/cafe-co|angel|2011-03-01").raised_amount_usd == 600_000
    assert investor(session, "/financial-organization/acme").name == "Acme Capital"


@pytest.mark.parametrize("damage,message", [
    (lambda d: (d / "crunchbase-investments.csv").unlink(), "crunchbase-investments.csv"),
    (lambda d: (d / "crunchbase-rounds.csv").write_bytes(b"company_permalink,funded_at\r"),
     "crunchbase-rounds.csv lacks the column(s) funding_round_type, raised_amount_usd"),
])
def test_a_broken_export_is_refused_and_writes_nothing(session, tmp_path, row_counts, damage, message):
    directory = write_export(tmp_path / "cb")
    damage(directory)
    before = row_counts()
    with pytest.raises(DomainError) as error:
        crunchbase.import_export(session, directory)
    with force_locale("en"):
        assert message in str(error.value.errors["directory"][0])
    assert row_counts() == before


def test_the_command_shows_progress_and_prints_the_report(app, tmp_path, run_in):
    directory = write_export(tmp_path / "cb")
    result = app.test_cli_runner().invoke(args=["import", "crunchbase", str(directory)])
    assert result.exit_code == 0, result.output
    assert "Importing Crunchbase rows" in result.output
    assert "companies            5" in result.output
    assert "Skipped: 9 rows" in result.output and "investor that is neither" in result.output
    assert run_in(lambda s: startup(s, "cafe-co").name) == "Café Co"


def test_the_command_refuses_a_folder_without_the_files(app, tmp_path, row_counts):
    before = row_counts()
    result = app.test_cli_runner().invoke(args=["import", "crunchbase", str(tmp_path)])
    assert result.exit_code != 0
    assert "crunchbase-companies.csv" in result.output
    assert row_counts() == before


def test_the_mapping_table_names_real_sectors_and_stages(session):
    sectors = set(session.scalars(sa.select(Sector.code)))
    assert set(crunchbase.sector_table().values()) <= sectors
    assert crunchbase.FALLBACK in crunchbase.sector_table()
    assert set(STAGE_BY_ROUND_TYPE.values()) - {None} <= set(session.scalars(sa.select(Stage.code)))


@needs_shared_crunchbase
def test_the_mapping_table_covers_every_category_code_of_the_shared_folder():
    codes = {row["category_code"] for row in rows(SHARED_CRUNCHBASE, "companies")} - {""}
    assert len(codes) == 42
    assert codes <= set(crunchbase.sector_table())


@pytest.mark.parametrize("source,shown", [("crunchbase", True), (None, False)])
def test_imported_data_is_credited_to_crunchbase(app, source, shown):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        html = app.jinja_env.from_string(
            '{% from "macros/credit.html" import crunchbase_credit %}{{ crunchbase_credit(org) }}'
        ).render(org=SimpleNamespace(source=source))
    assert ("Source: Crunchbase (CC-BY)" in html) is shown
    assert ("https://info.crunchbase.com/docs/licensing-policy-v1/" in html) is shown


@needs_shared_crunchbase
def test_the_shared_folder_imports_in_time_and_once(session, row_counts):
    started = time.perf_counter()
    report = crunchbase.import_export(session, SHARED_CRUNCHBASE)
    assert time.perf_counter() - started < 60
    # README: 15,271 companies, 26,159 round rows, 45,752 investment rows. Not imported: 30 rounds of
    # companies missing from the companies file, and the 45 investments in them; 113 round rows repeat
    # an earlier round's key (merged), 132 investment rows repeat an investor in a round.
    assert {kind: t.added for kind, t in report.tallies().items()} == \
        {"companies": 15_271, "investors": 9_026, "rounds": 26_159 - 30 - 113, "investments": 45_752 - 45 - 132}
    assert {reason: issue.count for reason, issue in report.skipped.items()} == \
        {Skip.UNKNOWN_COMPANY: 30, Skip.UNKNOWN_ROUND: 45, Skip.DUPLICATE_INVESTMENT: 132}
    assert report.fixed[Fix.MERGED_ROUND].count == 113
    assert report.fixed[Fix.MANGLED_NAME].examples == ["crunchbase-companies.csv line 3: /company/n-plusn"]
    before = row_counts()
    again = crunchbase.import_export(session, SHARED_CRUNCHBASE)
    assert row_counts() == before
    assert {kind: t.added + t.updated for kind, t in again.tallies().items()} == \
        {"companies": 0, "investors": 0, "rounds": 0, "investments": 0}
