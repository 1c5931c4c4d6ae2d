"""``/notifications``: the list, mark read, and the per-kind settings; and the bell's count.

Each notification is rendered in the reader's language when the list is opened
(``services.notifications.text_of``).
"""
from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from marketplace.access import safe_next
from marketplace.extensions import db
from marketplace.i18n import locale_code
from marketplace.models.enums import NotificationKind
from marketplace.notifications.forms import SettingsForm
from marketplace.services import notifications

bp = Blueprint("notifications", __name__, url_prefix="/notifications")


@bp.app_template_global("unread_notifications")
def unread_notifications() -> int:
    """The bell's number: one indexed count, only for a logged-in user."""
    if not current_user.is_authenticated:
        return 0
    return notifications.unread_count(db.session, current_user.id)


@bp.get("/")
@login_required
def notification_list() -> Any:
    before = request.args.get("before", type=int)
    page = notifications.latest(db.session, current_user.id, after=before if before and before > 0 else None)
    locale = locale_code()
    items = [(n, notifications.text_of(n, locale)) for n in page.items]
    return render_template(
        "notifications/list.html", items=items,
        next_url=url_for(".notification_list", before=page.next_after) if page.next_after else None)


@bp.post("/<int:notification_id>/read")
@login_required
def mark_read(notification_id: int) -> Any:
    """Mark one read, then go where it leads (or back to the list)."""
    notifications.mark_read(db.session, current_user.id, notification_id)
    return redirect(safe_next(request.form.get("next"), url_for(".notification_list")))


@bp.post("/read-all")
@login_required
def mark_all_read() -> Any:
    notifications.mark_read(db.session, current_user.id)
    flash(_("Every notification is marked as read."), "success")
    return redirect(url_for(".notification_list"))


@bp.route("/settings", methods=["GET", "POST"])
@login_required
def settings() -> Any:
    form = SettingsForm(data=SettingsForm.data_of(notifications.settings_of(db.session, current_user.id)))
    if form.validate_on_submit():
        notifications.save_settings(db.session, current_user.id, form.chosen())
        flash(_("Your notification settings are saved."), "success")
        return redirect(url_for(".settings"))
    return render_template("notifications/settings.html", form=form, kinds=list(NotificationKind)), \
        422 if form.errors else 200
