from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from marketplace.access import home_url, safe_next
from marketplace.auth.forms import LoginForm, NewAccountForm, SignupForm
from marketplace.errors import DomainError
from marketplace.extensions import db
from marketplace.i18n import locale_code
from marketplace.models.enums import InvestorKind, OrgKind
from marketplace.rate_limits import auth_limits
from marketplace.services import accounts, invitations

bp = Blueprint("auth", __name__)


def _start_session(user: Any, remember: bool = False) -> None:
    """A fresh session for every log-in (no session fixation); the language choice survives."""
    locale = session.get("locale")
    session.clear()
    if locale:
        session["locale"] = locale
    login_user(user, remember=remember)


@bp.route("/signup", methods=["GET", "POST"])
@auth_limits
def signup() -> Any:
    if current_user.is_authenticated:
        return redirect(home_url(current_user))
    form = SignupForm()
    if form.validate_on_submit():
        try:
            user = accounts.sign_up(
                db.session, kind=OrgKind(form.kind.data), org_name=form.org_name.data,
                email=form.email.data, password=form.password.data,
                investor_kind=InvestorKind(form.investor_kind.data), locale=locale_code(),
            )
        except DomainError as error:
            form.attach(error.errors)
        else:
            _start_session(user)
            flash(_("Welcome to Zhangjiang Match. Your account is ready."), "success")
            return redirect(home_url(user))
    return render_template("auth/signup.html", form=form), 422 if form.errors else 200


@bp.route("/login", methods=["GET", "POST"])
@auth_limits
def login() -> Any:
    if current_user.is_authenticated:
        return redirect(home_url(current_user))
    form = LoginForm()
    if form.validate_on_submit():
        user = accounts.authenticate(db.session, form.email.data, form.password.data)
        if user is None:
            form.form_errors.append(_("The email or the password is not correct."))
        else:
            _start_session(user, remember=form.remember.data)
            return redirect(safe_next(request.args.get("next"), home_url(user)))
    return render_template("auth/login.html", form=form), 422 if form.errors else 200


@bp.post("/logout")
@login_required
def logout() -> Any:
    accounts.end_sessions(db.session, current_user._get_current_object())
    locale = session.get("locale")
    logout_user()
    session.clear()
    if locale:
        session["locale"] = locale
    flash(_("You are logged out."), "info")
    return redirect(url_for("public.landing"))


@bp.route("/invite/<token>", methods=["GET", "POST"])
@auth_limits
def accept_invitation(token: str) -> Any:
    invitation = invitations.find_usable(db.session, token)
    if invitation is None:
        return render_template("auth/invitation_gone.html"), 404
    form = NewAccountForm()
    if form.validate_on_submit():
        try:
            user = invitations.accept(db.session, token, email=form.email.data,
                                      password=form.password.data, locale=locale_code())
        except DomainError as error:
            form.attach(error.errors)
        else:
            _start_session(user)
            flash(_("You have joined %(org)s.", org=user.organization.name), "success")
            return redirect(home_url(user))
    return render_template("auth/invitation.html", form=form, invitation=invitation), 422 if form.errors else 200
