"""The base of every form: CSRF from Flask-WTF, and a way to show a service's refusal."""
from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm


class Form(FlaskForm):
    def attach(self, errors: dict[str, list[Any]]) -> None:
        """Put a DomainError's messages on the fields they name ("_" goes above the form)."""
        for name, messages in errors.items():
            field = self._fields.get(name)
            if field is None:
                self.form_errors.extend(messages)
            else:
                field.errors = [*field.errors, *messages]

    @property
    def has_errors(self) -> bool:
        return bool(self.errors)
