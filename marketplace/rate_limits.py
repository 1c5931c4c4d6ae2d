"""Rate limits on the doors where passwords are tried: per client address and per email.

Counters live in Redis when REDIS_URL is set, in memory otherwise; when Redis stops
answering, Flask-Limiter falls back to memory and the app keeps serving.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import current_app, request
from flask_limiter.util import get_remote_address

from marketplace.extensions import limiter


def _auth_limit() -> str:
    return current_app.config["AUTH_RATE_LIMIT"]


def _email_key() -> str:
    body = request.get_json(silent=True) if request.is_json else None
    email = body.get("email") if isinstance(body, dict) else request.form.get("email")
    return "email:" + (email if isinstance(email, str) else "").strip().lower()


def auth_limits(view: Callable[..., Any]) -> Callable[..., Any]:
    """Only submitted tries (POST) count; reading the form is free."""
    per_ip = limiter.limit(_auth_limit, key_func=get_remote_address, methods=["POST"], scope="auth-ip")
    per_email = limiter.limit(_auth_limit, key_func=_email_key, methods=["POST"], scope="auth-email")
    return per_ip(per_email(view))
