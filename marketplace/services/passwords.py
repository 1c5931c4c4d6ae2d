"""The password policy and hashing (scrypt, through Werkzeug)."""
from __future__ import annotations

import gzip
from functools import cache
from importlib import resources
from typing import Any

from flask import current_app, has_app_context
from flask_babel import lazy_gettext as _l
from werkzeug.security import check_password_hash, generate_password_hash

MIN_LENGTH = 10
MAX_LENGTH = 256
HASH_METHOD = "scrypt"  # Werkzeug's scrypt at its default cost (n=32768, r=8, p=1)


@cache
def common_passwords() -> frozenset[str]:
    """The bundled list of common passwords (see marketplace/data/README.md)."""
    raw = resources.files("marketplace").joinpath("data/common-passwords.txt.gz").read_bytes()
    return frozenset(line.strip() for line in gzip.decompress(raw).decode().splitlines() if line.strip())


def policy_errors(password: str, email: str | None = None) -> list[Any]:
    if len(password) < MIN_LENGTH:
        return [_l("Use at least %(n)d characters.", n=MIN_LENGTH)]
    if len(password) > MAX_LENGTH:
        return [_l("Use at most %(n)d characters.", n=MAX_LENGTH)]
    lowered = password.lower()
    if lowered in common_passwords():
        return [_l("This password is too common; choose one that is harder to guess.")]
    if email and lowered == email.lower():
        return [_l("The password must not be your email address.")]
    return []


def hash_password(password: str) -> str:
    """An scrypt hash at the app's ``PASSWORD_HASH_METHOD`` (``HASH_METHOD`` unless code says
    otherwise: the test suite lowers the cost, no environment variable can). The cost is stored
    in the hash, so verifying needs no setting."""
    method = current_app.config.get("PASSWORD_HASH_METHOD", HASH_METHOD) if has_app_context() else HASH_METHOD
    return generate_password_hash(password, method=method)


def verify_password(password_hash: str, password: str) -> bool:
    return check_password_hash(password_hash, password)
