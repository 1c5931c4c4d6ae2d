"""Pair features for (round, investor), from content and history, vectorized.

``PairFeaturizer.fit(history)`` learns, from what is known at ``history.as_of``:

* investor profiles: how much of each investor's activity (time-decayed, and plain counts) falls
  on each sector, sector group, stage, region, amount band, and on pairs of them (sector x stage,
  sector x region, stage x region, stage x amount band), merged with what the investor declares
  (thesis sectors and groups, stage band, ticket range, regions) as pseudo-counts, so that a
  newcomer with no history is described by its thesis alone; and the same profiles summed over
  the investors of a kind (angels, funds, corporates), a prior for investors with little history
  (and the stages and amounts of a newcomer that has declared nothing yet);
* investor activity: rounds, recency-weighted activity, days since the last round, the share of
  its rounds that followed on in a company it had backed before, its ticket range (log amount);
* the companies' past: their earlier rounds and earlier investors, and the co-investment graph,
  so that a pair knows "this investor backed this company before (in its last round?)" and "this
  investor often invests with the company's earlier investors" (2 hops), and what the investor's
  usual partners invest in;
* text (when the records carry any): hashed TF-IDF of round texts and theses.

``transform(rounds, round_index, investor_index)`` returns one row of ``FEATURE_NAMES`` per pair.
``round_side(rounds)`` works out once what the features need of each round (a server keeps it
for its open rounds) and ``transform_side`` describes pairs from it. For one investor, the pair
columns fall into groups by what of a round they read (``FIELD_COLUMNS``: one field's value;
``PROFILE_COLUMNS``; ``COMPANY_COLUMNS``; ``CONTENT_COLUMNS``), which ``serve`` scores apart.
Only the history given to ``fit`` is used; a round's own investors are never an input.

Profiles are kept sparse: for each field, sorted keys ``investor * width + value`` and their
weights, so memory grows with the interactions, not with investors x values.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator
from sklearn.feature_extraction.text import HashingVectorizer
from sklearn.utils.extmath import randomized_svd

from .records import KIND_WEIGHTS, Dataset, InvestorTable, RoundTable, distinct, lookup

ROUND_FEATURES = ("log_amount", "stage_rank", "company_rounds", "company_investors", "company_days_since_last",
                  "sector_popularity", "region_popularity")
INVESTOR_FEATURES = ("log_rounds", "activity", "recent_activity", "rounds_last_year", "days_since_last",
                     "days_since_first", "follow_rate", "mean_log_amount")
PAIR_FEATURES = (
    "earlier_rounds", "earlier_days", "earlier_share", "in_last_round", "stage_step",
    "coinvest_weight", "coinvest_partners", "partner_sector_share", "partner_cell_share", "partner_region_share",
    "embedding_company", "embedding_cell", "embedding_sector_region",
    "sector_share", "sector_count", "sector_lift", "group_share", "stage_share", "stage_count", "stage_distance",
    "sector_stage_share", "sector_stage_count", "region_share", "region_count", "region_match",
    "sector_region_share", "sector_region_count", "stage_region_share", "stage_band_share",
    "kind_stage_share", "kind_cell_share", "kind_band_share",
    "sector_market", "stage_market", "cell_market", "region_market", "sector_region_market", "stage_region_market",
    "band_market",
    "amount_z", "amount_outside", "amount_band_share", "profile_cosine", "profile_cosine_all",
    "text_similarity", "thesis_fit", "incubator_link", "dismissed",
)
FEATURE_NAMES = ROUND_FEATURES + INVESTOR_FEATURES + PAIR_FEATURES

# Single fields, pairs of fields profiled together, and the fields of the profile cosine.
BASE_FIELDS = ("sector", "group", "stage", "region", "area", "band")
CROSSES = {"cell": ("sector", "stage"), "sector_region": ("sector", "area"), "stage_region": ("stage", "area"),
           "stage_band": ("stage", "band")}
PROFILES = ("sector", "group", "stage", "region", "band", "cell", "sector_region", "stage_region", "stage_band")
COSINE_FIELDS = ("sector", "stage", "region", "band")
TOLD_FIELDS = ("sector", "stage", "region", "cell")  # profiles whose counts a reason tells ("funded 4 rounds in ...")
PARTNER_FIELDS = ("sector", "cell", "region")
KIND_FIELDS = ("stage", "cell", "band")
KIND_PRIOR_FIELDS = ("stage", "band")  # what a kind says of a newcomer that declares nothing

TEXT_FEATURES = 2**18
# For one investor, the pair columns that depend on nothing of a round but its value in one field
# (a server scores each value once); the fields' cosine terms are summed into the profile cosines.
FIELD_COLUMNS: dict[str, tuple[str, ...]] = {
    "sector": ("sector_share", "sector_count", "sector_market", "partner_sector_share", "sector_lift"),
    "group": ("group_share",),
    "stage": ("stage_share", "stage_count", "stage_market", "kind_stage_share"),
    "region": ("region_share", "region_count", "region_market", "partner_region_share", "region_match"),
    "band": ("amount_band_share", "band_market", "kind_band_share"),
    "cell": ("sector_stage_share", "sector_stage_count", "cell_market", "partner_cell_share", "kind_cell_share",
             "embedding_cell"),
    "sector_region": ("sector_region_share", "sector_region_count", "sector_region_market", "embedding_sector_region"),
    "stage_region": ("stage_region_share", "stage_region_market"),
    "stage_band": ("stage_band_share",),
}
COUNT_FIELDS = ("sector", "stage", "region", "cell", "sector_region")
MARKET_FIELDS = ("sector", "stage", "region", "band", "cell", "sector_region", "stage_region")
EMBEDDING_FIELDS = ("cell", "sector_region")
# Pair columns at their default (0, or missing) unless the round's company is related to the
# investor: it backed the company, or backed rounds with the company's earlier investors, or dismissed it.
COMPANY_COLUMNS = ("earlier_rounds", "earlier_days", "earlier_share", "in_last_round", "stage_step",
                   "coinvest_weight", "coinvest_partners", "dismissed")
# For one investor, pair columns of the round's field values and stage rank (with ``FIELD_COLUMNS``:
# the same for rounds alike in those), and the rest.
PROFILE_COLUMNS = ("stage_distance", "profile_cosine", "profile_cosine_all")
CONTENT_COLUMNS = ("amount_z", "amount_outside", "thesis_fit", "embedding_company", "text_similarity", "incubator_link")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
_WORD = re.compile(r"[^\W\d_]{2,}|\d+", re.UNICODE)


def tokens(text: str) -> list[str]:
    """Lower-cased words, and character pairs of Chinese runs (no word breaks there)."""
    text = text.lower()
    out = list(_WORD.findall(_CJK.sub(" ", text)))
    for run in _CJK.findall(text):
        out.extend(run[i:i + 2] for i in range(max(len(run) - 1, 1)))
    return out


def _hasher() -> HashingVectorizer:
    return HashingVectorizer(n_features=TEXT_FEATURES, analyzer=tokens, alternate_sign=False, norm=None)


def _hashed(texts) -> sp.csr_matrix:
    """Token counts of ``texts``, one row each (none for none: the vectorizer refuses an empty list)."""
    texts = list(texts)
    if not texts:
        return sp.csr_matrix((0, TEXT_FEATURES), dtype=np.float64)
    return _hasher().transform(texts).tocsr()


# The most (investor, value) cells of a profile looked up in a dense table (16 MB of float32).
DENSE_CELLS = 4_000_000


def _vocab(values, limit: int) -> np.ndarray:
    """The distinct non-blank values (the ``limit`` most frequent), sorted."""
    values = np.asarray(values, dtype=str)
    uniq, counts = np.unique(values[values != ""], return_counts=True)
    if len(uniq) > limit:
        uniq = np.sort(uniq[np.argsort(-counts, kind="stable")[:limit]])
    return uniq


def _flat(column) -> np.ndarray:
    parts = [np.array(v, dtype=str) for v in column if v]
    return np.concatenate(parts) if parts else np.zeros(0, dtype=str)


# Longer queries of ``_pair_lookup`` are sorted first.
_SORTED_QUERY = 2_000


def _pair_lookup(keys: np.ndarray, query: np.ndarray) -> np.ndarray:
    """Positions of ``query`` in the sorted int64 ``keys``, -1 where absent."""
    if len(keys) == 0:
        return np.full(len(query), -1, dtype=np.int64)
    query = np.asarray(query)
    if len(query) > _SORTED_QUERY and np.any(query[1:] < query[:-1]):
        # searched in order (numpy then starts each search where the last ended): half the time
        order = np.argsort(query, kind="stable")
        pos = np.empty(len(query), dtype=np.int64)
        pos[order] = np.searchsorted(keys, query[order])
    else:
        pos = np.searchsorted(keys, query)
    pos = np.minimum(pos, len(keys) - 1)
    return np.where(keys[pos] == query, pos, -1)


def _pair_values(keys: np.ndarray, values: np.ndarray, query: np.ndarray, default=0.0) -> np.ndarray:
    """``values`` at ``query``'s positions in the sorted ``keys``; ``default`` where absent."""
    return _values_at(_pair_lookup(keys, query), values, default)


def _values_at(at: np.ndarray, values: np.ndarray, default=0.0) -> np.ndarray:
    """``values`` at positions ``at`` (from ``_pair_lookup``); ``default`` where -1."""
    if len(values) == 0:
        return np.full(len(at), default, dtype=np.float64)
    return np.where(at >= 0, values[np.maximum(at, 0)], default)


def _sum_by_key(keys: np.ndarray, *weights: np.ndarray):
    """Distinct sorted keys and the sums of each weight array over them."""
    uniq, inverse = np.unique(keys, return_inverse=True)
    return (uniq,) + tuple(np.bincount(inverse, weights=w, minlength=len(uniq)).astype(np.float32) for w in weights)


def _ranges(starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """The concatenation of ``arange(s, e)`` for each pair, vectorized."""
    lengths = np.asarray(ends) - np.asarray(starts)
    total = int(lengths.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    shift = np.asarray(starts) - np.concatenate([[0], np.cumsum(lengths)[:-1]])
    return np.arange(total, dtype=np.int64) + np.repeat(shift, lengths)


def _group_quantile(group: np.ndarray, x: np.ndarray, n_groups: int, q: float) -> np.ndarray:
    out = np.full(n_groups, np.nan)
    if len(x) == 0:
        return out
    order = np.lexsort((x, group))
    xs = x[order]
    counts = np.bincount(group, minlength=n_groups)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    has = counts > 0
    out[has] = xs[starts[has] + np.floor(q * (counts[has] - 1)).astype(np.int64)]
    return out


def _last_by_group(group: np.ndarray, x: np.ndarray, n_groups: int) -> np.ndarray:
    out = np.full(n_groups, np.nan)
    if len(x):
        last = np.full(n_groups, -np.inf)
        np.maximum.at(last, group, x)
        out[np.isfinite(last)] = last[np.isfinite(last)]
    return out


@dataclass
class RoundSide:
    """What the pair features need of each round of a ``RoundTable``, worked out once: its values
    in each field, its company's row and earlier investors (``earlier``: rounds x investor rows),
    the round-only features (``columns``), the text vectors."""

    rounds: RoundTable
    values: dict[str, np.ndarray]
    company: np.ndarray
    day: np.ndarray
    columns: dict[str, np.ndarray]
    earlier: sp.csr_matrix
    company_vector: np.ndarray | None  # the mean embedding of the company's earlier investors
    text: sp.csr_matrix | None
    cosine_norm: np.ndarray
    incubator: np.ndarray
    blank_text: np.ndarray
    blank_incubator: np.ndarray
    amount_range: tuple[float, float]  # the least and greatest log amount (NaN without amounts)
    # "sector" and "group": each round's values as 0/1 rows, when some round has several (else empty)
    sector_sets: dict[str, sp.csr_matrix]

    def __len__(self) -> int:
        return len(self.rounds)


class PairFeaturizer(BaseEstimator):
    """Learns profiles from a history ``Dataset``; turns (round, investor) pairs into features.

    Parameters
    ----------
    half_life_days : activity this old counts half in the decayed profiles and activity.
    thesis_weight : how many rounds of history a declared thesis is worth in a profile.
    amount_bands : how many quantile bands of log amount the profiles count.
    max_values : the most values a field (region, sector, ...) keeps; rarer ones count as unknown.
    areas : the most regions crossed with sectors and stages.
    embedding_size : dimensions of the investors' co-investment embedding.
    """

    def __init__(self, half_life_days: float = 365.0, thesis_weight: float = 2.0, amount_bands: int = 8,
                 max_values: int = 1024, areas: int = 48, embedding_size: int = 32):
        self.half_life_days = half_life_days
        self.thesis_weight = thesis_weight
        self.amount_bands = amount_bands
        self.max_values = max_values
        self.areas = areas
        self.embedding_size = embedding_size

    # ------------------------------------------------------------------ fit
    def fit(self, X: Dataset, y=None) -> PairFeaturizer:
        self.__dict__.pop("_tables", None)
        rounds, as_of = X.rounds, int(X.as_of)
        self.as_of_ = as_of
        self.feature_names_ = np.array(FEATURE_NAMES)
        ids = np.asarray(X.investors.id, dtype=str)
        order = np.argsort(ids, kind="stable")
        self.investors_ = ids[order]
        table = X.investors.take(order)
        n = len(self.investors_)
        N = n + 1  # the last row: an investor nothing is known about

        weights = X.weights()
        pos = weights > 0
        inv = lookup(self.investors_, X.investor[pos])
        rnd, w = X.round[pos], weights[pos]
        key = inv * (len(rounds) + 1) + rnd  # each (investor, round) once, with its strongest kind
        srt = np.lexsort((-w, key))
        first = np.ones(len(key), bool)
        first[1:] = key[srt][1:] != key[srt][:-1]
        inv, rnd, w = inv[srt][first], rnd[srt][first], w[srt][first]
        day = rounds.day[rnd].astype(np.float64)
        age = np.maximum(as_of - day, 0)
        wd = w * 0.5 ** (age / float(self.half_life_days))

        self._fit_vocabularies(rounds, table, rnd)
        values = self._round_values(rounds)
        widths = {f: s + 1 for f, s in self._field_sizes().items()}
        funded = distinct(rnd)
        funded_decay = 0.5 ** (np.maximum(as_of - rounds.day[funded], 0) / float(self.half_life_days))
        self._fit_profiles(table, inv, rnd, w, wd, values, widths, n, funded, funded_decay)
        self._fit_activity(table, rounds, inv, rnd, w, wd, day, age, n)
        self._fit_companies(rounds, inv, rnd, w, day, N)
        self._fit_partners(rounds, inv, rnd, widths, N)
        self._fit_kinds(table, widths, N)
        self._fit_kind_priors(table, widths, n)

        rd = 0.5 ** (np.maximum(as_of - rounds.day, 0) / float(self.half_life_days))
        for f in ("sector", "region"):
            pop = np.bincount(values[f], weights=rd, minlength=widths[f])
            setattr(self, f"{f}_popularity_", pop / max(pop.sum(), 1e-12))

        dis = X.kind == "dismissed"
        dkey = lookup(self.companies_, X.rounds.company[X.round[dis]]) * N + lookup(self.investors_, X.investor[dis])
        self.dismissed_keys_, self.dismissed_counts_ = np.unique(dkey, return_counts=True)

        self.investor_region_ = lookup(self.regions_, np.append(table.region, ""))
        for name, column, vocab in (("sectors", table.sectors, self.sectors_),
                                    ("groups", table.sector_groups, self.groups_),
                                    ("regions", table.regions, self.regions_),
                                    ("incubators", table.incubators, self.incubators_)):
            setattr(self, f"thesis_{name}_", _membership(column, vocab, N))
        self.stage_min_, self.stage_max_ = np.append(table.stage_min, np.nan), np.append(table.stage_max, np.nan)
        self.ticket_min_, self.ticket_max_ = np.append(table.ticket_min, np.nan), np.append(table.ticket_max, np.nan)
        self._fit_text(X, table, inv, rnd, wd)
        return self

    def _fit_vocabularies(self, rounds: RoundTable, table: InvestorTable, rnd: np.ndarray) -> None:
        self.sectors_ = _vocab(np.concatenate([rounds.sector.astype(str), _flat(table.sectors)]), self.max_values)
        self.groups_ = _vocab(np.concatenate([rounds.sector_group.astype(str), _flat(table.sector_groups)]),
                              self.max_values)
        self.stages_ = _vocab(rounds.stage, self.max_values)
        self.regions_ = _vocab(np.concatenate([rounds.region[rnd].astype(str), table.region.astype(str),
                                               _flat(table.regions)]), self.max_values)
        self.areas_ = _vocab(rounds.region[rnd], self.areas)
        self.kinds_ = _vocab(table.kind, self.max_values)
        self.incubators_ = _vocab(np.concatenate([rounds.incubator.astype(str), _flat(table.incubators)]), 10**9)
        logs = np.log10(rounds.amount[np.isfinite(rounds.amount) & (rounds.amount > 0)])
        self.band_edges_ = (np.unique(np.quantile(logs, np.linspace(0, 1, self.amount_bands + 1)[1:-1]))
                            if len(logs) else np.zeros(0))
        # each stage label's rung on the ladder (the mean over its rounds), for theses' stage bands
        sidx = lookup(self.stages_, rounds.stage)
        ok = (sidx < len(self.stages_)) & np.isfinite(rounds.stage_rank)
        tot = np.bincount(sidx[ok], weights=rounds.stage_rank[ok], minlength=len(self.stages_) + 1)[:-1]
        cnt = np.bincount(sidx[ok], minlength=len(self.stages_) + 1)[:-1]
        with np.errstate(invalid="ignore", divide="ignore"):
            self.stage_ranks_ = np.where(cnt > 0, tot / np.maximum(cnt, 1), np.nan)

    def _field_sizes(self) -> dict[str, int]:
        """How many known values each field has (its unknown value is that number)."""
        sizes = {"sector": len(self.sectors_), "group": len(self.groups_), "stage": len(self.stages_),
                 "region": len(self.regions_), "area": len(self.areas_), "band": len(self.band_edges_) + 1}
        for name, (a, b) in CROSSES.items():
            sizes[name] = (sizes[a] + 1) * (sizes[b] + 1) - 1
        return sizes

    def _round_values(self, rounds: RoundTable) -> dict[str, np.ndarray]:
        """Each round's value (column) in each field; the field's size when unknown."""
        sizes = self._field_sizes()
        with np.errstate(divide="ignore", invalid="ignore"):
            logs = np.log10(rounds.amount)
        band = np.where(np.isfinite(logs), np.searchsorted(self.band_edges_, logs), sizes["band"])
        values = {"sector": lookup(self.sectors_, rounds.sector), "group": lookup(self.groups_, rounds.sector_group),
                  "stage": lookup(self.stages_, rounds.stage), "region": lookup(self.regions_, rounds.region),
                  "area": lookup(self.areas_, rounds.region), "band": band.astype(np.int64)}
        for name, (a, b) in CROSSES.items():
            va, vb = values[a], values[b]
            values[name] = np.where((va == sizes[a]) | (vb == sizes[b]), sizes[name], va * (sizes[b] + 1) + vb)
        return values

    def _fit_profiles(self, table, inv, rnd, w, wd, values, widths, n, funded, funded_decay) -> None:
        """Per field: sorted keys investor*width+value, decayed weights and counts (thesis merged)."""
        N = n + 1
        thesis = self._thesis_entries(table, widths)
        for f in PROFILES:
            v = values[f][rnd]
            known = v < widths[f] - 1
            ti, tv, tw = thesis.get(f, (np.zeros(0, np.int64),) * 2 + (np.zeros(0),))
            keys = np.concatenate([inv[known] * widths[f] + v[known], ti * widths[f] + tv])
            keys, weight, count = _sum_by_key(keys, np.concatenate([wd[known], tw]), np.concatenate([w[known], tw]))
            setattr(self, f"{f}_keys_", keys)
            setattr(self, f"{f}_weight_", weight)
            setattr(self, f"{f}_count_", count)
            rows = keys // widths[f]
            setattr(self, f"{f}_total_", np.bincount(rows, weights=weight, minlength=N))
            # the (decayed) funded rounds of each value: an investor's share of a value's rounds
            setattr(self, f"{f}_column_", np.bincount(values[f][funded], weights=funded_decay, minlength=widths[f]))
            if f in COSINE_FIELDS:
                df = np.bincount(keys[rows < n] % widths[f], minlength=widths[f])
                idf = np.log((1.0 + n) / (1.0 + df)) + 1.0
                idf[-1] = 0.0
                setattr(self, f"{f}_idf_", idf)
        self._fit_told(thesis, inv, rnd, w, values, widths)
        self._fit_norms(widths, N)

    def _fit_told(self, thesis: dict, inv, rnd, w, values, widths) -> None:
        """What a reason may tell of a profile (``TOLD_FIELDS``), apart from the weighted counts that
        the features mix: the rounds funded (not intros), and whether the thesis declares a value."""
        paid = w >= KIND_WEIGHTS["funded"]
        for f in TOLD_FIELDS:
            v = values[f][rnd[paid]]
            known = v < widths[f] - 1
            keys, count = _sum_by_key(inv[paid][known] * widths[f] + v[known], np.ones(int(known.sum())))
            setattr(self, f"funded_{f}_keys_", keys)
            setattr(self, f"funded_{f}_count_", count)
            ti, tv, tw = thesis.get(f, (np.zeros(0, np.int64),) * 2 + (np.zeros(0),))
            keys, count = _sum_by_key(ti * widths[f] + tv, tw)
            setattr(self, f"declared_{f}_keys_", keys)
            setattr(self, f"declared_{f}_count_", count)

    def _fit_norms(self, widths, N: int) -> None:
        """Each investor's TF-IDF profile norms, decayed and plain, for the cosine features."""
        norm = np.zeros(N)
        norm_all = np.zeros(N)
        for f in COSINE_FIELDS:
            keys = getattr(self, f"{f}_keys_")
            idf = getattr(self, f"{f}_idf_")[keys % widths[f]]
            norm += np.bincount(keys // widths[f], weights=(getattr(self, f"{f}_weight_") * idf) ** 2, minlength=N)
            norm_all += np.bincount(keys // widths[f], weights=(getattr(self, f"{f}_count_") * idf) ** 2, minlength=N)
        self.profile_norm_ = np.sqrt(norm)
        self.profile_norm_all_ = np.sqrt(norm_all)

    def _thesis_entries(self, table: InvestorTable, widths) -> dict:
        """Declared sectors, groups, regions, stage band and ticket range as (rows, values, weights)."""
        weight = float(self.thesis_weight)
        out = {}
        if weight <= 0:
            return out

        def add(field, rows, vals, wts):
            r, v, x = out.get(field, (np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0)))
            out[field] = (np.concatenate([r, rows]), np.concatenate([v, vals]), np.concatenate([x, wts]))

        for f, column, vocab in (("sector", table.sectors, self.sectors_), ("group", table.sector_groups, self.groups_),
                                 ("region", table.regions, self.regions_)):
            for i, declared in enumerate(column):
                if declared:
                    idx = lookup(vocab, declared)
                    idx = np.unique(idx[idx < len(vocab)])
                    if len(idx):
                        add(f, np.full(len(idx), i), idx, np.full(len(idx), weight / len(idx)))
        for i in np.flatnonzero(np.isfinite(table.stage_min) | np.isfinite(table.stage_max)):
            lo = table.stage_min[i] if np.isfinite(table.stage_min[i]) else -np.inf
            hi = table.stage_max[i] if np.isfinite(table.stage_max[i]) else np.inf
            hit = np.flatnonzero((self.stage_ranks_ >= lo) & (self.stage_ranks_ <= hi))
            if len(hit):
                add("stage", np.full(len(hit), i), hit, np.full(len(hit), weight / len(hit)))
        edges = self.band_edges_
        for i in np.flatnonzero(np.isfinite(table.ticket_min) | np.isfinite(table.ticket_max)):
            lo = np.log10(table.ticket_min[i]) if table.ticket_min[i] > 0 else -np.inf
            hi = np.log10(table.ticket_max[i]) if table.ticket_max[i] > 0 else np.inf
            bands = np.arange(_band(edges, lo), _band(edges, hi) + 1)
            add("band", np.full(len(bands), i), bands, np.full(len(bands), weight / len(bands)))
        return out

    def _fit_activity(self, table, rounds, inv, rnd, w, wd, day, age, n) -> None:
        N = n + 1
        self.rounds_ = np.bincount(inv, weights=w, minlength=N)
        self.activity_ = np.bincount(inv, weights=wd, minlength=N)
        self.recent_activity_ = np.bincount(inv, weights=w * 0.5 ** (age / 182.5), minlength=N)
        self.last_year_ = np.bincount(inv, weights=w * (age < 365), minlength=N)
        self.funded_last_year_ = np.bincount(inv, weights=(w >= KIND_WEIGHTS["funded"]) & (age < 365), minlength=N)
        self.last_day_ = _last_by_group(inv, day, N)
        self.first_day_ = -_last_by_group(inv, -day, N)
        amt = rounds.amount[rnd]
        ok = np.isfinite(amt) & (amt > 0)
        la, ia, wa = np.log10(amt[ok]), inv[ok], wd[ok]
        sw = np.bincount(ia, weights=wa, minlength=N)
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = np.bincount(ia, weights=wa * la, minlength=N) / sw
            var = np.bincount(ia, weights=wa * la * la, minlength=N) / sw - mean**2
        self.amount_mean_ = mean
        self.amount_std_ = np.sqrt(np.maximum(np.nan_to_num(var), 0.0)) + 0.25
        with np.errstate(invalid="ignore", divide="ignore"):
            tmin = np.log10(np.where(table.ticket_min > 0, table.ticket_min, np.nan))
            tmax = np.log10(np.where(table.ticket_max > 0, table.ticket_max, np.nan))
        # the usual amounts: of the rounds it funded (10th to 90th percentile; an intro is no deal) and
        # its declared ticket, apart for a reason to say which, and together for the features
        paid = w[ok] >= KIND_WEIGHTS["funded"]
        self.deals_low_ = _group_quantile(ia[paid], la[paid], N, 0.1)
        self.deals_high_ = _group_quantile(ia[paid], la[paid], N, 0.9)
        self.ticket_low_, self.ticket_high_ = np.append(tmin, np.nan), np.append(tmax, np.nan)
        self.amount_low_ = np.fmin(self.deals_low_, self.ticket_low_)
        self.amount_high_ = np.fmax(self.deals_high_, self.ticket_high_)
        self.amount_mean_[:n] = np.where(np.isfinite(self.amount_mean_[:n]), self.amount_mean_[:n], (tmin + tmax) / 2)
        sr = rounds.stage_rank[rnd]
        ok = np.isfinite(sr)
        with np.errstate(invalid="ignore", divide="ignore"):
            self.stage_mean_ = np.bincount(inv[ok], weights=wd[ok] * sr[ok], minlength=N) / \
                np.bincount(inv[ok], weights=wd[ok], minlength=N)
        mid = (table.stage_min + table.stage_max) / 2
        self.stage_mean_[:n] = np.where(np.isfinite(self.stage_mean_[:n]), self.stage_mean_[:n], mid)

    def _fit_companies(self, rounds, inv, rnd, w, day, N) -> None:
        self.companies_ = np.unique(np.asarray(rounds.company, dtype=str))
        comp_all = lookup(self.companies_, rounds.company)
        nc = len(self.companies_) + 1
        self.company_rounds_ = np.bincount(comp_all, minlength=nc).astype(np.float64)
        self.company_last_day_ = _last_by_group(comp_all, rounds.day.astype(np.float64), nc)
        comp = comp_all[rnd]
        funded = distinct(comp * (len(rounds) + 1) + rnd) // (len(rounds) + 1)
        self.company_funded_rounds_ = np.bincount(funded, minlength=nc).astype(np.float64)
        self.company_last_funded_day_ = _last_by_group(comp, day, nc)
        ckey = comp * N + inv
        o = np.lexsort((day, ckey))
        self.earlier_keys_, starts, self.earlier_rounds_ = np.unique(ckey[o], return_index=True, return_counts=True)
        ends = starts + self.earlier_rounds_ - 1  # each pair's latest round
        self.earlier_last_day_ = day[o][ends] if len(o) else np.zeros(0)
        self.earlier_last_stage_ = rounds.stage_rank[rnd][o][ends] if len(o) else np.zeros(0)
        self.company_investors_ = np.bincount(self.earlier_keys_ // N, minlength=nc).astype(np.float64)
        # of those, the rounds funded: an intro is no investment, which a reason must not call one
        self.funded_earlier_keys_, self.funded_earlier_rounds_ = np.unique(ckey[w >= KIND_WEIGHTS["funded"]],
                                                                           return_counts=True)
        # follow-on habit: the share of an investor's rounds in a company it had backed before
        follow = np.zeros(len(inv))
        if len(inv):
            o = np.lexsort((day, comp, inv))
            same = np.zeros(len(o), bool)
            same[1:] = (inv[o][1:] == inv[o][:-1]) & (comp[o][1:] == comp[o][:-1])
            follow[o] = same
        with np.errstate(invalid="ignore", divide="ignore"):
            self.follow_rate_ = np.bincount(inv, weights=follow, minlength=N) / np.bincount(inv, minlength=N)

    def _fit_partners(self, rounds, inv, rnd, widths, N) -> None:
        """coinvest_[j, i]: the share of j's rounds that i joined; partner_*: the partners' profiles."""
        B = sp.csr_matrix((np.ones(len(inv)), (inv, rnd)), shape=(N, max(len(rounds), 1)))
        co = (B @ B.T).tocsr()
        co.setdiag(0)
        co.eliminate_zeros()
        per_investor = np.maximum(np.asarray(B.sum(axis=1)).ravel(), 1.0)
        self.coinvest_ = sp.csr_matrix(sp.diags(1.0 / per_investor) @ co, dtype=np.float32)
        self.coinvest_.sort_indices()
        self._coinvest_t = None
        together = np.maximum(np.asarray(co.sum(axis=1)).ravel(), 1e-12)
        mix = sp.csr_matrix(sp.diags(1.0 / together) @ co)
        # investor embeddings: the top singular vectors of the normalized co-investment graph
        k = int(min(self.embedding_size, max(N - 2, 1)))
        self.embedding_ = np.zeros((N, self.embedding_size), dtype=np.float32)
        if co.nnz and k >= 1:
            scale = sp.diags(1.0 / np.sqrt(together))
            U, S, _ = randomized_svd(sp.csr_matrix(scale @ co @ scale), k, n_iter=4, random_state=0)
            emb = U * np.sqrt(S)
            norms = np.linalg.norm(emb, axis=1, keepdims=True)
            self.embedding_[:, :k] = np.where(norms > 0, emb / np.maximum(norms, 1e-12), 0.0)
        for f in ("cell", "sector_region"):
            keys, weight = getattr(self, f"{f}_keys_"), getattr(self, f"{f}_weight_")
            M = sp.csr_matrix((weight, (keys % widths[f], keys // widths[f])), shape=(widths[f], N))
            vec = np.asarray(M @ self.embedding_)
            norms = np.linalg.norm(vec, axis=1, keepdims=True)
            setattr(self, f"embedding_{f}_", (vec / np.maximum(norms, 1e-12)).astype(np.float32))
        for f in PARTNER_FIELDS:
            keys, weight = getattr(self, f"{f}_keys_"), getattr(self, f"{f}_weight_")
            rows = keys // widths[f]
            share = sp.csr_matrix((weight / np.maximum(getattr(self, f"{f}_total_")[rows], 1e-9),
                                   (rows, keys % widths[f])), shape=(N, widths[f]))
            prod = (mix @ share).tocsr()
            prod.sort_indices()
            coo = prod.tocoo()
            setattr(self, f"partner_{f}_keys_", coo.row.astype(np.int64) * widths[f] + coo.col)
            setattr(self, f"partner_{f}_weight_", coo.data.astype(np.float32))

    def _fit_kinds(self, table: InvestorTable, widths, N) -> None:
        """Each kind of investor's summed profile shares, a prior for investors with little history."""
        self.investor_kind_ = lookup(self.kinds_, np.append(table.kind, ""))
        nk = len(self.kinds_) + 1
        for f in KIND_FIELDS:
            keys, weight = getattr(self, f"{f}_keys_"), getattr(self, f"{f}_weight_")
            kind = self.investor_kind_[keys // widths[f]]
            prof = np.bincount(kind * widths[f] + keys % widths[f], weights=weight, minlength=nk * widths[f])
            prof = prof.reshape(nk, widths[f])
            prof[-1] = 0.0  # no kind: no prior
            setattr(self, f"kind_{f}_", prof / np.maximum(prof.sum(axis=1, keepdims=True), 1e-9))

    def _fit_kind_priors(self, table: InvestorTable, widths, n: int) -> None:
        """An investor with neither history nor a thesis is described by its kind: its kind's stage and
        amount-band profiles enter its own as pseudo-counts worth ``thesis_weight`` rounds, so that a new
        angel who has declared nothing yet is shown seed rounds first, not pre-IPO ones. Everyone
        else's profiles, and every IDF, are left as they are."""
        weight = float(self.thesis_weight)
        declared = (np.array([len(v) > 0 for v in table.sectors], dtype=bool) |
                    np.array([len(v) > 0 for v in table.sector_groups], dtype=bool) |
                    np.isfinite(table.stage_min) | np.isfinite(table.stage_max) |
                    np.isfinite(table.ticket_min) | np.isfinite(table.ticket_max))
        kind = self.investor_kind_[:n]
        cold = np.flatnonzero((self.rounds_[:n] <= 0) & ~declared & (kind < len(self.kinds_)))
        self.kind_prior_ = np.zeros(n + 1, dtype=bool)  # whose profiles are their kind's
        if weight <= 0 or not len(cold):
            return
        self.kind_prior_[cold] = True
        for f in KIND_PRIOR_FIELDS:
            prior = getattr(self, f"kind_{f}_")[kind[cold]]
            at, value = np.nonzero(prior)
            extra = prior[at, value] * weight
            keys, decayed, count = _sum_by_key(
                np.concatenate([getattr(self, f"{f}_keys_"), cold[at] * widths[f] + value]),
                np.concatenate([getattr(self, f"{f}_weight_"), extra]),
                np.concatenate([getattr(self, f"{f}_count_"), extra]))
            setattr(self, f"{f}_keys_", keys)
            setattr(self, f"{f}_weight_", decayed)
            setattr(self, f"{f}_count_", count)
            setattr(self, f"{f}_total_", np.bincount(keys // widths[f], weights=decayed, minlength=n + 1))
        self._fit_norms(widths, n + 1)

    def _fit_text(self, X: Dataset, table: InvestorTable, inv, rnd, wd) -> None:
        self.text_idf_ = None
        self.investor_text_ = None
        if not (np.any(X.rounds.text != "") or np.any(table.text != "")):
            return
        docs = _hashed(X.rounds.text)
        thesis = _hashed(table.text)
        df = np.bincount(sp.vstack([docs, thesis]).tocsr().indices, minlength=TEXT_FEATURES)
        n_docs = docs.shape[0] + thesis.shape[0]
        self.text_idf_ = (np.log((1.0 + n_docs) / (1.0 + df)) + 1.0).astype(np.float32)
        N = len(self.investors_) + 1
        link = sp.csr_matrix((wd, (inv, rnd)), shape=(N, docs.shape[0]))
        prof = link @ _tfidf(docs, self.text_idf_) + sp.vstack([_tfidf(thesis, self.text_idf_) * 2.0,
                                                                sp.csr_matrix((1, TEXT_FEATURES))])
        self.investor_text_ = _l2(sp.csr_matrix(prof, dtype=np.float32))

    # ------------------------------------------------------------ transform
    def told(self, field: str, i: int, rounds: RoundTable, r: int) -> tuple[int, bool]:
        """What a reason may say of investor row ``i``'s profile (``TOLD_FIELDS``) at round ``r``'s
        value: how many rounds of that value it funded, and whether its thesis declares the value.
        The profile's own counts mix intros (part rounds) and the thesis (pseudo-rounds)."""
        sizes = self._field_sizes()
        single = {"sector": (self.sectors_, rounds.sector), "stage": (self.stages_, rounds.stage),
                  "region": (self.regions_, rounds.region)}
        a, b = CROSSES.get(field, (field, None))
        v = int(lookup(single[a][0], [single[a][1][r]])[0])
        if b is not None:
            vb = int(lookup(single[b][0], [single[b][1][r]])[0])
            v = sizes[field] if v == sizes[a] or vb == sizes[b] else v * (sizes[b] + 1) + vb
        where, at = np.array([i]), np.array([v])
        return (round(float(self._profile(field, where, at, "count", prefix="funded_")[0])),
                bool(self._profile(field, where, at, "count", prefix="declared_")[0] > 0))

    def funded_earlier(self, company: str, i: int) -> int:
        """How many of ``company``'s rounds investor row ``i`` funded (its earlier rounds, less intros)."""
        pair = lookup(self.companies_, [company]) * (len(self.investors_) + 1) + i
        return int(_values_at(_pair_lookup(self.funded_earlier_keys_, pair), self.funded_earlier_rounds_)[0])

    def investor_index(self, ids) -> np.ndarray:
        """Rows of ``ids`` in the fitted profiles; an unknown investor gets the empty last row."""
        return lookup(self.investors_, np.asarray(ids, dtype=str))

    def _profile(self, f: str, i: np.ndarray, v: np.ndarray, what: str = "weight", prefix: str = "") -> np.ndarray:
        """Profile ``{prefix}{f}_{what}_`` of investor rows ``i`` at values ``v`` of field ``f``."""
        keys, values = getattr(self, f"{prefix}{f}_keys_"), getattr(self, f"{prefix}{f}_{what}_")
        width = self._field_sizes()[f] + 1
        table = self._dense_table(f"{prefix}{f}_{what}", keys, values, width)
        query = i * width + v
        return _pair_values(keys, values, query) if table is None else table[query]

    def _dense_table(self, name: str, keys: np.ndarray, values: np.ndarray, width: int) -> np.ndarray | None:
        """A profile as a dense (investor x value) table, kept from the first use on, when it is small
        (``DENSE_CELLS``): a lookup by position instead of a binary search over its keys."""
        tables = self.__dict__.setdefault("_tables", {})
        if name not in tables:
            cells = (len(self.investors_) + 1) * width
            table = None
            if cells <= DENSE_CELLS:
                table = np.zeros(cells, dtype=np.result_type(values, 0.0))
                table[keys] = values
            tables[name] = table
        return tables[name]

    def transform(self, rounds: RoundTable, round_index, investor_index) -> np.ndarray:
        """Feature rows (float32, NaN = unknown) for pairs (``rounds[round_index[k]]``, ``investor_index[k]``)."""
        r = np.asarray(round_index, dtype=np.int64)
        if len(r) == 0:
            return np.full((0, len(FEATURE_NAMES)), np.nan, dtype=np.float32)
        ur, r_local = np.unique(r, return_inverse=True)  # the distinct rounds of the pairs
        return self.transform_side(self.round_side(rounds.take(ur)), r_local, investor_index)

    def round_side(self, rounds: RoundTable) -> RoundSide:
        """What the features need of each round, worked out once (a server keeps it for its open rounds)."""
        values = self._round_values(rounds)
        comp = lookup(self.companies_, rounds.company)
        day = rounds.day.astype(np.float64)
        with np.errstate(divide="ignore", invalid="ignore"):
            log_amount = np.log10(rounds.amount)
        columns = {"log_amount": log_amount, "stage_rank": rounds.stage_rank,
                   "company_rounds": self.company_rounds_[comp], "company_investors": self.company_investors_[comp],
                   "company_days_since_last": day - self.company_last_day_[comp],
                   "sector_popularity": self.sector_popularity_[values["sector"]],
                   "region_popularity": self.region_popularity_[values["region"]]}
        N = len(self.investors_) + 1
        known = np.flatnonzero(comp < len(self.companies_))
        starts = np.searchsorted(self.earlier_keys_, comp[known] * N)
        ends = np.searchsorted(self.earlier_keys_, (comp[known] + 1) * N)
        rows = np.repeat(known, ends - starts)
        earlier = sp.csr_matrix((np.ones(len(rows), np.float32), (rows, self.earlier_keys_[_ranges(starts, ends)] % N)),
                                shape=(len(rounds), N))
        company_vector = None
        if len(known) and len(self.earlier_keys_):
            company_vector = np.asarray(earlier @ self.embedding_)
            company_vector /= np.maximum(np.linalg.norm(company_vector, axis=1, keepdims=True), 1e-12)
        text = None
        if self.text_idf_ is not None and np.any(rounds.text != ""):
            text = _l2(_tfidf(_hashed(rounds.text), self.text_idf_))
        rnorm = np.zeros(len(rounds))
        for f in COSINE_FIELDS:
            idf = getattr(self, f"{f}_idf_")[values[f]]
            rnorm += idf * idf
        sector_sets = {}
        if any(" " in s for s in rounds.sectors):
            sector_sets = {f: _membership([s.split() for s in column], vocab, len(rounds))
                           for f, column, vocab in (("sector", rounds.sectors, self.sectors_),
                                                    ("group", rounds.sector_groups, self.groups_))}
        return RoundSide(rounds=rounds, values=values, company=comp, day=day, columns=columns, earlier=earlier,
                         company_vector=company_vector, text=text, cosine_norm=np.sqrt(rnorm),
                         incubator=lookup(self.incubators_, rounds.incubator), blank_text=rounds.text == "",
                         blank_incubator=rounds.incubator == "", amount_range=_finite_range(log_amount),
                         sector_sets=sector_sets)

    def transform_side(self, side: RoundSide, round_index, investor_index) -> np.ndarray:
        """``transform`` of the pairs (``side.rounds[round_index[k]]``, ``investor_index[k]``)."""
        r = np.asarray(round_index, dtype=np.int64)
        i = np.asarray(investor_index, dtype=np.int64)
        out = np.full((len(r), len(FEATURE_NAMES)), np.nan, dtype=np.float32)
        if len(r) == 0:
            return out
        with np.errstate(divide="ignore", invalid="ignore"):
            parts = [{name: column[r] for name, column in side.columns.items()}, self.investor_columns(i),
                     self.company_columns(side, r, i)]
            dot, dot_all = np.zeros(len(r)), np.zeros(len(r))
            for f in FIELD_COLUMNS:
                columns, cosine, cosine_all = self.field_columns(f, i, side.values[f][r])
                parts.append(columns)
                if f in COSINE_FIELDS:
                    dot += cosine
                    dot_all += cosine_all
            parts.append(self.profile_columns(side, r, i, dot, dot_all))
            parts.append(self.content_columns(side, r, i))
        col = {name: k for k, name in enumerate(FEATURE_NAMES)}
        for part in parts:
            for name, value in part.items():
                out[:, col[name]] = value
        return out

    def investor_columns(self, i: np.ndarray) -> dict[str, np.ndarray]:
        """``INVESTOR_FEATURES`` of investor rows ``i``."""
        return {"log_rounds": np.log1p(self.rounds_[i]), "activity": self.activity_[i],
                "recent_activity": self.recent_activity_[i], "rounds_last_year": self.last_year_[i],
                "days_since_last": self.as_of_ - self.last_day_[i],
                "days_since_first": self.as_of_ - self.first_day_[i],
                "follow_rate": self.follow_rate_[i], "mean_log_amount": self.amount_mean_[i]}

    def company_columns(self, side: RoundSide, r: np.ndarray, i: np.ndarray) -> dict[str, np.ndarray]:
        """``COMPANY_COLUMNS``: the company's earlier investors (is the investor one? its partners?),
        and whether the investor dismissed the company."""
        N = len(self.investors_) + 1
        comp = side.company[r]
        pair = comp * N + i
        at = _pair_lookup(self.earlier_keys_, pair)
        earlier = _values_at(at, self.earlier_rounds_)
        last = _values_at(at, self.earlier_last_day_, np.nan)
        stage_rank = side.rounds.stage_rank[r]
        weight, partners = self._two_hop(side, r, i)
        return {"earlier_rounds": earlier, "earlier_days": side.day[r] - last,
                "earlier_share": earlier / np.maximum(self.company_funded_rounds_[comp], 1.0),
                "in_last_round": last == self.company_last_funded_day_[comp],
                "stage_step": stage_rank - _values_at(at, self.earlier_last_stage_, np.nan),
                "coinvest_weight": weight, "coinvest_partners": partners,
                "dismissed": _pair_values(self.dismissed_keys_, self.dismissed_counts_, pair)}

    def field_columns(self, f: str, i: np.ndarray, v: np.ndarray):
        """``FIELD_COLUMNS[f]`` of investor rows ``i`` and values ``v`` of field ``f``, and the field's
        two terms of the profile cosines (None outside ``COSINE_FIELDS``)."""
        with np.errstate(divide="ignore", invalid="ignore"):
            weight = self._profile(f, i, v)
            share = weight / np.maximum(getattr(self, f"{f}_total_")[i], 1e-9)
            name = {"cell": "sector_stage", "band": "amount_band"}.get(f, f)
            out = {f"{name}_share": share}
            count = self._profile(f, i, v, "count") if f in COUNT_FIELDS or f in COSINE_FIELDS else None
            if f in COUNT_FIELDS:
                out[f"{name}_count"] = count
            if f in MARKET_FIELDS:
                out[f"{f}_market"] = weight / np.maximum(getattr(self, f"{f}_column_")[v], 1e-9)
            if f in PARTNER_FIELDS:
                out[f"partner_{f}_share"] = self._profile(f, i, v, prefix="partner_")
            if f in KIND_FIELDS:
                out[f"kind_{f}_share"] = getattr(self, f"kind_{f}_")[self.investor_kind_[i], v]
            if f in EMBEDDING_FIELDS:
                out[f"embedding_{f}"] = np.einsum("ij,ij->i", getattr(self, f"embedding_{f}_")[v], self.embedding_[i])
            if f == "sector":
                out["sector_lift"] = share / np.maximum(self.sector_popularity_[v], 1e-4)
            if f == "region":
                own = self.investor_region_[i]
                out["region_match"] = np.where(own == len(self.regions_), np.nan, own == v)
        if f not in COSINE_FIELDS:
            return out, None, None
        return out, self._cosine_term(f, v, weight), self._cosine_term(f, v, count)

    def _cosine_term(self, f: str, v: np.ndarray, profile: np.ndarray) -> np.ndarray:
        idf = getattr(self, f"{f}_idf_")[v]
        return idf * idf * profile

    def profile_columns(self, side: RoundSide, r: np.ndarray, i: np.ndarray, dot: np.ndarray,
                        dot_all: np.ndarray) -> dict[str, np.ndarray]:
        """``PROFILE_COLUMNS``; ``dot`` and ``dot_all`` are the sums of the cosine terms of ``field_columns``."""
        return {"stage_distance": np.abs(side.rounds.stage_rank[r] - self.stage_mean_[i]),
                "profile_cosine": self._cosine(side, r, i, dot, decayed=True),
                "profile_cosine_all": self._cosine(side, r, i, dot_all, decayed=False)}

    def _cosine(self, side: RoundSide, r: np.ndarray, i: np.ndarray, dot: np.ndarray, decayed: bool) -> np.ndarray:
        norm = self.profile_norm_ if decayed else self.profile_norm_all_
        with np.errstate(divide="ignore", invalid="ignore"):
            return dot / np.maximum(side.cosine_norm[r] * norm[i], 1e-12)

    def profile_cosine(self, side: RoundSide, r: np.ndarray, i: np.ndarray, decayed: bool) -> np.ndarray:
        """``profile_cosine`` (``decayed``) or ``profile_cosine_all`` of the pairs alone, without the
        rest of their rows (what the profile baseline ranks by)."""
        dot = np.zeros(len(r))
        for f in COSINE_FIELDS:
            v = side.values[f][r]
            dot += self._cosine_term(f, v, self._profile(f, i, v, "weight" if decayed else "count"))
        return self._cosine(side, r, i, dot, decayed)

    def earlier_rounds(self, side: RoundSide, r: np.ndarray, i: np.ndarray) -> np.ndarray:
        """``earlier_rounds`` of the pairs alone: the company's rounds the investor joined before."""
        at = _pair_lookup(self.earlier_keys_, side.company[r] * (len(self.investors_) + 1) + i)
        return _values_at(at, self.earlier_rounds_)

    def content_columns(self, side: RoundSide, r: np.ndarray, i: np.ndarray,
                        names: Sequence[str] = CONTENT_COLUMNS) -> dict[str, np.ndarray]:
        """``CONTENT_COLUMNS`` (those in ``names``): the amount against the investor's, its thesis, text
        and incubators, its embedding against the company's earlier investors'."""
        log_amount = side.columns["log_amount"][r]
        makers = {
            "amount_z": lambda: (log_amount - self.amount_mean_[i]) / self.amount_std_[i],
            "amount_outside": lambda: np.maximum(np.maximum(self.amount_low_[i] - log_amount,
                                                            log_amount - self.amount_high_[i]), 0.0),
            "thesis_fit": lambda: self._thesis_fit(side, r, i),
            "embedding_company": lambda: np.zeros(len(r)) if side.company_vector is None else
            np.einsum("ij,ij->i", side.company_vector[r], self.embedding_[i])}
        if side.text is not None:
            makers["text_similarity"] = lambda: np.where(side.blank_text[r], np.nan, np.asarray(
                side.text[r].multiply(self.investor_text_[i]).sum(axis=1)).ravel())
        if self.thesis_incubators_.nnz:
            makers["incubator_link"] = lambda: np.where(side.blank_incubator[r], np.nan,
                                                        _member(self.thesis_incubators_, i, side.incubator[r]))
        with np.errstate(divide="ignore", invalid="ignore"):
            return {name: make() for name, make in makers.items() if name in names}

    def content_ranges(self, side: RoundSide, i: int) -> dict[str, tuple[float, float]]:
        """Bounds of each ``content_columns`` value of investor row ``i`` over the rounds of ``side``
        (a value may also be missing): what a server needs to skip computing them for most rounds."""
        low, high = side.amount_range
        mean, std = self.amount_mean_[i], self.amount_std_[i]
        outside = [max(self.amount_low_[i] - a, a - self.amount_high_[i], 0.0) for a in (low, high)]
        unit = 1.0 + 1e-5  # cosines of unit vectors, to float32 rounding
        return {"amount_z": ((low - mean) / std, (high - mean) / std),
                "amount_outside": (0.0 if self.amount_low_[i] <= high and low <= self.amount_high_[i] else
                                   min(outside), max(outside)),
                "thesis_fit": (0.0, 1.0), "embedding_company": (-unit, unit), "text_similarity": (0.0, unit),
                "incubator_link": (0.0, 1.0)}

    def _two_hop(self, side: RoundSide, r: np.ndarray, i: np.ndarray):
        """For each pair: the sum over the company's earlier investors j of the share of j's rounds
        that i joined, and how many of them ever invested with i."""
        zeros = np.zeros(len(i))
        if side.earlier.nnz == 0:
            return zeros, zeros.copy()
        if np.all(i == i[0]):  # one investor: products with its column (the same sums, in the same order)
            E, column = side.earlier, self.coinvested_with(i[0])
            starts, ends = E.indptr[r], E.indptr[np.asarray(r) + 1]
            at = _ranges(starts, ends)  # the rows sliced by hand: scipy's row indexing costs more than the sums
            E = sp.csr_matrix((E.data[at], E.indices[at], np.r_[0, np.cumsum(ends - starts)]),
                              shape=(len(r), E.shape[1]))
            return E @ column, E @ np.sign(column)
        ur, r_local = np.unique(r, return_inverse=True)
        E = side.earlier[ur]
        # only the columns of the investors asked about
        ui, i_local = np.unique(i, return_inverse=True)
        M = self.coinvest_transposed()[ui].T.tocsr()
        query = r_local.astype(np.int64) * len(ui) + i_local
        out = []
        for part in (M, M.sign()):
            prod = (E @ part).tocsr()
            prod.sort_indices()
            coo = prod.tocoo()
            out.append(_pair_values(coo.row.astype(np.int64) * len(ui) + coo.col, coo.data, query))
        return out[0], out[1]

    def coinvested_with(self, i: int) -> np.ndarray:
        """Column ``i`` of ``coinvest_``: the share of each investor's rounds that investor row ``i`` joined."""
        return self.coinvest_transposed()[i].toarray().ravel()

    def coinvest_transposed(self) -> sp.csr_matrix:
        """``coinvest_`` transposed (its columns as rows: slicing columns of a CSR matrix reads all of it),
        kept from the first use on."""
        if getattr(self, "_coinvest_t", None) is None:
            self._coinvest_t = self.coinvest_.T.tocsr()
        return self._coinvest_t

    def _thesis_fit(self, side: RoundSide, r, i) -> np.ndarray:
        """The share of an investor's declared criteria the round meets; NaN when it declares none.
        A round in several sectors meets a thesis's sectors when any of them is declared."""
        declared = np.zeros(len(i))
        met = np.zeros(len(i))
        for matrix, f in ((self.thesis_sectors_, "sector"), (self.thesis_groups_, "group"),
                          (self.thesis_regions_, "region")):
            if matrix.nnz:
                dec = np.diff(matrix.indptr)[i] > 0
                declared += dec
                sets = side.sector_sets.get(f)
                met += dec & (_member(matrix, i, side.values[f][r]) > 0 if sets is None else
                              _member_any(matrix, i, sets, r))
        rounds = side.rounds
        for dec, fit in (range_fit(rounds.stage_rank[r], rounds.stage_rank[r], self.stage_min_[i], self.stage_max_[i]),
                         range_fit(rounds.least_amount(r), rounds.amount[r], self.ticket_min_[i], self.ticket_max_[i])):
            declared += dec
            met += fit
        return np.where(declared > 0, met / np.maximum(declared, 1), np.nan)


def range_fit(low, high, lo, hi) -> tuple[np.ndarray, np.ndarray]:
    """Whether a declared range [lo, hi] speaks of a value or range [low, high] (it declares a bound,
    NaN being none, and the value is known), and whether the two overlap: a round asking for
    CNY 8M to 12M meets a ticket of 1M to 10M, as the marketplace's amount filters say."""
    declared = (np.isfinite(lo) | np.isfinite(hi)) & np.isfinite(high)
    return declared, declared & (high >= np.nan_to_num(lo, nan=-np.inf)) & (low <= np.nan_to_num(hi, nan=np.inf))


def _finite_range(x: np.ndarray) -> tuple[float, float]:
    finite = x[np.isfinite(x)]
    return (float(finite.min()), float(finite.max())) if len(finite) else (np.nan, np.nan)


def _band(edges: np.ndarray, x: float) -> int:
    if not np.isfinite(x):
        return 0 if x < 0 else len(edges)
    return int(np.searchsorted(edges, x))


def _membership(column, vocab: np.ndarray, n_rows: int) -> sp.csr_matrix:
    """0/1 rows over ``vocab`` (+1 unknown column) for a column of value tuples; padded to n_rows."""
    rows, cols = [], []
    for k, values in enumerate(column):
        if values:
            idx = lookup(vocab, values)
            idx = idx[idx < len(vocab)]
            rows.extend([k] * len(idx))
            cols.extend(idx.tolist())
    m = sp.csr_matrix((np.ones(len(rows), np.float32), (rows, cols)), shape=(n_rows, len(vocab) + 1))
    m.sum_duplicates()
    m.data[:] = 1.0
    return m


def _member(matrix: sp.csr_matrix, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    if matrix.nnz == 0:
        return np.zeros(len(rows))
    if len(rows) > 1 and np.all(rows == rows[0]):  # one investor's row: a dense gather
        return matrix[rows[0]].toarray().ravel()[cols]
    return np.asarray(matrix[rows, cols]).ravel()


def _member_any(matrix: sp.csr_matrix, rows: np.ndarray, sets: sp.csr_matrix, set_rows: np.ndarray) -> np.ndarray:
    """Whether row ``rows[k]`` of ``matrix`` shares a value with row ``set_rows[k]`` of ``sets``."""
    if len(rows) > 1 and np.all(rows == rows[0]):  # one investor's row: its values as a mask, read per round
        declared = matrix[rows[0]].toarray().ravel() > 0
        few = len(set_rows) < sets.shape[0] // 4  # a server's shortlist: those rounds alone
        part = sets[set_rows] if few else sets
        hits = np.r_[0, np.cumsum(declared[part.indices])]
        met = hits[part.indptr[1:]] > hits[part.indptr[:-1]]
        return met if few else met[set_rows]
    return np.asarray(sets[set_rows].multiply(matrix[rows]).sum(axis=1)).ravel() > 0


def _tfidf(counts: sp.csr_matrix, idf: np.ndarray) -> sp.csr_matrix:
    out = counts.tocsr(copy=True).astype(np.float32)
    out.data = np.log1p(out.data) * idf[out.indices]
    return out


def _l2(m: sp.csr_matrix) -> sp.csr_matrix:
    m = m.tocsr()
    norms = np.sqrt(np.asarray(m.multiply(m).sum(axis=1)).ravel())
    return sp.csr_matrix(sp.diags(1.0 / np.maximum(norms, 1e-12)) @ m, dtype=np.float32)
