"""Funding needs: what a startup seeks, the need's lifecycle, and its confidential deck.

A need is written only by its own startup; anyone else asking for it by id is told it does
not exist (NotFound), and a draft exists for nobody but its owner. Every write keeps the
need's ``search_text`` current and commits once.
"""
from __future__ import annotations

import re
import secrets
from collections.abc import Mapping
from datetime import date
from pathlib import Path, PurePosixPath
from typing import IO, Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session, object_session, selectinload

from marketplace import clock
from marketplace.errors import Conflict, DomainError, NotFound
from marketplace.models import FundingNeed, IPAsset, Startup
from marketplace.models.base import utcnow
from marketplace.models.enums import Instrument, IPStatus, NeedStatus
from marketplace.services import intros, partnerships
from marketplace.services.listing_common import FieldErrors, sectors_by_code, stage_by_code, text

# The lifecycle: which status may follow which. A funded need is a closed record.
TRANSITIONS: dict[NeedStatus, frozenset[NeedStatus]] = {
    NeedStatus.DRAFT: frozenset({NeedStatus.OPEN}),
    NeedStatus.OPEN: frozenset({NeedStatus.CLOSED, NeedStatus.FUNDED}),
    NeedStatus.CLOSED: frozenset({NeedStatus.OPEN}),
    NeedStatus.FUNDED: frozenset(),
}
NEW_STATUSES = (NeedStatus.DRAFT, NeedStatus.OPEN)
REQUIRED = ("instrument", "title", "amount_min", "amount_max", "stage", "sectors")
TEXT_LENGTHS = {"title": 200, "title_en": 200, "summary": 5000, "summary_en": 5000, "use_of_funds": 5000,
                "use_of_funds_en": 5000}
OPTIONAL_TEXTS = ("title_en", "summary_en", "use_of_funds_en")  # the English versions: NULL when left empty
MAX_YUAN = 10**12  # a trillion yuan: more than any round, well inside BIGINT
RANGES = {"amount_min": (1, MAX_YUAN), "amount_max": (1, MAX_YUAN), "revenue_last_year": (0, MAX_YUAN),
          "monthly_burn": (0, MAX_YUAN), "runway_months": (0, 600)}
MOST_SECTORS = 3

DECK_MAX_BYTES = 10 * 1024 * 1024
PDF_MAGIC = b"%PDF-"
DECKS = "decks"  # under the instance's uploads folder; never served as a static file


def need_search_text(need: FundingNeed) -> str:
    """The lower-cased words one keyword search looks in, in both languages."""
    startup, stage = need.startup, need.stage
    words = [need.title, need.title_en, need.summary, need.summary_en, need.use_of_funds, need.use_of_funds_en,
             startup.name, startup.name_en,
             *(name for sector in sorted(need.sectors, key=lambda s: s.position)
               for name in (sector.name_zh, sector.name_en)),
             *((stage.name_zh, stage.name_en) if stage else ())]
    return " ".join(w.strip() for w in words if w).lower()


def view_for(need: FundingNeed, viewer_org_id: int | None) -> str:
    """Which named field set the viewer may see: the owner all of it; a counterpart whose
    introduction the startup accepted (``intros.reveals``) the confidential part too, without the
    owner's controls; anyone else the public part."""
    if viewer_org_id is not None and need.startup_id == viewer_org_id:
        return "owner"
    session = object_session(need)
    return "counterpart" if session is not None and intros.reveals(session, need, viewer_org_id) else "public"


# --- Reading ---------------------------------------------------------------------------------

def visible(session: Session, need_id: int, viewer_org_id: int | None) -> FundingNeed:
    """A need as ``viewer_org_id`` may open it: drafts only for their owner."""
    need = session.get(FundingNeed, need_id)
    if need is None or (need.status == NeedStatus.DRAFT and view_for(need, viewer_org_id) != "owner"):
        raise NotFound.on("_", _l("No such funding need."))
    if not partnerships.can_see(session, viewer_org_id, need, utcnow()):  # still in its early window
        raise NotFound.on("_", _l("No such funding need."))
    return need


def owned(session: Session, org_id: int, need_id: int) -> FundingNeed:
    """The need, when ``org_id`` owns it; for anyone else it does not exist."""
    need = session.get(FundingNeed, need_id)
    if need is None or need.startup_id != org_id:
        raise NotFound.on("_", _l("No such funding need."))
    return need


def own_needs(session: Session, startup_id: int) -> list[FundingNeed]:
    return list(session.scalars(
        sa.select(FundingNeed).where(FundingNeed.startup_id == startup_id)
        .options(selectinload(FundingNeed.stage), selectinload(FundingNeed.sectors))
        .order_by(FundingNeed.created_at.desc(), FundingNeed.id.desc())
    ))


# --- Writing ---------------------------------------------------------------------------------

def create(session: Session, startup_id: int, fields: Mapping[str, Any], *,
           today: date | None = None) -> FundingNeed:
    """A new need of the startup, saved as a draft or published at once (``status`` open)."""
    startup = session.get(Startup, startup_id)
    if startup is None:
        raise NotFound.on("_", _l("No such startup."))
    values = _checked(session, None, _new(fields), startup_id, today or clock.today())
    need = FundingNeed(startup=startup, summary="", use_of_funds="")
    _apply(need, values)
    _open_early(session, need, None)
    session.add(need)
    session.commit()
    return need


def update(session: Session, org_id: int, need_id: int, changes: Mapping[str, Any], *,
           today: date | None = None) -> FundingNeed:
    """Change some fields of the owner's need, the status among them (see ``TRANSITIONS``)."""
    need = owned(session, org_id, need_id)
    values = _checked(session, need, changes, org_id, today or clock.today())
    before = need.status
    _apply(need, values)
    _open_early(session, need, before)
    session.commit()
    return need


def check(session: Session, org_id: int, fields: Mapping[str, Any], *, need_id: int | None = None,
          today: date | None = None) -> None:
    """The rules of ``create`` (with ``need_id``: of ``update``) on these fields, writing nothing: a
    DomainError names every field at fault."""
    need = owned(session, org_id, need_id) if need_id is not None else None
    _checked(session, need, _new(fields) if need is None else fields, org_id, today or clock.today())


def _new(fields: Mapping[str, Any]) -> dict[str, Any]:
    return {"status": NeedStatus.DRAFT, **dict.fromkeys(REQUIRED), **fields}


def delete(session: Session, org_id: int, need_id: int, uploads: Path) -> None:
    """Only a draft goes away; a published need stays on record (close it instead)."""
    need = owned(session, org_id, need_id)
    if need.status != NeedStatus.DRAFT:
        raise Conflict.on("status", _l("Only a draft can be deleted; close the need instead."))
    deck = need.deck_path
    session.delete(need)
    session.commit()
    _remove_file(uploads, deck)


def _open_early(session: Session, need: FundingNeed, before: NeedStatus | None) -> None:
    """A need that opens goes first to the investors partnered with the startup's current
    incubator, for the incubator's early window (孵投联动), then to everyone."""
    if need.status == NeedStatus.OPEN and before != NeedStatus.OPEN:
        need.public_from = partnerships.public_from(session, need.startup.id, utcnow())


def _apply(need: FundingNeed, values: Mapping[str, Any]) -> None:
    for name, value in values.items():
        setattr(need, name, value)
    need.search_text = need_search_text(need)


def _checked(session: Session, need: FundingNeed | None, changes: Mapping[str, Any], startup_id: int,
             today: date) -> dict[str, Any]:
    """The changes as attribute values, once every rule holds; otherwise one DomainError naming
    every field at fault. Nothing is written to ``need`` before that, so a refusal leaves the
    session clean."""
    errors = FieldErrors()
    values = dict(changes)
    for name, length in TEXT_LENGTHS.items():
        if name in values:
            values[name] = text(errors, name, values[name], max_length=length, required=name in REQUIRED)
            if name in OPTIONAL_TEXTS:
                values[name] = values[name] or None
    for name in (*REQUIRED, "status"):
        if name in values and values[name] in (None, "", []) and not errors.has(name):
            errors.add(name, _l("This field is required."))
    if values.get("stage") and not errors.has("stage"):
        values["stage"] = stage_by_code(session, errors, "stage", values["stage"])
    if values.get("sectors") and not errors.has("sectors"):
        if len(set(values["sectors"])) > MOST_SECTORS:
            errors.add("sectors", _l("Choose at most %(most)d sectors.", most=MOST_SECTORS))
        else:
            values["sectors"] = sectors_by_code(session, errors, "sectors", values["sectors"])
    for name, (low, high) in RANGES.items():
        errors.check_range(name, values.get(name), low, high)

    def after(name: str) -> Any:
        return values[name] if name in values else getattr(need, name, None)

    low, high = after("amount_min"), after("amount_max")
    if low is not None and high is not None and low > high:
        errors.add("amount_max", _l("The largest amount must not be below the smallest."))
    if not errors.has("status"):
        _status_errors(session, errors, need, values, after, startup_id, today)
    errors.raise_if_any()
    return values


def _status_errors(session: Session, errors: FieldErrors, need: FundingNeed | None, values: Mapping[str, Any],
                   after: Any, startup_id: int, today: date) -> None:
    old = need.status if need is not None else None
    new = after("status")
    if old is None and new not in NEW_STATUSES:
        errors.add("status", _l("A new need is saved as a draft or published as open."))
    elif old is not None and new != old and new not in TRANSITIONS[old]:
        errors.add("status", _l("A need cannot go from %(old)s to %(new)s.", old=old.label, new=new.label))
    opening = new == NeedStatus.OPEN and new != old
    deadline = after("deadline")
    deadline_set = "deadline" in values and deadline != getattr(need, "deadline", None)
    if deadline is not None and deadline < today and (deadline_set or opening):
        errors.add("deadline", _l("The deadline has passed: choose a later date."))
    pledging = after("instrument") == Instrument.IP_PLEDGE_LOAN and ("instrument" in values or opening)
    if new == NeedStatus.OPEN and pledging and not has_pledgeable_ip(session, startup_id, today):
        errors.add("instrument", _l("An IP-pledge loan needs at least one granted patent or software "
                                    "copyright in your IP portfolio."))


def has_pledgeable_ip(session: Session, startup_id: int, today: date) -> bool:
    return bool(session.scalar(sa.select(sa.exists().where(
        IPAsset.startup_id == startup_id, IPAsset.status == IPStatus.GRANTED,
        sa.or_(IPAsset.expires_on.is_(None), IPAsset.expires_on > today),
    ))))


# --- The deck ----------------------------------------------------------------------------------

def uploads_folder(instance_path: str) -> Path:
    return Path(instance_path) / "uploads"


def attach_deck(session: Session, org_id: int, need_id: int, stream: IO[bytes], filename: str,
                uploads: Path) -> FundingNeed:
    """Store the owner's PDF deck (at most 10 MB) under a random name, replacing any earlier one."""
    need = owned(session, org_id, need_id)
    data = stream.read(DECK_MAX_BYTES + 1)
    if len(data) > DECK_MAX_BYTES:
        raise DomainError.on("deck", _l("The deck may be at most 10 MB."))
    if not data.startswith(PDF_MAGIC):
        raise DomainError.on("deck", _l("The deck must be a PDF file."))
    relative = f"{DECKS}/{secrets.token_hex(16)}.pdf"
    path = uploads / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    earlier = need.deck_path
    need.deck_path, need.deck_filename = relative, _download_name(filename)
    try:
        session.commit()
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    _remove_file(uploads, earlier)
    return need


def detach_deck(session: Session, org_id: int, need_id: int, uploads: Path) -> FundingNeed:
    need = owned(session, org_id, need_id)
    earlier = need.deck_path
    need.deck_path = need.deck_filename = None
    session.commit()
    _remove_file(uploads, earlier)
    return need


def deck_file(session: Session, org_id: int | None, need_id: int, uploads: Path) -> tuple[Path, str]:
    """The deck on disk and the name to download it as, for those ``intros.reveals`` lets see it:
    the owner and the counterparts it accepted; for anyone else the need has no deck."""
    need = session.get(FundingNeed, need_id)
    if need is None or not intros.reveals(session, need, org_id):
        raise NotFound.on("_", _l("No such funding need."))
    path = _stored(uploads, need.deck_path)
    if path is None or not path.is_file():
        raise NotFound.on("deck", _l("This need has no deck."))
    return path, need.deck_filename or "deck.pdf"


def _remove_file(uploads: Path, relative: str | None) -> None:
    path = _stored(uploads, relative)
    if path is not None:
        path.unlink(missing_ok=True)


def _stored(uploads: Path, relative: str | None) -> Path | None:
    """Only a file this module named, inside the decks folder."""
    if not relative or not re.fullmatch(rf"{DECKS}/[0-9a-f]{{32}}\.pdf", relative):
        return None
    return uploads / relative


def _download_name(filename: str) -> str:
    name = PurePosixPath((filename or "").replace("\\", "/")).name
    name = re.sub(r"[\x00-\x1f\x7f]", "", name).strip() or "deck.pdf"
    if not name.lower().endswith(".pdf"):
        name += ".pdf"
    return name[-255:]
