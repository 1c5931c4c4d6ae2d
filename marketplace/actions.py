"""The shape every state-changing button of the deal pages shares: do the change, say on the
next page how it went, go back. A missing (or someone else's) object answers 404."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import flash, redirect
from werkzeug.wrappers import Response

from marketplace.errors import DomainError, NotFound
from marketplace.extensions import db


def messages_of(error: DomainError) -> str:
    """A refusal's messages as one sentence for a flash."""
    return " ".join(str(m) for messages in error.errors.values() for m in messages)


def run(change: Callable[[], Any], done: str | Callable[[Any], str], back: str) -> Response:
    """Run ``change``; flash ``done`` (or ``done(result)``) or the refusal, then redirect to ``back``."""
    try:
        result = change()
    except NotFound:
        raise
    except DomainError as error:
        db.session.rollback()
        flash(messages_of(error), "danger")
    else:
        flash(done(result) if callable(done) else done, "success")
    return redirect(back)
