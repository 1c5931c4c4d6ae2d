"""Sign-up, log-in, the account's own settings, and accounts made by operators."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from marketplace.errors import Conflict, DomainError
from marketplace.i18n import LANGUAGE_NAMES
from marketplace.models import ORG_CLASSES, Organization, Park, User
from marketplace.models.base import utcnow
from marketplace.models.enums import InvestorKind, OrgKind, Role
from marketplace.services.passwords import hash_password, policy_errors, verify_password

# Checked against when no account has the email, so that a wrong email and a wrong
# password take the same time.
_DUMMY_HASH = hash_password("not-a-real-password-0000")


def normalize_email(email: str) -> str:
    try:
        return validate_email(email.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        raise DomainError.on("email", _l("Enter a valid email address.")) from None


def find_by_email(session: Session, email: str) -> User | None:
    return session.scalar(sa.select(User).where(User.email == email.strip().lower()))


def check_new_credentials(session: Session, email: str, password: str) -> str:
    email = normalize_email(email)
    errors = policy_errors(password, email)
    if errors:
        raise DomainError({"password": errors})
    if find_by_email(session, email) is not None:
        raise Conflict.on("email", _l("An account with this email already exists."))
    return email


def new_user(email: str, password: str, organization: Organization, *, locale: str | None = None,
              is_admin: bool = False) -> User:
    return User(email=email, password_hash=hash_password(password), organization=organization,
                locale=locale if locale in LANGUAGE_NAMES else None, is_admin=is_admin)


def sign_up(session: Session, *, kind: OrgKind, org_name: str, email: str, password: str,
            investor_kind: InvestorKind | None = None, locale: str | None = None) -> User:
    """A new organization of one side of the marketplace, with its first user."""
    if kind == OrgKind.OPERATOR:
        raise DomainError.on("kind", _l("Park operator accounts are made by the zone's administrators."))
    org_name = org_name.strip()
    if not org_name:
        raise DomainError.on("org_name", _l("Enter your organization's name."))
    email = check_new_credentials(session, email, password)
    fields = {"investor_kind": investor_kind or InvestorKind.VC} if kind == OrgKind.INVESTOR else {}
    organization = ORG_CLASSES[kind](name=org_name, **fields)
    user = new_user(email, password, organization, locale=locale)
    session.add(user)
    session.commit()
    return user


def create_user(session: Session, *, role: Role, email: str, password: str, org_name: str | None = None,
                park_code: str | None = None, investor_kind: InvestorKind | None = None) -> User:
    """Any role, including park operators and admins (the ``flask users create`` command).

    The user joins the organization of that kind and name when it exists; otherwise one is made.
    """
    email = check_new_credentials(session, email, password)
    kind = OrgKind.OPERATOR if role in (Role.OPERATOR, Role.ADMIN) else OrgKind(role.value)
    park = None
    if park_code:
        park = session.scalar(sa.select(Park).where(Park.code == park_code))
        if park is None:
            raise DomainError.on("park", _l("No park has the code %(code)s.", code=park_code))
    org_name = (org_name or "").strip() or (park.name_zh if park else str(kind.label))
    organization = session.scalar(
        sa.select(Organization).where(Organization.kind == kind, Organization.name == org_name)
    )
    if organization is None:
        fields = {"investor_kind": investor_kind or InvestorKind.VC} if kind == OrgKind.INVESTOR else {}
        organization = ORG_CLASSES[kind](name=org_name, park=park, **fields)
    user = new_user(email, password, organization, is_admin=role == Role.ADMIN)
    session.add(user)
    session.commit()
    return user


def authenticate(session: Session, email: str, password: str, now: datetime | None = None) -> User | None:
    user = find_by_email(session, email)
    if user is None:
        verify_password(_DUMMY_HASH, password)
        return None
    if not verify_password(user.password_hash, password):
        return None
    user.last_login_at = now or utcnow()
    session.commit()
    return user


def end_sessions(session: Session, user: User) -> None:
    """Log out everywhere: every session and remember cookie issued so far stops working."""
    user.session_version += 1
    session.commit()


def change_password(session: Session, user: User, *, current: str, new: str) -> None:
    if not verify_password(user.password_hash, current):
        raise DomainError.on("current_password", _l("The current password is not correct."))
    errors = policy_errors(new, user.email)
    if errors:
        raise DomainError({"new_password": errors})
    user.password_hash = hash_password(new)
    user.session_version += 1
    session.commit()


def change_email(session: Session, user: User, *, current_password: str, new_email: str) -> None:
    if not verify_password(user.password_hash, current_password):
        raise DomainError.on("current_password", _l("The current password is not correct."))
    try:
        email = normalize_email(new_email)
    except DomainError:
        raise DomainError.on("new_email", _l("Enter a valid email address.")) from None
    if email != user.email and find_by_email(session, email) is not None:
        raise Conflict.on("new_email", _l("An account with this email already exists."))
    user.email = email
    session.commit()


def set_locale(session: Session, user: User, locale: str) -> None:
    if locale not in LANGUAGE_NAMES:
        raise DomainError.on("locale", _l("Choose one of the offered languages."))
    user.locale = locale
    session.commit()
