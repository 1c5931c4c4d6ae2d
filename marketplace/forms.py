"""The base of every form: CSRF from Flask-WTF, no NUL character in any field, and a way to show
a service's refusal, together with the form's own."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectMultipleField

from marketplace.errors import DomainError, NotFound
from marketplace.services.listing_common import NUL_REFUSED

# WTForms' own refusal of a value no multiple choice offers has no Chinese in its catalog.
NOT_A_CHOICE = _l("Not among the choices offered: %(value)s")


def holds_nul(value: Any) -> bool:
    """Whether a field's data (text, or lists and dicts of it) holds a NUL, which PostgreSQL
    cannot store and no person types."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(holds_nul(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return any(holds_nul(v) for v in value)
    return False


class Form(FlaskForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self:
            if isinstance(field, SelectMultipleField) and field.invalid_choice_message is None:
                field.invalid_choice_message = NOT_A_CHOICE

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        for field in self:
            if holds_nul(field.data):
                field.errors = [*field.errors, NUL_REFUSED]
                valid = False
        return valid

    def attach(self, errors: dict[str, list[Any]], *, beside_own: bool = False) -> None:
        """Put a DomainError's messages on the fields they name ("_" goes above the form); with
        ``beside_own``, not on a field the form itself refused."""
        own = {name for name, field in self._fields.items() if field.errors} if beside_own else set()
        for name, messages in errors.items():
            field = self._fields.get(name)
            if field is None:
                self.form_errors.extend(messages)
            elif name not in own:
                field.errors = [*field.errors, *messages]

    def passed(self, name: str) -> Any:
        """A field's data, or None when the form refused it: what a service may still check."""
        field = self[name]
        return None if field.errors else field.data

    def validate_with(self, check: Callable[[], Any]) -> bool:
        """``validate_on_submit``; and when it refuses some fields, the service's rules are run on the
        others too (``check`` writes nothing; the form's values read refused fields as None), so
        that every error shows at once, not a second batch once the first are put right."""
        if self.validate_on_submit():
            return True
        csrf = self._fields.get("csrf_token")
        if self.is_submitted() and not (csrf is not None and csrf.errors):
            try:
                check()
            except NotFound:
                raise
            except DomainError as error:
                self.attach(error.errors, beside_own=True)
        return False

    @property
    def has_errors(self) -> bool:
        return bool(self.errors)
