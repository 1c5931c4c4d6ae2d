"""``/needs``: a startup posts and manages its funding needs; anyone logged in opens a
published one, seeing the field set of its kind of viewer."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import current_app, request, send_file
from flask_babel import lazy_gettext as _l

from marketplace.api.blueprint import caller, endpoint, load
from marketplace.extensions import db
from marketplace.models import FundingNeed
from marketplace.models.enums import Role
from marketplace.schemas.needs import DeckUploadSchema, NeedInputSchema, NeedSchema, NeedUpdateSchema, dump_need
from marketplace.services import needs


def _dump(need: FundingNeed) -> dict[str, Any]:
    return dump_need(need, needs.view_for(need, caller().organization_id))


def _uploads() -> Path:
    return needs.uploads_folder(current_app.instance_path)


def deck_response(path: Path, name: str) -> Any:
    """The deck as a download, never cached on the way: it is confidential."""
    response = send_file(path, mimetype="application/pdf", as_attachment=True, download_name=name)
    response.headers["Cache-Control"] = "private, no-store"
    return response


@endpoint("/needs", "POST", summary=_l("Post a funding need (as a draft unless status is open)"), tag="needs",
          roles=(Role.STARTUP,), body=NeedInputSchema, response=NeedSchema, status=201)
def create_need() -> Any:
    need = needs.create(db.session, caller().organization_id, load(NeedInputSchema()))
    return _dump(need), 201


@endpoint("/needs/<int:need_id>", "GET", summary=_l("A funding need: the public view, or everything for its owner and "
                                          "for counterparts whose introduction it accepted"),
          tag="needs", response=NeedSchema)
def need_detail(need_id: int) -> Any:
    return _dump(needs.visible(db.session, need_id, caller().organization_id))


@endpoint("/needs/<int:need_id>", "PATCH", summary=_l("Change your funding need, or move it through its lifecycle"),
          tag="needs", roles=(Role.STARTUP,), body=NeedUpdateSchema, response=NeedSchema)
def update_need(need_id: int) -> Any:
    changes = load(NeedUpdateSchema(), partial=True)
    return _dump(needs.update(db.session, caller().organization_id, need_id, changes))


@endpoint("/needs/<int:need_id>", "DELETE", summary=_l("Delete your draft funding need"), tag="needs",
          roles=(Role.STARTUP,), status=204, errors=(409,))
def delete_need(need_id: int) -> Any:
    needs.delete(db.session, caller().organization_id, need_id, _uploads())
    return "", 204


@endpoint("/needs/<int:need_id>/deck", "PUT", summary=_l("Upload the pitch deck of your need (PDF, at most 10 MB)"),
          tag="needs", roles=(Role.STARTUP,), body=DeckUploadSchema, response=NeedSchema,
          consumes="multipart/form-data", errors=(413,))
def upload_need_deck(need_id: int) -> Any:
    data = DeckUploadSchema().load({**request.form.to_dict(), **request.files.to_dict()})
    deck = data["deck"]
    need = needs.attach_deck(db.session, caller().organization_id, need_id, deck.stream, deck.filename or "",
                             _uploads())
    return _dump(need)


@endpoint("/needs/<int:need_id>/deck", "GET",
          summary=_l("Download the pitch deck of a need (PDF): yours, or one whose startup accepted your "
                     "introduction"),
          tag="needs", produces="application/pdf")
def download_need_deck(need_id: int) -> Any:
    return deck_response(*needs.deck_file(db.session, caller().organization_id, need_id, _uploads()))


@endpoint("/needs/<int:need_id>/deck", "DELETE", summary=_l("Remove the pitch deck of your need"), tag="needs",
          roles=(Role.STARTUP,), response=NeedSchema)
def delete_need_deck(need_id: int) -> Any:
    return _dump(needs.detach_deck(db.session, caller().organization_id, need_id, _uploads()))
