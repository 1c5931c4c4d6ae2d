"""Serving: one investor's best open rounds among very many, fast, and the same as the exhaustive ranking.

``RoundIndex(ranker, rounds)`` is built once per fitted ranker and set of open rounds: it keeps
what is round-side (``PairFeaturizer.round_side``) and the log-linear score of the round-only
features. The log-linear score is a sum over feature columns, so a query for one investor adds
to that, per round:

* the investor-only features: one number;
* the features of the round's field values (sector, stage, sector x stage, region, ...) and stage
  rank: scored once per value of a field, summed once per class of rounds alike in all of them;
* the company features (earlier investor, co-investors, dismissed): their defaults, except on the
  rounds whose company is related to the investor, scored exactly.

The content features (amount, thesis, text, the company's investors' embedding) are bounded
(each term of the model is monotone in its feature): only the rounds within their spread of the
best are scored with them. The best of those (within ``tolerance``: the parts are summed in
another order than the model's) get their feature rows, gathered from the columns read above
(the values ``transform`` gives): the log-linear score again, the trees on its ``shortlist`` best,
reasons on the final ``k``. So ``top_rounds`` is the list ``rank.rank_rounds`` gives over the same
rounds (the tests hold it to that), for investors the model knows and newcomers alike.

The other direction, ``top_investors``: one round's best investors, ``rank.rank_investors``'s list
from one pass of features over all the investors.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .base import on_shortlist, rank_scores
from .features import (COMPANY_COLUMNS, CONTENT_COLUMNS, COSINE_FIELDS, FEATURE_NAMES, FIELD_COLUMNS,
                       INVESTOR_FEATURES, PROFILE_COLUMNS, ROUND_FEATURES, _ranges)
from .model import OFF_SHORTLIST, LogLinear
from .rank import Match, explain_rows, rank_investors
from .records import RoundTable, distinct


def partial_model(linear: LogLinear, names: Sequence[str]) -> LogLinear:
    """The part of ``linear``'s score that the feature columns ``names`` add (no intercept): a
    ``LogLinear`` over a matrix of those columns alone, in that order."""
    local = {FEATURE_NAMES.index(n): j for j, n in enumerate(names)}
    keep = [k for k, c in enumerate(linear.columns_) if c in local]
    at = {k: j for j, k in enumerate(keep)}
    nans = [t for t, k in enumerate(linear.nan_columns_) if k in at]
    logs = [t for t, k in enumerate(linear.log_columns_) if k in at]
    k1, k2 = len(linear.columns_), len(linear.nan_columns_)
    expanded = np.array(keep + [k1 + t for t in nans] + [k1 + k2 + t for t in logs], dtype=np.int64)
    part = LogLinear(C=linear.C, max_iter=linear.max_iter)
    part.columns_ = np.array([local[linear.columns_[k]] for k in keep], dtype=np.int64)
    part.nan_columns_ = np.array([at[linear.nan_columns_[t]] for t in nans], dtype=np.int64)
    part.log_columns_ = np.array([at[linear.log_columns_[t]] for t in logs], dtype=np.int64)
    part.mean_, part.scale_ = linear.mean_[expanded], linear.scale_[expanded]
    part.coef_, part.intercept_ = linear.coef_[expanded], 0.0
    return part


def _matrix(columns: dict[str, np.ndarray], names: Sequence[str], n: int) -> np.ndarray:
    """Feature columns as ``transform`` writes them (float32, NaN when not given)."""
    out = np.full((n, len(names)), np.nan, dtype=np.float32)
    for j, name in enumerate(names):
        if name in columns:
            out[:, j] = columns[name]
    return out


class RoundIndex:
    """A fitted ``LearnedRanker``'s view of a set of open rounds, for one investor's top rounds. Build
    a new one when the rounds change or the ranker's features are fitted again (``refit_features``).

    ``tolerance`` bounds how far the summed parts of the log-linear score may be from the
    exhaustive one (float rounding): rounds within twice that of the shortlist are re-scored.
    """

    def __init__(self, ranker, rounds: RoundTable, tolerance: float = 1e-3):
        self.ranker = ranker
        self.rounds = rounds
        self.tolerance = tolerance
        self.keys = np.asarray(rounds.key, dtype=str)
        self.featurizer = feat = ranker.featurizer_
        self.side = feat.round_side(rounds)
        self.linear, _ = ranker.models_for("rounds")
        groups = {"investor": INVESTOR_FEATURES, "company": COMPANY_COLUMNS, "profile": PROFILE_COLUMNS,
                  "content": CONTENT_COLUMNS, **FIELD_COLUMNS}
        self.parts = {name: partial_model(self.linear, names) for name, names in groups.items()}
        # the content columns the model weighs (the others need not be computed), and the content
        # column each of the content part's expanded columns comes from
        content = self.parts["content"]
        self.content_weighed = tuple(CONTENT_COLUMNS[k] for k in np.unique(content.columns_))
        self.content_source = np.concatenate([content.columns_, content.columns_[content.nan_columns_],
                                              content.columns_[content.log_columns_]])
        self.round_score = partial_model(self.linear, ROUND_FEATURES).decision_function(
            _matrix(self.side.columns, ROUND_FEATURES, len(rounds))) + self.linear.intercept_
        # rounds alike in every field and in stage rank share their field and profile columns
        stage = np.unique(rounds.stage_rank, return_inverse=True)[1]
        alike = np.stack([self.side.values[f] for f in FIELD_COLUMNS] + [stage.ravel()], axis=1)
        _, self.class_round, self.round_class = np.unique(alike, axis=0, return_index=True, return_inverse=True)
        self.round_class = self.round_class.ravel()
        # each field's distinct values among those classes of rounds
        self.field_values = {f: np.unique(self.side.values[f][self.class_round], return_inverse=True)
                             for f in FIELD_COLUMNS}
        # who relates to which rounds' companies: earlier investors, their partners, dismissals
        self.earlier_by_investor = self.side.earlier.tocsc()
        self.partners = feat.coinvest_transposed()
        self.company_order = np.argsort(self.side.company, kind="stable")

    def __len__(self) -> int:
        return len(self.rounds)

    def _related(self, i: int) -> np.ndarray:
        """The rounds whose company columns may differ from their defaults for investor row ``i``."""
        feat = self.featurizer
        E = self.earlier_by_investor
        who = np.r_[i, self.partners.indices[self.partners.indptr[i]:self.partners.indptr[i + 1]]]
        rows = E.indices[_ranges(E.indptr[who], E.indptr[who + 1])]
        N = len(feat.investors_) + 1
        dismissed = feat.dismissed_keys_[feat.dismissed_keys_ % N == i] // N
        if len(dismissed):
            sorted_company = self.side.company[self.company_order]
            starts = np.searchsorted(sorted_company, dismissed)
            ends = np.searchsorted(sorted_company, dismissed, side="right")
            rows = np.r_[rows, self.company_order[_ranges(starts, ends)]]
        return distinct(rows)

    def _scores_but_content(self, i: int) -> tuple[np.ndarray, dict]:
        """Every round's log-linear score for investor row ``i`` without ``CONTENT_COLUMNS``' part, and
        the feature columns it was summed from (for ``_feature_rows``)."""
        feat = self.featurizer
        n, classes = len(self), len(self.class_round)
        read = {"investor": feat.investor_columns(np.array([i])), "fields": {}}
        table = np.full(classes, self.parts["investor"].decision_function(
            _matrix(read["investor"], INVESTOR_FEATURES, 1))[0])
        dot, dot_all = np.zeros(classes), np.zeros(classes)
        for f, (values, at) in self.field_values.items():
            columns, cosine, cosine_all = feat.field_columns(f, np.full(len(values), i), values)
            table += self.parts[f].decision_function(_matrix(columns, FIELD_COLUMNS[f], len(values)))[at]
            read["fields"][f] = columns
            if f in COSINE_FIELDS:
                dot += cosine[at]
                dot_all += cosine_all[at]
        read["profile"] = feat.profile_columns(self.side, self.class_round, np.full(classes, i), dot, dot_all)
        table += self.parts["profile"].decision_function(_matrix(read["profile"], PROFILE_COLUMNS, classes))
        score = self.round_score + table[self.round_class]
        related = self._related(i)
        # the defaults, read off the first unrelated round (``related`` is sorted)
        probe = np.flatnonzero(related != np.arange(len(related)))[:1]
        probe = probe if len(probe) else np.arange(len(related), min(len(related) + 1, n))
        at = np.r_[probe, related]
        read["company"] = feat.company_columns(self.side, at, np.full(len(at), i))
        read["related"], read["probe"] = related, len(probe)
        company = self.parts["company"].decision_function(_matrix(read["company"], COMPANY_COLUMNS, len(at)))
        if len(probe):
            score += company[0]
            score[related] += company[1:] - company[0]
        else:
            score[related] += company
        return score, read

    def _feature_rows(self, i: int, rows: np.ndarray, read: dict, content: dict[str, np.ndarray]) -> np.ndarray:
        """``transform_side`` of (``rows``, investor row ``i``), gathered from the columns read for the
        sums and the ``content`` columns computed for these rows (the same values: the same functions
        of the same inputs)."""
        columns = {name: column[rows] for name, column in self.side.columns.items()}
        columns.update(read["investor"])
        classes = self.round_class[rows]
        for f, (_, at) in self.field_values.items():
            columns.update({name: column[at[classes]] for name, column in read["fields"][f].items()})
        columns.update({name: column[classes] for name, column in read["profile"].items()})
        related = read["related"]
        pos = np.minimum(np.searchsorted(related, rows), max(len(related) - 1, 0))
        hit = related[pos] == rows if len(related) else np.zeros(len(rows), bool)
        at = np.where(hit, pos + read["probe"], 0)
        columns.update({name: column[at] for name, column in read["company"].items()})
        columns.update(content)
        rest = [name for name in CONTENT_COLUMNS if name not in content]
        columns.update(self.featurizer.content_columns(self.side, rows, np.full(len(rows), i), rest))
        return _matrix(columns, FEATURE_NAMES, len(rows))

    def _content_bounds(self, i: int) -> tuple[float, float]:
        """The least and the most ``CONTENT_COLUMNS`` may add to a round's score for investor row ``i``:
        each term of the log-linear model is monotone in its feature, so its bounds are at the ends
        of the feature's range (or at a missing value)."""
        ranges = self.featurizer.content_ranges(self.side, i)
        ends = np.full((3, len(CONTENT_COLUMNS)), np.nan, dtype=np.float32)  # the lows, the highs, missing
        for name in self.content_weighed:
            ends[:2, CONTENT_COLUMNS.index(name)] = ranges[name]
        part = self.parts["content"]
        terms = part._standard(ends) * part.coef_
        n, source = len(CONTENT_COLUMNS), self.content_source
        missing = np.bincount(source, weights=terms[2], minlength=n)
        low = np.bincount(source, weights=terms[:2].min(axis=0), minlength=n)
        high = np.bincount(source, weights=terms[:2].max(axis=0), minlength=n)
        return float(np.minimum(low, missing).sum()), float(np.maximum(high, missing).sum())

    def _ranked(self, investor_id: str, k: int, mask: np.ndarray | None):
        """(rounds, their final scores, their feature rows, investor row): the best ``k`` on the
        exhaustive ranking's scale, best first."""
        feat = self.featurizer
        if self.ranker.featurizer_ is not feat:
            raise RuntimeError("the ranker's features were fitted again since the index was built: build a new one")
        i = int(feat.investor_index([investor_id])[0])
        allowed = len(self) if mask is None else int(np.count_nonzero(mask))
        shortlist = min(self.ranker.shortlist, allowed)
        m = min(max(shortlist, k), allowed)
        if m == 0:
            return np.zeros(0, np.int64), np.zeros(0), np.zeros((0, len(FEATURE_NAMES)), np.float32), i
        score, read = self._scores_but_content(i)
        if mask is not None:
            score[~np.asarray(mask, dtype=bool)] = -np.inf
        # a round whose score, content included, is among the best m: within the content's spread
        # of the m-th best without it; then within 2 tolerances of the m-th best with it
        low, high = self._content_bounds(i)
        rows = _at_least(score, m, high - low + 2 * self.tolerance)
        content = feat.content_columns(self.side, rows, np.full(len(rows), i), self.content_weighed)
        score = score[rows] + self.parts["content"].decision_function(_matrix(content, CONTENT_COLUMNS, len(rows)))
        chosen = _at_least(score, m, 2 * self.tolerance)
        candidates = rows[chosen]
        x = self._feature_rows(i, candidates, read, {name: column[chosen] for name, column in content.items()})
        final = _final_scores(self.ranker, x, shortlist, "rounds")
        best = np.lexsort((candidates, -rank_scores(final)))[:k]
        return candidates[best], final[best], x[best], i

    def top_rounds(self, investor_id: str, k: int = 50, mask: np.ndarray | None = None,
                   reasons: int = 3) -> list[Match]:
        """The investor's ``k`` best rounds (only rounds where ``mask`` is True), with up to
        ``reasons`` reasons each: ``rank.rank_rounds`` over those rounds gives the same list.
        For a next page, ask for a larger ``k``."""
        rows, final, x, i = self._ranked(investor_id, k, mask)
        why = explain_rows(self.ranker, self.rounds, rows, np.full(len(rows), i), x, reasons, direction="rounds")
        return [Match(str(self.keys[r]), float(s), w) for r, s, w in zip(rows, final, why)]


def _at_least(score: np.ndarray, m: int, margin: float) -> np.ndarray:
    """Positions of the scores within ``margin`` of the ``m``-th best."""
    kth = np.partition(score, len(score) - m)[len(score) - m]
    return np.flatnonzero(score >= kth - margin)


def _final_scores(ranker, x: np.ndarray, shortlist: int, direction: str) -> np.ndarray:
    """The exhaustive ranking's scores of feature rows ``x`` that hold every pair of the shortlist:
    the trees and the net re-score the ``shortlist`` best by the log-linear score, the others rank
    below them."""
    linear_model, _ = ranker.models_for(direction)
    linear = linear_model.decision_function(x)
    if not ranker.reranks:
        return linear
    keep = on_shortlist(linear, shortlist)
    final = linear - OFF_SHORTLIST
    final[keep] = ranker.decision(x[keep], linear[keep], direction=direction)
    return final


def top_investors(ranker, rounds: RoundTable, round_row: int, investor_ids: Sequence[str] | None = None,
                  k: int = 50, reasons: int = 3) -> list[Match]:
    """One round's ``k`` best investors among ``investor_ids`` (default: every investor the ranker
    knows), with reasons: ``rank.rank_investors`` for that round, from one pass of features."""
    if not hasattr(ranker, "linear_"):  # a baseline: its own scores, no reasons
        return rank_investors(ranker, rounds.take([round_row]), investor_ids, k=k, reasons=reasons)[0]
    feat = ranker.featurizer_
    ids = np.asarray(ranker.known_investors() if investor_ids is None else investor_ids, dtype=str)
    if len(ids) == 0:
        return []
    side = feat.round_side(rounds.take([round_row]))
    inv = feat.investor_index(ids)
    x = feat.transform_side(side, np.zeros(len(ids), np.int64), inv)
    final = _final_scores(ranker, x, min(ranker.shortlist, len(ids)), "investors")
    best = np.lexsort((np.arange(len(ids)), -rank_scores(final)))[:k]
    why = explain_rows(ranker, side.rounds, np.zeros(len(best), np.int64), inv[best], x[best], reasons)
    return [Match(str(ids[c]), float(final[c]), w) for c, w in zip(best, why)]
