"""投贷联动: linked loans offered on an equity round with a confirmed lead.

When the startup confirms a lead commitment on an equity need (see ``pipeline.confirm``),
every active linked-loan product the startup is eligible for is offered to it:

* eligible: the product's sectors, stages, enterprise tiers and months of operation admit the
  startup (``eligibility.admits``), and, when the product names qualifying investor kinds, a
  confirmed lead of the round is of one of them;
* sized: the product's loan-to-equity ratio times the round's *confirmed equity*, the sum of
  all its confirmed commitments (the lead's and the followers'): a bank lends against the equity
  the company actually receives in the round, and a lead that commits a small part of a large
  round would otherwise understate it. The lead's role is to qualify the round; unconfirmed
  commitments count for nothing. The amount is capped at the product's maximum; below its
  minimum the product is not offered;
* shown with the product's warrant coverage (认股权), if any: coverage x the loan.

A later confirmation on the same round re-sizes the offers still waiting for the startup.
The offer then moves: offered -> applied or declined (by the startup), applied -> approved or
declined (by the bank), approved -> disbursed (by the bank). Every move is audited for the
startup and the bank, and the other side is told.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_FLOOR, Decimal

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session, selectinload

from marketplace import clock
from marketplace.errors import Conflict, NotFound
from marketplace.models import FundingNeed, LoanProduct, Startup
from marketplace.models.base import utcnow
from marketplace.models.deals import LoanOffer, RoundCommitment
from marketplace.models.enums import AuditSubject, Instrument, LoanKind, NotificationKind, OfferStatus
from marketplace.services import audit, eligibility, loan_products, notifications
from marketplace.services.audit import Actor
from marketplace.services.loan_products import ProductListing

SYSTEM = Actor(None, None)

# action -> (from, to), per side
STARTUP_MOVES = {"apply": (OfferStatus.OFFERED, OfferStatus.APPLIED),
                 "decline": (OfferStatus.OFFERED, OfferStatus.DECLINED)}
BANK_MOVES = {"approve": (OfferStatus.APPLIED, OfferStatus.APPROVED),
              "decline": (OfferStatus.APPLIED, OfferStatus.DECLINED),
              "disburse": (OfferStatus.APPROVED, OfferStatus.DISBURSED)}
NO_SUCH_OFFER = _l("There is no such loan offer.")


# --- The round ---------------------------------------------------------------------------------

def confirmed_equity(session: Session, need_id: int) -> int:
    """The yuan confirmed on a need's round: the sum of its confirmed commitments."""
    return int(session.scalar(sa.select(sa.func.coalesce(sa.func.sum(RoundCommitment.amount), 0)).where(
        RoundCommitment.need_id == need_id, RoundCommitment.confirmed_at.is_not(None))) or 0)


def confirmed_leads(session: Session, need_id: int) -> list[RoundCommitment]:
    """The round's confirmed lead commitments, the largest first."""
    return list(session.scalars(
        sa.select(RoundCommitment).where(RoundCommitment.need_id == need_id, RoundCommitment.is_lead,
                                         RoundCommitment.confirmed_at.is_not(None))
        .options(selectinload(RoundCommitment.investor))
        .order_by(RoundCommitment.amount.desc(), RoundCommitment.id)))


@dataclass
class LinkedRound:
    """What the bank sees of the round its loan rides on (never the need's confidential fields)."""

    need: FundingNeed
    leads: list[RoundCommitment]
    confirmed_amount: int


def linked_round(session: Session, need: FundingNeed) -> LinkedRound:
    return LinkedRound(need, confirmed_leads(session, need.id), confirmed_equity(session, need.id))


def offer_amount(product: LoanProduct, equity: int) -> int | None:
    """ratio x equity, capped at the product's maximum; None below its minimum."""
    if not product.loan_to_equity_ratio or equity <= 0:
        return None
    amount = int((Decimal(equity) * Decimal(product.loan_to_equity_ratio)).to_integral_value(rounding=ROUND_FLOOR))
    amount = min(amount, product.amount_max)
    return amount if amount >= max(product.amount_min, 1) else None


def warrant_value(offer: LoanOffer) -> int | None:
    """The warrants (认股权) the bank takes: the product's coverage x the loan, in yuan."""
    coverage = offer.product.warrant_coverage
    return None if not coverage else int(Decimal(offer.amount) * Decimal(coverage))


def _qualifying_lead(listing: ProductListing, leads: list[RoundCommitment]) -> RoundCommitment | None:
    for lead in leads:
        if not listing.investor_kinds or lead.investor.investor_kind in listing.investor_kinds:
            return lead
    return None


def _notify(session: Session, offer: LoanOffer, event: str, org_ids: list[int], actor: Actor) -> None:
    """Tell ``org_ids``; the sentence names the side that acted (the bank when the system did)."""
    by = offer.need.startup if actor.org_id == offer.need.startup_id else offer.product.bank
    notifications.notify(session, org_ids, NotificationKind.OFFER, event,
                         {"org": notifications.org_name(by), "need": notifications.need_title(offer.need)},
                         link=f"/pipeline/offers/{offer.id}", except_user=actor.user_id)


def _parties(offer: LoanOffer) -> list[int]:
    return [offer.need.startup_id, offer.product.bank_id]


def offer_on(session: Session, need: FundingNeed, *, today: date | None = None) -> list[LoanOffer]:
    """Offer (or re-size) the linked loans a need's round opens; in the caller's transaction.
    The marketplace itself makes the offers (the audit log names no user).

    Returns the offers made or re-sized now.
    """
    if need.instrument != Instrument.EQUITY:
        return []
    # one confirmation at a time per round: two at once would both make the same offers
    session.execute(sa.select(FundingNeed.id).where(FundingNeed.id == need.id).with_for_update())
    leads = confirmed_leads(session, need.id)
    if not leads:
        return []
    today = today or clock.today()
    equity = confirmed_equity(session, need.id)
    startup = session.get(Startup, need.startup_id)
    existing = {o.product_id: o for o in session.scalars(
        sa.select(LoanOffer).where(LoanOffer.need_id == need.id).with_for_update())}
    changed = []
    for listing in loan_products.active(session):
        if listing.product.kind != LoanKind.LINKED or not eligibility.admits(listing, startup, today):
            continue
        lead = _qualifying_lead(listing, leads)
        amount = offer_amount(listing.product, equity)
        if lead is None or amount is None:
            continue
        offer = existing.get(listing.product.id)
        if offer is None:
            offer = LoanOffer(product=listing.product, need=need, commitment=lead, amount=amount)
            session.add(offer)
            session.flush()
            audit.record(session, AuditSubject.OFFER, offer.id, "offered", SYSTEM, _parties(offer),
                         to_state=OfferStatus.OFFERED.value)
            _notify(session, offer, "offered", _parties(offer), SYSTEM)
            changed.append(offer)
        elif offer.status == OfferStatus.OFFERED and offer.amount != amount:
            audit.record(session, AuditSubject.OFFER, offer.id, "resized", SYSTEM, _parties(offer),
                         from_state=str(offer.amount), to_state=str(amount))
            offer.amount, offer.commitment, offer.updated_at = amount, lead, utcnow()
            changed.append(offer)
    return changed


# --- Reading the offers ------------------------------------------------------------------------

def _with_parts(query: sa.Select) -> sa.Select:
    return query.options(
        selectinload(LoanOffer.product).selectinload(LoanProduct.bank),
        selectinload(LoanOffer.need).selectinload(FundingNeed.startup),
        selectinload(LoanOffer.need).selectinload(FundingNeed.stage),
        selectinload(LoanOffer.commitment).selectinload(RoundCommitment.investor),
    ).order_by(LoanOffer.updated_at.desc(), LoanOffer.id.desc())


def for_startup(session: Session, startup_id: int) -> list[LoanOffer]:
    return list(session.scalars(_with_parts(
        sa.select(LoanOffer).join(FundingNeed, FundingNeed.id == LoanOffer.need_id)
        .where(FundingNeed.startup_id == startup_id))))


def for_bank(session: Session, bank_id: int) -> list[LoanOffer]:
    return list(session.scalars(_with_parts(
        sa.select(LoanOffer).join(LoanProduct, LoanProduct.id == LoanOffer.product_id)
        .where(LoanProduct.bank_id == bank_id))))


def visible(session: Session, org_id: int, offer_id: int, *, lock: bool = False) -> LoanOffer:
    """The offer, for its startup or its bank; for anyone else it does not exist."""
    query = sa.select(LoanOffer).where(LoanOffer.id == offer_id)
    offer = session.scalar(query.with_for_update() if lock else query)
    if offer is None or org_id not in (offer.need.startup_id, offer.product.bank_id):
        raise NotFound.on("_", NO_SUCH_OFFER)
    return offer


def side_of(offer: LoanOffer, org_id: int) -> str:
    return "startup" if org_id == offer.need.startup_id else "bank"


def actions_for(offer: LoanOffer, org_id: int) -> list[str]:
    """What the viewer's side may do with the offer now."""
    moves = STARTUP_MOVES if side_of(offer, org_id) == "startup" else BANK_MOVES
    return [action for action, (before, _after) in moves.items() if before == offer.status]


def history(session: Session, org_id: int, offer: LoanOffer) -> list[audit.Entry]:
    return audit.history(session, AuditSubject.OFFER, offer.id, org_id)


# --- Moving an offer ---------------------------------------------------------------------------

def act(session: Session, org_id: int, user_id: int | None, offer_id: int, action: str) -> LoanOffer:
    """The startup applies or declines; the bank approves, declines or disburses."""
    offer = visible(session, org_id, offer_id, lock=True)
    side = side_of(offer, org_id)
    moves = STARTUP_MOVES if side == "startup" else BANK_MOVES
    if action not in moves:
        raise NotFound.on("_", NO_SUCH_OFFER)
    before, after = moves[action]
    if offer.status != before:
        raise Conflict.on("status", _l("A loan offer that is %(status)s cannot be moved to %(to)s.",
                                       status=offer.status.label, to=after.label))
    offer.status, offer.updated_at = after, utcnow()
    actor = Actor(org_id, user_id)
    audit.record(session, AuditSubject.OFFER, offer.id, action, actor, _parties(offer),
                 from_state=before.value, to_state=after.value)
    other = offer.product.bank_id if side == "startup" else offer.need.startup_id
    _notify(session, offer, "applied" if action == "apply" else after.value, [other], actor)
    session.commit()
    return offer


def disbursed_total(session: Session, park_id: int | None = None) -> int:
    """Yuan of linked loans disbursed (of startups in ``park_id``, or everywhere)."""
    query = (sa.select(sa.func.coalesce(sa.func.sum(LoanOffer.amount), 0))
             .join(FundingNeed, FundingNeed.id == LoanOffer.need_id)
             .join(Startup, Startup.id == FundingNeed.startup_id)
             .where(LoanOffer.status == OfferStatus.DISBURSED))
    if park_id is not None:
        query = query.where(Startup.park_id == park_id)
    return int(session.scalar(query) or 0)


def confirmed_equity_total(session: Session, park_id: int | None = None) -> int:
    """Yuan of confirmed commitments on equity rounds (of startups in ``park_id``, or everywhere)."""
    query = (sa.select(sa.func.coalesce(sa.func.sum(RoundCommitment.amount), 0))
             .join(FundingNeed, FundingNeed.id == RoundCommitment.need_id)
             .join(Startup, Startup.id == FundingNeed.startup_id)
             .where(RoundCommitment.confirmed_at.is_not(None)))
    if park_id is not None:
        query = query.where(Startup.park_id == park_id)
    return int(session.scalar(query) or 0)

