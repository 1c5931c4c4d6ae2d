"""``/relay``: apply or refer to a capacity offer, answer reservations, the relay chain, partnerships."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from wtforms import BooleanField, IntegerField, SelectField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange

from marketplace import actions, clock
from marketplace.access import role_required
from marketplace.errors import DomainError
from marketplace.extensions import db
from marketplace.forms import Form
from marketplace.i18n import locale_code
from marketplace.models import Incubator
from marketplace.models.enums import AuditSubject, Role
from marketplace.services import audit, capacities, partnerships, recommendations, relay
from marketplace.services.audit import Actor
from marketplace.services.listing_common import possible_id

bp = Blueprint("relay", __name__, url_prefix="/relay")


class ApplyForm(Form):
    message = TextAreaField(_l("Message to the incubator"), validators=[Length(max=relay.MESSAGE_LENGTH)])
    waitlist = BooleanField(_l("Join the waitlist if the offer is full"))


class ReferForm(ApplyForm):
    capacity = SelectField(_l("Offer"), coerce=int, validators=[InputRequired(_l("Choose an offer."))])


class ProposeForm(Form):
    partner = SelectField(_l("Partner"), coerce=int, validators=[InputRequired(_l("Choose a partner."))])


class WindowForm(Form):
    early_window_days = IntegerField(_l("Early window (days)"), validators=[
        InputRequired(_l("Enter a number.")), NumberRange(0, partnerships.MAX_WINDOW_DAYS)],
        description=_l("Partner investors see your resident startups' new needs this many days before "
                       "everyone else (0: no early window)."))


def _actor() -> Actor:
    return Actor(current_user.organization_id, current_user.id)


# --- Reservations ---------------------------------------------------------------------------

@bp.get("/")
@role_required(Role.STARTUP, Role.INCUBATOR)
def index() -> Any:
    """A startup's reservations and relay chain; an incubator's incoming reservations and residents."""
    org_id = current_user.organization_id
    if current_user.role == Role.STARTUP:
        return render_template("relay/startup.html", reservations=relay.of_startup(db.session, org_id),
                               chain=relay.chain(db.session, org_id))
    return render_template("relay/incubator.html", incoming=relay.incoming(db.session, org_id),
                           residents=relay.residents(db.session, org_id),
                           referred=relay.referrals(db.session, org_id), today=clock.today())


@bp.route("/capacities/<int:capacity_id>/apply", methods=["GET", "POST"])
@role_required(Role.STARTUP)
def apply(capacity_id: int) -> Any:
    capacity = capacities.visible(db.session, current_user.organization_id, capacity_id)
    form = ApplyForm()
    if form.validate_on_submit():
        try:
            reservation = relay.reserve(db.session, _actor(), capacity_id, message=form.message.data or "",
                                        waitlist=form.waitlist.data, today=clock.today())
        except DomainError as error:
            db.session.rollback()
            form.attach(error.errors)
        else:
            title = capacity.display_title(locale_code())
            flash(_("You are on the waitlist of %(title)s.", title=title) if reservation.status.value == "waitlisted"
                  else _("A seat of %(title)s is reserved for you: the incubator will answer.", title=title), "success")
            return redirect(url_for(".reservation", reservation_id=reservation.id))
        capacity = capacities.visible(db.session, current_user.organization_id, capacity_id)
    return render_template("relay/apply.html", form=form, capacity=capacity), 422 if form.errors or \
        form.form_errors else 200


@bp.route("/residents/<int:startup_id>/refer", methods=["GET", "POST"])
@role_required(Role.INCUBATOR)
def refer(startup_id: int) -> Any:
    org_id = current_user.organization_id
    stay = relay.current_stay(db.session, startup_id) if possible_id(startup_id) else None
    if stay is None or stay.incubator_id != org_id:
        abort(404)
    offers = recommendations.offers_to_refer(db.session, org_id, startup_id, today=clock.today())
    form = ReferForm()
    form.capacity.choices = [(c.id, f"{c.display_title(locale_code())} · {c.incubator.display_name(locale_code())} · "
                              + _("%(left)d of %(total)d", left=c.seats_left, total=c.seats_total)) for c in offers]
    if form.validate_on_submit():
        try:
            reservation = relay.reserve(db.session, _actor(), form.capacity.data, startup_id=startup_id,
                                        message=form.message.data or "", waitlist=form.waitlist.data,
                                        today=clock.today())
        except DomainError as error:
            db.session.rollback()
            form.attach(error.errors)
        else:
            flash(_("The startup is referred: the receiving incubator will answer."), "success")
            return redirect(url_for(".reservation", reservation_id=reservation.id))
    startup = relay.startup_of(db.session, startup_id)
    return render_template("relay/refer.html", form=form, startup=startup, offers=offers), \
        422 if form.errors or form.form_errors else 200


@bp.get("/reservations/<int:reservation_id>")
@role_required(Role.STARTUP, Role.INCUBATOR)
def reservation(reservation_id: int) -> Any:
    org_id = current_user.organization_id
    row = relay.get(db.session, org_id, reservation_id)
    return render_template("relay/reservation.html", reservation=row,
                           history=audit.history(db.session, AuditSubject.RESERVATION, row.id, org_id),
                           receiving=row.capacity.incubator_id == org_id)


def _answer(reservation_id: int, act: Any, done: str) -> Any:
    return actions.run(act, done, url_for(".reservation", reservation_id=reservation_id))


@bp.post("/reservations/<int:reservation_id>/accept")
@role_required(Role.INCUBATOR)
def accept(reservation_id: int) -> Any:
    return _answer(reservation_id, lambda: relay.accept(db.session, _actor(), reservation_id, today=clock.today()),
                   _("Accepted: the startup's stay with you has begun."))


@bp.post("/reservations/<int:reservation_id>/decline")
@role_required(Role.INCUBATOR)
def decline(reservation_id: int) -> Any:
    return _answer(reservation_id, lambda: relay.decline(db.session, _actor(), reservation_id),
                   _("Declined: the seat is free again."))


@bp.post("/reservations/<int:reservation_id>/release")
@role_required(Role.STARTUP, Role.INCUBATOR)
def release(reservation_id: int) -> Any:
    return _answer(reservation_id, lambda: relay.release(db.session, _actor(), reservation_id, today=clock.today()),
                   _("Released: the seat is free again."))


@bp.get("/startups/<int:startup_id>/chain")
@login_required
def chain(startup_id: int) -> Any:
    startup = relay.startup_of(db.session, startup_id)
    return render_template("relay/chain.html", startup=startup, chain=relay.chain(db.session, startup.id))


# --- Partnerships (孵投联动) ----------------------------------------------------------------

@bp.get("/partnerships")
@role_required(Role.INVESTOR, Role.INCUBATOR)
def partnership_list() -> Any:
    return _partnerships_page(_propose_form(), _window_form())


def _propose_form() -> ProposeForm:
    form = ProposeForm()
    locale = locale_code()
    form.partner.choices = [(o.id, o.display_name(locale))
                            for o in partnerships.candidates(db.session, current_user.organization_id)]
    return form


def _window_form() -> WindowForm | None:
    if current_user.role != Role.INCUBATOR:
        return None
    incubator = db.session.get(Incubator, current_user.organization_id)
    return WindowForm(data={"early_window_days": incubator.early_window_days}) if request.method == "GET" \
        else WindowForm()


def _partnerships_page(propose: ProposeForm, window: WindowForm | None, status: int = 200) -> Any:
    org_id = current_user.organization_id
    return render_template("relay/partnerships.html", rows=partnerships.of_org(db.session, org_id), form=propose,
                           window=window, org_id=org_id), status


@bp.post("/partnerships")
@role_required(Role.INVESTOR, Role.INCUBATOR)
def propose() -> Any:
    form = _propose_form()
    if form.validate_on_submit():
        try:
            partnerships.propose(db.session, _actor(), form.partner.data)
        except DomainError as error:
            db.session.rollback()
            form.attach({"partner" if k == "partner_id" else k: v for k, v in error.errors.items()})
        else:
            flash(_("Your proposal is sent."), "success")
            return redirect(url_for(".partnership_list"))
    return _partnerships_page(form, WindowForm(formdata=None, data={"early_window_days": 0})
                              if current_user.role == Role.INCUBATOR else None, 422)


def _partnership_action(partnership_id: int, act: Any, done: str) -> Any:
    return actions.run(lambda: act(db.session, _actor(), partnership_id), done, url_for(".partnership_list"))


@bp.post("/partnerships/<int:partnership_id>/accept")
@role_required(Role.INVESTOR, Role.INCUBATOR)
def accept_partnership(partnership_id: int) -> Any:
    return _partnership_action(partnership_id, partnerships.accept, _("You are partners now."))


@bp.post("/partnerships/<int:partnership_id>/decline")
@role_required(Role.INVESTOR, Role.INCUBATOR)
def decline_partnership(partnership_id: int) -> Any:
    return _partnership_action(partnership_id, partnerships.decline, _("The proposal is declined."))


@bp.post("/partnerships/<int:partnership_id>/end")
@role_required(Role.INVESTOR, Role.INCUBATOR)
def end_partnership(partnership_id: int) -> Any:
    return _partnership_action(partnership_id, partnerships.end, lambda row: _("The proposal is withdrawn.")
                               if row.answered_at is None else _("The partnership has ended."))


@bp.post("/partnerships/window")
@role_required(Role.INCUBATOR)
def early_window() -> Any:
    form = WindowForm()
    if form.validate_on_submit():
        try:
            partnerships.set_early_window(db.session, current_user.organization_id, form.early_window_days.data)
        except DomainError as error:
            db.session.rollback()
            form.attach(error.errors)
        else:
            flash(_("Your early window is saved."), "success")
            return redirect(url_for(".partnership_list"))
    return _partnerships_page(_propose_form(), form, 422)
