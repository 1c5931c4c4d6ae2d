"""``/pipeline``: the investor's board and notes, commitments, and the linked-loan offers."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from marketplace import actions
from marketplace.access import role_required, safe_next
from marketplace.errors import DomainError
from marketplace.extensions import db
from marketplace.models.enums import PipelineStage, Role
from marketplace.pipeline.forms import MoveForm, NoteForm
from marketplace.services import linked_loans, pipeline
from marketplace.wan import to_wan

bp = Blueprint("pipeline", __name__, url_prefix="/pipeline")


@bp.app_template_global()
def pipeline_card_for(need_id: int) -> Any:
    """The viewing investor's card on a need, for ``pipeline/_need_actions.html``; None for others."""
    if not current_user.is_authenticated or current_user.role != Role.INVESTOR:
        return None
    return pipeline.card_for_need(db.session, current_user.organization_id, need_id)


# --- The investor's board ----------------------------------------------------------------------

@bp.get("/")
@role_required(Role.INVESTOR)
def board() -> Any:
    columns = pipeline.board(db.session, current_user.organization_id)
    return render_template("pipeline/board.html", columns=columns, move_form=MoveForm(formdata=None),
                           stages=pipeline.STAGES, committing=pipeline.COMMITTING)


@bp.post("/needs/<int:need_id>/card")
@role_required(Role.INVESTOR)
def add(need_id: int) -> Any:
    try:
        card = pipeline.add(db.session, current_user.organization_id, current_user.id, need_id)
    except DomainError as error:
        if error.status == 404:
            raise
        flash(actions.messages_of(error), "warning")
        return redirect(safe_next(request.form.get("next"), url_for("pipeline.board")))
    flash(_("Added to your pipeline."), "success")
    return redirect(safe_next(request.form.get("next"), url_for("pipeline.card", card_id=card.id)))


def _card_page(card_id: int, move_form: MoveForm | None = None, note_form: NoteForm | None = None,
               status: int = 200) -> Any:
    org_id = current_user.organization_id
    card = pipeline.card_of(db.session, org_id, card_id)
    commitment = pipeline.commitment_of(db.session, org_id, card.need_id)
    if move_form is None:
        stage = request.args.get("stage", card.stage.value)
        data = {"stage": stage if stage in {s.value for s in PipelineStage} else card.stage.value}
        if commitment is not None:
            data.update(amount=to_wan(commitment.amount), is_lead=commitment.is_lead)
        move_form = MoveForm(formdata=None, data=data)
    return render_template(
        "pipeline/card.html", card=card, commitment=commitment, move_form=move_form,
        note_form=note_form or NoteForm(formdata=None), history=pipeline.history(db.session, org_id, card),
        committing=pipeline.COMMITTING,
    ), status


@bp.get("/cards/<int:card_id>")
@role_required(Role.INVESTOR)
def card(card_id: int) -> Any:
    return _card_page(card_id)


@bp.post("/cards/<int:card_id>/move")
@role_required(Role.INVESTOR)
def move(card_id: int) -> Any:
    org_id = current_user.organization_id
    card = pipeline.card_of(db.session, org_id, card_id)
    form = MoveForm()
    from_board = request.form.get("from") == "board"
    if form.validate_on_submit():
        stage, amount, is_lead = form.input()
        try:
            pipeline.move(db.session, org_id, current_user.id, card.id, stage, amount=amount, is_lead=is_lead)
        except DomainError as error:
            if error.status == 404:
                raise
            if from_board:  # the board asks for no amount: the card's page does
                flash(actions.messages_of(error), "warning")
                return redirect(url_for("pipeline.card", card_id=card_id, stage=stage.value))
            db.session.rollback()
            form.attach(error.errors)
        else:
            flash(_("The card is now in “%(stage)s”.", stage=stage.label), "success")
            return redirect(url_for("pipeline.board") if from_board else url_for("pipeline.card", card_id=card_id))
    if from_board:
        flash(_("Choose a stage."), "warning")
        return redirect(url_for("pipeline.board"))
    return _card_page(card_id, move_form=form, status=422)


@bp.post("/cards/<int:card_id>/notes")
@role_required(Role.INVESTOR)
def add_note(card_id: int) -> Any:
    org_id = current_user.organization_id
    pipeline.card_of(db.session, org_id, card_id)
    form = NoteForm()
    if form.validate_on_submit():
        try:
            pipeline.add_note(db.session, org_id, current_user.id, card_id, form.body.data)
        except DomainError as error:
            if error.status == 404:
                raise
            form.attach(error.errors)
        else:
            flash(_("The note is saved. Only your organization can read it."), "success")
            return redirect(url_for("pipeline.card", card_id=card_id))
    return _card_page(card_id, note_form=form, status=422)


@bp.post("/cards/<int:card_id>/remove")
@role_required(Role.INVESTOR)
def remove(card_id: int) -> Any:
    pipeline.remove(db.session, current_user.organization_id, current_user.id, card_id)
    flash(_("The card is off your pipeline."), "success")
    return redirect(url_for("pipeline.board"))


# --- The startup's commitments -----------------------------------------------------------------

@bp.get("/commitments")
@role_required(Role.STARTUP)
def commitments() -> Any:
    rows = pipeline.commitments_for_startup(db.session, current_user.organization_id)
    return render_template("pipeline/commitments.html", commitments=rows)


@bp.post("/commitments/<int:commitment_id>/confirm")
@role_required(Role.STARTUP)
def confirm(commitment_id: int) -> Any:
    return actions.run(
        lambda: pipeline.confirm(db.session, current_user.organization_id, current_user.id, commitment_id),
        _("Confirmed. Linked loans your round opens are listed under your loan offers."),
        url_for("pipeline.commitments"))


@bp.post("/commitments/<int:commitment_id>/reject")
@role_required(Role.STARTUP)
def reject(commitment_id: int) -> Any:
    return actions.run(
        lambda: pipeline.reject(db.session, current_user.organization_id, current_user.id, commitment_id),
        _("Rejected. The investor is told."), url_for("pipeline.commitments"))


# --- Linked-loan offers ------------------------------------------------------------------------

@bp.get("/offers")
@role_required(Role.STARTUP)
def offers() -> Any:
    rows = linked_loans.for_startup(db.session, current_user.organization_id)
    return render_template("pipeline/offers.html", offers=rows, side="startup")


@bp.get("/bank-offers")
@role_required(Role.BANK)
def bank_offers() -> Any:
    rows = linked_loans.for_bank(db.session, current_user.organization_id)
    rounds = {o.id: linked_loans.linked_round(db.session, o.need) for o in rows}
    return render_template("pipeline/offers.html", offers=rows, side="bank", rounds=rounds)


@bp.get("/offers/<int:offer_id>")
@role_required(Role.STARTUP, Role.BANK)
def offer(offer_id: int) -> Any:
    org_id = current_user.organization_id
    row = linked_loans.visible(db.session, org_id, offer_id)
    linked = linked_loans.linked_round(db.session, row.need)
    return render_template(
        "pipeline/offer.html", offer=row, side=linked_loans.side_of(row, org_id),
        actions=linked_loans.actions_for(row, org_id), linked=linked,
        sized_now=linked_loans.offer_amount(row.product, linked.confirmed_amount),
        warrant=linked_loans.warrant_value(row), history=linked_loans.history(db.session, org_id, row),
    )


def _act(offer_id: int, action: str) -> Any:
    return actions.run(
        lambda: linked_loans.act(db.session, current_user.organization_id, current_user.id, offer_id, action),
        lambda row: _("The loan offer is now %(status)s.", status=row.status.label),
        url_for("pipeline.offer", offer_id=offer_id))


@bp.post("/offers/<int:offer_id>/apply")
@role_required(Role.STARTUP)
def apply(offer_id: int) -> Any:
    return _act(offer_id, "apply")


@bp.post("/offers/<int:offer_id>/decline")
@role_required(Role.STARTUP, Role.BANK)
def decline(offer_id: int) -> Any:
    return _act(offer_id, "decline")


@bp.post("/offers/<int:offer_id>/approve")
@role_required(Role.BANK)
def approve(offer_id: int) -> Any:
    return _act(offer_id, "approve")


@bp.post("/offers/<int:offer_id>/disburse")
@role_required(Role.BANK)
def disburse(offer_id: int) -> Any:
    return _act(offer_id, "disburse")
