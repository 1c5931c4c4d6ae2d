"""The JSON API under ``/api/v1``: one module per resource; each loads a schema, calls a
service and dumps a schema."""
from marketplace.api import (  # noqa: F401  (their routes register on bp)
    auth,
    capacities,
    deal_flow,
    docs,
    incubators,
    intros,
    ip_assets,
    loan_offers,
    loan_products,
    marks,
    needs,
    notifications,
    pipeline,
    recommendations,
    reference,
    reservations,
    startups,
    theses,
)
from marketplace.api.blueprint import bp

__all__ = ["bp"]
