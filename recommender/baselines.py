"""The baselines the benchmark measures next to the learned model (see the Crunchbase README)."""
from __future__ import annotations

import numpy as np

from .base import BaseRanker
from .features import PairFeaturizer
from .records import Dataset, RoundTable, distinct, lookup

# Earlier investors of the company are ranked first by adding this to their scores.
FIRST = 1e6


def _positive_pairs(X: Dataset) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(investor ids, investor codes, round rows) of the distinct positive (investor, round) pairs."""
    pos = X.positive()
    ids, codes = np.unique(np.asarray(X.investor[pos], dtype=str), return_inverse=True)
    pairs = distinct(codes.astype(np.int64) * (len(X.rounds) + 1) + X.round[pos])
    return ids, pairs // (len(X.rounds) + 1), pairs % (len(X.rounds) + 1)


class RandomRanker(BaseRanker):
    """Uniform random scores (the floor every method must clear)."""

    def __init__(self, random_state: int | None = 0):
        self.random_state = random_state

    def fit(self, X: Dataset, y=None) -> RandomRanker:
        self.investors_ = np.unique(np.asarray(X.investor, dtype=str))
        return self

    def _score(self, rounds: RoundTable, investors: np.ndarray, **options) -> np.ndarray:
        return np.random.default_rng(self.random_state).random((len(rounds), len(investors)))


class PopularityRanker(BaseRanker):
    """The most active investors first: distinct rounds joined in the history."""

    def fit(self, X: Dataset, y=None) -> PopularityRanker:
        self.investors_, codes, _ = _positive_pairs(X)
        self.rounds_ = np.bincount(codes, minlength=len(self.investors_)).astype(np.float64)
        return self

    def _score(self, rounds: RoundTable, investors: np.ndarray, **options) -> np.ndarray:
        idx = lookup(self.investors_, investors)
        pop = np.append(self.rounds_, 0.0)[idx]
        return np.broadcast_to(pop, (len(rounds), len(investors))).copy()


class SectorStageRanker(BaseRanker):
    """The most active investors in the round's sector and stage (ties: most active overall).

    ``earlier_first``: the company's earlier investors come first (by the same order among them).
    """

    def __init__(self, earlier_first: bool = False):
        self.earlier_first = earlier_first

    def fit(self, X: Dataset, y=None) -> SectorStageRanker:
        self.investors_, codes, rows = _positive_pairs(X)
        n = len(self.investors_)
        self.rounds_ = np.bincount(codes, minlength=n + 1).astype(np.float64)
        cells = np.char.add(np.char.add(np.asarray(X.rounds.sector, dtype=str), "|"),
                            np.asarray(X.rounds.stage, dtype=str))
        self.cells_ = np.unique(cells)
        cell = lookup(self.cells_, cells[rows])
        size = len(self.cells_) + 1
        self.cell_counts_ = np.bincount(codes * size + cell, minlength=(n + 1) * size).reshape(n + 1, size)
        self.cell_counts_[:, -1] = 0
        companies = np.asarray(X.rounds.company, dtype=str)
        self.companies_ = np.unique(companies)
        self.earlier_keys_ = distinct(lookup(self.companies_, companies[rows]) * (n + 1) + codes)
        return self

    def _score(self, rounds: RoundTable, investors: np.ndarray, **options) -> np.ndarray:
        n = len(self.investors_)
        idx = lookup(self.investors_, investors)
        cell = lookup(self.cells_, np.char.add(np.char.add(np.asarray(rounds.sector, dtype=str), "|"),
                                               np.asarray(rounds.stage, dtype=str)))
        scores = self.cell_counts_[idx][:, cell].T.astype(np.float64)
        scores += self.rounds_[idx][None, :] / (1.0 + self.rounds_.max())  # ties: the most active first
        if self.earlier_first:
            comp = lookup(self.companies_, rounds.company)
            keys = comp[:, None] * (n + 1) + idx[None, :]
            pos = np.minimum(np.searchsorted(self.earlier_keys_, keys), max(len(self.earlier_keys_) - 1, 0))
            earlier = (self.earlier_keys_[pos] == keys) if len(self.earlier_keys_) else np.zeros(keys.shape, bool)
            scores += FIRST * earlier
        return scores


class ProfileRanker(BaseRanker):
    """TF-IDF-weighted profile cosine x log popularity, the company's earlier investors first.

    The profile counts an investor's rounds per sector, stage, region and amount band (idf-weighted,
    as scikit-learn's ``TfidfVectorizer`` would); ``decayed`` weighs recent rounds more.
    """

    def __init__(self, earlier_first: bool = True, decayed: bool = False):
        self.earlier_first = earlier_first
        self.decayed = decayed

    def fit(self, X: Dataset, y=None) -> ProfileRanker:
        self.featurizer_ = PairFeaturizer().fit(X)
        self.investors_ = self.featurizer_.investors_
        return self

    def _score(self, rounds: RoundTable, investors: np.ndarray, **options) -> np.ndarray:
        f = self.featurizer_
        side = f.round_side(rounds)
        idx = f.investor_index(investors)
        out = np.empty((len(rounds), len(investors)))
        step = max(1, 200_000 // len(investors))
        for start in range(0, len(rounds), step):
            r = np.arange(start, min(start + step, len(rounds)))
            rr, ii = np.repeat(r, len(idx)), np.tile(idx, len(r))
            s = np.nan_to_num(f.profile_cosine(side, rr, ii, self.decayed)) * np.log1p(f.rounds_[ii])
            if self.earlier_first:
                s += FIRST * (f.earlier_rounds(side, rr, ii) > 0)
            out[r] = s.reshape(len(r), len(idx))
        return out
