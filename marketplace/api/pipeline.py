"""``/pipeline`` and ``/commitments``: the calling investor's board (put a need on it, read, move,
note or remove a card), and the startup's answers to the commitments a move records."""
from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from marketplace.api.blueprint import caller, endpoint, load
from marketplace.extensions import db
from marketplace.models import PipelineCard
from marketplace.models.enums import Role
from marketplace.schemas.pipeline import (
    BoardSchema,
    CardDetailSchema,
    CardInputSchema,
    CardMoveSchema,
    CardSchema,
    CommitmentListSchema,
    CommitmentSchema,
    MovedCardSchema,
    NoteInputSchema,
    NoteSchema,
)
from marketplace.services import pipeline


@endpoint("/pipeline", "GET", summary=_l("Your pipeline: the cards in each stage, with totals"), tag="pipeline",
          roles=[Role.INVESTOR], response=BoardSchema)
def my_pipeline() -> Any:
    return BoardSchema().dump({"columns": pipeline.board(db.session, caller().organization_id)})


@endpoint("/pipeline/cards", "POST", summary=_l("Put an open funding need on your pipeline (stage: sourced)"),
          tag="pipeline", roles=[Role.INVESTOR], body=CardInputSchema, response=CardSchema, status=201,
          errors=(404, 409))
def add_pipeline_card() -> Any:
    data = load(CardInputSchema())
    user = caller()
    card = pipeline.add(db.session, user.organization_id, user.id, data["need_id"])
    return CardSchema().dump(card), 201


def _with_commitment(schema: MovedCardSchema, card: PipelineCard, investor_id: int) -> dict[str, Any]:
    body = schema.dump(card)
    commitment = pipeline.commitment_of(db.session, investor_id, card.need_id)
    body["commitment"] = CommitmentSchema().dump(commitment) if commitment is not None else None
    return body


@endpoint("/pipeline/cards/<int:card_id>", "GET",
          summary=_l("One card of your pipeline, with your commitment and notes"), tag="pipeline",
          roles=[Role.INVESTOR], response=CardDetailSchema)
def pipeline_card(card_id: int) -> Any:
    investor_id = caller().organization_id
    card = pipeline.card_of(db.session, investor_id, card_id)
    return _with_commitment(CardDetailSchema(exclude=("commitment",)), card, investor_id)


@endpoint("/pipeline/cards/<int:card_id>/notes", "POST",
          summary=_l("Add a note to a card of your pipeline; only your organization reads it"), tag="pipeline",
          roles=[Role.INVESTOR], body=NoteInputSchema, response=NoteSchema, status=201)
def add_pipeline_note(card_id: int) -> Any:
    data = load(NoteInputSchema())
    user = caller()
    return NoteSchema().dump(pipeline.add_note(db.session, user.organization_id, user.id, card_id, data["body"])), 201


@endpoint("/pipeline/cards/<int:card_id>", "PATCH",
          summary=_l("Move a card to another stage; to term sheet or closed on an equity need, with the amount you "
                     "commit (the startup is asked to confirm it)"),
          tag="pipeline", roles=[Role.INVESTOR], body=CardMoveSchema, response=MovedCardSchema)
def move_pipeline_card(card_id: int) -> Any:
    data = load(CardMoveSchema())
    user = caller()
    card = pipeline.move(db.session, user.organization_id, user.id, card_id, data["stage"],
                         amount=data.get("amount"), is_lead=data["is_lead"])
    return _with_commitment(MovedCardSchema(exclude=("commitment",)), card, user.organization_id)


@endpoint("/pipeline/cards/<int:card_id>", "DELETE",
          summary=_l("Take a card off your pipeline (a recorded commitment stays on the round)"), tag="pipeline",
          roles=[Role.INVESTOR], status=204)
def remove_pipeline_card(card_id: int) -> Any:
    user = caller()
    pipeline.remove(db.session, user.organization_id, user.id, card_id)
    return "", 204


@endpoint("/commitments", "GET",
          summary=_l("The term sheets and closes investors recorded on your rounds: confirm or reject each"),
          tag="pipeline", roles=[Role.STARTUP], response=CommitmentListSchema)
def list_commitments() -> Any:
    rows = pipeline.commitments_for_startup(db.session, caller().organization_id)
    return {"items": CommitmentSchema().dump(rows, many=True)}


@endpoint("/commitments/<int:commitment_id>/confirm", "POST",
          summary=_l("Confirm a commitment on your round; a confirmed lead opens the linked loans"), tag="pipeline",
          roles=[Role.STARTUP], response=CommitmentSchema, errors=(409,))
def confirm_commitment(commitment_id: int) -> Any:
    user = caller()
    return CommitmentSchema().dump(pipeline.confirm(db.session, user.organization_id, user.id, commitment_id))


@endpoint("/commitments/<int:commitment_id>/reject", "POST",
          summary=_l("Reject a commitment you do not recognize: it is removed and the investor told"),
          tag="pipeline", roles=[Role.STARTUP], status=204, errors=(409,))
def reject_commitment(commitment_id: int) -> Any:
    user = caller()
    pipeline.reject(db.session, user.organization_id, user.id, commitment_id)
    return "", 204
