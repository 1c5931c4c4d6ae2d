"""The cold start: a ranker with stated weights, for a marketplace that has no trained model yet.

A fresh marketplace has theses and listings but no history to learn weights from. Until the
first ``LearnedRanker`` is trained, ``prior_ranker`` scores pairs with the same features and the
same log-linear form, its weights set by hand on the content signals (what the investor
declares against what the round is) and on the strongest history signals, so that the reasons
read the same before and after training.
"""
from __future__ import annotations

import numpy as np

from .features import FEATURE_NAMES
from .model import LearnedRanker, LogLinear
from .records import Dataset

# Weights on the signed-log features (log1p|x|, sign kept); positive: a better match.
PRIOR_WEIGHTS: dict[str, float] = {
    "thesis_fit": 3.0,
    "earlier_rounds": 3.0,
    "sector_stage_share": 2.0,
    "sector_share": 1.5,
    "group_share": 0.5,
    "stage_share": 1.0,
    "profile_cosine": 1.0,
    "text_similarity": 2.0,
    "incubator_link": 2.0,
    "coinvest_weight": 1.0,
    "region_match": 0.3,
    "amount_outside": -2.0,
    "stage_distance": -0.5,
    "dismissed": -6.0,
}


def prior_linear() -> LogLinear:
    """A ``LogLinear`` whose weights are ``PRIOR_WEIGHTS`` (no standardization, no logs)."""
    linear = LogLinear()
    names = list(FEATURE_NAMES)
    linear.columns_ = np.array([names.index(n) for n in PRIOR_WEIGHTS], dtype=np.int64)
    linear.nan_columns_ = np.zeros(0, dtype=np.int64)
    linear.log_columns_ = np.zeros(0, dtype=np.int64)
    linear.mean_ = np.zeros(len(PRIOR_WEIGHTS), dtype=np.float32)
    linear.scale_ = np.ones(len(PRIOR_WEIGHTS), dtype=np.float32)
    linear.coef_ = np.array(list(PRIOR_WEIGHTS.values()), dtype=np.float64)
    linear.intercept_ = 0.0
    return linear


def prior_ranker(X: Dataset, half_life_days: float = 365.0, thesis_weight: float = 2.0) -> LearnedRanker:
    """A fitted ``LearnedRanker`` with the prior weights and neither trees nor net, its features from ``X``."""
    ranker = LearnedRanker(trees=0, net_hidden=(), half_life_days=half_life_days, thesis_weight=thesis_weight)
    ranker.linear_ = prior_linear()
    ranker.trees_ = ranker.net_ = None
    ranker.refit_features(X)
    ranker.feature_names_ = np.array(FEATURE_NAMES)
    ranker.training_info_ = {"prior": True, **X.summary()}
    return ranker
