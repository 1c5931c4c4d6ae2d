"""The zone's calendar. Every date the product decides by (a deadline passed, a seat offer's
period, a resident's first day, the figures' year) is Shanghai's, whatever time zone the server
runs in: at 05:00 in Shanghai a UTC server's ``date.today()`` is still yesterday."""
from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

ZONE = ZoneInfo("Asia/Shanghai")


def today() -> date:
    """Today's date in Shanghai."""
    return datetime.now(ZONE).date()


def day_of(moment: datetime) -> date:
    """The Shanghai date of a stored moment (stored in UTC; a naive one is UTC too)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(ZONE).date()
