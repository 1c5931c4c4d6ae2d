"""The investor's pipeline and the commitments it records on rounds.

An investor puts a need on its board (a ``PipelineCard``, one per investor and need), moves
it between the stages of ``PipelineStage`` (any move is allowed, each is audited with where
from and where to), keeps notes on it that only its own organization ever reads, and takes
it off the board. Cards, notes and their history belong to the investor alone: for anyone
else a card does not exist.

Moving a card on an equity need to term sheet or closed records what the investor commits
(``RoundCommitment``: the amount in yuan and whether it leads). The startup confirms it, or
rejects it; only confirmed commitments count, for the linked loans (``linked_loans``) and the
park's figures. A commitment that changes (another amount, lead, or a close after a term
sheet) waits for the startup's confirmation again.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from marketplace.errors import Conflict, DomainError, NotFound
from marketplace.i18n import yuan
from marketplace.models import FundingNeed, Investor, Startup
from marketplace.models.base import utcnow
from marketplace.models.deals import LoanOffer, PipelineCard, PipelineNote, RoundCommitment
from marketplace.models.enums import (
    AuditSubject,
    CommitmentKind,
    Instrument,
    NeedStatus,
    NotificationKind,
    PipelineStage,
)
from marketplace.services import audit, linked_loans, notifications
from marketplace.services.audit import Actor
from marketplace.services.listing_common import NUL_REFUSED
from marketplace.services.needs import MAX_YUAN

STAGES = list(PipelineStage)  # the board's columns, in order
COMMITTING = {PipelineStage.TERM_SHEET: CommitmentKind.TERM_SHEET, PipelineStage.CLOSED: CommitmentKind.CLOSE}
NOTE_LENGTH = 5_000

NO_SUCH_CARD = _l("There is no such card on your pipeline.")
NO_SUCH_NEED = _l("There is no open funding need with that number.")
NO_SUCH_COMMITMENT = _l("There is no such commitment on your funding needs.")


# --- Reading -----------------------------------------------------------------------------------

@dataclass
class Column:
    stage: PipelineStage
    cards: list[PipelineCard]

    @property
    def count(self) -> int:
        return len(self.cards)

    @property
    def total(self) -> int:
        """The sum of the needs' largest amounts, in yuan."""
        return sum(card.need.amount_max for card in self.cards)


def board(session: Session, investor_id: int) -> list[Column]:
    """The investor's cards by stage, the most recently moved first in each column."""
    cards = session.scalars(
        sa.select(PipelineCard).where(PipelineCard.investor_id == investor_id)
        .options(selectinload(PipelineCard.need).selectinload(FundingNeed.startup), selectinload(PipelineCard.notes))
        .order_by(PipelineCard.updated_at.desc(), PipelineCard.id.desc())
    ).all()
    return [Column(stage, [c for c in cards if c.stage == stage]) for stage in STAGES]


def card_of(session: Session, investor_id: int, card_id: int, *, lock: bool = False) -> PipelineCard:
    """The investor's own card; anyone else's does not exist."""
    query = sa.select(PipelineCard).where(PipelineCard.id == card_id, PipelineCard.investor_id == investor_id)
    card = session.scalar(query.with_for_update() if lock else query)
    if card is None:
        raise NotFound.on("_", NO_SUCH_CARD)
    return card


def card_for_need(session: Session, investor_id: int, need_id: int) -> PipelineCard | None:
    return session.scalar(sa.select(PipelineCard).where(
        PipelineCard.investor_id == investor_id, PipelineCard.need_id == need_id))


def commitment_of(session: Session, investor_id: int, need_id: int) -> RoundCommitment | None:
    return session.scalar(sa.select(RoundCommitment).where(
        RoundCommitment.investor_id == investor_id, RoundCommitment.need_id == need_id))


def history(session: Session, investor_id: int, card: PipelineCard) -> list[audit.Entry]:
    """The card's moves, and the commitment's history, as the investor sees them."""
    entries = audit.history(session, AuditSubject.CARD, card.id, investor_id)
    commitment = commitment_of(session, investor_id, card.need_id)
    if commitment is not None:
        entries += audit.history(session, AuditSubject.COMMITMENT, commitment.id, investor_id)
    return sorted(entries, key=lambda e: e.event.id)


# --- Cards -------------------------------------------------------------------------------------

def _investor(session: Session, investor_id: int) -> Investor:
    investor = session.get(Investor, investor_id)
    if investor is None:
        raise NotFound.on("_", NO_SUCH_CARD)
    return investor


def _open_need(session: Session, need_id: int) -> FundingNeed:
    need = session.get(FundingNeed, need_id)
    if need is None or need.status != NeedStatus.OPEN:
        raise NotFound.on("need", NO_SUCH_NEED)
    return need


def _new_card(session: Session, investor_id: int, need: FundingNeed, stage: PipelineStage,
              user_id: int | None) -> PipelineCard:
    card = PipelineCard(investor_id=investor_id, need_id=need.id, stage=stage)
    session.add(card)
    session.flush()
    audit.record(session, AuditSubject.CARD, card.id, "added", Actor(investor_id, user_id), [investor_id],
                 to_state=stage.value)
    return card


def add(session: Session, investor_id: int, user_id: int | None, need_id: int,
        stage: PipelineStage = PipelineStage.SOURCED) -> PipelineCard:
    """Put an open need on the investor's board (once)."""
    _investor(session, investor_id)
    need = _open_need(session, need_id)
    if card_for_need(session, investor_id, need_id) is not None:
        raise Conflict.on("need", _l("This need is already on your pipeline."))
    card = _new_card(session, investor_id, need, stage, user_id)
    try:
        session.commit()
    except IntegrityError:  # the same need added twice at the same moment: the database decides
        session.rollback()
        raise Conflict.on("need", _l("This need is already on your pipeline.")) from None
    return card


def track(session: Session, investor_id: int, need_id: int, stage: PipelineStage, *,
          user_id: int | None = None) -> PipelineCard | None:
    """Follow a need on the investor's board: add the card at ``stage`` when missing, or move it
    forward to ``stage`` (never back, never out of closed or lost).

    For other services (an introduction requested or accepted moves the card to ``intro``):
    it adds to the caller's transaction and does not commit. An organization that is not an
    investor has no board: nothing happens, None is returned. Only stages before term sheet
    may be tracked (those ask for an amount).
    """
    if stage in COMMITTING:
        raise ValueError("a term sheet or a close is recorded with move(), with its amount")
    if session.get(Investor, investor_id) is None:
        return None
    card = card_for_need(session, investor_id, need_id)
    if card is None:
        need = session.get(FundingNeed, need_id)
        if need is None:
            raise NotFound.on("need", NO_SUCH_NEED)
        return _new_card(session, investor_id, need, stage, user_id)
    if STAGES.index(stage) > STAGES.index(card.stage):
        _set_stage(session, card, stage, Actor(investor_id, user_id))
    return card


def _set_stage(session: Session, card: PipelineCard, stage: PipelineStage, actor: Actor) -> None:
    before = card.stage
    card.stage = stage
    card.updated_at = utcnow()
    audit.record(session, AuditSubject.CARD, card.id, "moved", actor, [card.investor_id],
                 from_state=before.value, to_state=stage.value)


def amount_error(amount: Any, need: FundingNeed) -> Any:
    """Why ``amount`` (yuan) cannot be committed to ``need``'s round, or None: no investor commits
    more than the whole round the startup asks for (it can raise its largest amount first)."""
    if amount is None:
        return _l("Enter the amount you commit.")
    if isinstance(amount, bool) or not isinstance(amount, int) or not 1 <= amount <= MAX_YUAN:
        return _l("Enter an amount from 1 to %(max)s yuan.", max=f"{MAX_YUAN:,}")
    if amount > need.amount_max:
        return _l("A commitment cannot be larger than the whole round, which asks for at most %(max)s.",
                  max=yuan(need.amount_max))
    return None


def move(session: Session, investor_id: int, user_id: int | None, card_id: int, stage: PipelineStage, *,
         amount: int | None = None, is_lead: bool = False) -> PipelineCard:
    """Move the card to ``stage``. To term sheet or closed on an equity need, ``amount`` (yuan)
    and ``is_lead`` record the commitment (or update it; the startup is asked to confirm)."""
    card = card_of(session, investor_id, card_id, lock=True)
    if not isinstance(stage, PipelineStage):
        raise DomainError.on("stage", _l("Choose a stage."))
    commits = stage in COMMITTING and card.need.instrument == Instrument.EQUITY
    if commits:
        problem = amount_error(amount, card.need)
        if problem is not None:
            raise DomainError.on("amount", problem)
    actor = Actor(investor_id, user_id)
    if stage != card.stage:
        _set_stage(session, card, stage, actor)
    if commits:
        _record(session, card, COMMITTING[stage], amount, bool(is_lead), actor)
    session.commit()
    return card


def add_note(session: Session, investor_id: int, user_id: int | None, card_id: int, body: Any) -> PipelineNote:
    """A note on the card, read by the investor's organization only."""
    card = card_of(session, investor_id, card_id)
    text = body.strip() if isinstance(body, str) else ""
    if not text:
        raise DomainError.on("body", _l("Write the note."))
    if "\x00" in text:
        raise DomainError.on("body", NUL_REFUSED)
    if len(text) > NOTE_LENGTH:
        raise DomainError.on("body", _l("A note may be at most %(max)d characters.", max=NOTE_LENGTH))
    note = PipelineNote(card=card, author_id=user_id, body=text)
    session.add(note)
    session.commit()
    return note


def remove(session: Session, investor_id: int, user_id: int | None, card_id: int) -> None:
    """Take the card (and its notes) off the board; a recorded commitment stays on the round."""
    card = card_of(session, investor_id, card_id, lock=True)
    audit.record(session, AuditSubject.CARD, card.id, "removed", Actor(investor_id, user_id), [investor_id],
                 from_state=card.stage.value)
    session.delete(card)
    session.commit()


# --- Commitments -------------------------------------------------------------------------------

def _parties(commitment: RoundCommitment) -> list[int]:
    return [commitment.investor_id, commitment.need.startup_id]


def _record(session: Session, card: PipelineCard, kind: CommitmentKind, amount: int, is_lead: bool,
            actor: Actor) -> RoundCommitment:
    need = card.need
    commitment = commitment_of(session, card.investor_id, need.id)
    if commitment is not None and (commitment.kind, commitment.amount, commitment.is_lead) == (kind, amount, is_lead):
        return commitment  # nothing new to confirm
    before = None
    if commitment is None:
        commitment = RoundCommitment(need=need, investor_id=card.investor_id, kind=kind, amount=amount,
                                     is_lead=is_lead)
        session.add(commitment)
        session.flush()
    else:
        before = _state(commitment)
        commitment.kind, commitment.amount, commitment.is_lead = kind, amount, is_lead
        commitment.confirmed_at = None
        commitment.updated_at = utcnow()
    audit.record(session, AuditSubject.COMMITMENT, commitment.id, "recorded", actor, _parties(commitment),
                 from_state=before, to_state=_state(commitment))
    investor = session.get(Investor, card.investor_id)
    notifications.notify(session, [need.startup_id], NotificationKind.COMMITMENT, "recorded",
                         {"org": notifications.org_name(investor), "need": notifications.need_title(need)},
                         link="/pipeline/commitments", except_user=actor.user_id)
    return commitment


def _state(commitment: RoundCommitment) -> str:
    """What the audit log says of a commitment, within its 32 characters: kind:yuan[:lead]."""
    return f"{commitment.kind.value}:{commitment.amount}{':lead' if commitment.is_lead else ''}"


def commitments_for_startup(session: Session, startup_id: int) -> list[RoundCommitment]:
    """The commitments recorded on the startup's needs, those awaiting it first."""
    return list(session.scalars(
        sa.select(RoundCommitment).join(FundingNeed, FundingNeed.id == RoundCommitment.need_id)
        .where(FundingNeed.startup_id == startup_id)
        .options(selectinload(RoundCommitment.investor), selectinload(RoundCommitment.need))
        .order_by(RoundCommitment.confirmed_at.is_not(None), RoundCommitment.updated_at.desc(),
                  RoundCommitment.id.desc())
    ))


def _startups_commitment(session: Session, startup_id: int, commitment_id: int) -> RoundCommitment:
    commitment = session.scalar(
        sa.select(RoundCommitment).join(FundingNeed, FundingNeed.id == RoundCommitment.need_id)
        .where(RoundCommitment.id == commitment_id, FundingNeed.startup_id == startup_id)
        .with_for_update(of=RoundCommitment))
    if commitment is None:
        raise NotFound.on("_", NO_SUCH_COMMITMENT)
    return commitment


def confirm(session: Session, startup_id: int, user_id: int | None, commitment_id: int) -> RoundCommitment:
    """The startup confirms what the investor recorded; a confirmed lead opens the linked loans."""
    commitment = _startups_commitment(session, startup_id, commitment_id)
    if commitment.confirmed_at is not None:
        raise Conflict.on("_", _l("This commitment is already confirmed."))
    commitment.confirmed_at = utcnow()
    actor = Actor(startup_id, user_id)
    audit.record(session, AuditSubject.COMMITMENT, commitment.id, "confirmed", actor, _parties(commitment),
                 to_state=_state(commitment))
    startup = session.get(Startup, startup_id)
    notifications.notify(session, [commitment.investor_id], NotificationKind.COMMITMENT, "confirmed",
                         {"org": notifications.org_name(startup), "need": notifications.need_title(commitment.need)},
                         link="/pipeline/", except_user=user_id)
    linked_loans.offer_on(session, commitment.need)
    session.commit()
    return commitment


def reject(session: Session, startup_id: int, user_id: int | None, commitment_id: int) -> None:
    """The startup does not recognize what the investor recorded: the commitment is removed
    (audited, the investor told). A confirmed commitment stays; so does one a loan was offered on."""
    commitment = _startups_commitment(session, startup_id, commitment_id)
    if commitment.confirmed_at is not None:
        raise Conflict.on("_", _l("A confirmed commitment cannot be rejected."))
    if session.scalar(sa.select(sa.exists().where(LoanOffer.commitment_id == commitment.id))):
        raise Conflict.on("_", _l("A linked loan was offered on this commitment: confirm it, or ask the "
                                  "investor to correct it."))
    audit.record(session, AuditSubject.COMMITMENT, commitment.id, "rejected", Actor(startup_id, user_id),
                 _parties(commitment), from_state=_state(commitment))
    startup = session.get(Startup, startup_id)
    notifications.notify(session, [commitment.investor_id], NotificationKind.COMMITMENT, "rejected",
                         {"org": notifications.org_name(startup), "need": notifications.need_title(commitment.need)},
                         link="/pipeline/", except_user=user_id)
    session.delete(commitment)
    session.commit()

