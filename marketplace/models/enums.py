"""Closed vocabularies of the domain, each member with a label in the user's language.

A member is declared as ``NAME = "stored value", _l("English label")``; the value is
what the database holds, the label is translated when it is shown.
"""
from __future__ import annotations

import enum
from collections.abc import Iterable
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from wtforms.fields.choices import SelectChoice


class LabelledEnum(str, enum.Enum):
    label: Any

    def __new__(cls, value: str, label: Any) -> "LabelledEnum":
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member

    def __str__(self) -> str:
        return self.value

    @classmethod
    def choices(cls, members: "Iterable[LabelledEnum] | None" = None) -> list[SelectChoice]:
        """Options for a form field, labelled in the user's language."""
        return [SelectChoice(m.value, m.label) for m in (members if members is not None else cls)]


class OrgKind(LabelledEnum):
    STARTUP = "startup", _l("Startup")
    INVESTOR = "investor", _l("Investor")
    BANK = "bank", _l("Bank")
    INCUBATOR = "incubator", _l("Incubator")
    OPERATOR = "operator", _l("Park operator")


SIGNUP_KINDS = (OrgKind.STARTUP, OrgKind.INVESTOR, OrgKind.BANK, OrgKind.INCUBATOR)


class Role(LabelledEnum):
    STARTUP = "startup", _l("Startup")
    INVESTOR = "investor", _l("Investor")
    BANK = "bank", _l("Bank")
    INCUBATOR = "incubator", _l("Incubator")
    OPERATOR = "operator", _l("Park operator")
    ADMIN = "admin", _l("Administrator")


class SectorGroup(LabelledEnum):
    TRANSFORMATION = "transformation", _l("Transformations")
    LEADING = "leading", _l("Three leading industries")
    KEY = "key", _l("Key industries")
    NEW_TRACK = "new_track", _l("New tracks")
    FUTURE = "future", _l("Future industries")


class InvestorKind(LabelledEnum):
    VC = "vc", _l("Venture capital")
    ANGEL = "angel", _l("Angel investor")
    CVC = "cvc", _l("Corporate venture capital")
    GUIDANCE_FUND = "guidance_fund", _l("Government guidance fund")


class IncubatorTier(LabelledEnum):
    HIGH_QUALITY = "high_quality", _l("High-quality incubator")
    NATIONAL = "national", _l("National incubator")
    MUNICIPAL = "municipal", _l("Municipal incubator")
    OTHER = "other", _l("Other incubator")


class IncubatorService(LabelledEnum):
    CONCEPT_VERIFICATION = "concept_verification", _l("Concept verification")
    PILOT_TESTING = "pilot_testing", _l("Pilot testing")
    INSPECTION_TESTING = "inspection_testing", _l("Inspection and testing")
    SHARED_LABS = "shared_labs", _l("Shared labs")
    FINANCE = "finance", _l("Financing")
    LEGAL = "legal", _l("Legal")
    IP = "ip", _l("Intellectual property")
    TALENT = "talent", _l("Talent and HR")
    POLICY = "policy", _l("Policy applications")
    MARKET = "market", _l("Market access")


class EnterpriseTier(LabelledEnum):
    TECH_LEADER = "tech_leader", _l("Tech leader")
    CHAIN_LEADER = "chain_leader", _l("Chain leader")
    UNICORN = "unicorn", _l("Unicorn")
    HIDDEN_CHAMPION = "hidden_champion", _l("Hidden champion")
    SPECIALISED = "specialised", _l("Specialised, refined, distinctive, novel")
    LITTLE_GIANT = "little_giant", _l("Little giant")
    HIGH_TECH = "high_tech", _l("High-tech enterprise")


class RevenueBand(LabelledEnum):
    PRE_REVENUE = "pre_revenue", _l("No revenue yet")
    UNDER_1M = "under_1m", _l("Under CNY 1M")
    FROM_1M = "1m_10m", _l("CNY 1M to CNY 10M")
    FROM_10M = "10m_50m", _l("CNY 10M to CNY 50M")
    FROM_50M = "50m_200m", _l("CNY 50M to CNY 200M")
    OVER_200M = "over_200m", _l("Over CNY 200M")


class Instrument(LabelledEnum):
    EQUITY = "equity", _l("Equity round")
    LINKED_LOAN = "linked_loan", _l("Investment-linked loan")
    IP_PLEDGE_LOAN = "ip_pledge_loan", _l("IP-pledge loan")
    CREDIT_LOAN = "credit_loan", _l("Credit loan")


LOAN_INSTRUMENTS = (Instrument.LINKED_LOAN, Instrument.IP_PLEDGE_LOAN, Instrument.CREDIT_LOAN)


class NeedStatus(LabelledEnum):
    DRAFT = "draft", _l("Draft")
    OPEN = "open", _l("Open")
    CLOSED = "closed", _l("Closed")
    FUNDED = "funded", _l("Funded")


class LoanKind(LabelledEnum):
    LINKED = "linked", _l("Investment-linked loan")
    IP_PLEDGE = "ip_pledge", _l("IP-pledge loan")
    CREDIT = "credit", _l("Credit loan")


class IPKind(LabelledEnum):
    INVENTION = "invention", _l("Invention patent")
    UTILITY_MODEL = "utility_model", _l("Utility model patent")
    DESIGN = "design", _l("Design patent")
    SOFTWARE_COPYRIGHT = "software_copyright", _l("Software copyright")


class IPStatus(LabelledEnum):
    FILED = "filed", _l("Filed")
    GRANTED = "granted", _l("Granted")
    EXPIRED = "expired", _l("Expired")
    INVALIDATED = "invalidated", _l("Invalidated")


class TargetKind(LabelledEnum):
    NEED = "need", _l("Funding need")
    THESIS = "thesis", _l("Investment thesis")
    LOAN_PRODUCT = "loan_product", _l("Loan product")
    CAPACITY = "capacity", _l("Incubation capacity")
    ORGANIZATION = "organization", _l("Organization")


class InteractionAction(LabelledEnum):
    VIEW = "view", _l("Viewed")
    SAVE = "save", _l("Saved")
    DISMISS = "dismiss", _l("Dismissed")
    INTRO_REQUESTED = "intro_requested", _l("Introduction requested")
    INTRO_ACCEPTED = "intro_accepted", _l("Introduction accepted")
    INTRO_DECLINED = "intro_declined", _l("Introduction declined")
    FUNDED = "funded", _l("Funded")


class IntroStatus(LabelledEnum):
    REQUESTED = "requested", _l("Requested")
    ACCEPTED = "accepted", _l("Accepted")
    DECLINED = "declined", _l("Declined")
    WITHDRAWN = "withdrawn", lazy_pgettext("request", "Withdrawn")


class PipelineStage(LabelledEnum):
    """An investor's pipeline, in order; the last two end a card."""

    SOURCED = "sourced", _l("Sourced")
    INTRO = "intro", _l("Introduction")
    MEETING = "meeting", _l("Meeting")
    DUE_DILIGENCE = "due_diligence", _l("Due diligence")
    TERM_SHEET = "term_sheet", _l("Term sheet")
    CLOSED = "closed", _l("Closed")
    LOST = "lost", _l("Lost")


class CommitmentKind(LabelledEnum):
    TERM_SHEET = "term_sheet", _l("Term sheet")
    CLOSE = "close", _l("Closed round")


class OfferStatus(LabelledEnum):
    OFFERED = "offered", _l("Offered")
    APPLIED = "applied", _l("Applied")
    APPROVED = "approved", _l("Approved")
    DECLINED = "declined", _l("Declined")
    DISBURSED = "disbursed", _l("Disbursed")


class ReservationStatus(LabelledEnum):
    """A seat is held while pending or accepted; a waitlisted request holds none yet."""

    PENDING = "pending", _l("Awaiting the incubator")
    ACCEPTED = "accepted", _l("Accepted")
    DECLINED = "declined", _l("Declined")
    RELEASED = "released", _l("Released")
    WAITLISTED = "waitlisted", _l("On the waitlist")


SEAT_HOLDING = (ReservationStatus.PENDING, ReservationStatus.ACCEPTED)


class PartnershipStatus(LabelledEnum):
    REQUESTED = "requested", _l("Requested")
    ACCEPTED = "accepted", _l("Accepted")
    DECLINED = "declined", _l("Declined")
    ENDED = "ended", _l("Ended")


class NotificationKind(LabelledEnum):
    INTRO_REQUESTED = "intro_requested", _l("Introduction requests")
    INTRO_ANSWERED = "intro_answered", _l("Answers to introductions")
    MESSAGE = "message", _l("Messages")
    RESERVATION = "reservation", _l("Incubation reservations")
    OFFER = "offer", _l("Loan offers")
    COMMITMENT = "commitment", _l("Term sheets and closes")
    PARTNERSHIP = "partnership", _l("Partnerships")


class AuditSubject(LabelledEnum):
    INTRO = "intro", _l("Introduction")
    RESERVATION = "reservation", _l("Reservation")
    OFFER = "offer", _l("Loan offer")
    CARD = "card", _l("Pipeline card")
    COMMITMENT = "commitment", _l("Commitment")
    PARTNERSHIP = "partnership", _l("Partnership")
