"""Test helpers: where the shared data folder is, and acting as a browser would (read the form's
CSRF token, then post)."""
from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

_TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')

ROOT = Path(__file__).resolve().parent.parent
# The read-only shared folder beside the repository (ZJ_SHARED_DIR when a clone lives elsewhere)
SHARED_CRUNCHBASE = Path(os.environ.get("ZJ_SHARED_DIR") or ROOT.parent / "shared") / "data" / "crunchbase-2013"
needs_shared_crunchbase = pytest.mark.skipif(not SHARED_CRUNCHBASE.is_dir(),
                                             reason=f"the shared Crunchbase folder is not at {SHARED_CRUNCHBASE}")


def csrf_token(client: FlaskClient, page: str) -> str:
    html = client.get(page).get_data(as_text=True)
    match = _TOKEN.search(html)
    assert match, f"no CSRF token on {page}"
    return match.group(1) or match.group(2)


def submit(client: FlaskClient, page: str, data: dict[str, Any], action: str | None = None,
           **kwargs: Any) -> TestResponse:
    """Open ``page``, take its CSRF token, post ``data`` to ``action`` (default: the page)."""
    token = csrf_token(client, page)
    return client.post(action or page, data={"csrf_token": token, **data}, **kwargs)


def log_in(client: FlaskClient, email: str, password: str, remember: bool = False) -> TestResponse:
    data = {"email": email, "password": password}
    if remember:
        data["remember"] = "y"
    return submit(client, "/login", data)


def log_out(client: FlaskClient) -> TestResponse:
    return submit(client, "/account/", {}, action="/logout")


def field_errors(html: str, field: str) -> str:
    match = re.search(rf'data-field-error="{field}">(.*?)</div>\s*</div>', html, re.S)
    return re.sub(r"<[^>]+>", " ", match.group(1)).strip() if match else ""
