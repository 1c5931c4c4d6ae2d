"""Ranked matches in every direction, with their reasons: the recommender serving the marketplace.

The serving state (``Engine``) is the trained model's weights (``flask recs train`` writes them
to ``RECS_MODEL_PATH``; before the first training, ``recommender.prior``'s stated weights), the
features fitted on what the database holds now (``marketplace.recs.dataset``), and the open
needs as one table. It is built once per process for each cache version (``marketplace.cache``)
and day; each viewer's ranking in each direction is then cached under the viewer's own key.

Directions: needs for an investor or a bank (deal flow, filters applied on top of the
ranking), investors, loan products and incubation capacities for a startup, startups for an
incubator.
"""
from __future__ import annotations

import hashlib
import io
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np
import sqlalchemy as sa
from flask import Flask, current_app
from sqlalchemy.orm import Session, selectinload

from marketplace import cache, clock, recs
from marketplace.extensions import db
from marketplace.models import FundingNeed, Investor, Organization
from marketplace.models.enums import LOAN_INSTRUMENTS, Instrument, NeedStatus, OrgKind
from marketplace.services import deal_flow, interactions, loan_products, theses
from marketplace.services.deal_flow import NeedFilters
from marketplace.services.interactions import CAPACITIES, INVESTORS, NEEDS, PRODUCTS, STARTUPS  # directions
from recommender import io as model_io
from recommender.features import range_fit
from recommender.model import LearnedRanker
from recommender.prior import prior_ranker
from recommender.rank import explain
from recommender.records import InvestorTable, Round, RoundTable
from recommender.serve import RoundIndex, top_investors

REASONS = 5  # asked of the recommender; the pages show three (services.reasons.SHOWN)
BEST_MATCH = "best"  # the deal flow's ranked order, next to deal_flow.NeedSort's



@dataclass
class Reason:
    code: str
    values: dict


@dataclass
class Match:
    """One ranked item: its id in its own table, its score, and why it ranks there."""

    id: int
    score: float
    reasons: list[Reason] = field(default_factory=list)


@dataclass
class Ranking:
    """A viewer's ranking in one direction: ids best first, their scores, and how many there are
    in all (a deal-flow list is ranked only as deep as the pages asked for)."""

    ids: np.ndarray
    scores: np.ndarray
    total: int = -1  # -1: as many as ``ids``

    def __post_init__(self) -> None:
        if self.total < 0:
            self.total = len(self.ids)

    def to_bytes(self) -> bytes:
        buffer = io.BytesIO()
        np.savez(buffer, ids=self.ids.astype(np.int64), scores=self.scores.astype(np.float32),
                 total=np.array([self.total]))
        return buffer.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes) -> Ranking:
        with np.load(io.BytesIO(data)) as arrays:
            return cls(arrays["ids"], arrays["scores"], int(arrays["total"][0]))

    @classmethod
    def of(cls, ids: np.ndarray, scores: np.ndarray) -> Ranking:
        """Best first; equal scores keep the order of ``ids``."""
        order = np.argsort(-scores, kind="stable")
        return cls(np.asarray(ids, dtype=np.int64)[order], np.asarray(scores, dtype=np.float32)[order])


BAR_DEPTH = 100  # a list's bars are drawn to the scale of its first 100 (a deal-flow list's first ranking)


def bar_scale(scores: Sequence[float]) -> tuple[float, float]:
    """(weakest, best) score that a list's bars are drawn between: its first's and the weakest of
    its first ``BAR_DEPTH``, so that every page of a list shares one scale."""
    top = np.asarray(scores[:BAR_DEPTH], dtype=np.float64)
    return (float(top.min()), float(top[0])) if len(top) else (0.0, 0.0)


def strength(score: float, scale: tuple[float, float]) -> float:
    """How much of its bar a match fills: 1 for the list's first, a tenth at the weakest of the
    scale and below it (every match shows a bar)."""
    low, high = scale
    if high <= low:
        return 1.0
    return min(1.0, max(0.1, 0.1 + 0.9 * ((score - low) / (high - low))))  # the first's ratio is exactly 1


@dataclass
class Engine:
    ranker: LearnedRanker
    needs: RoundTable  # the open needs, by id
    need_ids: np.ndarray
    fingerprint: str
    day: date
    trained: bool
    declared: InvestorTable  # what every investor, bank, product and capacity declares, sorted by id
    index: RoundIndex | None  # the open needs, for one viewer's best among them fast
    loan: np.ndarray  # per open need (``need_ids`` order): does it ask for a loan (not equity)?
    offers: dict[str, tuple[str, ...]]  # a bank's or incubator's key -> its offers' keys (``recs.offer_keys``)
    serves: dict[str, np.ndarray]  # an active loan product's key -> per open need: could it lend to it?
    built_in: float = 0.0  # seconds ``build_engine`` took
    # an investor's thesis, as a mask over the open needs (``_in_thesis``): any write makes a new
    # engine, so this one's masks hold as long as it does, across the investor's filtered views
    in_thesis: dict[int, np.ndarray] = field(default_factory=dict)

    def top_needs(self, viewer: str, k: int, mask: np.ndarray, ahead: Sequence[np.ndarray] = ()) -> Ranking:
        """The viewer's ``k`` best open needs among those ``mask`` keeps (``need_ids`` order); those
        each of ``ahead`` marks (what the viewer can fund) ranked ahead of the rest, in that order."""
        total = int(np.count_nonzero(mask))
        tiers, rest = [], mask.copy()
        for marked in ahead:
            tiers.append(rest & marked)
            rest &= ~marked
        tiers.append(rest)
        ids, scores = [np.zeros(0, np.int64)], [np.zeros(0, np.float32)]
        for tier in tiers:
            wanted = k - sum(len(part) for part in ids)
            if self.index is None or wanted <= 0 or not tier.any():
                continue
            best = self.index.top_rounds(viewer, k=wanted, mask=tier, reasons=0)
            ids.append(np.array([recs.key_id(m.id) for m in best], dtype=np.int64))
            scores.append(np.array([m.score for m in best], dtype=np.float32))
        return Ranking(np.concatenate(ids), np.concatenate(scores), total)

    def top_investors(self, round_record: Round, candidates: Sequence[int], key_of: Callable[[int], str]) -> Ranking:
        """``candidates`` (ids that ``key_of`` names) ranked for one round."""
        best = top_investors(self.ranker, RoundTable.from_records([round_record]), 0,
                             [key_of(c) for c in candidates], k=len(candidates), reasons=0)
        return Ranking(np.array([recs.key_id(m.id) for m in best], dtype=np.int64),
                       np.array([m.score for m in best], dtype=np.float32))

    def reasons(self, rounds: RoundTable, rows: Sequence[int], viewers: Sequence[str],
                direction: str) -> list[list[Reason]]:
        """Each pair's top reasons, from the model of ``direction`` ("rounds": an investor's needs or
        startups, "investors": a round's investors, products or seats); ``history`` in their values
        says whether the investor's side has rounds of its own (else only what it declares), and
        ``usual_for`` names its kind when it has declared nothing either, so that its profile is its
        kind's (``PairFeaturizer._fit_kind_priors``)."""
        viewers = np.asarray(viewers, dtype=str)
        why = explain(self.ranker, rounds, np.asarray(rows, dtype=np.int64), viewers, REASONS, direction=direction)
        feat = self.ranker.featurizer_
        index = feat.investor_index(viewers) if len(viewers) else np.zeros(0, dtype=np.int64)
        out = []
        for pair, i, row, viewer in zip(why, index, rows, viewers):
            typical = {"usual_for": str(feat.kinds_[feat.investor_kind_[i]])} if feat.kind_prior_[i] else {}
            reasons = []
            for code, values in pair:
                declared = self._declared_fit(rounds, row, viewer) if code == "thesis_fit" else {}
                if declared.get("fits") == [] and "offer" in declared:
                    continue  # none of the organization's offers fits: their union does not speak for them
                reasons.append(Reason(code, {**values, "history": bool(feat.rounds_[i] > 0), **declared, **typical}))
            out.append(reasons)
        return out

    def _declared_fit(self, rounds: RoundTable, row: int, viewer: str) -> dict:
        """For a thesis (or offer) reason: which declared criteria the round meets, and the ticket.
        An organization described by its offers (a bank's products, an incubator's seats) is
        judged by the offer that fits best, which the reason names (``offer``)."""
        offers = self.offers.get(viewer)
        if not offers:
            return self._fits(rounds, row, viewer)
        offers = self._able(offers, str(rounds.key[row]))
        if not offers:
            return {"fits": [], "offer": None}
        key, best = max(((key, self._fits(rounds, row, key)) for key in offers),
                        key=lambda offer: len(offer[1].get("fits", [])))
        return {"fits": best.get("fits", []), "ticket": best.get("ticket"), "offer": key}

    def _able(self, offers: Sequence[str], round_key: str) -> list[str]:
        """The offers that could take the round up: a loan product only the open needs its terms
        admit (instrument, sectors, stages, tiers, amount), so that a credit line is never said to
        fit a patent loan; an incubation offer any."""
        at = int(np.searchsorted(self.need_ids, recs.key_id(round_key))) if round_key.startswith("need:") else -1
        open_need = 0 <= at < len(self.need_ids) and self.need_ids[at] == recs.key_id(round_key)
        return [key for key in offers if key not in self.serves or (open_need and self.serves[key][at])]

    def _fits(self, rounds: RoundTable, row: int, viewer: str) -> dict:
        """The declared criteria the round meets (``range_fit``: a need meets a ticket or product range
        that overlaps its own), as the recommender's thesis-fit feature counts them, but on sector
        any of the round's sectors (the feature reads its first), as the marketplace's filters do."""
        at = np.searchsorted(self.declared.id, viewer)
        if at >= len(self.declared) or self.declared.id[at] != viewer:
            return {}
        d = self.declared.take([at])
        fits = []
        sectors, groups = rounds.all_sectors(row)
        if sectors & set(d.sectors[0]) or groups & set(d.sector_groups[0]):
            fits.append("sector")
        rank = rounds.stage_rank[row]
        if range_fit(rank, rank, d.stage_min[0], d.stage_max[0])[1]:
            fits.append("stage")
        if range_fit(rounds.least_amount(row), rounds.amount[row], d.ticket_min[0], d.ticket_max[0])[1]:
            fits.append("ticket")
        return {"fits": fits, "ticket": [float(d.ticket_min[0]), float(d.ticket_max[0])] if "ticket" in fits else None}


_lock = threading.Lock()


def model_path() -> Path:
    """The folder ``flask recs train`` saves the model to (``RECS_MODEL_PATH``, or instance/recs/model)."""
    return Path(current_app.config.get("RECS_MODEL_PATH") or Path(current_app.instance_path) / "recs" / "model")


def has_model(path: Path) -> bool:
    return (path / model_io.META).exists()


def _load_model(path: Path) -> LearnedRanker | None:
    return model_io.load(path) if has_model(path) else None


def engine(session: Session, today: date) -> Engine:
    """This process's serving state for the current cache version, day and model.

    Built on the spot when there is none. When there is an older one and
    ``RECS_BACKGROUND_REBUILD`` is on (the default), the new one is built by a thread while the
    older one keeps answering: at 100,000 needs a build takes seconds, and no request should wait
    for it. But when the older state was built within ``RECS_REBUILD_WAIT_SECONDS``, the request
    waits that long for the thread, so that the page someone opens right after a write of theirs
    (a thesis, a product) reflects it, as it will in a marketplace of thousands of needs; at
    100,000 needs no request waits. Tests turn the thread off, to see each write's effect at once."""
    app = current_app._get_current_object()
    version = cache.store().version()
    path = model_path()
    meta = path / model_io.META
    key = (version, today, str(path), meta.stat().st_mtime_ns if meta.exists() else 0)
    held = app.extensions.get("zjm_engine")
    if held is not None and held[0] == key:
        return held[1]
    if held is not None and app.config["RECS_BACKGROUND_REBUILD"]:
        built = _rebuild_in_background(app, key, today, path, version)
        wait = app.config["RECS_REBUILD_WAIT_SECONDS"]
        if held[1].built_in <= wait:  # the last build was quick: this one will be too
            built.wait(wait)
        return app.extensions["zjm_engine"][1]
    with _lock:
        held = app.extensions.get("zjm_engine")
        if held is None or held[0] != key:
            held = key, build_engine(session, today, _load_model(path), version)
            app.extensions["zjm_engine"] = held
        return held[1]


def warm_up(app: Flask) -> threading.Thread:
    """Build the serving state in a thread, so that a new server process has it before its first
    ranked page (gunicorn calls this as each worker starts)."""
    def build() -> None:
        with app.app_context():
            try:
                engine(db.session, clock.today())
            finally:
                db.session.remove()

    thread = threading.Thread(target=build, name="recs-warm-up", daemon=True)
    thread.start()
    return thread


def _rebuild_in_background(app: Flask, key: tuple, today: date, path: Path, version: int) -> threading.Event:
    """Start building the serving state for ``key`` in a thread, unless one is at it already;
    the returned event is set when that build ends (built or failed)."""
    with _lock:
        building = app.extensions.get("zjm_engine_building")
        if building is not None and building[0] == key:
            return building[1]
        done = threading.Event()
        app.extensions["zjm_engine_building"] = key, done

    def build() -> None:
        with app.app_context():
            try:
                app.extensions["zjm_engine"] = key, build_engine(db.session, today, _load_model(path), version)
            except Exception:  # the older state keeps serving; the next request tries again
                app.logger.exception("rebuilding the recommender's serving state failed")
            finally:
                db.session.remove()
                with _lock:
                    if app.extensions.get("zjm_engine_building", (None,))[0] == key:
                        app.extensions.pop("zjm_engine_building")
                done.set()

    threading.Thread(target=build, name="recs-rebuild", daemon=True).start()
    return done


def build_engine(session: Session, today: date, model: LearnedRanker | None, version: int = 0) -> Engine:
    """The features of what the database holds ``today``, under ``model``'s weights (or the prior's)."""
    started = time.perf_counter()
    data = recs.dataset(session, today)
    ranker = prior_ranker(data) if model is None else model.refit_features(data)
    ids = np.array(sorted(deal_flow.open_need_ids(session, today)), dtype=np.int64)
    rows = {key: row for row, key in enumerate(data.rounds.key)}  # every need ever open is in the data
    needs = data.rounds.take([rows[recs.need_key(i)] for i in ids])
    digest = hashlib.sha1(f"{version}|{today}|{data.summary()}|{model is not None}".encode())
    digest.update(ids.tobytes())
    declared = data.investors.take(np.argsort(data.investors.id, kind="stable"))
    index = RoundIndex(ranker, needs) if len(ids) else None
    loan = np.isin(ids, deal_flow.matching_ids(session, NeedFilters(instruments=LOAN_INSTRUMENTS), today))
    serves = {}
    for listing in loan_products.active(session):
        served = deal_flow.matching_ids(session, deal_flow.product_filters(listing, NeedFilters()), today)
        serves[recs.product_key(listing.product.id)] = np.isin(ids, np.array(served, dtype=np.int64))
    return Engine(ranker, needs, ids, digest.hexdigest()[:16], today, model is not None, declared, index, loan,
                  recs.offer_keys(session, today), serves, time.perf_counter() - started)


def _ranking(eng: Engine, direction: str, viewer: str, compute: Callable[[], Ranking]) -> Ranking:
    """The viewer's ranking from the cache, computed and stored on a miss."""
    store = cache.store()
    key = cache.list_key(eng.fingerprint, direction, viewer)
    held = store.get(key)
    if held is not None:
        return Ranking.from_bytes(held)
    ranking = compute()
    store.set(key, ranking.to_bytes(), cache.LIST_TTL_SECONDS)
    return ranking


@dataclass
class NeedMatches:
    matches: list[Match]
    total: int
    offset: int
    scale: tuple[float, float]  # the whole list's ``bar_scale``


def _depth(wanted: int) -> int:
    """How deep to rank: the next of 100, 200, 400, ... that covers ``wanted`` (so that the pages
    after it come from the same cached list)."""
    depth = 100
    while depth < wanted:
        depth *= 2
    return depth


def needs_for(session: Session, org_id: int, filters: NeedFilters, *, today: date, offset: int = 0,
              limit: int = 20) -> NeedMatches:
    """A page of the open needs ``filters`` keep, best first for the investor or bank ``org_id``
    (what it can fund ahead: an investor's equity rounds, those its thesis asks for first, as
    "Filter by my thesis" finds them; the loans a bank's products can serve), less those it dismissed.
    The list is cached under the viewer, the filters and the dismissed needs, so that the next
    pages and a return to the same view cost no ranking and no id query."""
    eng = engine(session, today)
    viewer = recs.org_key(org_id)
    dismissed = np.array(sorted(interactions.dismissed(session, org_id, interactions.NEEDS)), dtype=np.int64)
    hidden = np.array(deal_flow.hidden_ids(session, org_id), dtype=np.int64)  # early needs of others' partners
    depth = _depth(offset + limit)
    view = hashlib.sha1(repr(filters).encode() + dismissed.tobytes() + b"|" + hidden.tobytes()).hexdigest()[:16]

    def compute() -> Ranking:
        if filters == NeedFilters():
            mask = np.ones(len(eng.need_ids), dtype=bool)
        else:
            mask = np.isin(eng.need_ids, deal_flow.matching_ids(session, filters, today))
        mask &= ~np.isin(eng.need_ids, dismissed)
        mask &= ~np.isin(eng.need_ids, hidden)
        lends = session.scalar(sa.select(Organization.kind).where(Organization.id == org_id)) == OrgKind.BANK
        ahead = [_servable(eng, viewer), eng.loan] if lends else [*_in_thesis(session, eng, org_id, today), ~eng.loan]
        return eng.top_needs(viewer, depth, mask, ahead)

    ranking = _ranking(eng, NEEDS, f"{viewer}:{view}:{depth}", compute)
    page_ids, page_scores = ranking.ids[offset:offset + limit], ranking.scores[offset:offset + limit]
    rows = np.searchsorted(eng.need_ids, page_ids)
    why = eng.reasons(eng.needs, rows, [viewer] * len(rows), "rounds")
    return NeedMatches([Match(int(i), float(s), w) for i, s, w in zip(page_ids, page_scores, why)],
                       ranking.total, offset, bar_scale(ranking.scores))


def _in_thesis(session: Session, eng: Engine, investor_id: int, today: date) -> list[np.ndarray]:
    """Per open need: does the investor's thesis ask for it (its sectors, stages, parks and ticket)?
    Nothing when it has declared no thesis."""
    if investor_id not in eng.in_thesis:
        thesis = theses.get(session, investor_id)
        eng.in_thesis[investor_id] = np.zeros(0, dtype=bool) if thesis is None else np.isin(
            eng.need_ids, deal_flow.matching_ids(session, deal_flow.thesis_filters(thesis), today))
    mask = eng.in_thesis[investor_id]
    return [mask] if len(mask) else []


def _servable(eng: Engine, bank: str) -> np.ndarray:
    """Per open need: could one of the bank's active products lend to it (its instrument, sectors,
    stages, tiers and amount range)?"""
    able = np.zeros(len(eng.need_ids), dtype=bool)
    for key in eng.offers.get(bank, ()):
        if key in eng.serves:
            able |= eng.serves[key]
    return able


def _candidates_key(viewer: str, candidates: Sequence[int]) -> str:
    """The cache's viewer part for a ranking of these candidates (eligibility may change them
    without a write the version watches: an IP asset, a seat taken)."""
    return f"{viewer}:{hashlib.sha1(np.asarray(candidates, dtype=np.int64).tobytes()).hexdigest()[:12]}"


@dataclass
class RoundMatches:
    matches: list[Match]  # ``limit`` of the list from ``offset`` on
    scale: tuple[float, float]  # the whole list's ``bar_scale``, however few of it are asked for
    total: int = 0  # how long the whole list is


def _for_round(eng: Engine, direction: str, viewer: str, round_record: Round, candidates: Sequence[int],
               key_of: Callable[[int], str], offset: int = 0, limit: int | None = None) -> RoundMatches:
    """``candidates`` (ids of ``key_of``'s kind) ranked for one round (a need or a startup's profile);
    the ``limit`` from ``offset`` on, with their reasons."""
    ranking = _ranking(eng, direction, _candidates_key(viewer, candidates),
                       lambda: eng.top_investors(round_record, candidates, key_of))
    end = None if limit is None else offset + limit
    ids, scores = ranking.ids[offset:end], ranking.scores[offset:end]
    why = eng.reasons(RoundTable.from_records([round_record]), np.zeros(len(ids), dtype=np.int64),
                      [key_of(int(i)) for i in ids], "investors")
    return RoundMatches([Match(int(i), float(s), w) for i, s, w in zip(ids, scores, why)], bar_scale(ranking.scores),
                        len(ranking.ids))


def startup_round(session: Session, startup_id: int, direction: str, today: date) -> Round | None:
    """What a startup is matched on: for incubation seats its profile (the company takes a seat, in
    all its sectors, as an incubator's list of startups reads it); for money its largest open equity
    need, else its latest open need, else its profile."""
    need_id = None if direction == CAPACITIES else session.scalar(sa.select(FundingNeed.id).where(
        FundingNeed.startup_id == startup_id, FundingNeed.status == NeedStatus.OPEN)
        .order_by((FundingNeed.instrument == Instrument.EQUITY).desc(), FundingNeed.amount_max.desc(),
                  FundingNeed.id.desc()).limit(1))
    if need_id is not None:
        return recs.need_rounds(session, [need_id])[0]
    found = recs.startup_rounds(session, [startup_id], today)
    return found[0] if found else None


def for_startup(session: Session, startup_id: int, direction: str, candidates: Sequence[int], *, today: date,
                offset: int = 0, limit: int | None = None) -> RoundMatches:
    """Investors (organization ids), loan products or capacities (``direction``) ranked for a startup."""
    key_of = {INVESTORS: recs.org_key, PRODUCTS: recs.product_key, CAPACITIES: recs.capacity_key}[direction]
    round_record = startup_round(session, startup_id, direction, today)
    if round_record is None or not candidates:
        return RoundMatches([], bar_scale([]))
    return _for_round(engine(session, today), direction, recs.startup_key(startup_id), round_record,
                      sorted(candidates), key_of, offset, limit)


def member_investors(session: Session) -> list[int]:
    """Investors that are members (not history imported from an outside source)."""
    return list(session.scalars(sa.select(Investor.id).where(Investor.source.is_(None)).order_by(Investor.id)))


def investors_by_id(session: Session, ids: Sequence[int]) -> list[Investor]:
    """Investors with their theses, as a match list shows them."""
    return list(session.scalars(sa.select(Investor).where(Investor.id.in_(list(ids)))
                                .options(selectinload(Investor.thesis), selectinload(Investor.park)))) if ids else []


def startups_for(session: Session, incubator_id: int, candidates: Sequence[int], *, today: date,
                 limit: int | None = None) -> list[Match]:
    """Startups (``candidates``) ranked for the incubator ``incubator_id`` as a whole."""
    eng = engine(session, today)
    viewer = recs.org_key(incubator_id)
    rounds = RoundTable.from_records(recs.startup_rounds(session, sorted(candidates), today))
    ids = np.array([recs.key_id(k) for k in rounds.key], dtype=np.int64)

    def compute() -> Ranking:
        scores = eng.ranker.score(rounds, [viewer], shortlist="columns")[:, 0] if len(ids) else np.zeros(0)
        return Ranking.of(ids, scores)

    ranking = _ranking(eng, STARTUPS, _candidates_key(viewer, ids), compute)
    top_ids, top_scores = ranking.ids[:limit], ranking.scores[:limit]
    rows = np.searchsorted(ids, top_ids) if len(ids) else np.zeros(0, np.int64)
    why = eng.reasons(rounds, rows, [viewer] * len(rows), "rounds")
    return [Match(int(i), float(s), w) for i, s, w in zip(top_ids, top_scores, why)]
