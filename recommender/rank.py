"""Top-k lists with reasons: the investors for a round, the rounds for an investor.

Each match carries up to three reasons, as structured codes and values the web app translates,
e.g. ``("earlier_investor", {"rounds": 2, "last_round": "2011-05-02", "in_last_round": True})``,
``("sector_stage_history", {"sector": "integrated_circuits", "stage": "series_a", "count": 4})``,
``("ticket_fit", {"low": 500000.0, "high": 5000000.0, "amount": 2000000.0, "deals": True})`` (the
range of its past deals' amounts, or with ``deals`` False its declared ticket).

Reasons are ordered by what they add to the pair's score in the learned ranker's log-linear
model (each feature's coefficient times its standardized value, summed over the features of a
reason); only reasons that add to the score are given. A ranker without a log-linear model (the
baselines) gets matches without reasons.
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from .base import BaseRanker, top_k
from .features import FEATURE_NAMES, PairFeaturizer
from .records import RoundTable, from_day, lookup

# Which features speak for which reason (round-level features speak for none: they are the same
# for every investor of a round).
REASON_FEATURES: dict[str, tuple[str, ...]] = {
    "earlier_investor": ("earlier_rounds", "earlier_days", "earlier_share", "in_last_round", "stage_step"),
    "coinvestors": ("coinvest_weight", "coinvest_partners", "partner_sector_share", "partner_cell_share",
                    "partner_region_share"),
    "sector_stage_history": ("sector_stage_share", "sector_stage_count", "cell_market"),
    "sector_history": ("sector_share", "sector_count", "sector_lift", "group_share", "sector_market",
                       "sector_region_share", "sector_region_count", "sector_region_market"),
    "stage_history": ("stage_share", "stage_count", "stage_distance", "stage_market", "stage_band_share"),
    "region": ("region_share", "region_count", "region_match", "region_market", "stage_region_share",
               "stage_region_market"),
    "ticket_fit": ("amount_z", "amount_outside", "amount_band_share", "band_market"),
    "profile_similarity": ("profile_cosine", "profile_cosine_all"),
    "active_investor": ("log_rounds", "activity", "recent_activity", "rounds_last_year", "days_since_last",
                        "days_since_first", "follow_rate"),
    "thesis_fit": ("thesis_fit",),
    "incubator_link": ("incubator_link",),
    "text_similarity": ("text_similarity",),
}
REASON_CODES = tuple(REASON_FEATURES)
_COLUMN = {name: k for k, name in enumerate(FEATURE_NAMES)}


@dataclass
class Match:
    """One entry of a top-k list: an investor id or a round key, its score and its reasons."""

    id: str
    score: float
    reasons: list[tuple[str, dict]] = field(default_factory=list)


def rank_investors(ranker: BaseRanker, rounds: RoundTable, investors: Sequence[str] | None = None,
                   k: int = 50, reasons: int = 3) -> list[list[Match]]:
    """For each round, the ``k`` best of ``investors`` (default: every investor the ranker knows)."""
    ids = np.asarray(ranker.known_investors() if investors is None else investors, dtype=str)
    scores = _score(ranker, rounds, ids, "rows")
    best = top_k(scores, k)
    rr = np.repeat(np.arange(len(rounds)), best.shape[1])
    cc = best.ravel()
    why = explain(ranker, rounds, rr, ids[cc], reasons)
    out, n = [], best.shape[1]
    for r in range(len(rounds)):
        out.append([Match(str(ids[c]), float(scores[r, c]), why[r * n + j]) for j, c in enumerate(best[r])])
    return out


def rank_rounds(ranker: BaseRanker, investors: Sequence[str], rounds: RoundTable, k: int = 50,
                reasons: int = 3) -> list[list[Match]]:
    """For each investor, the ``k`` best of ``rounds``."""
    ids = np.asarray(investors, dtype=str)
    scores = _score(ranker, rounds, ids, "columns")
    best = top_k(scores.T, k)
    rr = best.ravel()
    ii = np.repeat(np.arange(len(ids)), best.shape[1])
    why = explain(ranker, rounds, rr, ids[ii], reasons, direction="rounds")
    keys = np.asarray(rounds.key, dtype=str)
    out, n = [], best.shape[1]
    for q in range(len(ids)):
        out.append([Match(str(keys[r]), float(scores[r, q]), why[q * n + j]) for j, r in enumerate(best[q])])
    return out


def _score(ranker: BaseRanker, rounds: RoundTable, ids: np.ndarray, shortlist: str) -> np.ndarray:
    if hasattr(ranker, "linear_"):
        return ranker.score(rounds, ids, shortlist=shortlist)
    return ranker.score(rounds, ids)


def explain(ranker: BaseRanker, rounds: RoundTable, round_index, investor_ids, limit: int = 3,
            direction: str = "investors") -> list[list]:
    """Up to ``limit`` reasons for each pair (``rounds[round_index[k]]``, ``investor_ids[k]``), from the
    log-linear model that ranks ``direction`` ("investors" or "rounds", see ``LearnedRanker.models_for``)."""
    round_index = np.asarray(round_index, dtype=np.int64)
    if limit <= 0 or not hasattr(ranker, "linear_") or len(round_index) == 0:
        return [[] for _ in range(len(round_index))]
    feat: PairFeaturizer = ranker.featurizer_
    inv = feat.investor_index(investor_ids)
    return explain_rows(ranker, rounds, round_index, inv, feat.transform(rounds, round_index, inv), limit, direction)


def explain_rows(ranker: BaseRanker, rounds: RoundTable, round_index, investor_rows, x: np.ndarray,
                 limit: int = 3, direction: str = "investors") -> list[list]:
    """``explain`` for pairs whose featurizer rows of investors and feature rows ``x`` are at hand."""
    if limit <= 0 or not hasattr(ranker, "linear_") or len(x) == 0:
        return [[] for _ in range(len(x))]
    feat: PairFeaturizer = ranker.featurizer_
    linear, _ = ranker.models_for(direction)
    contrib = reason_contributions(linear, x)
    # plain lists: a server explains 50 matches a request, one value at a time
    orders = np.argsort(-contrib, axis=1, kind="stable").tolist()
    contrib, rows = contrib.tolist(), x.tolist()
    round_index, investor_rows = np.asarray(round_index).tolist(), np.asarray(investor_rows).tolist()
    out = []
    for p, order in enumerate(orders):
        reasons = []
        for g in order:
            if contrib[p][g] <= 0 or len(reasons) >= limit:
                break
            values = _values(REASON_CODES[g], feat, rounds, round_index[p], investor_rows[p], rows[p], _COLUMN)
            if values is not None:
                reasons.append((REASON_CODES[g], values))
        out.append(reasons)
    return out


def reason_contributions(linear, x: np.ndarray) -> np.ndarray:
    """(pairs x reasons): what each reason's features add to the log-linear score, from its mean."""
    z = linear._standard(x) * linear.coef_
    # expanded columns: the features, their missing-value flags, the logs of some of them
    sources = np.concatenate([linear.columns_, linear.columns_[linear.nan_columns_],
                              linear.columns_[linear.log_columns_]])
    return z @ _reason_matrix(tuple(sources.tolist()))


@lru_cache(maxsize=16)
def _reason_matrix(sources: tuple[int, ...]) -> np.ndarray:
    """(expanded columns x reasons): 1 where the column's feature (``FEATURE_NAMES[source]``) is
    one of the reason's (``REASON_FEATURES``)."""
    names = np.array(FEATURE_NAMES)[list(sources)] if sources else np.zeros(0, dtype=str)
    return np.stack([np.isin(names, REASON_FEATURES[code]) for code in REASON_CODES], axis=1).astype(np.float64)


# The reasons that count rounds funded: the profile they tell of (``PairFeaturizer.told``), the
# round's fields it is made of, and the feature that says the profile holds any.
TOLD = {"sector_stage_history": ("cell", ("sector", "stage"), "sector_stage_count"),
        "sector_history": ("sector", ("sector",), "sector_share"),
        "stage_history": ("stage", ("stage",), "stage_count"),
        "region": ("region", ("region",), "region_count")}


def _values(code: str, feat: PairFeaturizer, rounds: RoundTable, r: int, i: int, x: list[float], col) -> dict | None:
    """The values a reason shows, or None when the pair has no such evidence to show (``x``: the
    pair's feature row as a list)."""
    def num(name):
        v = x[col[name]]
        return v if math.isfinite(v) else None

    if code == "earlier_investor":
        n = num("earlier_rounds") or 0
        if n <= 0:
            return None
        days = num("earlier_days")
        last = from_day(int(rounds.day[r] - days)).isoformat() if days is not None else None
        # rounds 0: in touch before (intros), never invested
        return {"rounds": feat.funded_earlier(str(rounds.company[r]), i), "last_round": last,
                "in_last_round": bool(num("in_last_round"))}
    if code == "coinvestors":
        partners = partners_of(feat, str(rounds.company[r]), i)
        if not partners:
            return None
        return {"partners": len(partners), "with": partners[:3]}
    if code in TOLD:
        profile, fields, column = TOLD[code]
        values = {f: str(getattr(rounds, f)[r]) for f in fields}
        home = code == "region" and bool(num("region_match"))
        if (num(column) or 0) <= 0 or not all(values.values()):
            return None
        count, declared = feat.told(profile, i, rounds, r)
        if not (count or declared or home or feat.kind_prior_[i]):
            return None  # intros alone: no round to count, nothing declared, not its kind's profile
        return {**values, "count": count, **({"home": home} if code == "region" else {})}
    if code == "ticket_fit":
        amount = float(rounds.amount[r])
        if not amount > 0 or (num("amount_outside") or 0) > 0:
            return None
        for low, high, deals in ((feat.deals_low_[i], feat.deals_high_[i], True),
                                 (feat.ticket_low_[i], feat.ticket_high_[i], False)):
            if np.isfinite(low) and np.isfinite(high) and low - 1e-9 <= math.log10(amount) <= high + 1e-9:
                return {"low": float(round(10**low)), "high": float(round(10**high)), "amount": amount,
                        "deals": deals}
        return None
    if code == "profile_similarity":
        cosine = num("profile_cosine_all") or 0
        return {"cosine": round(cosine, 2)} if cosine > 0 else None
    if code == "active_investor":
        n = int(feat.funded_last_year_[i])
        if n <= 0:
            return None
        return {"rounds_last_year": n, "days_since_last": int(num("days_since_last") or 0)}
    if code == "thesis_fit":
        share = num("thesis_fit")
        return {"share": round(share, 2)} if share else None
    if code == "incubator_link":
        return {"incubator": str(rounds.incubator[r])} if num("incubator_link") else None
    if code == "text_similarity":
        sim = num("text_similarity")
        return {"similarity": round(sim, 2)} if sim and sim > 0 else None
    return None


def partners_of(feat: PairFeaturizer, company: str, i: int) -> list[str]:
    """The company's earlier investors who have invested together with investor row ``i``
    (most rounds together first)."""
    N = len(feat.investors_) + 1
    c = lookup(feat.companies_, [company])[0]
    if c == len(feat.companies_) or i >= N - 1:
        return []
    s, e = np.searchsorted(feat.earlier_keys_, [c * N, (c + 1) * N])
    earlier = feat.earlier_keys_[s:e] % N
    weights = feat.coinvested_with(i)[earlier]
    keep = (weights > 0) & (earlier != i)
    order = np.argsort(-weights[keep], kind="stable")
    return [str(feat.investors_[j]) for j in earlier[keep][order]]
