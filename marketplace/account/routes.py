from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user

from marketplace.account.forms import EmailChangeForm, PasswordChangeForm, TokenForm
from marketplace.errors import DomainError
from marketplace.extensions import db
from marketplace.services import accounts, invitations, tokens

bp = Blueprint("account", __name__, url_prefix="/account")


def _page(status: int = 200, **forms: Any) -> Any:
    context = {
        "password_form": forms.get("password_form") or PasswordChangeForm(formdata=None),
        "email_form": forms.get("email_form") or EmailChangeForm(formdata=None),
        "invitations": invitations.pending(db.session, current_user.organization_id),
        "members": current_user.organization.users,
        "new_link": forms.get("new_link"),
        "token_form": forms.get("token_form") or TokenForm(formdata=None),
        "tokens": tokens.active(db.session, current_user._get_current_object()),
        "new_token": forms.get("new_token"),
    }
    return render_template("account/settings.html", **context), status


@bp.get("/")
@login_required
def settings() -> Any:
    return _page()


@bp.post("/password")
@login_required
def change_password() -> Any:
    form = PasswordChangeForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        try:
            accounts.change_password(db.session, user, current=form.current_password.data,
                                     new=form.new_password.data)
        except DomainError as error:
            form.attach(error.errors)
        else:
            # The change ended every other session; this one carries on under the new version.
            login_user(user)
            flash(_("Your password was changed. Other devices have been logged out."), "success")
            return redirect(url_for(".settings"))
    return _page(422, password_form=form)


@bp.post("/email")
@login_required
def change_email() -> Any:
    form = EmailChangeForm()
    if form.validate_on_submit():
        try:
            accounts.change_email(db.session, current_user._get_current_object(),
                                  current_password=form.current_password.data, new_email=form.new_email.data)
        except DomainError as error:
            form.attach(error.errors)
        else:
            flash(_("Your email was changed."), "success")
            return redirect(url_for(".settings"))
    return _page(422, email_form=form)


@bp.post("/invitations")
@login_required
def create_invitation() -> Any:
    token = invitations.create(db.session, current_user._get_current_object(),
                               ttl_hours=current_app.config["INVITATION_TTL_HOURS"])
    return _page(new_link=url_for("auth.accept_invitation", token=token, _external=True))


@bp.post("/invitations/<int:invitation_id>/revoke")
@login_required
def revoke_invitation(invitation_id: int) -> Any:
    invitations.revoke(db.session, current_user._get_current_object(), invitation_id)
    flash(_("The invitation link no longer works."), "info")
    return redirect(url_for(".settings"))


@bp.post("/tokens")
@login_required
def create_token() -> Any:
    form = TokenForm()
    if form.validate_on_submit():
        try:
            _token, raw = tokens.create(db.session, current_user._get_current_object(), name=form.name.data,
                                        ttl_days=form.ttl_days.data or None)
        except DomainError as error:
            form.attach(error.errors)
        else:
            return _page(new_token=raw)
    return _page(422, token_form=form)


@bp.post("/tokens/<int:token_id>/revoke")
@login_required
def revoke_token(token_id: int) -> Any:
    tokens.revoke(db.session, current_user._get_current_object(), token_id)
    flash(_("The token no longer works."), "info")
    return redirect(url_for(".settings"))
