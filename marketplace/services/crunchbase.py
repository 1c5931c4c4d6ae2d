"""Importing a Crunchbase-format export: companies, their past funding rounds and who invested.

The deal history the recommender learns from. Every row is upserted by its external id
(source "crunchbase"), so a second run adds nothing and a later, complete export adds only
what is new. Nothing is ever deleted. The identities:

- a company is a Startup whose external_id is its permalink ("/company/waywire");
- an investor is an Investor whose external_id is "investor:" + its permalink. A company that
  also invests is then two organizations: a row has one kind, and (source, external_id) is unique;
- a round is a FundingRound whose external_id is ``recommender.crunchbase.round_key``
  ("/company/waywire|series-a|2012-06-30"), the benchmark's key. Rows sharing a key are one
  round and their amounts are added, as the export's own funding_total_usd does;
- an investment is a row of ``investments`` (round, investor).

Sectors come from the mapping table ``marketplace/data/crunchbase_sectors.csv``; stages from
``STAGE_BY_ROUND_TYPE``. Everything is written in one transaction. The data is CC-BY: pages
showing it credit Crunchbase (``templates/macros/credit.html``).
"""
from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from marketplace.errors import DomainError
from marketplace.models import FundingRound, Investor, Sector, Stage, Startup, TaxonomyVersion
from marketplace.models.enums import InvestorKind
from marketplace.models.history import investments
from marketplace.models.organizations import startup_sectors
from recommender import crunchbase as reader
from recommender.crunchbase import FILES, STAGE_BY_ROUND_TYPE, Row

T = TypeVar("T")
Progress = Callable[[int], None]

SOURCE = "crunchbase"
INVESTOR_PREFIX = "investor:"
TAXONOMY = "2023"  # the taxonomy the mapping table names sectors of
SECTOR_TABLE = Path(__file__).resolve().parent.parent / "data" / "crunchbase_sectors.csv"
FALLBACK = "*"  # the mapping row for blank and unknown category codes
INVESTOR_KINDS = {"financial-organization": InvestorKind.VC, "person": InvestorKind.ANGEL,
                  "company": InvestorKind.CVC}
MAX_EXTERNAL_ID = 300  # organizations.external_id
MAX_ROUND_TYPE = 40  # funding_rounds.round_type
PROGRESS_EVERY = 1000
BATCH = 5000
EXAMPLES = 3


class Skip:
    """Why a row was left out."""

    BAD_PERMALINK = "missing or malformed permalink"
    DUPLICATE_COMPANY = "the same company again (its first row is kept)"
    BAD_DATE = "missing or unreadable funding date"
    BAD_ROUND_TYPE = "missing round type, or one longer than 40 characters"
    UNKNOWN_COMPANY = "round of a company that is not in the companies file"
    UNKNOWN_INVESTOR_KIND = "investor that is neither a financial organization, a person nor a company"
    UNKNOWN_ROUND = "investment in a round that was not imported"
    DUPLICATE_INVESTMENT = "the same investor again in the same round"


class Fix:
    """Why a row was kept with a value changed or left blank."""

    MANGLED_NAME = "name blank or mangled by a spreadsheet (#NAME?): the permalink's last part is used"
    BLANK_CATEGORY = "blank category code: the fallback sector"
    UNKNOWN_CATEGORY = "category code not in the mapping table: the fallback sector"
    BAD_FOUNDING_DATE = "unreadable founding date: left blank"
    BAD_AMOUNT = "unreadable amount: left blank"
    UNKNOWN_ROUND_TYPE = "round type not in the stage table: stage left blank"
    MERGED_ROUND = "another row of the same round (company, type, date): amounts added"


@dataclass
class Tally:
    added: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass
class Issue:
    count: int = 0
    examples: list[str] = field(default_factory=list)

    def add(self, where: str) -> None:
        self.count += 1
        if len(self.examples) < EXAMPLES:
            self.examples.append(where)


@dataclass
class ImportReport:
    """What an import did per kind of row, and which rows it skipped or fixed, with examples."""

    companies: Tally = field(default_factory=Tally)
    investors: Tally = field(default_factory=Tally)
    rounds: Tally = field(default_factory=Tally)
    investments: Tally = field(default_factory=Tally)
    skipped: dict[str, Issue] = field(default_factory=dict)
    fixed: dict[str, Issue] = field(default_factory=dict)

    def skip(self, reason: str, where: str) -> None:
        self.skipped.setdefault(reason, Issue()).add(where)

    def fix(self, reason: str, where: str) -> None:
        self.fixed.setdefault(reason, Issue()).add(where)

    def tallies(self) -> dict[str, Tally]:
        return {"companies": self.companies, "investors": self.investors, "rounds": self.rounds,
                "investments": self.investments}

    def describe(self) -> str:
        lines = [f"{'':<12}{'added':>10}{'updated':>10}{'unchanged':>10}"]
        lines += [f"{kind:<12}{t.added:>10,}{t.updated:>10,}{t.unchanged:>10,}" for kind, t in self.tallies().items()]
        for title, issues in (("Skipped", self.skipped), ("Kept with a fix", self.fixed)):
            if issues:
                lines.append(f"{title}: {sum(i.count for i in issues.values()):,} rows")
            for reason, issue in issues.items():
                lines.append(f"  {issue.count:>6,}  {reason}")
                lines += [f"          e.g. {example}" for example in issue.examples]
        lines.append("Data from Crunchbase (CC-BY): credit Crunchbase wherever it is shown.")
        return "\n".join(lines)


# --- Reference data -------------------------------------------------------------------------


@cache
def sector_table() -> dict[str, str]:
    """Category code -> sector code, as the mapping table in the repository says ("*": fallback)."""
    with SECTOR_TABLE.open(encoding="utf-8", newline="") as text:
        return {row["category_code"]: row["sector_code"] for row in csv.DictReader(text)}


@dataclass
class _Refs:
    sector_ids: dict[str, int]  # category code -> sector id
    stage_ids: dict[str, int]  # stage code -> stage id

    @classmethod
    def load(cls, session: Session) -> "_Refs":
        sectors = dict(session.execute(
            sa.select(Sector.code, Sector.id).join(TaxonomyVersion).where(TaxonomyVersion.code == TAXONOMY)
        ).all())
        return cls(sector_ids={category: sectors[code] for category, code in sector_table().items()},
                   stage_ids=dict(session.execute(sa.select(Stage.code, Stage.id)).all()))

    def stage_of(self, round_type: str) -> int | None:
        code = STAGE_BY_ROUND_TYPE.get(round_type)
        return self.stage_ids[code] if code else None


# --- Reading rows ---------------------------------------------------------------------------


def _where(kind: str, row: Row, detail: str) -> str:
    return f"{FILES[kind]} line {row.line}: {detail}"


def _counted(rows: Iterable[T], progress: Progress) -> Iterator[T]:
    done = 0
    for done, row in enumerate(rows, start=1):
        if done % PROGRESS_EVERY == 0:
            progress(PROGRESS_EVERY)
        yield row
    progress(done % PROGRESS_EVERY)


def _region(text: str) -> str | None:
    return text[:100] if text and text != "unknown" else None


def _name(name: str, slug: str, where: str, report: ImportReport) -> str:
    if reader.is_mangled(name):
        report.fix(Fix.MANGLED_NAME, where)
        return slug[:200]
    return name[:200]


class _Company(NamedTuple):
    name: str
    region: str | None
    website: str | None
    founded_on: date | None
    sector_id: int


class _Investor(NamedTuple):
    name: str
    region: str | None
    investor_kind: InvestorKind


class _Round(NamedTuple):
    startup_id: int
    round_type: str
    funded_on: date
    stage_id: int | None
    raised_amount_usd: int | None


def _company(row: Row, slug: str, refs: _Refs, report: ImportReport) -> _Company:
    where = _where("companies", row, row["permalink"])
    code = row["category_code"]
    if code not in refs.sector_ids:
        report.fix(Fix.UNKNOWN_CATEGORY if code else Fix.BLANK_CATEGORY, f"{where} {code}".rstrip())
        code = FALLBACK
    try:
        founded_on = reader.parse_date(row["founded_at"])
    except ValueError:
        report.fix(Fix.BAD_FOUNDING_DATE, f"{where} {row['founded_at']!r}")
        founded_on = None
    website = row.get("homepage_url", "")
    return _Company(name=_name(row["name"], slug, where, report), region=_region(row["region"]),
                    website=website if 0 < len(website) <= 300 else None, founded_on=founded_on,
                    sector_id=refs.sector_ids[code])


def _amount(row: Row, where: str, report: ImportReport) -> int | None:
    try:
        return reader.parse_amount(row["raised_amount_usd"])
    except ValueError:
        report.fix(Fix.BAD_AMOUNT, f"{where} {row['raised_amount_usd']!r}")
        return None


def _funded_on(kind: str, row: Row, report: ImportReport) -> date | None:
    try:
        funded_on = reader.parse_date(row["funded_at"])
    except ValueError:
        funded_on = None
    if funded_on is None:
        report.skip(Skip.BAD_DATE, _where(kind, row, repr(row["funded_at"])))
    return funded_on


def _permalink(kind: str, row: Row, column: str, report: ImportReport) -> tuple[str, str] | None:
    """(kind, slug) of a usable permalink; None, reported, otherwise."""
    parts = reader.permalink_parts(row[column])
    if parts is None or len(INVESTOR_PREFIX + row[column]) > MAX_EXTERNAL_ID:
        report.skip(Skip.BAD_PERMALINK, _where(kind, row, f"{column} {row[column]!r}"))
    return parts


# --- Writing rows ---------------------------------------------------------------------------


def _batches(rows: list[T]) -> Iterator[list[T]]:
    for start in range(0, len(rows), BATCH):
        yield rows[start:start + BATCH]


def _insert(session: Session, model: Any, rows: list[dict[str, Any]]) -> dict[str, int]:
    """Insert rows of a mapped class, table by table; external_id -> id of the source's rows.

    Core executemany, then one query for the new ids: the ORM's bulk insert with RETURNING
    grows quadratically slow on SQLite with tens of thousands of rows.
    """
    if not rows:
        return {}
    mapper = sa.inspect(model)
    base, *own = mapper.tables
    if mapper.polymorphic_identity is not None:
        rows = [row | {mapper.polymorphic_on.key: mapper.polymorphic_identity} for row in rows]
    _insert_rows(session, base, rows)
    ids = dict(session.execute(sa.select(base.c.external_id, base.c.id).where(base.c.source == SOURCE)).all())
    for table in own:
        _insert_rows(session, table, [row | {"id": ids[row["external_id"]]} for row in rows])
    return ids


def _insert_rows(session: Session, table: sa.Table, rows: list[dict[str, Any]]) -> None:
    for batch in _batches(rows):
        session.execute(table.insert(), [{name: row[name] for name in row if name in table.c} for row in batch])


def _update(session: Session, model: Any, rows: list[dict[str, Any]]) -> None:
    """Update ORM rows by primary key in batches; each dict holds "id" and the new values."""
    for batch in _batches(rows):
        session.execute(sa.update(model), batch)


class _Upsert:
    """Sorts planned rows into new, changed and as stored, counting them in ``tally``."""

    def __init__(self, stored: dict[str, tuple[int, Any]], tally: Tally):
        self.stored = stored  # external_id -> (id, values as stored)
        self.tally = tally
        self.new: dict[str, Any] = {}  # external_id -> values
        self.changed: dict[int, Any] = {}  # id -> values
        self.planned: set[str] = set()

    def plan(self, external_id: str, values: Any) -> None:
        self.planned.add(external_id)
        stored = self.stored.get(external_id)
        if stored is None:
            self.new[external_id] = values
            self.tally.added += 1
        elif stored[1] != values:
            self.changed[stored[0]] = values
            self.tally.updated += 1
        else:
            self.tally.unchanged += 1

    def write(self, session: Session, model: Any, values: Callable[[Any], dict[str, Any]]) -> dict[str, int]:
        """Insert the new rows and update the changed; external_id -> id of every stored or new row."""
        inserted = _insert(session, model, [{"source": SOURCE, "external_id": external_id, **values(v)}
                                            for external_id, v in self.new.items()])
        _update(session, model, [{"id": id_, **values(v)} for id_, v in self.changed.items()])
        return {external_id: id_ for external_id, (id_, _) in self.stored.items()} | inserted


# --- Companies ------------------------------------------------------------------------------


def _stored_companies(session: Session) -> dict[str, tuple[int, _Company]]:
    first_sector = sa.and_(startup_sectors.c.startup_id == Startup.id, startup_sectors.c.position == 1)
    query = (sa.select(Startup.external_id, Startup.id, Startup.name, Startup.region, Startup.website,
                       Startup.founded_on, startup_sectors.c.sector_id)
             .outerjoin(startup_sectors, first_sector).where(Startup.source == SOURCE))
    return {external_id: (id_, _Company(*values)) for external_id, id_, *values in session.execute(query)}


def _organization_values(company: _Company) -> dict[str, Any]:
    return {"name": company.name, "region": company.region, "website": company.website,
            "founded_on": company.founded_on}


def _import_companies(session: Session, directory: Path, refs: _Refs, report: ImportReport,
                      progress: Progress) -> dict[str, int]:
    """Upsert the companies as startups; permalink -> id of every imported company."""
    upsert = _Upsert(_stored_companies(session), report.companies)
    for row in _counted(reader.rows(directory, "companies"), progress):
        permalink = row["permalink"]
        parts = _permalink("companies", row, "permalink", report)
        if parts is None:
            continue
        if permalink in upsert.planned:
            report.skip(Skip.DUPLICATE_COMPANY, _where("companies", row, permalink))
            continue
        upsert.plan(permalink, _company(row, parts[1], refs, report))
    ids = upsert.write(session, Startup, _organization_values)
    # A startup's imported sector is its first; one whose sector changed gets it replaced.
    moved = list(upsert.changed)
    for batch in _batches(moved):
        session.execute(sa.delete(startup_sectors).where(startup_sectors.c.startup_id.in_(batch),
                                                         startup_sectors.c.position == 1))
    links = [(ids[permalink], company) for permalink, company in upsert.new.items()]
    links += [(id_, upsert.changed[id_]) for id_ in moved]
    _insert_rows(session, startup_sectors, [{"startup_id": id_, "sector_id": company.sector_id, "position": 1}
                                            for id_, company in links])
    return ids


# --- Rounds ---------------------------------------------------------------------------------


def _stored_rounds(session: Session) -> dict[str, tuple[int, _Round]]:
    query = sa.select(FundingRound.external_id, FundingRound.id, FundingRound.startup_id, FundingRound.round_type,
                      FundingRound.funded_on, FundingRound.stage_id, FundingRound.raised_amount_usd
                      ).where(FundingRound.source == SOURCE)
    return {external_id: (id_, _Round(*values)) for external_id, id_, *values in session.execute(query)}


def _read_rounds(directory: Path, companies: dict[str, int], refs: _Refs, report: ImportReport,
                 progress: Progress) -> dict[str, _Round]:
    """The file's rounds by key, rows of the same round merged."""
    rounds: dict[str, _Round] = {}
    for row in _counted(reader.rows(directory, "rounds"), progress):
        if _permalink("rounds", row, "company_permalink", report) is None:
            continue
        round_type = row["funding_round_type"]
        if not round_type or len(round_type) > MAX_ROUND_TYPE:
            report.skip(Skip.BAD_ROUND_TYPE, _where("rounds", row, repr(round_type)))
            continue
        funded_on = _funded_on("rounds", row, report)
        if funded_on is None:
            continue
        key = reader.round_key(row["company_permalink"], round_type, funded_on)
        startup_id = companies.get(row["company_permalink"])
        if startup_id is None:
            report.skip(Skip.UNKNOWN_COMPANY, _where("rounds", row, key))
            continue
        amount = _amount(row, _where("rounds", row, key), report)
        if key in rounds:
            report.fix(Fix.MERGED_ROUND, _where("rounds", row, key))
            earlier = rounds[key].raised_amount_usd
            if earlier is not None:
                amount = earlier + (amount or 0)
            rounds[key] = rounds[key]._replace(raised_amount_usd=amount)
            continue
        if round_type not in STAGE_BY_ROUND_TYPE:
            report.fix(Fix.UNKNOWN_ROUND_TYPE, _where("rounds", row, key))
        rounds[key] = _Round(startup_id=startup_id, round_type=round_type, funded_on=funded_on,
                             stage_id=refs.stage_of(round_type), raised_amount_usd=amount)
    return rounds


def _import_rounds(session: Session, directory: Path, companies: dict[str, int], refs: _Refs,
                   report: ImportReport, progress: Progress) -> dict[str, int]:
    """Upsert the rounds; round key -> id of every imported round."""
    upsert = _Upsert(_stored_rounds(session), report.rounds)
    for key, values in _read_rounds(directory, companies, refs, report, progress).items():
        upsert.plan(key, values)
    return upsert.write(session, FundingRound, _Round._asdict)


# --- Investors and investments --------------------------------------------------------------


def _stored_investors(session: Session) -> dict[str, tuple[int, _Investor]]:
    query = sa.select(Investor.external_id, Investor.id, Investor.name, Investor.region, Investor.investor_kind
                      ).where(Investor.source == SOURCE)
    return {external_id: (id_, _Investor(*values)) for external_id, id_, *values in session.execute(query)}


def _import_investments(session: Session, directory: Path, rounds: dict[str, int], report: ImportReport,
                        progress: Progress) -> None:
    """Upsert the investors named in the file, then add the investments not stored yet."""
    investors = _Upsert(_stored_investors(session), report.investors)
    pairs: dict[tuple[int, str], None] = {}  # (round id, investor external id), in file order
    for row in _counted(reader.rows(directory, "investments"), progress):
        if _permalink("investments", row, "company_permalink", report) is None:
            continue
        investor = _permalink("investments", row, "investor_permalink", report)
        if investor is None:
            continue
        kind = INVESTOR_KINDS.get(investor[0])
        if kind is None:
            report.skip(Skip.UNKNOWN_INVESTOR_KIND, _where("investments", row, row["investor_permalink"]))
            continue
        funded_on = _funded_on("investments", row, report)
        if funded_on is None:
            continue
        key = reader.round_key(row["company_permalink"], row["funding_round_type"], funded_on)
        round_id = rounds.get(key)
        if round_id is None:
            report.skip(Skip.UNKNOWN_ROUND, _where("investments", row, key))
            continue
        external_id = INVESTOR_PREFIX + row["investor_permalink"]
        if (round_id, external_id) in pairs:
            report.skip(Skip.DUPLICATE_INVESTMENT, _where("investments", row, f"{key} {row['investor_permalink']}"))
            continue
        pairs[round_id, external_id] = None
        if external_id not in investors.planned:
            where = _where("investments", row, row["investor_permalink"])
            investors.plan(external_id, _Investor(name=_name(row["investor_name"], investor[1], where, report),
                                                  region=_region(row["investor_region"]), investor_kind=kind))
    ids = investors.write(session, Investor, _Investor._asdict)
    stored = {(round_id, investor_id) for round_id, investor_id in session.execute(
        sa.select(investments.c.round_id, investments.c.investor_id).join(FundingRound)
        .where(FundingRound.source == SOURCE))}
    new = [{"round_id": round_id, "investor_id": ids[external_id]} for round_id, external_id in pairs
           if (round_id, ids[external_id]) not in stored]
    _insert_rows(session, investments, new)
    report.investments.added += len(new)
    report.investments.unchanged += len(pairs) - len(new)


# --- The use case ---------------------------------------------------------------------------


def _checked(directory: str | Path) -> Path:
    directory = Path(directory)
    try:
        reader.check(directory)
    except OSError as error:
        raise DomainError.on("directory", _l("Cannot read %(file)s: %(reason)s.",
                                             file=error.filename, reason=error.strerror)) from None
    except reader.FormatError as error:
        raise DomainError.on("directory", _l("%(file)s lacks the column(s) %(columns)s.",
                                             file=error.file, columns=", ".join(error.missing))) from None
    return directory


def rows_to_read(directory: str | Path) -> int:
    """How many rows ``import_export`` will read: the length of its progress."""
    return reader.count_rows(_checked(directory))


def import_export(session: Session, directory: str | Path, *,
                  progress: Progress = lambda n: None) -> ImportReport:
    """Import the export in ``directory`` in one transaction; ``progress(n)`` hears of rows read."""
    directory = _checked(directory)
    report = ImportReport()
    try:
        refs = _Refs.load(session)
        companies = _import_companies(session, directory, refs, report, progress)
        rounds = _import_rounds(session, directory, companies, refs, report, progress)
        _import_investments(session, directory, rounds, report, progress)
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return report
