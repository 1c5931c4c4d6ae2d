"""What waits for an organization's answer, counted for its home page.

Only what the organization's own side is the one to move, by the rules its pages enforce: the
introductions asked of a startup's rounds, the commitments it has not confirmed, the linked-loan
offers it may apply for; the applications a bank may approve and the approved loans it may
disburse; the seat requests an incubator has not answered; the partnerships (孵投联动) proposed
to an investor or an incubator.
"""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from marketplace.models import FundingNeed, IncubationCapacity, Introduction, Partnership, RoundCommitment
from marketplace.models.enums import IntroStatus, PartnershipStatus, ReservationStatus, Role
from marketplace.models.relay import Reservation
from marketplace.services import linked_loans

INTROS, COMMITMENTS, LOAN_OFFERS = "intros", "commitments", "loan_offers"
LOANS_TO_APPROVE, LOANS_TO_DISBURSE = "loans_to_approve", "loans_to_disburse"
SEAT_REQUESTS, PARTNERSHIPS = "seat_requests", "partnerships"


def waiting(session: Session, org_id: int, role: Role) -> dict[str, int]:
    """What waits for the organization, by kind, in the order its home lists them; kinds with
    nothing waiting are left out."""
    counts: dict[str, int] = {}
    if role == Role.STARTUP:
        counts[INTROS] = _count(session, sa.select(Introduction.id).join(FundingNeed).where(
            FundingNeed.startup_id == org_id, Introduction.status == IntroStatus.REQUESTED))
        counts[COMMITMENTS] = _count(session, sa.select(RoundCommitment.id).join(FundingNeed).where(
            FundingNeed.startup_id == org_id, RoundCommitment.confirmed_at.is_(None)))
        counts[LOAN_OFFERS] = sum(bool(linked_loans.actions_for(o, org_id))
                                  for o in linked_loans.for_startup(session, org_id))
    elif role == Role.BANK:
        actions = [linked_loans.actions_for(o, org_id) for o in linked_loans.for_bank(session, org_id)]
        counts[LOANS_TO_APPROVE] = sum("approve" in a for a in actions)
        counts[LOANS_TO_DISBURSE] = sum("disburse" in a for a in actions)
    elif role == Role.INCUBATOR:
        counts[SEAT_REQUESTS] = _count(session, sa.select(Reservation.id).join(IncubationCapacity).where(
            IncubationCapacity.incubator_id == org_id, Reservation.status == ReservationStatus.PENDING))
    if role in (Role.INVESTOR, Role.INCUBATOR):
        counts[PARTNERSHIPS] = _count(session, sa.select(Partnership.id).where(
            sa.or_(Partnership.investor_id == org_id, Partnership.incubator_id == org_id),
            Partnership.requested_by_id != org_id, Partnership.status == PartnershipStatus.REQUESTED))
    return {kind: n for kind, n in counts.items() if n}


def _count(session: Session, query: sa.Select) -> int:
    return session.scalar(sa.select(sa.func.count()).select_from(query.subquery())) or 0
