"""The deals a demo shows under way, played through the services the pages call.

``demo.load`` writes the marketplace; this module then acts as its users would, so that each
login finds work on its desk: the showcase startup an introduction to answer, a conversation
and a commitment to confirm; the login investor a pipeline and an incubator's proposal (孵投联动);
the login bank an application for the linked loan it offered on a confirmed lead (投贷联动); the
login incubator a startup asking for a seat and a resident it referred on (接力孵化). Every step
is the real one (state rules, audit log, notifications), so each commits on its own; ``played``
tells a second load that they are there. Each step is then dated back (``_days_ago``), so that
the deals read as the past fortnight's work, in the order they are played.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from marketplace.models import (
    AuditEvent,
    FundingNeed,
    Interaction,
    Introduction,
    IntroMessage,
    Investor,
    InvestorThesis,
    LoanOffer,
    LoanProduct,
    Notification,
    Partnership,
    PipelineCard,
    PipelineNote,
    RoundCommitment,
    Startup,
    User,
)
from marketplace.models.base import UTCDateTime, utcnow
from marketplace.models.enums import (
    Instrument,
    InvestorKind,
    LoanKind,
    NeedStatus,
    OfferStatus,
    PipelineStage,
    Role,
)
from marketplace.models.listings import thesis_sectors
from marketplace.models.organizations import startup_sectors
from marketplace.models.relay import Reservation
from marketplace.services import eligibility, intros, linked_loans, loan_products, partnerships, pipeline, relay
from marketplace.services.audit import Actor

M = 1_000_000
REQUEST = "我们重点关注{sector}方向的早中期项目，看到贵司的融资需求，希望进一步了解技术路线、客户进展和本轮融资安排。"
CONVERSATION = (  # (the founder speaks?, text)
    (True, "感谢关注！我们刚完成量产验证，附上最新的产品路线图。下周二或周三方便来园区面谈吗？"),
    (False, "周三下午两点可以，我们的合伙人和技术顾问会一同参加，届时也想看一下在手订单。"),
    (True, "好的，周三见。我们会准备客户名单和未来18个月的财务预测。"),
)
NOTES = {
    PipelineStage.MEETING: "已约创始团队面谈，重点核实核心技术团队背景。",
    PipelineStage.DUE_DILIGENCE: "技术尽调进行中：专利布局完整，需复核前五大客户集中度。",
}
PIPELINE = (PipelineStage.SOURCED, PipelineStage.MEETING, PipelineStage.DUE_DILIGENCE)
APPLICATION = "我们即将完成天使轮融资，希望入驻贵孵化器的专业实验室。"
REFERRAL = "该企业已完成在我处的孵化期，推荐接力入驻贵方加速器。"
DATED = (Introduction, IntroMessage, PipelineCard, PipelineNote, RoundCommitment, LoanOffer, Reservation,
         Partnership, Notification, AuditEvent, Interaction)  # what the steps write, and so date back
COUNTED = {"introductions": Introduction, "messages": IntroMessage, "pipeline_cards": PipelineCard,
           "commitments": RoundCommitment, "loan_offers": LoanOffer, "reservations": Reservation}


@dataclass(frozen=True)
class _Login:
    org_id: int
    user_id: int

    @property
    def actor(self) -> Actor:
        return Actor(self.org_id, self.user_id)


def _login(session: Session, email: str) -> _Login:
    user = session.scalar(sa.select(User).where(User.email == email))
    if user is None:
        raise LookupError(f"the demo has no user {email}")
    return _Login(user.organization_id, user.id)


def _user_of(session: Session, org_id: int) -> _Login:
    return _Login(org_id, session.scalar(sa.select(User.id).where(User.organization_id == org_id)
                                         .order_by(User.id).limit(1)))


@contextmanager
def _days_ago(session: Session, days: float) -> Iterator[None]:
    """Every timestamp the block sets on a ``DATED`` row, moved ``days`` back."""
    start = utcnow()
    yield
    shift = timedelta(days=days)
    for model in DATED:
        for prop in model.__mapper__.column_attrs:
            if isinstance(prop.columns[0].type, UTCDateTime):
                column = getattr(model, prop.key)
                for row in session.scalars(sa.select(model).where(column >= start)):
                    setattr(row, prop.key, getattr(row, prop.key) - shift)
    session.commit()


def _counts(session: Session) -> dict[str, int]:
    return {name: session.scalar(sa.select(sa.func.count()).select_from(model)) for name, model in COUNTED.items()}


def played(session: Session, investor_email: str) -> bool:
    """Whether the login investor has asked for an introduction (the first step ``play`` takes)."""
    investor = session.scalar(sa.select(User.organization_id).where(User.email == investor_email))
    return investor is not None and bool(session.scalar(
        sa.select(sa.exists().where(Introduction.requester_id == investor))))


def _open_equity_needs(session: Session, *, startup_id: int | None = None, sector_ids: list[int] | None = None,
                       stage_ids: list[int] | None = None) -> list[FundingNeed]:
    """Open equity needs every investor can see, largest first."""
    query = sa.select(FundingNeed).where(
        FundingNeed.status == NeedStatus.OPEN, FundingNeed.instrument == Instrument.EQUITY,
        sa.or_(FundingNeed.public_from.is_(None), FundingNeed.public_from <= utcnow()))
    if startup_id is not None:
        query = query.where(FundingNeed.startup_id == startup_id)
    if sector_ids is not None:
        query = query.where(FundingNeed.startup_id.in_(
            sa.select(startup_sectors.c.startup_id).where(startup_sectors.c.sector_id.in_(sector_ids))))
    if stage_ids is not None:
        query = query.where(FundingNeed.stage_id.in_(stage_ids))
    return list(session.scalars(query.order_by(FundingNeed.amount_max.desc(), FundingNeed.id)))


def _venture_investors(session: Session, sector_id: int | None, *, besides: int) -> list[int]:
    """Venture investors, those whose thesis names the sector first."""
    names_it = sa.exists().where(thesis_sectors.c.thesis_id == InvestorThesis.id,
                                 thesis_sectors.c.sector_id == sector_id)
    return list(session.scalars(
        sa.select(Investor.id).join(InvestorThesis)
        .where(Investor.investor_kind == InvestorKind.VC, Investor.id != besides, Investor.source.is_(None))
        .order_by(names_it.desc(), Investor.id)))


def _term_sheet(session: Session, investor: _Login, founder: _Login, need: FundingNeed,
                *, lead: bool, confirm: bool) -> None:
    """The investor records a term sheet on the need; the founder confirms it when ``confirm``."""
    card = pipeline.card_for_need(session, investor.org_id, need.id) or \
        pipeline.add(session, investor.org_id, investor.user_id, need.id)
    amount = max(M, need.amount_max * (6 if lead else 2) // 10 // M * M)  # a lead takes most of the round
    pipeline.move(session, investor.org_id, investor.user_id, card.id, PipelineStage.TERM_SHEET, amount=amount,
                  is_lead=lead)
    if confirm:
        commitment = pipeline.commitment_of(session, investor.org_id, need.id)
        pipeline.confirm(session, founder.org_id, founder.user_id, commitment.id)


def _bank_offer(session: Session, bank_id: int, lead_id: int, today: date) -> None:
    """If the showcase's round opened no loan of the login bank: a lead confirmed on the largest
    round its linked loan admits."""
    if session.scalar(sa.select(LoanOffer.id).join(LoanOffer.product).where(LoanProduct.bank_id == bank_id).limit(1)):
        return
    linked = [p for p in loan_products.active(session) if p.product.bank_id == bank_id
              and p.product.kind == LoanKind.LINKED]
    for need in _open_equity_needs(session):
        startup = session.get(Startup, need.startup_id)
        if linked and eligibility.admits(linked[0], startup, today):
            _term_sheet(session, _user_of(session, lead_id), _user_of(session, startup.id), need, lead=True,
                        confirm=True)
            return


def _application(session: Session, bank_id: int) -> None:
    """A startup applies for the first linked loan the login bank offered it."""
    offer = next(o for o in linked_loans.for_bank(session, bank_id) if o.status == OfferStatus.OFFERED)
    startup = _user_of(session, offer.need.startup_id)
    linked_loans.act(session, startup.org_id, startup.user_id, offer.id, "apply")


def _proposal(session: Session, investor_id: int) -> None:
    """An incubator the login investor does not work with yet proposes a partnership to it."""
    incubator = partnerships.candidates(session, investor_id)[0]
    partnerships.propose(session, _user_of(session, incubator.id).actor, investor_id)


def _relay(session: Session, incubator: _Login, showcase: _Login, today: date) -> None:
    """A startup looking for a seat asks the login incubator; the incubator refers the showcase on."""
    for startup in session.scalars(sa.select(Startup).where(Startup.seeking_incubation).order_by(Startup.id)):
        seats = [c for c in eligibility.capacities_for(session, startup, today) if c.incubator_id == incubator.org_id]
        if seats:
            relay.reserve(session, _user_of(session, startup.id).actor, seats[0].id, message=APPLICATION,
                          today=today)
            break
    startup = session.get(Startup, showcase.org_id)
    ranked = [s.id for s in startup.sectors]  # its main sector first
    elsewhere = sorted((c for c in eligibility.capacities_for(session, startup, today)
                        if c.incubator_id != incubator.org_id),
                       key=lambda c: (min((ranked.index(s.id) for s in c.sectors if s.id in ranked), default=0), c.id))
    if elsewhere:
        relay.reserve(session, incubator.actor, elsewhere[0].id, startup_id=showcase.org_id, message=REFERRAL,
                      today=today)


def play(session: Session, emails: dict[Role, str], today: date) -> dict[str, int]:
    """Play the demo's deals; ``emails`` names the login of each side. Returns how many rows of
    each kind (``COUNTED``) they added."""
    before = _counts(session)
    founder, vc = _login(session, emails[Role.STARTUP]), _login(session, emails[Role.INVESTOR])
    bank, incubator = _login(session, emails[Role.BANK]), _login(session, emails[Role.INCUBATOR])
    need = _open_equity_needs(session, startup_id=founder.org_id)[0]
    sector = need.startup.sectors[0] if need.startup.sectors else None
    request = REQUEST.format(sector=sector.name_zh if sector else "硬科技")
    others = _venture_investors(session, sector.id if sector else None, besides=vc.org_id)

    # the login investor: an introduction, a conversation, a lead the startup confirms
    with _days_ago(session, 13.2):
        intro = intros.request(session, vc.actor, need.id, request)
    with _days_ago(session, 12.9):
        intros.accept(session, founder.actor, intro.id)
    for (by_founder, body), days in zip(CONVERSATION, (12.8, 11.1, 10.9)):
        with _days_ago(session, days):
            intros.post(session, (founder if by_founder else vc).actor, intro.id, body)
    with _days_ago(session, 9.0):
        _term_sheet(session, vc, founder, need, lead=True, confirm=True)
    # other investors: a term sheet for the startup to confirm, an introduction for it to answer
    with _days_ago(session, 6.2):
        _term_sheet(session, _user_of(session, others[0]), founder, need, lead=False, confirm=False)
    with _days_ago(session, 5.1):
        intros.request(session, _user_of(session, others[1]).actor, need.id, request)
    # the login investor's pipeline: rounds its thesis names (sector and stage), with notes
    thesis = session.scalar(sa.select(InvestorThesis).where(InvestorThesis.investor_id == vc.org_id))
    tracked = [n for n in _open_equity_needs(session, sector_ids=[s.id for s in thesis.sectors],
                                             stage_ids=[s.id for s in thesis.stages])
               if n.startup_id != founder.org_id]
    for (stage, tracked_need), days in zip(zip(PIPELINE, tracked), (4.3, 3.2, 2.1)):
        with _days_ago(session, days):
            card = pipeline.add(session, vc.org_id, vc.user_id, tracked_need.id)
            if stage in NOTES:
                pipeline.move(session, vc.org_id, vc.user_id, card.id, stage)
                pipeline.add_note(session, vc.org_id, vc.user_id, card.id, NOTES[stage])
    with _days_ago(session, 1.2):
        _bank_offer(session, bank.org_id, others[-1], today)
    with _days_ago(session, 0.9):
        _application(session, bank.org_id)
    with _days_ago(session, 0.6):
        _proposal(session, vc.org_id)
    with _days_ago(session, 0.3):
        _relay(session, incubator, founder, today)
    after = _counts(session)
    return {name: after[name] - before[name] for name in COUNTED}
