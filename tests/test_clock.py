"""The zone's calendar is Shanghai's, whatever the server's time zone."""
from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from marketplace import clock


@pytest.mark.parametrize(("utc", "shanghai"), [
    (datetime(2026, 12, 7, 15, 59, tzinfo=UTC), date(2026, 12, 7)),  # 23:59 in Shanghai
    (datetime(2026, 12, 7, 16, 0, tzinfo=UTC), date(2026, 12, 8)),  # midnight in Shanghai, still the 7th in UTC
    (datetime(2026, 12, 7, 21, 20, tzinfo=UTC), date(2026, 12, 8)),  # a resident accepted at 05:20 starts on the 8th
])
def test_today_is_the_date_in_shanghai(monkeypatch, utc, shanghai):
    class Frozen(datetime):
        @classmethod
        def now(cls, tz=None):
            return utc.astimezone(tz) if tz else utc.replace(tzinfo=None)

    monkeypatch.setattr(clock, "datetime", Frozen)
    assert clock.today() == shanghai


def test_a_stored_moment_falls_on_its_shanghai_date():
    assert clock.day_of(datetime(2026, 12, 7, 21, 20, tzinfo=UTC)) == date(2026, 12, 8)
    assert clock.day_of(datetime(2026, 12, 7, 21, 20)) == date(2026, 12, 8)  # naive: stored in UTC
    assert clock.day_of(datetime(2026, 12, 7, 15, 0, tzinfo=UTC)) == date(2026, 12, 7)
