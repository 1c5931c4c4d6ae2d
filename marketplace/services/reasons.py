"""The recommender's reason codes as sentences in the reader's language.

``recommender.rank.explain`` gives each match up to three ``(code, values)`` reasons; values
carry codes (sectors, stages, parks, organization keys) that are named here in the current
locale. What a profile reason says depends on where the evidence came from: history ("funded
4 integrated-circuit rounds") or what is declared ("the thesis covers integrated circuits";
for a loan product or an incubator's seats, "the offer covers ..."), and whose it is: the
viewer's own ("your thesis covers ...", on an investor's deal flow) or the match's (on a startup's
matches).
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from flask_babel import format_percent, ngettext
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from marketplace import recs
from marketplace.i18n import N_, locale_code, localized, yuan
from marketplace.models import IncubationCapacity, LoanProduct, Organization, Park, Sector, Stage
from marketplace.models.enums import InvestorKind, OrgKind
from marketplace.services.listing_common import all_parks, all_stages, current_sectors
from marketplace.services.matching import Reason
from marketplace.services.recommendations import Recommended


def _offer_names(session: Session, keys: set[str]) -> dict[str, str]:
    """The names of the loan products ("product:3") and incubation capacities ("capacity:5") in
    ``keys``, in the reader's language."""
    ids = {kind: [recs.key_id(k) for k in keys if k.startswith(kind + ":")] for kind in ("product", "capacity")}
    locale = locale_code()
    names = {}
    if ids["product"]:
        names.update((recs.product_key(p.id), p.display_name(locale)) for p in session.scalars(
            sa.select(LoanProduct).where(LoanProduct.id.in_(ids["product"]))))
    if ids["capacity"]:
        names.update((recs.capacity_key(c.id), c.display_title(locale)) for c in session.scalars(
            sa.select(IncubationCapacity).where(IncubationCapacity.id.in_(ids["capacity"]))))
    return names


@dataclass
class Names:
    """Reference rows by code, and organizations by key, for the reasons of one page."""

    sectors: dict[str, Sector]
    stages: dict[str, Stage]
    parks: dict[str, Park]
    orgs: dict[str, str]
    offers: dict[str, str] = field(default_factory=dict)  # loan products and incubation capacities by key: names

    @classmethod
    def load(cls, session: Session, reasons: Iterable[Reason]) -> Names:
        reasons = list(reasons)
        keys = {k for r in reasons for k in [*r.values.get("with", ()), r.values.get("incubator", "")] if k}
        ids = [recs.key_id(k) for k in keys]
        orgs = {recs.org_key(o.id): o.display_name(locale_code())
                for o in session.scalars(sa.select(Organization).where(Organization.id.in_(ids)))} if ids else {}
        return cls(sectors={s.code: s for s in current_sectors(session)},
                   stages={s.code: s for s in all_stages(session)},
                   parks={p.code: p for p in all_parks(session)}, orgs=orgs,
                   offers=_offer_names(session, {r.values["offer"] for r in reasons if r.values.get("offer")}))

    def _name(self, table: dict, code: str) -> str:
        row = table.get(code)
        return localized(row) if row is not None else code

    def sector(self, code: str) -> str:
        return self._name(self.sectors, code)

    def stage(self, code: str) -> str:
        return self._name(self.stages, code)

    def park(self, code: str) -> str:
        return self._name(self.parks, code)


SHOWN = 3
DECLARED_PROFILE = ("sector_stage_history", "sector_history", "stage_history")
SIMILARITY = ("profile_similarity", "text_similarity")  # a closeness score, with no fact to show


def shown(reasons: list[Reason]) -> list[Reason]:
    """Up to ``SHOWN`` reasons, less those a thesis (or offer) reason already says (a profile made
    of declared sectors and stages only repeats it); facts a reader can check ("funded 4 rounds in
    integrated circuits", "fits the thesis on sector") before a similarity score, each group in the
    recommender's order. One similarity score at most: two ("close to your stated interests", "its
    description is close to ...") read as the same reason twice."""
    fits = next((r.values.get("fits") or [] for r in reasons if r.code == "thesis_fit"), [])
    kept = [r for r in reasons
            if not (fits and r.code in DECLARED_PROFILE and not (r.values.get("history") and r.values.get("count")))
            and not (r.code == "ticket_fit" and "ticket" in fits)]
    facts = [r for r in kept if r.code not in SIMILARITY]
    return (facts + [r for r in kept if r.code in SIMILARITY][:1])[:SHOWN]


def sentences(reasons: list[Reason], names: Names, *, offer: bool = False, own: bool = False) -> list[str]:
    return [describe(r, names, offer=offer, own=own) for r in shown(reasons)]


@dataclass
class Explained:
    """A ranked match as a page shows it."""

    item: Any  # the ranked row (``Recommended.item``)
    reasons: list[str]  # the sentences of its reasons
    strength: float  # the bar drawn beside it (``Recommended.strength``)


def explained(session: Session, ranked: Sequence[Recommended], *, offer: bool = False,
              own: bool = False) -> list[Explained]:
    """Each ranked item with the sentences of the reasons a page shows (``describe``'s voice)."""
    names = Names.load(session, [r for m in ranked for r in m.reasons])
    return [Explained(m.item, sentences(m.reasons, names, offer=offer, own=own), m.strength) for m in ranked]


def describe(reason: Reason, names: Names, *, offer: bool = False, own: bool = False) -> str:
    """One sentence for ``reason``. ``offer``: the side whose profile the reasons speak of declares an
    offer (a loan product, incubation seats), not an investment thesis; ``own``: that side is the
    reader (an investor's deal flow, a bank's needs), not the match (a startup's matches)."""
    v = reason.values
    history = v.get("history", True)
    code = reason.code
    kind = _kind_label(v.get("usual_for", "")) if code in KIND_PRIOR_CODES else None
    if kind is not None:
        if own:
            return _("The stage and amount typical of your kind (%(kind)s)", kind=kind)
        return _("The stage and amount typical of its kind (%(kind)s)", kind=kind)
    if code == "earlier_investor":
        if not v["rounds"]:  # intros only
            if own:
                return _("You have been in touch with this company before")
            return _("Has been in touch with your company before")
        return ngettext("Earlier investor in this company (%(num)d round)",
                        "Earlier investor in this company (%(num)d rounds)", v["rounds"])
    if code == "coinvestors":
        partners = _(", ").join(names.orgs[k] for k in v.get("with", ()) if names.orgs.get(k)) or str(v["partners"])
        return _("Has co-invested with this company's earlier investors: %(names)s", names=partners)
    if code == "sector_stage_history":
        if history and v.get("count"):
            return ngettext("Funded %(num)d round in %(sector)s at the %(stage)s stage",
                            "Funded %(num)d rounds in %(sector)s at the %(stage)s stage", v["count"],
                            sector=names.sector(v["sector"]), stage=names.stage(v["stage"]))
        return _covers(names.sector(v["sector"]) + " · " + names.stage(v["stage"]), offer, own)
    if code == "sector_history":
        if history and v.get("count"):
            return ngettext("Funded %(num)d round in %(sector)s", "Funded %(num)d rounds in %(sector)s", v["count"],
                            sector=names.sector(v["sector"]))
        return _covers(names.sector(v["sector"]), offer, own)
    if code == "stage_history":
        if history and v.get("count"):
            return ngettext("Funded %(num)d round at the %(stage)s stage",
                            "Funded %(num)d rounds at the %(stage)s stage",
                            v["count"], stage=names.stage(v["stage"]))
        return _covers(names.stage(v["stage"]), offer, own)
    if code == "region":
        if v.get("home"):
            return _("In the same park: %(park)s", park=names.park(v["region"]))
        if history and v.get("count"):
            return ngettext("Funded %(num)d round in %(park)s", "Funded %(num)d rounds in %(park)s", v["count"],
                            park=names.park(v["region"]))
        return _covers(names.park(v["region"]), offer, own)
    if code == "ticket_fit":
        amount, low, high = yuan(int(v["amount"])), yuan(int(v["low"])), yuan(int(v["high"]))
        if not v.get("deals"):  # the declared ticket or amount range
            return _("The amount, %(amount)s, fits the range %(low)s to %(high)s", amount=amount, low=low, high=high)
        span = low if low == high else _("%(low)s to %(high)s", low=low, high=high)
        if own:
            return _("The amount, %(amount)s, is within those of your past deals (%(range)s)", amount=amount,
                     range=span)
        return _("The amount, %(amount)s, is within those of its past deals (%(range)s)", amount=amount, range=span)
    if code == "profile_similarity":
        if own:
            return _("Close to your past and stated interests") if history else _("Close to your stated interests")
        if offer and not history:
            return _("Close to what the offer states")
        return _("Close to its past and stated interests") if history else _("Close to its stated interests")
    if code == "active_investor":
        return ngettext("Active: %(num)d round in the past year", "Active: %(num)d rounds in the past year",
                        v["rounds_last_year"])
    if code == "thesis_fit":
        criteria = _criteria(v.get("fits") or [], v.get("ticket"))
        if not criteria:
            return _(VOICED["meets"][offer, own], share=format_percent(v["share"]))
        if names.offers.get(v.get("offer")):
            return _("Fits your offer “%(offer)s” on %(criteria)s", offer=names.offers[v["offer"]], criteria=criteria)
        return _(VOICED["fits"][offer, own], criteria=criteria)
    if code == "incubator_link":
        incubator = names.orgs.get(v["incubator"], "")
        if own:
            return _("Partner of %(incubator)s, this startup's incubator", incubator=incubator)
        return _("Partner of %(incubator)s, your incubator", incubator=incubator)
    if code == "text_similarity":
        if own:
            return _("Its description is close to your stated interests")
        return _("Its stated interests are close to your description")
    return _("Matches the profile")


def _criteria(fits: list[str], ticket: list[float] | None) -> str:
    """"sector, stage, ticket CNY 5M to 20M", in the reader's language."""
    words = {"sector": _("sector"), "stage": _("stage")}
    parts = [words[f] for f in fits if f in words]
    if "ticket" in fits and ticket:
        parts.append(_("amount range %(low)s to %(high)s", low=yuan(int(ticket[0])), high=yuan(int(ticket[1]))))
    return _(", ").join(parts)


# What a newcomer that has declared nothing is matched on: its kind's stages and amounts.
KIND_PRIOR_CODES = ("profile_similarity", "stage_history")

# Whose thesis or offer a reason speaks of: (the other side declares an offer, it is the reader's own).
VOICED = {
    "covers": {(True, True): N_("Your offer covers %(what)s"), (True, False): N_("The offer covers %(what)s"),
               (False, True): N_("Your thesis covers %(what)s"), (False, False): N_("The thesis covers %(what)s")},
    "fits": {(True, True): N_("Fits your offer on %(criteria)s"), (True, False): N_("Fits the offer on %(criteria)s"),
             (False, True): N_("Fits your thesis on %(criteria)s"),
             (False, False): N_("Fits the thesis on %(criteria)s")},
    "meets": {(True, True): N_("Meets %(share)s of your offer's criteria"),
              (True, False): N_("Meets %(share)s of the offer's criteria"),
              (False, True): N_("Meets %(share)s of your thesis's criteria"),
              (False, False): N_("Meets %(share)s of the thesis's criteria")},
}


def _kind_label(code: str) -> Any | None:
    """The name of a kind of investor (an angel, a fund ...) or of organization (an incubator, a
    bank: the union of their offers), or None for a code that names neither."""
    for kinds in (InvestorKind, OrgKind):
        if code in {k.value for k in kinds}:
            return kinds(code).label
    return None


def _covers(what: str, offer: bool, own: bool) -> str:
    return _(VOICED["covers"][offer, own], what=what)
