"""A startup's IP portfolio: patents and software copyrights, their dates and appraisals.

Only the owning startup reads or writes its assets; for anyone else an asset does not exist.
Banks will later lend against the granted ones (IP-pledge loans), so the dates and numbers
are checked as CNIPA and the copyright office issue them.
"""
from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from marketplace import clock
from marketplace.errors import Conflict, NotFound
from marketplace.models import IPAsset, Startup
from marketplace.models.enums import IPStatus
from marketplace.services.ip_numbers import normalize, number_error
from marketplace.services.listing_common import FieldErrors, Page, newest_first, text
from marketplace.services.needs import MAX_YUAN

REQUIRED = ("kind", "number", "title", "status")
TEXT_LENGTHS = {"number": 40, "title": 300}
DATES_NOT_AHEAD = ("filed_on", "granted_on", "appraised_on")


def portfolio(session: Session, startup_id: int) -> list[IPAsset]:
    """Every asset of the startup, the latest filed first."""
    return list(session.scalars(
        sa.select(IPAsset).where(IPAsset.startup_id == startup_id)
        .order_by(IPAsset.filed_on.desc().nulls_last(), IPAsset.id.desc())
    ))


def page(session: Session, startup_id: int, *, after_id: int | None, limit: int) -> Page[IPAsset]:
    """One page of the portfolio, the newest entry first."""
    return newest_first(session, sa.select(IPAsset).where(IPAsset.startup_id == startup_id), IPAsset.id,
                        after=after_id, limit=limit)


def owned(session: Session, org_id: int, asset_id: int) -> IPAsset:
    asset = session.get(IPAsset, asset_id)
    if asset is None or asset.startup_id != org_id:
        raise NotFound.on("_", _l("No such IP asset."))
    return asset


def create(session: Session, startup_id: int, fields: Mapping[str, Any], *, today: date | None = None) -> IPAsset:
    startup = session.get(Startup, startup_id)
    if startup is None:
        raise NotFound.on("_", _l("No such startup."))
    values = _checked(session, None, _new(fields), today or clock.today())
    asset = IPAsset(startup=startup, **values)
    session.add(asset)
    _commit(session)
    return asset


def update(session: Session, org_id: int, asset_id: int, changes: Mapping[str, Any], *,
           today: date | None = None) -> IPAsset:
    asset = owned(session, org_id, asset_id)
    values = _checked(session, asset, changes, today or clock.today())
    for name, value in values.items():
        setattr(asset, name, value)
    _commit(session)
    return asset


def check(session: Session, org_id: int, fields: Mapping[str, Any], *, asset_id: int | None = None,
          today: date | None = None) -> None:
    """The rules of ``create`` (with ``asset_id``: of ``update``) on these fields, writing nothing: a
    DomainError names every field at fault."""
    asset = owned(session, org_id, asset_id) if asset_id is not None else None
    _checked(session, asset, _new(fields) if asset is None else fields, today or clock.today())


def _new(fields: Mapping[str, Any]) -> dict[str, Any]:
    return {**dict.fromkeys(REQUIRED), **fields}


def delete(session: Session, org_id: int, asset_id: int) -> None:
    session.delete(owned(session, org_id, asset_id))
    session.commit()


def _commit(session: Session) -> None:
    """Two startups registering the same number at the same moment: the database decides."""
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        raise _taken() from None


def _taken() -> Conflict:
    return Conflict.on("number", _l("An IP asset with this number is already registered."))


def _checked(session: Session, asset: IPAsset | None, changes: Mapping[str, Any], today: date) -> dict[str, Any]:
    """The changes, once the asset they make is valid; otherwise every field at fault at once."""
    errors = FieldErrors()
    values = dict(changes)
    for name, length in TEXT_LENGTHS.items():
        if name in values:
            values[name] = text(errors, name, values[name], max_length=length, required=True)
    if values.get("number") and not errors.has("number"):
        values["number"] = normalize(values["number"])
    for name in ("kind", "status"):
        if name in values and values[name] is None:
            errors.add(name, _l("This field is required."))
    errors.check_range("appraised_value", values.get("appraised_value"), 0, MAX_YUAN)
    for name in DATES_NOT_AHEAD:
        if values.get(name) is not None and values[name] > today:
            errors.add(name, _l("This date is in the future."))

    def after(name: str) -> Any:
        return values[name] if name in values else getattr(asset, name, None)

    kind, number = after("kind"), after("number")
    if kind and number and ("kind" in values or "number" in values) and not errors.has("number"):
        problem = number_error(kind, number, today.year)
        if problem is not None:
            errors.add("number", problem)
    _date_errors(errors, after)
    errors.raise_if_any()
    if "kind" in values or "number" in values:
        _check_unique(session, asset, kind, number)
    return values


def _date_errors(errors: FieldErrors, after: Any) -> None:
    """The dates in the order the offices give them, and what each status requires."""
    status, filed, granted, expires = after("status"), after("filed_on"), after("granted_on"), after("expires_on")
    if status == IPStatus.FILED and granted is not None:
        errors.add("granted_on", _l("An application that is only filed has no grant date; "
                                    "choose the status granted."))
    if status and status != IPStatus.FILED and granted is None:
        errors.add("granted_on", _l("Enter the grant date."))
    if status == IPStatus.EXPIRED and expires is None:
        errors.add("expires_on", _l("Enter the date it expired."))
    if filed is not None and granted is not None and granted < filed:
        errors.add("granted_on", _l("The grant date must not be before the filing date."))
    if expires is not None and granted is not None and expires <= granted:
        errors.add("expires_on", _l("The expiry date must be after the grant date."))
    if expires is not None and status == IPStatus.FILED:
        errors.add("expires_on", _l("Only a granted asset has an expiry date."))
    if after("appraised_on") is not None and after("appraised_value") is None:
        errors.add("appraised_value", _l("Enter the appraised value for this appraisal date."))


def _check_unique(session: Session, asset: IPAsset | None, kind: Any, number: str) -> None:
    query = sa.select(IPAsset.id).where(IPAsset.kind == kind, IPAsset.number == number)
    if asset is not None:
        query = query.where(IPAsset.id != asset.id)
    if session.scalar(query.limit(1)) is not None:
        raise _taken()
