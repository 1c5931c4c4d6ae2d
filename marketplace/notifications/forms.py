"""The settings form: two checkboxes (in the product, by email) per kind of notification."""
from __future__ import annotations

from wtforms import BooleanField

from marketplace.forms import Form
from marketplace.models import NotificationSetting
from marketplace.models.enums import NotificationKind


class SettingsForm(Form):
    """Fields ``<kind>-in_app`` and ``<kind>-email`` for every ``NotificationKind``."""

    @classmethod
    def data_of(cls, settings: dict[NotificationKind, NotificationSetting]) -> dict[str, bool]:
        data = {}
        for kind, setting in settings.items():
            data[f"{kind.value}-in_app"], data[f"{kind.value}-email"] = setting.in_app, setting.email
        return data

    def chosen(self) -> dict[NotificationKind, tuple[bool, bool]]:
        return {kind: (bool(self[f"{kind.value}-in_app"].data), bool(self[f"{kind.value}-email"].data))
                for kind in NotificationKind}


for _kind in NotificationKind:
    setattr(SettingsForm, f"{_kind.value}-in_app", BooleanField(_kind.label))
    setattr(SettingsForm, f"{_kind.value}-email", BooleanField(_kind.label))
