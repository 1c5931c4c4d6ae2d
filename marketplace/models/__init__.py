"""Every model, importable from one place (Alembic and the services import from here)."""
from marketplace.models.base import Base
from marketplace.models.history import FundingRound, investments
from marketplace.models.interactions import Interaction
from marketplace.models.listings import (
    FundingNeed,
    IncubationCapacity,
    InvestorThesis,
    IPAsset,
    LoanProduct,
    PledgeRate,
)
from marketplace.models.organizations import (
    ORG_CLASSES,
    Bank,
    Incubator,
    Investor,
    Organization,
    ParkOperator,
    Startup,
    StartupTier,
)
from marketplace.models.reference import Park, Sector, Stage, Tag, TaxonomyVersion
from marketplace.models.users import ApiToken, Invitation, User

__all__ = [
    "Base", "Interaction", "FundingNeed", "IncubationCapacity", "InvestorThesis", "IPAsset",
    "LoanProduct", "PledgeRate", "ORG_CLASSES", "Bank", "Incubator", "Investor", "Organization",
    "ParkOperator", "Startup", "StartupTier", "Park", "Sector", "Stage", "Tag", "TaxonomyVersion",
    "Invitation", "User", "ApiToken", "FundingRound", "investments",
]
