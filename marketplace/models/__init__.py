"""Every model, importable from one place (Alembic and the services import from here)."""
from marketplace.models.activity import AuditEvent, AuditParty, Notification, NotificationSetting
from marketplace.models.base import Base
from marketplace.models.deals import (
    Introduction,
    IntroMessage,
    LoanOffer,
    PipelineCard,
    PipelineNote,
    RoundCommitment,
)
from marketplace.models.history import FundingRound, investments
from marketplace.models.interactions import Interaction
from marketplace.models.listings import (
    FundingNeed,
    IncubationCapacity,
    InvestorThesis,
    IPAsset,
    LoanProduct,
    PledgeRate,
    OfferRevision,
    ThesisRevision,
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
from marketplace.models.relay import IncubationStay, Partnership, Reservation
from marketplace.models.reference import Park, Sector, Stage, Tag, TaxonomyVersion
from marketplace.models.users import ApiToken, Invitation, User

__all__ = [
    "Base", "Interaction", "FundingNeed", "IncubationCapacity", "InvestorThesis", "IPAsset",
    "LoanProduct", "PledgeRate", "OfferRevision", "ThesisRevision", "ORG_CLASSES", "Bank", "Incubator", "Investor",
    "Organization",
    "ParkOperator", "Startup", "StartupTier", "Park", "Sector", "Stage", "Tag", "TaxonomyVersion",
    "Invitation", "User", "ApiToken", "FundingRound", "investments",
    "AuditEvent", "AuditParty", "Notification", "NotificationSetting", "Introduction", "IntroMessage",
    "LoanOffer", "PipelineCard", "PipelineNote", "RoundCommitment", "IncubationStay", "Partnership",
    "Reservation",
]
