"""``/pipeline``: the calling investor's board, and putting a need on it."""
from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from marketplace.api.blueprint import caller, endpoint, load
from marketplace.extensions import db
from marketplace.models.enums import Role
from marketplace.schemas.pipeline import BoardSchema, CardInputSchema, CardSchema
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
