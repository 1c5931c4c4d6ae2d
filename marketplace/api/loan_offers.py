"""``/loan-offers``: the linked loans (投贷联动) a confirmed lead opens, for the borrowing startup
and the lending bank; anyone else gets 404. Each move is the one the offer's page makes."""
from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from marketplace.api.blueprint import caller, endpoint
from marketplace.extensions import db
from marketplace.models import LoanOffer
from marketplace.models.enums import Role
from marketplace.schemas.loan_offers import LoanOfferListSchema, LoanOfferSchema
from marketplace.services import linked_loans

TAG = "loan-offers"
PARTIES = (Role.STARTUP, Role.BANK)


def _dump(offer: LoanOffer) -> dict[str, Any]:
    org_id = caller().organization_id
    body = LoanOfferSchema(exclude=("confirmed_equity", "side", "actions")).dump(offer)
    body["confirmed_equity"] = linked_loans.confirmed_equity(db.session, offer.need_id)
    body["side"] = linked_loans.side_of(offer, org_id)
    body["actions"] = linked_loans.actions_for(offer, org_id)
    return body


@endpoint("/loan-offers", "GET", summary=_l("Linked-loan offers on your rounds (startup) or of your products (bank)"),
          tag=TAG, roles=PARTIES, response=LoanOfferListSchema)
def list_loan_offers() -> Any:
    user = caller()
    rows = (linked_loans.for_startup if user.role == Role.STARTUP else linked_loans.for_bank)(
        db.session, user.organization_id)
    return {"items": [_dump(offer) for offer in rows]}


@endpoint("/loan-offers/<int:offer_id>", "GET", summary=_l("A linked-loan offer you are a party to"), tag=TAG,
          roles=PARTIES, response=LoanOfferSchema)
def get_loan_offer(offer_id: int) -> Any:
    return _dump(linked_loans.visible(db.session, caller().organization_id, offer_id))


def _act(offer_id: int, action: str) -> Any:
    user = caller()
    return _dump(linked_loans.act(db.session, user.organization_id, user.id, offer_id, action))


@endpoint("/loan-offers/<int:offer_id>/apply", "POST", summary=_l("Apply for a linked loan offered to you"),
          tag=TAG, roles=(Role.STARTUP,), response=LoanOfferSchema, errors=(409,))
def apply_loan_offer(offer_id: int) -> Any:
    return _act(offer_id, "apply")


@endpoint("/loan-offers/<int:offer_id>/decline", "POST",
          summary=_l("Decline a linked-loan offer (the startup before applying, the bank before approving)"),
          tag=TAG, roles=PARTIES, response=LoanOfferSchema, errors=(409,))
def decline_loan_offer(offer_id: int) -> Any:
    return _act(offer_id, "decline")


@endpoint("/loan-offers/<int:offer_id>/approve", "POST", summary=_l("Approve a startup's application"), tag=TAG,
          roles=(Role.BANK,), response=LoanOfferSchema, errors=(409,))
def approve_loan_offer(offer_id: int) -> Any:
    return _act(offer_id, "approve")


@endpoint("/loan-offers/<int:offer_id>/disburse", "POST", summary=_l("Record an approved loan as disbursed"),
          tag=TAG, roles=(Role.BANK,), response=LoanOfferSchema, errors=(409,))
def disburse_loan_offer(offer_id: int) -> Any:
    return _act(offer_id, "disburse")
