"""The vocabulary (``/taxonomy``) and organizations' public profiles."""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import abort
from flask_babel import lazy_gettext as _l

from marketplace.api.blueprint import endpoint
from marketplace.extensions import db
from marketplace.models import Organization, Park, Stage, TaxonomyVersion
from marketplace.schemas.organizations import OrganizationSchema
from marketplace.schemas.taxonomy import TaxonomySchema


@endpoint("/taxonomy", "GET", summary=_l("Sectors, stages and parks, in both languages"), tag="reference",
          auth=False, response=TaxonomySchema)
def taxonomy() -> Any:
    version = db.session.scalar(sa.select(TaxonomyVersion).where(TaxonomyVersion.is_current))
    return TaxonomySchema().dump({
        "version": version.code,
        "sectors": version.sectors,
        "stages": db.session.scalars(sa.select(Stage).order_by(Stage.ordinal)).all(),
        "parks": db.session.scalars(sa.select(Park).order_by(Park.id)).all(),
    })


@endpoint("/organizations/<int:org_id>", "GET", summary=_l("An organization's public profile"),
          tag="organizations", response=OrganizationSchema)
def organization(org_id: int) -> Any:
    org = db.session.get(Organization, org_id)
    if org is None:
        abort(404)
    return OrganizationSchema().dump(org)
