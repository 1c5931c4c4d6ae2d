"""``/notifications``: the caller's bell, newest first, each text in the caller's language."""
from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from marketplace.api.blueprint import caller, endpoint, load_query
from marketplace.api.id_pages import after_id, page_response
from marketplace.extensions import db
from marketplace.i18n import locale_code
from marketplace.schemas.notifications import NotificationPageSchema, NotificationQuerySchema, NotificationSchema
from marketplace.services import notifications

TAG = "notifications"


@endpoint("/notifications", "GET", summary=_l("Your notifications, newest first, with the number unread"), tag=TAG,
          query=NotificationQuerySchema, response=NotificationPageSchema)
def list_notifications() -> Any:
    query = load_query(NotificationQuerySchema())
    user = caller()
    page = notifications.latest(db.session, user.id, after=after_id(query), limit=query["limit"])
    locale = locale_code()
    body = page_response(page, NotificationSchema(exclude=("text",)))
    for item, row in zip(body["items"], page.items):
        item["text"] = notifications.text_of(row, locale)
    body["unread"] = notifications.unread_count(db.session, user.id)
    return body


@endpoint("/notifications/<int:notification_id>/read", "POST", summary=_l("Mark one of your notifications read"),
          tag=TAG, status=204)
def read_notification(notification_id: int) -> Any:
    user = caller()
    notifications.own(db.session, user.id, notification_id)
    notifications.mark_read(db.session, user.id, notification_id)
    return "", 204


@endpoint("/notifications/read-all", "POST", summary=_l("Mark all your notifications read"), tag=TAG, status=204)
def read_all_notifications() -> Any:
    notifications.mark_read(db.session, caller().id)
    return "", 204
