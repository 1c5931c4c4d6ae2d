"""The interface every ranker shares, so that baselines and the learned model pass one contract.

A ranker is a scikit-learn estimator: ``__init__`` stores parameters, ``fit(history)`` learns
from a ``records.Dataset`` (everything known at ``history.as_of``) and returns ``self``, learned
attributes end in ``_``. ``score(rounds, investors)`` gives a float matrix, one row per round of
a ``RoundTable`` and one column per investor id: higher is a better match. Rounds of companies and
investors the history never saw get finite scores too (content alone, or nothing).
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.utils.validation import check_is_fitted

from .records import Dataset, RoundTable


class BaseRanker(BaseEstimator):
    """Base class: subclasses implement ``fit`` and ``_score``."""

    def fit(self, X: Dataset, y=None) -> BaseRanker:  # pragma: no cover - abstract
        raise NotImplementedError

    def _score(self, rounds: RoundTable, investors: np.ndarray, **options) -> np.ndarray:  # pragma: no cover
        raise NotImplementedError

    def score(self, rounds: RoundTable, investors: Sequence[str], **options) -> np.ndarray:
        """Scores of shape ``(len(rounds), len(investors))``; higher ranks first. ``options`` are the
        ranker's own (e.g. the learned ranker's ``shortlist``)."""
        check_is_fitted(self)
        investors = np.asarray(investors, dtype=str)
        if len(rounds) == 0 or len(investors) == 0:
            return np.zeros((len(rounds), len(investors)))
        out = np.asarray(self._score(rounds, investors, **options), dtype=np.float64)
        if out.shape != (len(rounds), len(investors)):
            raise AssertionError(f"{type(self).__name__} scored {out.shape}, not {(len(rounds), len(investors))}")
        return out

    def known_investors(self) -> np.ndarray:
        """The investors the fitted history knows (sorted ids)."""
        check_is_fitted(self)
        return self.investors_

    def __sklearn_is_fitted__(self) -> bool:
        return hasattr(self, "investors_")


# Ranks are decided on scores rounded to this many decimals: the same pair scored in blocks of
# different sizes (the exhaustive ranking, the serving index) can differ in the last bits of its
# float64 score, and rounding makes such pairs tie exactly, so that both order them by position.
RANK_DECIMALS = 9


def rank_scores(scores: np.ndarray) -> np.ndarray:
    """``scores`` as ranks compare them: rounded to ``RANK_DECIMALS`` (ties then keep position order)."""
    return np.round(scores, RANK_DECIMALS)


def on_shortlist(scores: np.ndarray, m: int, axis: int = -1) -> np.ndarray:
    """Where ``scores`` (``rank_scores``) are at least the ``m``-th best along ``axis``: the pairs a
    re-ranker re-scores. Every pair tied with the ``m``-th best is on it, so the exhaustive ranking
    and the serving index shortlist the same pairs however their last bits came out."""
    scores = rank_scores(scores)
    m = min(m, scores.shape[axis])
    kth = np.take(-np.sort(-scores, axis=axis), [m - 1], axis=axis)
    return scores >= kth


def top_k(scores: np.ndarray, k: int) -> np.ndarray:
    """Column positions of each row's ``k`` best scores (``rank_scores``), best first; ties keep
    column order."""
    scores = rank_scores(scores)
    k = min(k, scores.shape[1])
    if k == 0:
        return np.zeros((scores.shape[0], 0), dtype=np.int64)
    if k < scores.shape[1]:
        part = np.argpartition(-scores, k - 1, axis=1)[:, :k]
        # ties at the boundary: argpartition picks arbitrarily, so widen to all tied and re-sort
        kth = np.take_along_axis(scores, part, 1).min(axis=1, keepdims=True)
        if np.any((scores == kth).sum(axis=1) > 1):
            order = np.argsort(-scores, axis=1, kind="stable")[:, :k]
            return order
        rows = np.take_along_axis(scores, part, 1)
        order = np.lexsort((part, -rows), axis=1)
        return np.take_along_axis(part, order, 1)
    return np.argsort(-scores, axis=1, kind="stable")[:, :k]
