"""Save and dismiss: what each side does with a match in its ranked list.

Investors and banks mark funding needs; a startup marks investors, loan products and incubation
offers; an incubator marks startups. Each list is named as the pages name it (``LISTS``). A mark
is a row of the interaction log (``Interaction``): a saved match is starred and found again under
"Marked", a dismissed one is left out of the viewer's ranked list until it is brought back. An
organization holds at most one of the two marks on a match; ``clear`` takes it back.

The recommender learns from the marks on needs: they say what an investor or a bank wants
(``marketplace.recs``). The other sides' marks shape only their own lists.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from marketplace.errors import NotFound
from marketplace.models import (
    FundingNeed,
    IncubationCapacity,
    Interaction,
    Investor,
    LoanProduct,
    Organization,
    Startup,
)
from marketplace.models.enums import InteractionAction, NeedStatus, OrgKind, TargetKind
from marketplace.services.deal_flow import LIST_LOADS
from marketplace.services.listing_common import Page, newest_first

MARKS = (InteractionAction.SAVE, InteractionAction.DISMISS)
# The ranked lists (matching's directions), as the pages, the API and the cache name them.
NEEDS, INVESTORS, PRODUCTS, CAPACITIES, STARTUPS = "needs", "investors", "loan-products", "capacities", "startups"


@dataclass(frozen=True)
class MarkedList:
    """A ranked list whose matches can be marked: who holds it, what its matches are, and which of
    them can take a new mark (``markable``: the rows still in some ranked list)."""

    sides: frozenset[OrgKind]
    target: TargetKind
    model: type
    markable: tuple[Any, ...]  # conditions on ``model``
    missing: Any  # the error when the id names nothing markable


LISTS: dict[str, MarkedList] = {
    NEEDS: MarkedList(frozenset({OrgKind.INVESTOR, OrgKind.BANK}), TargetKind.NEED, FundingNeed,
                      (FundingNeed.status == NeedStatus.OPEN,),
                      _l("There is no open funding need with that number.")),
    INVESTORS: MarkedList(frozenset({OrgKind.STARTUP}), TargetKind.ORGANIZATION, Investor,
                          (Investor.source.is_(None),),
                          _l("There is no investor with that number in the marketplace.")),
    PRODUCTS: MarkedList(frozenset({OrgKind.STARTUP}), TargetKind.LOAN_PRODUCT, LoanProduct,
                         (LoanProduct.is_active,),
                         _l("There is no active loan product with that number.")),
    CAPACITIES: MarkedList(frozenset({OrgKind.STARTUP}), TargetKind.CAPACITY, IncubationCapacity,
                           (IncubationCapacity.is_open,),
                           _l("There is no open incubation offer with that number.")),
    STARTUPS: MarkedList(frozenset({OrgKind.INCUBATOR}), TargetKind.ORGANIZATION, Startup, (),
                         _l("There is no startup with that number.")),
}


def holds(kind: OrgKind, list_name: str) -> bool:
    """Whether an organization of ``kind`` holds the list (and may mark its matches)."""
    return list_name in LISTS and kind in LISTS[list_name].sides


def _spec(session: Session, org_id: int, list_name: str) -> MarkedList:
    """The list, when the organization's side holds one of that name (else it is not found)."""
    if not holds(session.scalar(sa.select(Organization.kind).where(Organization.id == org_id)), list_name):
        raise NotFound.on("_", _l("Your side of the marketplace has no such list."))
    return LISTS[list_name]


def _mine(org_id: int, spec: MarkedList) -> tuple[Any, ...]:
    """The organization's rows of the log on the list's kind of match."""
    return Interaction.organization_id == org_id, Interaction.target_kind == spec.target


def _marks(org_id: int, spec: MarkedList, item_id: int) -> sa.Select:
    return sa.select(Interaction).where(*_mine(org_id, spec), Interaction.target_id == item_id,
                                        Interaction.action.in_(MARKS))


def mark(session: Session, org_id: int, user_id: int, list_name: str, item_id: int,
         action: InteractionAction) -> Interaction:
    """Save or dismiss a match of one of the organization's lists (replacing its other mark, if any)."""
    if action not in MARKS:
        raise ValueError(action)
    spec = _spec(session, org_id, list_name)
    if session.scalar(sa.select(spec.model.id).where(spec.model.id == item_id, *spec.markable)) is None:
        raise NotFound.on("_", spec.missing)
    held = list(session.scalars(_marks(org_id, spec, item_id)))
    for row in held:
        if row.action == action:
            return row
        session.delete(row)
    row = Interaction(organization_id=org_id, user_id=user_id, target_kind=spec.target, target_id=item_id,
                      action=action)
    session.add(row)
    session.commit()
    return row


def clear(session: Session, org_id: int, list_name: str, item_id: int) -> None:
    """Take back the organization's mark on a match (nothing to take back is not an error)."""
    spec = _spec(session, org_id, list_name)
    for row in session.scalars(_marks(org_id, spec, item_id)):
        session.delete(row)
    session.commit()


def _of(org_id: int, spec: MarkedList) -> sa.Select:
    return sa.select(Interaction.target_id).where(*_mine(org_id, spec))


def marks_of(session: Session, org_id: int, list_name: str, item_ids: list[int]) -> dict[int, InteractionAction]:
    """The organization's mark on each of ``item_ids`` that has one."""
    if not item_ids:
        return {}
    spec = LISTS[list_name]
    return dict(session.execute(_of(org_id, spec).add_columns(Interaction.action).where(
        Interaction.target_id.in_(item_ids), Interaction.action.in_(MARKS))).all())


def dismissed(session: Session, org_id: int, list_name: str) -> set[int]:
    """The matches the organization dismissed from a list (left out of it)."""
    return set(session.scalars(_of(org_id, LISTS[list_name]).where(Interaction.action == InteractionAction.DISMISS)))


def marks_page(session: Session, org_id: int, list_name: str, action: InteractionAction, *,
               after: int | None, limit: int) -> Page[Interaction]:
    """The organization's saves (or dismissals) in a list, the latest first, a page at a time."""
    if action not in MARKS:
        raise ValueError(action)
    spec = _spec(session, org_id, list_name)
    return newest_first(session, sa.select(Interaction).where(*_mine(org_id, spec), Interaction.action == action),
                        Interaction.id, after=after, limit=limit)


def marked_ids(session: Session, org_id: int, list_name: str, action: InteractionAction) -> list[int]:
    """The ids the organization saved (or dismissed) in a list, the latest marked first."""
    if action not in MARKS:
        raise ValueError(action)
    spec = _spec(session, org_id, list_name)
    return list(session.scalars(_of(org_id, spec).where(Interaction.action == action)
                                .order_by(Interaction.created_at.desc(), Interaction.id.desc())))


def marked_rows(session: Session, org_id: int, list_name: str, action: InteractionAction) -> list[Any]:
    """The investors, loan products, seats or startups the organization saved (or dismissed), the
    latest marked first, whatever became of them since."""
    ids = marked_ids(session, org_id, list_name, action)
    model = LISTS[list_name].model
    rows = {r.id: r for r in session.scalars(sa.select(model).where(model.id.in_(ids)))} if ids else {}
    return [rows[i] for i in ids if i in rows]


def marked(session: Session, org_id: int, action: InteractionAction) -> list[FundingNeed]:
    """The needs the organization saved (or dismissed), the latest marked first: where a saved
    need is found again, closed and funded ones too (what became of a round one watched is news),
    and a dismissed one brought back (open ones only: the others are in no ranked list)."""
    ids = marked_ids(session, org_id, NEEDS, action)
    shown = FundingNeed.status == NeedStatus.OPEN if action == InteractionAction.DISMISS else \
        FundingNeed.status != NeedStatus.DRAFT
    rows = {n.id: n for n in session.scalars(
        sa.select(FundingNeed).where(FundingNeed.id.in_(ids), shown).options(*LIST_LOADS))} if ids else {}
    return [rows[i] for i in ids if i in rows]
