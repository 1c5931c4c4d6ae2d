"""Save and dismiss: what an investor or a bank does with a need in its ranked deal flow.

Both are rows of the interaction log (``Interaction``), which the recommender learns from: a
saved need counts as interest, a dismissed one is left out of the viewer's list and weighs
against needs like it. An organization holds at most one of the two marks on a need;
``clear`` takes it back.
"""
from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from marketplace.errors import NotFound
from marketplace.services.deal_flow import LIST_LOADS
from marketplace.models import FundingNeed, Interaction
from marketplace.models.enums import InteractionAction, NeedStatus, TargetKind

MARKS = (InteractionAction.SAVE, InteractionAction.DISMISS)
NO_SUCH_NEED = _l("There is no open funding need with that number.")


def _marks(org_id: int, need_id: int) -> sa.Select:
    return sa.select(Interaction).where(
        Interaction.organization_id == org_id, Interaction.target_kind == TargetKind.NEED,
        Interaction.target_id == need_id, Interaction.action.in_(MARKS))


def mark(session: Session, org_id: int, user_id: int, need_id: int, action: InteractionAction) -> Interaction:
    """Save or dismiss an open need for the organization (replacing its other mark, if any)."""
    if action not in MARKS:
        raise ValueError(action)
    if session.scalar(sa.select(FundingNeed.status).where(FundingNeed.id == need_id)) != NeedStatus.OPEN:
        raise NotFound.on("need", NO_SUCH_NEED)
    held = list(session.scalars(_marks(org_id, need_id)))
    for row in held:
        if row.action == action:
            return row
        session.delete(row)
    row = Interaction(organization_id=org_id, user_id=user_id, target_kind=TargetKind.NEED, target_id=need_id,
                      action=action)
    session.add(row)
    session.commit()
    return row


def clear(session: Session, org_id: int, need_id: int) -> None:
    """Take back the organization's mark on a need (nothing to take back is not an error)."""
    for row in session.scalars(_marks(org_id, need_id)):
        session.delete(row)
    session.commit()


def marks_of(session: Session, org_id: int, need_ids: list[int]) -> dict[int, InteractionAction]:
    """The organization's mark on each of ``need_ids`` that has one."""
    if not need_ids:
        return {}
    return dict(session.execute(sa.select(Interaction.target_id, Interaction.action).where(
        Interaction.organization_id == org_id, Interaction.target_kind == TargetKind.NEED,
        Interaction.target_id.in_(need_ids), Interaction.action.in_(MARKS))).all())


def marked(session: Session, org_id: int, action: InteractionAction) -> list[FundingNeed]:
    """The needs the organization saved (or dismissed), the latest marked first: where a saved
    need is found again, closed and funded ones too (what became of a round one watched is news),
    and a dismissed one brought back (open ones only: the others are in no ranked list)."""
    if action not in MARKS:
        raise ValueError(action)
    shown = FundingNeed.status == NeedStatus.OPEN if action == InteractionAction.DISMISS else \
        FundingNeed.status != NeedStatus.DRAFT
    return list(session.scalars(
        sa.select(FundingNeed).join(Interaction, sa.and_(Interaction.target_kind == TargetKind.NEED,
                                                         Interaction.target_id == FundingNeed.id))
        .where(Interaction.organization_id == org_id, Interaction.action == action,
               shown)
        .order_by(Interaction.created_at.desc(), Interaction.id.desc()).options(*LIST_LOADS)))


def dismissed(session: Session, org_id: int) -> set[int]:
    """The needs the organization dismissed (left out of its ranked lists)."""
    return set(session.scalars(sa.select(Interaction.target_id).where(
        Interaction.organization_id == org_id, Interaction.target_kind == TargetKind.NEED,
        Interaction.action == InteractionAction.DISMISS)))
