"""Which language a request is served in, and the template helpers that depend on it.

Order: the account's choice, then the choice of this browser session, then the
browser's Accept-Language, then Simplified Chinese.
"""
from __future__ import annotations

from typing import Any

from flask import Flask, current_app, has_request_context, request, session
from flask_babel import format_date, format_datetime, format_decimal, get_locale
from flask_login import current_user

from marketplace import clock

LANGUAGE_NAMES = {"zh_Hans": "简体中文", "en": "English"}  # each in its own language


def N_(message: str) -> str:  # noqa: N802 (gettext's conventional name)
    """Mark a message for the catalog without translating it; it is translated when shown."""
    return message


def select_locale() -> str:
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if current_user and current_user.is_authenticated and current_user.locale in LANGUAGE_NAMES:
        return current_user.locale
    if session.get("locale") in LANGUAGE_NAMES:
        return session["locale"]
    best = request.accept_languages.best_match(["zh", "zh-CN", "zh-Hans", "en"])
    if best is None:
        return "zh_Hans"
    return "en" if best.startswith("en") else "zh_Hans"


def locale_code() -> str:
    locale = get_locale()
    return "zh_Hans" if locale is None or locale.language == "zh" else "en"


def localized(row: Any) -> str:
    """The name of a bilingual reference row (sector, stage, park) in the current language."""
    return row.name_in(locale_code())


def html_lang() -> str:
    return "zh-Hans" if locale_code() == "zh_Hans" else "en"


def yuan(amount: int | None) -> str:
    """Money as people read it: 万/亿 in Chinese, K/M/B in English."""
    if amount is None:
        return "—"
    if locale_code() == "zh_Hans":
        if amount >= 100_000_000:
            return f"{format_decimal(amount / 100_000_000, '#,##0.##')} 亿元"
        if amount >= 10_000:
            return f"{format_decimal(amount / 10_000, '#,##0.##')} 万元"
        return f"{format_decimal(amount, '#,##0')} 元"
    if amount >= 1_000_000_000:
        return f"CNY {format_decimal(amount / 1_000_000_000, '#,##0.##')}B"
    if amount >= 1_000_000:
        return f"CNY {format_decimal(amount / 1_000_000, '#,##0.##')}M"
    if amount >= 1_000:
        return f"CNY {format_decimal(amount / 1_000, '#,##0.##')}K"
    return f"CNY {format_decimal(amount, '#,##0')}"


def init_templates(app: Flask) -> None:
    app.jinja_env.globals.update(
        localized=localized,
        locale_code=locale_code,
        html_lang=html_lang,
        language_names=LANGUAGE_NAMES,
        format_date=format_date,
        format_datetime=format_datetime,
        format_decimal=format_decimal,
        zone_today=clock.today,
    )
    app.jinja_env.filters["yuan"] = yuan
