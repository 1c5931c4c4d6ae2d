"""What the tests of loan products, capacity offers and incubator profiles share: API
callers with bearer tokens, and organizations by their user's email."""
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
