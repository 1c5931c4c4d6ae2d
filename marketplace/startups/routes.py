"""The startup's side: its home, profile, IP portfolio and funding needs.

Every page but a need's own page and its deck is the startup's alone (other sides get 403); a
need's page is open to anyone logged in, each viewer seeing the field set of its kind, and its
deck to the counterparts the startup accepted an introduction from.
"""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from marketplace import clock
from marketplace.access import role_required
from marketplace.api.needs import deck_response
from marketplace.deals.forms import IntroRequestForm
from marketplace.errors import DomainError, NotFound
from marketplace.extensions import db
from marketplace.forms import Form
from marketplace.models import FundingNeed
from marketplace.models.enums import EnterpriseTier, Instrument, NeedStatus, Role
from marketplace.schemas.needs import NeedSchema
from marketplace.services import (
    desk,
    homes,
    intros,
    ip_assets,
    ip_pledge,
    needs,
    reasons,
    recommendations,
    startup_profile,
)
from marketplace.services.listing_common import all_parks, all_stages, current_sectors
from marketplace.services.matching import INVESTORS
from marketplace.startups.forms import DeckForm, IPAssetForm, NeedForm, ProfileForm, StatusForm

bp = Blueprint("startups", __name__, url_prefix="/startup")
startup_only = role_required(Role.STARTUP)
REQUESTER_ROLES = (Role.INVESTOR, Role.BANK, Role.INCUBATOR)  # who may ask for an introduction


def _org() -> int:
    return current_user.organization_id


def _uploads() -> Path:
    return needs.uploads_folder(current_app.instance_path)


def _attempt(form: Form, call: Callable[[], Any]) -> Any | None:
    """The service's result, or None with its refusal shown on the form; 404 stays 404."""
    try:
        return call()
    except NotFound:
        raise
    except DomainError as error:
        form.attach(error.errors)
        return None


def _form_page(template: str, form: Form, **context: Any) -> Any:
    return render_template(template, form=form, **context), 422 if form.has_errors else 200


@bp.get("/")
@startup_only
def home() -> Any:
    best = recommendations.for_startup(db.session, _org(), INVESTORS, today=clock.today(),
                                       limit=recommendations.HIGHLIGHTS).items
    return render_template("startups/home.html", home=homes.startup_home(db.session, _org()),
                           waiting=desk.waiting(db.session, _org(), Role.STARTUP),
                           best=reasons.explained(db.session, best))


# --- Profile ------------------------------------------------------------------------------------

@bp.route("/profile", methods=["GET", "POST"])
@startup_only
def profile() -> Any:
    startup = startup_profile.own_startup(db.session, _org())
    form = ProfileForm(data=ProfileForm.data_of(startup))
    form.set_choices(all_parks(db.session), all_stages(db.session), current_sectors(db.session))
    if form.validate_with(lambda: startup_profile.check(db.session, form.values())) and _attempt(
            form, lambda: startup_profile.update(db.session, _org(), startup.id, form.values())):
        flash(_("Your profile is saved."), "success")
        return redirect(url_for(".home"))
    return _form_page("startups/profile.html", form, tier_labels=[tier.label for tier in EnterpriseTier])


# --- IP portfolio -------------------------------------------------------------------------------

@bp.get("/ip")
@startup_only
def ip_portfolio() -> Any:
    return render_template("startups/ip_list.html", assets=ip_assets.portfolio(db.session, _org()))


@bp.route("/ip/new", methods=["GET", "POST"])
@startup_only
def new_ip_asset() -> Any:
    form = IPAssetForm()
    if form.validate_with(lambda: ip_assets.check(db.session, _org(), form.values())) and _attempt(
            form, lambda: ip_assets.create(db.session, _org(), form.values())):
        flash(_("The IP asset was added to your portfolio."), "success")
        return redirect(url_for(".ip_portfolio"))
    return _form_page("startups/ip_form.html", form, asset=None)


@bp.route("/ip/<int:asset_id>/edit", methods=["GET", "POST"])
@startup_only
def edit_ip_asset(asset_id: int) -> Any:
    asset = ip_assets.owned(db.session, _org(), asset_id)
    form = IPAssetForm(data=IPAssetForm.data_of(asset))
    if form.validate_with(lambda: ip_assets.check(db.session, _org(), form.values(), asset_id=asset_id)) and _attempt(
            form, lambda: ip_assets.update(db.session, _org(), asset_id, form.values())):
        flash(_("The IP asset was saved."), "success")
        return redirect(url_for(".ip_portfolio"))
    return _form_page("startups/ip_form.html", form, asset=asset)


@bp.post("/ip/<int:asset_id>/delete")
@startup_only
def delete_ip_asset(asset_id: int) -> Any:
    ip_assets.delete(db.session, _org(), asset_id)
    flash(_("The IP asset was removed from your portfolio."), "success")
    return redirect(url_for(".ip_portfolio"))


# --- Funding needs ------------------------------------------------------------------------------

@bp.get("/needs")
@startup_only
def need_list() -> Any:
    return render_template("startups/needs.html", needs=needs.own_needs(db.session, _org()))


def _need_form(need: FundingNeed | None = None) -> NeedForm:
    form = NeedForm(data=NeedForm.data_of(need) if need is not None else None)
    form.set_choices(all_stages(db.session), current_sectors(db.session))
    return form


@bp.route("/needs/new", methods=["GET", "POST"])
@startup_only
def new_need() -> Any:
    form = _need_form()
    status = NeedStatus.OPEN if form.publish.data else NeedStatus.DRAFT
    if form.validate_with(lambda: needs.check(db.session, _org(), {**form.values(), "status": status})):
        need = _attempt(form, lambda: needs.create(db.session, _org(), {**form.values(), "status": status}))
        if need is not None:
            flash(_("Your funding need is published.") if status == NeedStatus.OPEN
                  else _("Your funding need is saved as a draft."), "success")
            return redirect(url_for(".need_page", need_id=need.id))
    return _form_page("startups/need_form.html", form, need=None)


@bp.route("/needs/<int:need_id>/edit", methods=["GET", "POST"])
@startup_only
def edit_need(need_id: int) -> Any:
    need = needs.owned(db.session, _org(), need_id)
    form = _need_form(need)
    if form.validate_with(lambda: needs.check(db.session, _org(), form.values(), need_id=need_id)) and _attempt(
            form, lambda: needs.update(db.session, _org(), need_id, form.values())):
        flash(_("Your funding need was saved."), "success")
        return redirect(url_for(".need_page", need_id=need_id))
    return _form_page("startups/need_form.html", form, need=need)


def render_need_page(need: FundingNeed, status: int = 200, **forms: Form) -> Any:
    """A need's page as the viewer may see it (``needs.view_for``), with the introduction part:
    the owner's incoming requests, or the viewer's own request, its form and, once accepted, the
    startup's contacts (the deals blueprint renders it too, with its form's errors)."""
    view = needs.view_for(need, _org())
    mine = intros.for_need(db.session, _org(), need.id) if current_user.role in REQUESTER_ROLES else None
    return render_template(
        "startups/need.html", need=need, view=view, shown=NeedSchema.VIEWS[view],
        next_statuses=sorted(needs.TRANSITIONS[need.status], key=list(NeedStatus).index),
        deck_form=forms.get("deck_form") or DeckForm(formdata=None),
        status_form=forms.get("status_form") or StatusForm(formdata=None),
        may_request=current_user.role in REQUESTER_ROLES and need.status == NeedStatus.OPEN,
        intro=mine, intro_form=forms.get("intro_form") or IntroRequestForm(formdata=None),
        incoming=intros.on_need(db.session, _org(), need.id) if view == "owner" else [],
        contacts=intros.contacts_of(db.session, need.startup) if view == "counterpart" else None,
        collateral=ip_pledge.collateral(db.session, need.startup_id, _org(), view == "counterpart", clock.today())
        if current_user.role == Role.BANK and need.instrument == Instrument.IP_PLEDGE_LOAN else None,
    ), status


@bp.get("/needs/<int:need_id>")
@login_required
def need_page(need_id: int) -> Any:
    return render_need_page(needs.visible(db.session, need_id, _org()))


@bp.post("/needs/<int:need_id>/status")
@startup_only
def change_need_status(need_id: int) -> Any:
    need = needs.owned(db.session, _org(), need_id)
    form = StatusForm()
    if form.validate_on_submit() and _attempt(
            form, lambda: needs.update(db.session, _org(), need_id, {"status": NeedStatus(form.status.data)})):
        flash(_("The funding need is now %(status)s.", status=need.status.label), "success")
        return redirect(url_for(".need_page", need_id=need_id))
    return render_need_page(need, 422, status_form=form)


@bp.post("/needs/<int:need_id>/delete")
@startup_only
def delete_need(need_id: int) -> Any:
    needs.delete(db.session, _org(), need_id, _uploads())
    flash(_("The draft was deleted."), "success")
    return redirect(url_for(".need_list"))


@bp.post("/needs/<int:need_id>/deck")
@startup_only
def upload_deck(need_id: int) -> Any:
    need = needs.owned(db.session, _org(), need_id)
    form = DeckForm()
    if form.validate_on_submit() and _attempt(form, lambda: needs.attach_deck(
            db.session, _org(), need_id, form.deck.data.stream, form.deck.data.filename or "", _uploads())):
        flash(_("The deck was uploaded. Only your company and the counterparts whose introduction you accept can "
                "download it."), "success")
        return redirect(url_for(".need_page", need_id=need_id))
    return render_need_page(need, 422, deck_form=form)


@bp.get("/needs/<int:need_id>/deck")
@login_required
def download_deck(need_id: int) -> Any:
    """The owner's deck, for the owner and the counterparts it accepted (``intros.reveals``)."""
    return deck_response(*needs.deck_file(db.session, _org(), need_id, _uploads()))


@bp.post("/needs/<int:need_id>/deck/delete")
@startup_only
def delete_deck(need_id: int) -> Any:
    needs.detach_deck(db.session, _org(), need_id, _uploads())
    flash(_("The deck was removed."), "success")
    return redirect(url_for(".need_page", need_id=need_id))
