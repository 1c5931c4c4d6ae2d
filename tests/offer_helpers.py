"""What the tests of loan products, capacity offers and incubator profiles share: API
callers with bearer tokens, organizations by their user's email, and an offer's name in each language."""
from __future__ import annotations

import sqlalchemy as sa
from flask import Flask

from marketplace.extensions import db
from marketplace.models import Organization, User
from marketplace.services import tokens

EN = {"Accept-Language": "en"}
ZH = {"Accept-Language": "zh-CN"}


def org_of(session: sa.orm.Session, email: str) -> Organization:
    return session.scalar(sa.select(User).where(User.email == email)).organization


def bearer(app: Flask, email: str, language: dict[str, str] = EN) -> dict[str, str]:
    """Headers that call the API as the user with ``email``."""
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == email))
        _token, raw = tokens.create(db.session, user, name="test")
        db.session.remove()
    return {"Authorization": f"Bearer {raw}", **language}


def org_id(app: Flask, email: str) -> int:
    with app.app_context():
        try:
            return org_of(db.session, email).id
        finally:
            db.session.remove()


def listed_as(client, page: str, english: str, chinese: str) -> None:
    """The list at ``page`` links an offer by ``english`` on English pages and by ``chinese`` on Chinese ones."""
    for headers, text in ((EN, english), (ZH, chinese)):
        assert f">{text}</a>" in client.get(page, headers=headers).get_data(as_text=True), (headers, text)
