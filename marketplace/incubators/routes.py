"""The incubator's side: its profile, its relay-incubation capacity, and the startups that
look for incubation."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from marketplace import clock
from marketplace.access import role_required
from marketplace.errors import DomainError
from marketplace.extensions import db
from marketplace.i18n import locale_code, localized
from marketplace.incubators.forms import CapacityForm, ProfileForm, StartupFilterForm
from marketplace.models.enums import Role
from marketplace.paging import Page
from marketplace.services import capacities, desk, homes, incubator_profile, interactions, reasons, recommendations
from marketplace.services.capacities import CapacityTerms
from marketplace.services.interactions import STARTUPS
from marketplace.services.listing_common import all_parks, all_stages, current_sectors

bp = Blueprint("incubators", __name__, url_prefix="/incubator")

STARTUPS_PER_PAGE = 20


def _choices(rows: list[Any]) -> list[tuple[str, str]]:
    return [(row.code, localized(row)) for row in rows]


@bp.get("/")
@role_required(Role.INCUBATOR)
def home() -> Any:
    home = homes.incubator_home(db.session, current_user.organization_id, clock.today())
    profile = incubator_profile.profile(db.session, current_user.organization_id)
    best = recommendations.startups(db.session, current_user.organization_id, today=clock.today(), offset=0,
                                    limit=recommendations.HIGHLIGHTS)
    return render_template("incubators/home.html", home=home, profile=profile, today=clock.today(),
                           waiting=desk.waiting(db.session, current_user.organization_id, Role.INCUBATOR),
                           best=reasons.explained(db.session, best.items, offer=True, own=True))


@bp.route("/profile", methods=["GET", "POST"])
@role_required(Role.INCUBATOR)
def profile() -> Any:
    current = incubator_profile.profile(db.session, current_user.organization_id)
    form = ProfileForm(data=ProfileForm.data_of(current)) if request.method == "GET" else ProfileForm()
    form.set_choices(_choices(all_parks(db.session)))
    if form.validate_on_submit():
        try:
            incubator_profile.update(db.session, current_user.organization_id, current_user.organization_id,
                                     form.changes())
        except DomainError as error:
            form.attach(error.errors)
        else:
            flash(_("Your profile is saved."), "success")
            return redirect(url_for(".home"))
    return render_template("incubators/profile.html", form=form, profile=current), 422 if form.errors else 200


@bp.get("/capacities")
@role_required(Role.INCUBATOR)
def capacity_list() -> Any:
    offers = capacities.of_incubator(db.session, current_user.organization_id)
    return render_template("incubators/capacities.html", capacities=offers, today=clock.today())


def _capacity_form(**kwargs: Any) -> CapacityForm:
    form = CapacityForm(**kwargs)
    form.set_choices(_choices(current_sectors(db.session)), _choices(all_stages(db.session)))
    return form


def _capacity_page(form: CapacityForm, capacity: Any = None) -> Any:
    return (render_template("incubators/capacity_form.html", form=form, capacity=capacity),
            422 if form.errors else 200)


@bp.route("/capacities/new", methods=["GET", "POST"])
@role_required(Role.INCUBATOR)
def new_capacity() -> Any:
    form = _capacity_form()
    org_id = current_user.organization_id
    if form.validate_with(lambda: capacities.check(db.session, org_id, form.changes(), today=clock.today())):
        try:
            capacity = capacities.create(db.session, org_id, CapacityTerms(**form.changes()), today=clock.today())
        except DomainError as error:
            form.attach(error.errors)
        else:
            flash(_("%(title)s is open to startups.", title=capacity.display_title(locale_code())), "success")
            return redirect(url_for(".capacity_list"))
    return _capacity_page(form)


@bp.route("/capacities/<int:capacity_id>/edit", methods=["GET", "POST"])
@role_required(Role.INCUBATOR)
def edit_capacity(capacity_id: int) -> Any:
    org_id = current_user.organization_id
    capacity = capacities.own(db.session, org_id, capacity_id)
    form = _capacity_form(data=CapacityForm.data_of(capacity)) if request.method == "GET" else _capacity_form()
    if form.validate_with(lambda: capacities.check(db.session, org_id, form.changes(), capacity_id=capacity_id,
                                                   today=clock.today())):
        try:
            capacity = capacities.update(db.session, org_id, capacity_id, form.changes())
        except DomainError as error:
            form.attach(error.errors)
        else:
            flash(_("%(title)s is saved.", title=capacity.display_title(locale_code())), "success")
            return redirect(url_for(".capacity_list"))
    return _capacity_page(form, capacity)


@bp.post("/capacities/<int:capacity_id>/close", defaults={"is_open": False})
@bp.post("/capacities/<int:capacity_id>/reopen", defaults={"is_open": True})
@role_required(Role.INCUBATOR)
def set_capacity_open(capacity_id: int, is_open: bool) -> Any:
    capacity = capacities.set_open(db.session, current_user.organization_id, capacity_id, is_open)
    title = capacity.display_title(locale_code())
    if is_open:
        flash(_("%(title)s is open to startups again.", title=title), "success")
    else:
        flash(_("%(title)s is closed: startups no longer see it.", title=title), "info")
    return redirect(url_for(".capacity_list"))


@bp.get("/startups")
@role_required(Role.INCUBATOR)
def startups() -> Any:
    """Startups looking for incubation, best match first for this incubator, with the reasons."""
    form = StartupFilterForm(request.args)
    form.set_choices(_choices(current_sectors(db.session)), _choices(all_stages(db.session)),
                     _choices(all_parks(db.session)))
    form.validate()
    page = Page.requested(STARTUPS_PER_PAGE)
    today = clock.today()
    ranked = recommendations.startups(db.session, current_user.organization_id, today=today,
                                      offset=page.offset, limit=page.size, **form.filters())
    return render_template(
        "incubators/startups.html", form=form,
        matches=reasons.explained(db.session, ranked.items, offer=True, own=True),
        marks=interactions.marks_of(db.session, current_user.organization_id, STARTUPS,
                                    [item.item.id for item in ranked.items]),
        first_rank=page.first_rank, next_url=page.next_url(ranked.total), first_url=page.first_url(),
        filtered=any(form.filters().values()), today=today)
