"""Domain errors, and the error pages: HTML for people, JSON for JSON clients."""
from __future__ import annotations

import math
import time
from typing import Any

from flask import Flask, jsonify, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from marketplace.extensions import db, limiter


class DomainError(Exception):
    """A use case refused its input; ``errors`` maps a field (or "_") to messages."""

    status = 422

    def __init__(self, errors: dict[str, list[Any]]):
        super().__init__(errors)
        self.errors = errors

    @classmethod
    def on(cls, field: str, message: Any) -> "DomainError":
        return cls({field: [message]})


class Conflict(DomainError):
    status = 409


class NotFound(DomainError):
    """Missing, or not the caller's: both answer 404 so that ids reveal nothing."""

    status = 404


TITLES = {
    400: _l("The request could not be understood"),
    401: _l("Please log in"),
    403: _l("You may not open this page"),
    404: _l("Page not found"),
    405: _l("That action is not allowed here"),
    409: _l("That conflicts with what already exists"),
    413: _l("The upload is too large"),
    422: _l("Please correct the input"),
    429: _l("Too many attempts"),
    500: _l("Something went wrong on our side"),
}

EXPLANATIONS = {
    400: _l("The form may have expired. Go back, reload the page and try again."),
    403: _l("This page belongs to another side of the marketplace or to another organization."),
    404: _l("The address may be mistyped, or the listing was removed."),
    429: _l("Too many attempts in a short time."),
    500: _l("The error was logged. Please try again in a moment."),
}


def wants_json() -> bool:
    if request.path.startswith("/api/"):
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json" and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]


def retry_after_seconds() -> int | None:
    limit = limiter.current_limit
    if limit is None:
        return None
    return max(1, math.ceil(limit.reset_at - time.time()))


def render_error(status: int, messages: dict[str, list[Any]] | None = None) -> Any:
    title = TITLES.get(status, TITLES[500])
    retry = retry_after_seconds() if status == 429 else None
    if wants_json():
        body = {"errors": {k: [str(m) for m in v] for k, v in (messages or {"_": [title]}).items()}}
        if retry is not None:
            body["retry_after"] = retry
        return jsonify(body), status
    explanation = EXPLANATIONS.get(status)
    if retry is not None:
        explanation = _("Too many attempts in a short time. Try again in %(seconds)d seconds.", seconds=retry)
    return render_template("errors/error.html", status=status, title=title, explanation=explanation), status


def init_app(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Any:
        return render_error(error.code or 500)

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError) -> Any:
        return render_error(400, {"csrf_token": [_("The form expired. Reload the page and try again.")]})

    @app.errorhandler(DomainError)
    def domain_error(error: DomainError) -> Any:
        db.session.rollback()
        return render_error(error.status, error.errors)

    @app.errorhandler(InternalServerError)
    def server_error(error: InternalServerError) -> Any:
        db.session.rollback()
        return render_error(500)
