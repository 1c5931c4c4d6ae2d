"""``/intros``: ask for an introduction to a need, answer it, withdraw it, and talk.

Views are thin: ``services.intros`` decides who may do what; an introduction the viewer's
organization is not a party to answers 404.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from marketplace import actions
from marketplace.access import role_required, safe_next
from marketplace.deals.forms import IntroRequestForm, MessageForm
from marketplace.errors import Conflict, DomainError, NotFound
from marketplace.extensions import db
from marketplace.models.enums import IntroStatus, Role
from marketplace.services import intros, needs
from marketplace.services.audit import Actor
from marketplace.startups.routes import REQUESTER_ROLES, render_need_page

bp = Blueprint("deals", __name__, url_prefix="/intros")

PARTIES = (Role.STARTUP, *REQUESTER_ROLES)
PAGE = 50


def _org() -> int:
    return current_user.organization_id


def _actor() -> Actor:
    return Actor(current_user.organization_id, current_user.id)


@bp.get("/")
@role_required(*PARTIES)
def intro_list() -> Any:
    status = request.args.get("status") or None
    if status is not None and status not in {s.value for s in IntroStatus}:
        abort(400)
    after = request.args.get("after", type=int)
    page = intros.of_org(db.session, _org(), status=IntroStatus(status) if status else None,
                         after=after if after and after > 0 else None, limit=PAGE)
    args = {"status": status} if status else {}
    return render_template(
        "deals/list.html", page=page, status=status, statuses=list(IntroStatus),
        incoming=current_user.role == Role.STARTUP,
        next_url=url_for(".intro_list", **args, after=page.next_after) if page.next_after else None)


@bp.post("/needs/<int:need_id>")
@role_required(*REQUESTER_ROLES)
def request_intro(need_id: int) -> Any:
    form = IntroRequestForm()
    if form.validate_on_submit():
        try:
            intros.request(db.session, _actor(), need_id, form.message.data)
        except NotFound:
            raise
        except Conflict as error:  # asked already: the page shows the request as it stands
            db.session.rollback()
            flash(actions.messages_of(error), "warning")
            return redirect(url_for("startups.need_page", need_id=need_id))
        except DomainError as error:
            db.session.rollback()
            form.attach(error.errors)
        else:
            flash(_("Your request was sent. The startup's contacts and confidential details are shown to you "
                    "once it accepts."), "success")
            return redirect(url_for("startups.need_page", need_id=need_id))
    return render_need_page(needs.visible(db.session, need_id, _org()), 422, intro_form=form)


@bp.get("/<int:intro_id>")
@role_required(*PARTIES)
def intro_page(intro_id: int) -> Any:
    return _intro_page(intros.get(db.session, _org(), intro_id))


def _intro_page(intro: Any, status: int = 200, form: MessageForm | None = None) -> Any:
    org_id = _org()
    side = intros.side_of(intro, org_id)
    may_answer = side == "startup" and intro.status == IntroStatus.REQUESTED
    thread = authors = None
    if intro.status == IntroStatus.ACCEPTED:
        thread = intros.latest_messages(db.session, org_id, intro.id, before=request.args.get("before", type=int))
        authors = intros.authors(db.session, thread.items)
    return render_template(
        "deals/intro.html", intro=intro, side=side, thread=thread, authors=authors,
        contacts=intros.counterpart_contacts(db.session, intro, org_id),
        history=intros.history(db.session, intro, org_id),
        may_answer=may_answer,
        may_withdraw=intro.status in intros.LIVE and not may_answer,  # a request is answered, not withdrawn
        form=form or MessageForm(formdata=None),
    ), status


def _act(intro_id: int, change: Callable[..., Any], done: str) -> Any:
    """Do the change; say how it went on the page the button was on (the introduction's by default)."""
    return actions.run(lambda: change(db.session, _actor(), intro_id), done,
                       safe_next(request.form.get("next"), url_for(".intro_page", intro_id=intro_id)))


@bp.post("/<int:intro_id>/accept")
@role_required(Role.STARTUP)
def accept(intro_id: int) -> Any:
    return _act(intro_id, intros.accept, _("Accepted: you now see each other's contacts and can exchange messages."))


@bp.post("/<int:intro_id>/decline")
@role_required(Role.STARTUP)
def decline(intro_id: int) -> Any:
    return _act(intro_id, intros.decline, _("Declined. They are told, and see nothing more of your need."))


@bp.post("/<int:intro_id>/withdraw")
@role_required(*PARTIES)
def withdraw(intro_id: int) -> Any:
    return _act(intro_id, intros.withdraw, _("Withdrawn: contacts and confidential details are hidden again."))


@bp.post("/<int:intro_id>/messages")
@role_required(*PARTIES)
def post_message(intro_id: int) -> Any:
    intro = intros.get(db.session, _org(), intro_id)
    form = MessageForm()
    if form.validate_on_submit():
        try:
            intros.post(db.session, _actor(), intro_id, form.body.data)
        except NotFound:
            raise
        except Conflict as error:  # not (or no longer) accepted: the page says so
            db.session.rollback()
            flash(actions.messages_of(error), "warning")
            return redirect(url_for(".intro_page", intro_id=intro_id))
        except DomainError as error:
            db.session.rollback()
            form.attach(error.errors)
        else:
            flash(_("Message sent."), "success")
            return redirect(url_for(".intro_page", intro_id=intro_id) + "#thread")
    return _intro_page(intros.get(db.session, _org(), intro.id), 422, form)
