"""The adapter between the database and ``recommender``: rows in, plain records out.

This is the one module that knows both sides. Every ranked direction sees the marketplace as
rounds and "investors" in the recommender's sense:

* rounds: past funding rounds (``round:<id>``, with who invested: the history), open and past
  funding needs (``need:<id>``), and a startup's own profile (``startup:<id>``) when it is the
  thing being matched (incubators rank startups, a startup without an open need);
* investors: investor organizations with their thesis, banks and incubators as organizations
  (``org:<id>``, their declared bands the union of their offers), and single offers: loan
  products (``product:<id>``) and incubation capacities (``capacity:<id>``).

Interactions are investments ("funded") and the interaction log (saved, dismissed, intros).
Amounts are yuan; a round recorded in US dollars is converted at ``USD_TO_YUAN``.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from marketplace import clock
from marketplace.models import (
    AuditEvent,
    Bank,
    FundingNeed,
    FundingRound,
    IncubationCapacity,
    Incubator,
    Interaction,
    Investor,
    InvestorThesis,
    LoanProduct,
    OfferRevision,
    Park,
    Sector,
    Stage,
    Startup,
    ThesisRevision,
)
from marketplace.models.enums import AuditSubject, InteractionAction, NeedStatus, PartnershipStatus, TargetKind
from marketplace.models.history import investments
from marketplace.models.listings import (
    capacity_sectors,
    need_sectors,
    product_sectors,
    product_stages,
    thesis_parks,
    thesis_partner_incubators,
    thesis_sector_groups,
    thesis_sectors,
    thesis_stages,
)
from marketplace.models.organizations import startup_sectors
from marketplace.models.relay import IncubationStay, Partnership
from recommender.records import Dataset, Round
from recommender.records import Interaction as Link
from recommender.records import Investor as InvestorRecord

USD_TO_YUAN = 7.2

# What the recommender makes of each logged action (see recommender.records.KIND_WEIGHTS).
ACTION_KINDS = {
    InteractionAction.SAVE: "saved",
    InteractionAction.DISMISS: "dismissed",
    InteractionAction.INTRO_REQUESTED: "intro_requested",
    InteractionAction.INTRO_ACCEPTED: "intro_accepted",
    InteractionAction.FUNDED: "funded",
}


def need_key(need_id: int) -> str:
    return f"need:{need_id}"


def startup_key(startup_id: int) -> str:
    return f"startup:{startup_id}"


def org_key(org_id: int) -> str:
    return f"org:{org_id}"


def product_key(product_id: int) -> str:
    return f"product:{product_id}"


def capacity_key(capacity_id: int) -> str:
    return f"capacity:{capacity_id}"


def key_id(key: str) -> int:
    """``"need:12"`` -> 12."""
    return int(key.rsplit(":", 1)[1])


class _Words:
    """Codes of the reference rows by id, read once per build."""

    def __init__(self, session: Session):
        self.sector = {i: (code, group.value) for i, code, group in
                       session.execute(sa.select(Sector.id, Sector.code, Sector.group))}
        self.stage = {i: (code, ordinal) for i, code, ordinal in
                      session.execute(sa.select(Stage.id, Stage.code, Stage.ordinal))}
        self.park = dict(session.execute(sa.select(Park.id, Park.code)).all())
        self.stage_rank = dict(self.stage.values())  # by code


def _grouped(session: Session, query: sa.Select) -> dict[int, list]:
    out: dict[int, list] = defaultdict(list)
    for owner, value in session.execute(query):
        out[owner].append(value)
    return out


class _Startups:
    """Each startup's primary sector, stage, park and text, for the rounds it raises."""

    def __init__(self, session: Session, words: _Words):
        self.words = words
        self.by_startup = _grouped(session, sa.select(startup_sectors.c.startup_id, startup_sectors.c.sector_id)
                                .order_by(startup_sectors.c.startup_id, startup_sectors.c.position))
        self.rows = {row.id: row for row in session.execute(sa.select(
            Startup.id, Startup.stage_id, Startup.park_id, Startup.summary_zh, Startup.summary_en, Startup.name))}
        # The incubator each startup is at now (its current stay), the round's incubator link.
        self.incubators = dict(session.execute(sa.select(IncubationStay.startup_id, IncubationStay.incubator_id)
                                               .where(IncubationStay.ended_on.is_(None))
                                               .order_by(IncubationStay.started_on, IncubationStay.id)).all())

    def incubator(self, startup_id: int) -> str:
        incubator_id = self.incubators.get(startup_id)
        return org_key(incubator_id) if incubator_id is not None else ""

    def sectors(self, startup_id: int, own: Iterable[int] = ()) -> dict[str, Any]:
        """A round's sector fields (``Round.sector`` ... ``sector_groups``): ``own`` (a need's), else
        the startup's, the first being the one the features use."""
        codes = [self.words.sector[i] for i in (list(own) or self.by_startup.get(startup_id, []))
                 if i in self.words.sector]
        first = codes[0] if codes else ("", "")
        return {"sector": first[0], "sector_group": first[1], "sectors": tuple(c for c, _ in codes),
                "sector_groups": tuple(dict.fromkeys(g for _, g in codes))}

    def park(self, startup_id: int) -> str:
        row = self.rows.get(startup_id)
        return self.words.park.get(row.park_id, "") if row is not None and row.park_id else ""

    def text(self, startup_id: int) -> str:
        row = self.rows.get(startup_id)
        return " ".join(filter(None, (row.summary_zh, row.summary_en))) if row is not None else ""

    def round(self, startup_id: int, day: date) -> Round | None:
        """The startup itself as a thing to match (its profile, no amount)."""
        row = self.rows.get(startup_id)
        if row is None:
            return None
        stage, rank = self.words.stage.get(row.stage_id, ("", None))
        return Round(key=startup_key(startup_id), company=startup_key(startup_id), date=day,
                     **self.sectors(startup_id), stage=stage, stage_rank=rank, region=self.park(startup_id),
                     text=" ".join(filter(None, (row.name, self.text(startup_id)))),
                     incubator=self.incubator(startup_id))


def need_rounds(session: Session, need_ids: Iterable[int] | None = None, *, statuses=None,
                words: _Words | None = None, startups: _Startups | None = None) -> list[Round]:
    """Funding needs as rounds: all of ``need_ids``, or every need of ``statuses`` (not drafts)."""
    words = words or _Words(session)
    startups = startups or _Startups(session, words)
    if need_ids is not None:
        chosen = FundingNeed.id.in_(list(need_ids))
    else:
        chosen = FundingNeed.status.in_(statuses or (NeedStatus.OPEN, NeedStatus.CLOSED, NeedStatus.FUNDED))
    rows = session.execute(sa.select(FundingNeed.id, FundingNeed.startup_id, FundingNeed.stage_id,
                                     FundingNeed.amount_min, FundingNeed.amount_max, FundingNeed.title,
                                     FundingNeed.title_en, FundingNeed.summary, FundingNeed.summary_en,
                                     FundingNeed.created_at)
                           .where(chosen).order_by(FundingNeed.id)).all()
    # the same choice joined, not the ids listed: PostgreSQL takes at most 65,535 parameters a query
    sectors = _grouped(session, sa.select(need_sectors.c.need_id, need_sectors.c.sector_id)
                       .join(FundingNeed, FundingNeed.id == need_sectors.c.need_id).where(chosen)
                       .order_by(need_sectors.c.need_id, need_sectors.c.sector_id)) if rows else {}
    out = []
    for r in rows:
        stage, rank = words.stage.get(r.stage_id, ("", None))
        out.append(Round(key=need_key(r.id), company=startup_key(r.startup_id), date=clock.day_of(r.created_at),
                         **startups.sectors(r.startup_id, sectors.get(r.id, ())), stage=stage, stage_rank=rank,
                         region=startups.park(r.startup_id), amount=float(r.amount_max),
                         amount_min=float(r.amount_min),
                         text=" ".join(filter(None, (r.title, r.title_en, r.summary, r.summary_en,
                                                     startups.text(r.startup_id)))),
                         incubator=startups.incubator(r.startup_id)))
    return out


def startup_rounds(session: Session, startup_ids: Iterable[int], day: date) -> list[Round]:
    """Startups' profiles as rounds (what an incubator or a startup without a need is matched on)."""
    startups = _Startups(session, _Words(session))
    return [r for r in (startups.round(i, day) for i in startup_ids) if r is not None]


def _history_rounds(session: Session, words: _Words, startups: _Startups) -> tuple[list[Round], list[Link]]:
    rounds, links = [], []
    for r in session.execute(sa.select(FundingRound.id, FundingRound.startup_id, FundingRound.stage_id,
                                       FundingRound.round_type, FundingRound.funded_on,
                                       FundingRound.raised_amount_usd).order_by(FundingRound.id)):
        stage, rank = words.stage.get(r.stage_id, (r.round_type, None))
        rounds.append(Round(key=f"round:{r.id}", company=startup_key(r.startup_id), date=r.funded_on,
                            **startups.sectors(r.startup_id), stage=stage, stage_rank=rank,
                            region=startups.park(r.startup_id),
                            amount=None if r.raised_amount_usd is None else r.raised_amount_usd * USD_TO_YUAN))
    for round_id, investor_id in session.execute(sa.select(investments.c.round_id, investments.c.investor_id)):
        links.append(Link(investor=org_key(investor_id), round=f"round:{round_id}", kind="funded"))
    return rounds, links


def _logged(session: Session, need_keys: set[str]) -> list[Link]:
    """The interaction log on needs, as the recommender's interactions, each dated when it was done
    (training replays the history: an intro accepted after a cut is not known at the cut)."""
    out = []
    for org_id, target_id, action, done in session.execute(
            sa.select(Interaction.organization_id, Interaction.target_id, Interaction.action, Interaction.created_at)
            .where(Interaction.target_kind == TargetKind.NEED, Interaction.action.in_(list(ACTION_KINDS)))
            .order_by(Interaction.id)):
        key = need_key(target_id)
        if key in need_keys:
            out.append(Link(investor=org_key(org_id), round=key, kind=ACTION_KINDS[action], day=clock.day_of(done)))
    return out


def _band(ordinals: list[int]) -> tuple[float | None, float | None]:
    return (float(min(ordinals)), float(max(ordinals))) if ordinals else (None, None)


def investor_records(session: Session, words: _Words) -> tuple[list[InvestorRecord], list[InvestorRecord]]:
    """Investor organizations with their theses and the incubators they work with (孵投联动), as they
    stand and as they stood on each earlier day one of them changed: a thesis rewritten (its kept
    versions) or a partnership accepted."""
    theses = {row.investor_id: row for row in session.execute(sa.select(
        InvestorThesis.id, InvestorThesis.investor_id, InvestorThesis.summary, InvestorThesis.ticket_min,
        InvestorThesis.ticket_max, InvestorThesis.updated_at))}
    by_thesis = {row.id: row.investor_id for row in theses.values()}

    def per_investor(table, column) -> dict[int, list]:
        grouped = _grouped(session, sa.select(table.c.thesis_id, column))
        return {by_thesis[t]: values for t, values in grouped.items() if t in by_thesis}

    sectors = per_investor(thesis_sectors, thesis_sectors.c.sector_id)
    groups = per_investor(thesis_sector_groups, thesis_sector_groups.c.sector_group)
    stages = per_investor(thesis_stages, thesis_stages.c.stage_id)
    parks = per_investor(thesis_parks, thesis_parks.c.park_id)
    partners = per_investor(thesis_partner_incubators, thesis_partner_incubators.c.incubator_id)
    orgs = {row.id: row for row in session.execute(sa.select(Investor.id, Investor.investor_kind, Investor.park_id,
                                                             Investor.created_at).order_by(Investor.id))}
    # each investor's theses, oldest first: the kept versions, then the one it holds now
    versions: dict[int, list[tuple[date | None, dict]]] = defaultdict(list)
    for r in session.execute(sa.select(ThesisRevision.investor_id, ThesisRevision.declared,
                                       ThesisRevision.declared_at).order_by(ThesisRevision.declared_at,
                                                                            ThesisRevision.id)):
        versions[r.investor_id].append((clock.day_of(r.declared_at), r.declared))
    for org_id in orgs:
        thesis = theses.get(org_id)
        versions[org_id].append((None if thesis is None else clock.day_of(thesis.updated_at), {
            "sectors": [words.sector[s][0] for s in sectors.get(org_id, [])],
            "sector_groups": [getattr(g, "value", g) for g in groups.get(org_id, [])],
            "stages": [words.stage[s][0] for s in stages.get(org_id, [])],
            "parks": [words.park[p] for p in parks.get(org_id, [])], "partner_incubators": partners.get(org_id, []),
            "ticket_min": None if thesis is None else thesis.ticket_min,
            "ticket_max": None if thesis is None else thesis.ticket_max,
            "summary": "" if thesis is None else thesis.summary,
        }))
    # partnerships accepted, from the day they were (to the day they ended, if they did); a pair
    # that ended and was proposed again keeps one row, so its earlier periods are read from the log
    partnered: dict[int, list[tuple[int, date, date | None]]] = defaultdict(list)
    earlier_periods = _ended_periods(session)
    for row_id, investor_id, incubator_id, status, answered, made, changed in session.execute(
            sa.select(Partnership.id, Partnership.investor_id, Partnership.incubator_id, Partnership.status,
                      Partnership.answered_at, Partnership.created_at, Partnership.updated_at)
            .order_by(Partnership.id)):
        partnered[investor_id] += [(incubator_id, on, ended) for on, ended in earlier_periods.get(row_id, [])]
        if status == PartnershipStatus.ACCEPTED or (status == PartnershipStatus.ENDED and answered is not None):
            ended = clock.day_of(changed) if status == PartnershipStatus.ENDED else None
            partnered[investor_id].append((incubator_id, clock.day_of(answered or made), ended))

    def record(org_id: int, day: date | None) -> InvestorRecord:
        """What the investor declared on ``day`` (None: it never changed anything): its thesis then,
        else its first one, and the partnerships in force."""
        held = [declared for made, declared in versions[org_id] if made is not None and made <= day]
        declared = held[-1] if held else versions[org_id][0][1]
        incubators = list(declared["partner_incubators"])
        incubators += [i for i, on, ended in partnered[org_id]
                       if i not in incubators and on <= day and (ended is None or day < ended)]
        low, high = _band([words.stage_rank[s] for s in declared["stages"]])
        org = orgs[org_id]
        return InvestorRecord(
            id=org_key(org_id), kind=org.investor_kind.value, region=words.park.get(org.park_id, ""),
            sectors=tuple(declared["sectors"]), sector_groups=tuple(declared["sector_groups"]),
            stage_min=low, stage_max=high,
            ticket_min=declared["ticket_min"], ticket_max=declared["ticket_max"],
            regions=tuple(declared["parks"]), text=declared["summary"], incubators=tuple(map(org_key, incubators)),
            since=clock.day_of(org.created_at), declared=day)

    current, earlier = [], []
    for org_id, org in orgs.items():
        # from its sign-up on: before its first change it worked with no incubator yet
        days = sorted({made for made, _ in versions[org_id] if made is not None}
                      | {d for _, on, ended in partnered[org_id] for d in (on, ended) if d is not None}
                      | ({clock.day_of(org.created_at)} if partnered[org_id] else set()))
        current.append(record(org_id, days[-1] if days else None))
        earlier += [record(org_id, day) for day in days[:-1]]
    return current, earlier


def _ended_periods(session: Session) -> dict[int, list[tuple[date, date]]]:
    """Each partnership's periods in force before it was last proposed, from the audit log (the row
    itself holds only its latest proposal): (day accepted, day ended)."""
    periods: dict[int, list[tuple[date, date]]] = defaultdict(list)
    closed: dict[int, list[tuple[date, date]]] = {}
    accepted: dict[int, date] = {}
    for row_id, to_state, at in session.execute(
            sa.select(AuditEvent.subject_id, AuditEvent.to_state, AuditEvent.created_at)
            .where(AuditEvent.subject == AuditSubject.PARTNERSHIP).order_by(AuditEvent.id)):
        if to_state == PartnershipStatus.REQUESTED.value:  # a new proposal: what came before is past
            closed[row_id] = list(periods[row_id])
        elif to_state == PartnershipStatus.ACCEPTED.value:
            accepted[row_id] = clock.day_of(at)
        elif to_state == PartnershipStatus.ENDED.value and row_id in accepted:
            periods[row_id].append((accepted.pop(row_id), clock.day_of(at)))
    return closed


def product_records(session: Session, words: _Words) -> tuple[list[InvestorRecord], list[InvestorRecord]]:
    """Active loan products as "investors" (kind ``loan_<kind>``), and each bank as the union of them;
    and, as they were on each earlier day one of them was launched, changed or withdrawn, the
    products and the banks (``_unions``)."""
    sectors = _grouped(session, sa.select(product_sectors.c.product_id, product_sectors.c.sector_id))
    stages = _grouped(session, sa.select(product_stages.c.product_id, product_stages.c.stage_id))
    orgs = {row.id: row for row in session.execute(sa.select(Bank.id, Bank.park_id, Bank.created_at))}
    kept = _offer_versions(session, OfferRevision.product_id)
    out, earlier, banks = [], [], defaultdict(list)
    for p in session.execute(sa.select(LoanProduct.id, LoanProduct.bank_id, LoanProduct.kind, LoanProduct.name,
                                       LoanProduct.name_en, LoanProduct.description, LoanProduct.description_en,
                                       LoanProduct.amount_min, LoanProduct.amount_max, LoanProduct.is_active,
                                       LoanProduct.created_at)
                             .order_by(LoanProduct.id)):
        region, since = words.park.get(orgs[p.bank_id].park_id, ""), clock.day_of(p.created_at)
        terms = {"name": p.name, "name_en": p.name_en, "description": p.description,
                 "description_en": p.description_en, "amount_min": p.amount_min, "amount_max": p.amount_max,
                 "sectors": [words.sector[s][0] for s in sectors.get(p.id, [])],
                 "stages": [words.stage[s][0] for s in stages.get(p.id, [])], "is_active": p.is_active}
        versions = [(day, _product_record(product_key(p.id), p.kind.value, region, held, words, since, day)
                     if held["is_active"] else None) for day, held in _versions(kept.get(p.id, []), terms, since)]
        banks[p.bank_id].append(versions)
        if p.is_active:
            out.append(_latest(versions))
            earlier += [record for _, record in versions[:-1] if record is not None]
    for bank_id, bank in sorted(orgs.items()):
        now, before = _unions(org_key(bank_id), "bank", words.park.get(bank.park_id, ""), banks.get(bank_id, []),
                              clock.day_of(bank.created_at))
        out.append(now)
        earlier += before
    return out, earlier


def _product_record(key: str, kind: str, region: str, terms: dict, words: _Words, since: date,
                    day: date) -> InvestorRecord:
    """A loan product in its terms (taxonomy codes, as ``offer_revisions`` keeps them)."""
    low, high = _band([words.stage_rank[s] for s in terms["stages"]])
    return InvestorRecord(
        id=key, kind=f"loan_{kind}", region=region, sectors=tuple(terms["sectors"]), stage_min=low, stage_max=high,
        ticket_min=float(terms["amount_min"]), ticket_max=float(terms["amount_max"]),
        text=f"{terms['name']} {terms['name_en'] or ''} {terms['description']} {terms['description_en'] or ''}",
        since=since, declared=day)


def capacity_records(session: Session, words: _Words) -> tuple[list[InvestorRecord], list[InvestorRecord]]:
    """Incubation capacities as "investors" (kind ``capacity``), and each incubator as their union;
    and, as they were on each earlier day one of them was offered or changed, the capacities and the
    incubators (``_unions``)."""
    sectors = _grouped(session, sa.select(capacity_sectors.c.capacity_id, capacity_sectors.c.sector_id))
    orgs = {row.id: row for row in session.execute(sa.select(Incubator.id, Incubator.park_id, Incubator.created_at))}
    kept = _offer_versions(session, OfferRevision.capacity_id)
    out, earlier, incubators = [], [], defaultdict(list)
    for c in session.execute(sa.select(IncubationCapacity.id, IncubationCapacity.incubator_id,
                                       IncubationCapacity.title, IncubationCapacity.title_en,
                                       IncubationCapacity.conditions, IncubationCapacity.conditions_en,
                                       IncubationCapacity.stage_min_id, IncubationCapacity.stage_max_id,
                                       IncubationCapacity.created_at)
                             .order_by(IncubationCapacity.id)):
        region, since = words.park.get(orgs[c.incubator_id].park_id, ""), clock.day_of(c.created_at)
        terms = {"title": c.title, "title_en": c.title_en, "conditions": c.conditions,
                 "conditions_en": c.conditions_en, "sectors": [words.sector[s][0] for s in sectors.get(c.id, [])],
                 "stage_min": words.stage[c.stage_min_id][0], "stage_max": words.stage[c.stage_max_id][0]}
        versions = [(day, _capacity_record(capacity_key(c.id), region, held, words, since, day))
                    for day, held in _versions(kept.get(c.id, []), terms, since)]
        out.append(_latest(versions))
        earlier += [record for _, record in versions[:-1]]
        incubators[c.incubator_id].append(versions)
    for incubator_id, incubator in sorted(orgs.items()):
        now, before = _unions(org_key(incubator_id), "incubator", words.park.get(incubator.park_id, ""),
                              incubators.get(incubator_id, []), clock.day_of(incubator.created_at))
        out.append(now)
        earlier += before
    return out, earlier


def _capacity_record(key: str, region: str, terms: dict, words: _Words, since: date, day: date) -> InvestorRecord:
    """An incubation capacity in its terms (taxonomy codes, as ``offer_revisions`` keeps them)."""
    return InvestorRecord(
        id=key, kind="capacity", region=region, sectors=tuple(terms["sectors"]),
        stage_min=float(words.stage_rank[terms["stage_min"]]), stage_max=float(words.stage_rank[terms["stage_max"]]),
        text=f"{terms['title']} {terms['title_en'] or ''} {terms['conditions']} {terms['conditions_en'] or ''}",
        since=since, declared=day)


def _offer_versions(session: Session, column) -> dict[int, list[tuple[date, date, dict]]]:
    """The versions of each offer its owner replaced, oldest first: (declared, replaced, terms)."""
    out: dict[int, list[tuple[date, date, dict]]] = defaultdict(list)
    for offer_id, declared, replaced, terms in session.execute(
            sa.select(column, OfferRevision.declared_at, OfferRevision.replaced_at, OfferRevision.terms)
            .where(column.is_not(None)).order_by(OfferRevision.replaced_at, OfferRevision.id)):
        out[offer_id].append((clock.day_of(declared), clock.day_of(replaced), terms))
    return out


def _versions(kept: list[tuple[date, date, dict]], terms: dict, since: date) -> list[tuple[date, dict]]:
    """An offer's terms from the day each version was declared, its current ``terms`` last (declared
    when the last kept version was replaced, else when the offer was made). On a day with several
    versions, the day's last stands."""
    versions = [(declared, held) for declared, _, held in kept] + [(kept[-1][1] if kept else since, terms)]
    return list({day: held for day, held in versions}.items())


def _latest(versions: list[tuple[date, InvestorRecord | None]]) -> InvestorRecord:
    """An offer as it reads today, declared on the day of its latest version if it has earlier ones."""
    record = versions[-1][1]
    assert record is not None
    return record if len(versions) > 1 else replace(record, declared=None)


def offer_keys(session: Session, today: date) -> dict[str, tuple[str, ...]]:
    """The offers a reason may name when it says which of an organization's offers a match fits: a
    bank's active loan products, an incubator's capacities a startup can take a seat on today (not
    a full, closed or ended one)."""
    out = defaultdict(list)
    for product_id, bank_id in session.execute(sa.select(LoanProduct.id, LoanProduct.bank_id)
                                               .where(LoanProduct.is_active).order_by(LoanProduct.id)):
        out[org_key(bank_id)].append(product_key(product_id))
    for capacity_id, incubator_id in session.execute(sa.select(IncubationCapacity.id, IncubationCapacity.incubator_id)
                                                     .where(IncubationCapacity.taking(today))
                                                     .order_by(IncubationCapacity.id)):
        out[org_key(incubator_id)].append(capacity_key(capacity_id))
    return {key: tuple(offers) for key, offers in out.items()}


def _unions(key: str, kind: str, region: str, offers: list[list[tuple[date, InvestorRecord | None]]],
            since: date) -> tuple[InvestorRecord, list[InvestorRecord]]:
    """An organization described by all its offers together, declared on the day of its latest
    change; and by those it had on each earlier day one was made, changed or withdrawn (None), so that
    the replay of a day before a bank's biotech product was launched does not describe the bank as
    lending to biotech."""
    days = sorted({day for versions in offers for day, _ in versions})

    def held(day: date) -> list[InvestorRecord]:
        now = [[record for made, record in versions if made <= day] for versions in offers]
        return [records[-1] for records in now if records and records[-1] is not None]
    unions = [_union(key, kind, region, held(day), since, day) for day in days]
    return (unions[-1] if unions else _union(key, kind, region, [], since, None)), unions[:-1]


def _union(key: str, kind: str, region: str, offers: list[InvestorRecord], since: date,
           declared: date | None) -> InvestorRecord:
    """An organization described by ``offers`` together."""
    lows = [o.stage_min for o in offers if o.stage_min is not None]
    highs = [o.stage_max for o in offers if o.stage_max is not None]
    tickets_low = [o.ticket_min for o in offers if o.ticket_min is not None]
    tickets_high = [o.ticket_max for o in offers if o.ticket_max is not None]
    # an offer open to every sector opens the organization to every sector
    sectors = () if any(not o.sectors for o in offers) else tuple(sorted({s for o in offers for s in o.sectors}))
    return InvestorRecord(id=key, kind=kind, region=region, sectors=sectors,
                          stage_min=min(lows) if lows else None, stage_max=max(highs) if highs else None,
                          ticket_min=min(tickets_low) if tickets_low else None,
                          ticket_max=max(tickets_high) if tickets_high else None,
                          text=" ".join(o.text for o in offers), since=since, declared=declared)


def dataset(session: Session, today: date) -> Dataset:
    """Everything the recommender may learn from, as known ``today``: past rounds and who joined
    them, every need that was ever open and what was done with it, and what every investor,
    bank, loan product, incubator and capacity declares."""
    words = _Words(session)
    startups = _Startups(session, words)
    rounds, links = _history_rounds(session, words, startups)
    needs = need_rounds(session, words=words, startups=startups)
    links += _logged(session, {r.key for r in needs})
    investors, revisions = investor_records(session, words)
    for records, earlier in (product_records(session, words), capacity_records(session, words)):
        investors += records
        revisions += earlier
    return Dataset.from_records(rounds + needs, links, investors, as_of=today + timedelta(days=1), revisions=revisions)
