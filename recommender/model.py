"""The learned ranker: pair features -> a log-linear model, re-ranked by gradient-boosted trees.

``LearnedRanker.fit(history)`` replays the history: for each of ``n_folds`` cut dates (``as_of``
minus 1, 2, ... years), the features are learned from what was known before the cut, and the
rounds of the following year are the questions: every candidate who joined one is a positive;
the company's earlier investors who did not, and ``negatives`` candidates drawn at random per
round (weighted back to the share of the candidates they stand for), are the negatives. Two
models learn from these pairs how much each signal is worth:

* ``LogLinear``: logistic regression over signed-log, standardized features (and the logs of the
  share features, so that profile shares multiply like probabilities). Cheap: it scores every
  pair, and picks the ``shortlist`` best investors of each round and rounds of each investor;
* ``TreeEnsemble``: scikit-learn's ``HistGradientBoostingClassifier`` over the raw features,
  which catches interactions (follow-on x stage step x recency); it re-scores the shortlist;
* ``NeuralNet``: scikit-learn's ``MLPClassifier`` over the log-linear model's standardized
  columns, smooth interactions where the trees cut steps; it re-scores the shortlist too, and the
  three log-odds are averaged (docs/recommender-log.md, "Seventh round").

Then the featurizer that serves is fitted on the whole history, by the same code. Newcomers
(an investor or a company with no history) are scored from content alone: their history
features are zero, and a declared thesis fills their profiles.
"""
from __future__ import annotations

import warnings
from concurrent.futures import ThreadPoolExecutor

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.neural_network import MLPClassifier
from threadpoolctl import threadpool_limits

from .base import BaseRanker, on_shortlist
from .features import FEATURE_NAMES, PairFeaturizer
from .records import Dataset, RoundTable, add_years, distinct, lookup

# A pair left off the shortlist ranks below every pair on it.
OFF_SHORTLIST = 1e3
# Features whose logs enter the log-linear model too (shares, cosines: probability-like).
LOG_FEATURES = tuple(n for n in FEATURE_NAMES if n.endswith(("_share", "_market")) or
                     n in ("profile_cosine", "profile_cosine_all", "sector_lift", "coinvest_weight"))


def _clean(a: np.ndarray) -> None:
    """``np.nan_to_num`` in place, in fewer passes when nothing is infinite (the common case)."""
    np.copyto(a, 0.0, where=np.isnan(a))
    if np.isinf(a).any():
        np.nan_to_num(a, copy=False)


def training_questions(X: Dataset, cut: int, end: int, min_investor_rounds: int):
    """The rounds dated in ``[cut, end)`` that at least one candidate joined.

    Returns (history before the cut, candidate ids, round rows in X, the candidates who joined each).
    """
    history = X.before(cut)
    candidates, _ = history.investor_rounds(min_investor_rounds)
    rows = np.flatnonzero((X.rounds.day >= cut) & (X.rounds.day < end))
    in_period = np.zeros(len(X.rounds), bool)
    in_period[rows] = True
    pos = X.positive() & in_period[X.round]
    code, rnd = lookup(candidates, X.investor[pos]), X.round[pos]
    keep = code < len(candidates)
    # distinct (round, candidate) pairs, by round, then by candidate id (``candidates`` is sorted)
    pairs = distinct(rnd[keep] * (len(candidates) + 1) + code[keep])
    rnd, code = pairs // (len(candidates) + 1), pairs % (len(candidates) + 1)
    questions, starts = np.unique(rnd, return_index=True)
    positives = np.split(np.asarray(candidates, dtype=str)[code], starts[1:]) if len(rnd) else []
    return history, candidates, questions, positives


class LogLinear(BaseEstimator):
    """Logistic regression over signed-log, standardized features, with missing-value indicators
    and the logs of probability-like features. Its state is plain arrays."""

    def __init__(self, C: float = 1.0, max_iter: int = 500):
        self.C = C
        self.max_iter = max_iter

    EXPAND_ROWS = 65_536  # rows expanded at a time: whole-matrix operations, bounded memory

    def _expand(self, X: np.ndarray) -> np.ndarray:
        """float32 columns: signed logs, missing flags, logs of the probability-like features."""
        X = np.asarray(X)
        out = np.empty((len(X), self._width()), dtype=np.float32)
        for start in range(0, len(X), self.EXPAND_ROWS):
            self._expand_block(X[start:start + self.EXPAND_ROWS], out[start:start + self.EXPAND_ROWS])
        return out

    def _width(self) -> int:
        return len(self.columns_) + len(self.nan_columns_) + len(self.log_columns_)

    def _expand_block(self, X: np.ndarray, block: np.ndarray) -> None:
        """``_expand`` of a block of rows, written into ``block`` (the steps work in place on a
        copy of the block's columns: this runs over every pair the log-linear model scores)."""
        k1, k2 = len(self.columns_), len(self.nan_columns_)
        x = X.take(self.columns_, axis=1)
        if x.dtype != np.float32:
            x = x.astype(np.float32)
        block[:, k1:k1 + k2] = np.isnan(x[:, self.nan_columns_])
        logs = np.maximum(x[:, self.log_columns_], 0.0)  # NaN stays NaN, then 0
        _clean(logs)
        logs += 1e-3
        block[:, k1 + k2:] = np.log(logs, out=logs)
        signed = np.abs(x)
        np.log1p(signed, out=signed)
        np.copysign(signed, x, out=signed)
        _clean(signed)
        block[:, :k1] = signed

    def _folded(self) -> tuple[np.ndarray, float]:
        """The weights and intercept over unstandardized expanded columns (kept from the first use
        on: a server scores small blocks many times a query)."""
        state = (self.coef_, self.mean_, self.scale_, self.intercept_)
        kept = getattr(self, "_folded_state", None)
        if kept is None or any(a is not b for a, b in zip(kept[0], state)):
            w = self.coef_ / self.scale_.astype(np.float64)
            self._folded_state = (state, (w, self.intercept_ - float(self.mean_.astype(np.float64) @ w)))
        return self._folded_state[1]

    def _standard(self, X: np.ndarray) -> np.ndarray:
        z = self._expand(X)
        z -= self.mean_
        z /= self.scale_
        return z

    def fit(self, X: np.ndarray, y: np.ndarray, sample_weight: np.ndarray | None = None) -> LogLinear:
        X = np.asarray(X, dtype=np.float32)
        with warnings.catch_warnings():  # all-NaN columns: NaN bounds, no variation
            warnings.simplefilter("ignore", RuntimeWarning)
            varies = np.nanmax(X, axis=0) > np.nanmin(X, axis=0)
        self.columns_ = np.flatnonzero(varies)
        missing = np.isnan(X[:, self.columns_])
        self.nan_columns_ = np.flatnonzero(missing.any(axis=0) & ~missing.all(axis=0))
        del missing
        names = np.array(FEATURE_NAMES)[self.columns_] if X.shape[1] == len(FEATURE_NAMES) else np.array([])
        self.log_columns_ = np.flatnonzero(np.isin(names, LOG_FEATURES)) if len(names) else np.zeros(0, np.int64)
        Z = self._expand(X)
        self.mean_ = np.array([Z[:, k].mean(dtype=np.float64) for k in range(Z.shape[1])], dtype=np.float32)
        self.scale_ = np.array([Z[:, k].std(dtype=np.float64) + 1e-9 for k in range(Z.shape[1])], dtype=np.float32)
        Z -= self.mean_
        Z /= self.scale_
        model = LogisticRegression(C=self.C, max_iter=self.max_iter)
        model.fit(Z, y, sample_weight=sample_weight)
        self.coef_ = model.coef_[0].astype(np.float64)
        self.intercept_ = float(model.intercept_[0])
        return self

    def decision_function(self, X: np.ndarray) -> np.ndarray:
        """The log-odds: the standardization folded into the weights, a block of rows at a time."""
        X = np.asarray(X)
        w, b = self._folded()
        out = np.empty(len(X))
        block = np.empty((min(len(X), self.EXPAND_ROWS), self._width()), dtype=np.float32)
        for start in range(0, len(X), self.EXPAND_ROWS):
            rows = X[start:start + self.EXPAND_ROWS]
            self._expand_block(rows, block[:len(rows)])
            out[start:start + len(rows)] = block[:len(rows)] @ w + b
        return out


class TreeEnsemble:
    """A fitted ``HistGradientBoostingClassifier``'s trees as plain arrays, and their prediction.

    Predicts with scikit-learn's compiled tree walker when it is there, else with numpy.
    """

    FIELDS = ("value", "feature_idx", "num_threshold", "missing_go_to_left", "left", "right", "is_leaf")

    def __init__(self, nodes: dict[str, np.ndarray], offsets: np.ndarray, baseline: float, columns: np.ndarray):
        self.nodes = nodes
        self.offsets = offsets
        self.baseline = float(baseline)
        self.columns = columns
        self._predictors = None

    @classmethod
    def from_estimator(cls, estimator: HistGradientBoostingClassifier, columns: np.ndarray) -> TreeEnsemble:
        trees = [p[0].nodes for p in estimator._predictors]
        offsets = np.cumsum([0] + [len(t) for t in trees])
        nodes = {f: np.concatenate([t[f] for t in trees]) for f in cls.FIELDS}
        return cls(nodes, offsets, float(np.ravel(estimator._baseline_prediction)[0]), np.asarray(columns))

    def _compiled(self):
        if self._predictors is None:
            try:
                from sklearn.ensemble._hist_gradient_boosting.common import PREDICTOR_RECORD_DTYPE
                from sklearn.ensemble._hist_gradient_boosting.predictor import TreePredictor
            except ImportError:  # pragma: no cover - a future scikit-learn
                self._predictors = []
                return self._predictors
            out = []
            empty = np.zeros((0, 8), dtype=np.uint32)
            for a, b in zip(self.offsets[:-1], self.offsets[1:]):
                nodes = np.zeros(b - a, dtype=PREDICTOR_RECORD_DTYPE)
                for f in self.FIELDS:
                    nodes[f] = self.nodes[f][a:b]
                out.append(TreePredictor(nodes, empty, empty))
            self._predictors = out
        return self._predictors

    # Rows walked down every tree in turn: a block that stays in the CPU's cache (walking all the
    # rows down one tree, then the next, reads the whole matrix from memory once a tree).
    CACHED_ROWS = 2048

    def decision_function(self, X: np.ndarray, n_threads: int = 1) -> np.ndarray:
        X = np.asarray(X)
        out = np.full(len(X), self.baseline)
        predictors = self._compiled()
        if not predictors:  # pragma: no cover
            return out + self._numpy_predict(np.asarray(X[:, self.columns], dtype=np.float64))
        known = np.zeros((0, 8), dtype=np.uint32)
        f_idx = np.zeros(len(self.columns), dtype=np.uint32)
        for start in range(0, len(X), self.CACHED_ROWS):
            block = np.ascontiguousarray(X[start:start + self.CACHED_ROWS][:, self.columns], dtype=np.float64)
            total = out[start:start + self.CACHED_ROWS]
            for p in predictors:
                total += p.predict(block, known, f_idx, n_threads)
        return out

    def _numpy_predict(self, X: np.ndarray) -> np.ndarray:
        nd = self.nodes
        total = np.zeros(len(X))
        rows = np.arange(len(X))
        for a in self.offsets[:-1]:
            node = np.full(len(X), a, dtype=np.int64)
            while True:
                leaf = nd["is_leaf"][node].astype(bool)
                if leaf.all():
                    break
                x = X[rows, nd["feature_idx"][node]]
                left = np.where(np.isnan(x), nd["missing_go_to_left"][node] == 1, x <= nd["num_threshold"][node])
                nxt = a + np.where(left, nd["left"][node], nd["right"][node]).astype(np.int64)
                node = np.where(leaf, node, nxt)
            total += nd["value"][node]
        return total


class NeuralNet:
    """A fitted ``MLPClassifier``'s weights as plain arrays, and its log-odds (ReLU layers)."""

    def __init__(self, coefs: list[np.ndarray], intercepts: list[np.ndarray]):
        self.coefs = [np.asarray(c, dtype=np.float32) for c in coefs]
        self.intercepts = [np.asarray(b, dtype=np.float32) for b in intercepts]

    @classmethod
    def from_estimator(cls, estimator: MLPClassifier) -> NeuralNet:
        if estimator.activation != "relu" or estimator.out_activation_ != "logistic":
            raise ValueError("only a binary MLPClassifier with ReLU layers is supported")
        return cls(estimator.coefs_, estimator.intercepts_)

    def decision_function(self, Z: np.ndarray) -> np.ndarray:
        """Log-odds of rows already standardized by the log-linear model (``LogLinear._standard``)."""
        h = np.asarray(Z, dtype=np.float32)
        for W, b in zip(self.coefs[:-1], self.intercepts[:-1]):
            h = np.maximum(h @ W + b, 0.0)
        return (h @ self.coefs[-1] + self.intercepts[-1])[:, 0].astype(np.float64)


class LearnedRanker(BaseRanker):
    """Pair features -> ``LogLinear`` shortlist -> ``TreeEnsemble`` re-ranking (see the module).

    Parameters
    ----------
    n_folds, horizon_years : how many past periods to replay, and how many years each lasts.
    min_investor_rounds : who is a candidate in a replayed period (rounds before its cut).
    negatives : random non-joiners sampled per round (on top of the company's earlier investors).
    max_questions : the most rounds a replayed period asks about (a random sample beyond that).
    C : the log-linear model's inverse regularization.
    trees : boosting iterations (0: the log-linear model alone); learning_rate, max_leaf_nodes,
        min_samples_leaf, l2_regularization, max_bins are the trees'; tree_rows caps the pairs they
        learn from (the random negatives are thinned, and weighted up, beyond it).
    tree_weight : the trees' share in the averaged log-odds of a shortlisted pair.
    net_hidden, net_epochs, net_alpha : the neural net's layer sizes (empty: no net), passes over
        the pairs and L2 penalty.
    net_weight : the net's share in the averaged log-odds of a shortlisted pair (the log-linear
        model and the trees share the rest as ``tree_weight`` says).
    shortlist : how many investors per round and rounds per investor the trees re-score.
    half_life_days, thesis_weight : the featurizer's.
    n_threads : threads for the trees (OpenMP), the net (BLAS) and for scoring blocks of pairs side by side
        (1 is steady on a busy machine).
    random_state : seeds the negative sampling.
    """

    def __init__(self, n_folds: int = 4, horizon_years: int = 1, min_investor_rounds: int = 5,
                 negatives: int = 60, max_questions: int = 3000, C: float = 1.0, trees: int = 100,
                 learning_rate: float = 0.1, max_leaf_nodes: int = 15, min_samples_leaf: int = 100,
                 l2_regularization: float = 1.0, max_bins: int = 255, tree_rows: int = 400_000,
                 tree_weight: float = 0.5, net_hidden: tuple[int, ...] = (128, 64), net_epochs: int = 3,
                 net_alpha: float = 1e-3, net_weight: float = 0.33, shortlist: int = 200,
                 half_life_days: float = 365.0,
                 thesis_weight: float = 2.0, n_threads: int = 1, random_state: int | None = 0,
                 verbose: bool = False):
        self.n_folds = n_folds
        self.horizon_years = horizon_years
        self.min_investor_rounds = min_investor_rounds
        self.negatives = negatives
        self.max_questions = max_questions
        self.C = C
        self.trees = trees
        self.learning_rate = learning_rate
        self.max_leaf_nodes = max_leaf_nodes
        self.min_samples_leaf = min_samples_leaf
        self.l2_regularization = l2_regularization
        self.max_bins = max_bins
        self.tree_rows = tree_rows
        self.tree_weight = tree_weight
        self.net_hidden = net_hidden
        self.net_epochs = net_epochs
        self.net_alpha = net_alpha
        self.net_weight = net_weight
        self.shortlist = shortlist
        self.half_life_days = half_life_days
        self.thesis_weight = thesis_weight
        self.n_threads = n_threads
        self.random_state = random_state
        self.verbose = verbose

    def _featurizer(self) -> PairFeaturizer:
        return PairFeaturizer(half_life_days=self.half_life_days, thesis_weight=self.thesis_weight)

    def refit_features(self, X: Dataset) -> LearnedRanker:
        """Keep the learned weights, describe pairs from ``X``: what serving does between trainings,
        when theses, listings and interactions have changed."""
        self.featurizer_ = self._featurizer().fit(X)
        self.investors_ = self.featurizer_.investors_
        return self

    def training_set(self, X: Dataset):
        """(features, labels, sample weights, fold numbers, (round, investor) rows) replayed from ``X``."""
        rng = np.random.default_rng(self.random_state)
        parts = []
        for fold in range(1, self.n_folds + 1):
            cut = add_years(X.as_of, -fold * self.horizon_years)
            end = add_years(cut, self.horizon_years)
            history, candidates, questions, positives = training_questions(X, cut, end, self.min_investor_rounds)
            if len(questions) == 0 or len(candidates) < 2:
                continue
            if len(questions) > self.max_questions:
                pick = np.sort(rng.choice(len(questions), self.max_questions, replace=False))
                questions, positives = questions[pick], [positives[k] for k in pick]
            feat = self._featurizer().fit(history)
            cand_idx = feat.investor_index(candidates)
            n_c = len(candidates)
            earlier = _earlier_candidates(feat, X.rounds.company[questions], cand_idx)
            k = min(self.negatives, n_c)
            pair_r, pair_i, labels, weights = [], [], [], []
            taken = np.zeros(len(feat.investors_) + 1, dtype=bool)  # this round's positives and hard negatives
            for q, (pos_ids, early) in enumerate(zip(positives, earlier)):
                pos_idx = feat.investor_index(pos_ids)
                taken[pos_idx] = True
                hard = distinct(early[~taken[early]])
                taken[hard] = True
                sample = cand_idx[rng.choice(n_c, size=k, replace=False)]
                rand = distinct(sample[~taken[sample]])
                taken[pos_idx] = taken[hard] = False
                # the random negatives stand for every candidate that is neither positive nor hard
                w_rand = (n_c - len(pos_idx) - len(hard)) / max(len(rand), 1)
                idx = np.concatenate([pos_idx, hard, rand])
                pair_r.append(np.full(len(idx), q))
                pair_i.append(idx)
                labels.append(np.r_[np.ones(len(pos_idx)), np.zeros(len(hard) + len(rand))])
                weights.append(np.r_[np.ones(len(pos_idx) + len(hard)), np.full(len(rand), w_rand)])
            r, i = np.concatenate(pair_r), np.concatenate(pair_i)
            x = feat.transform(X.rounds.take(questions), r, i)
            parts.append((x, np.concatenate(labels), np.concatenate(weights), np.full(len(r), fold),
                          np.stack([questions[r], i], axis=1)))
            if self.verbose:
                print(f"fold {fold}: {len(questions)} rounds, {n_c} candidates, {len(r)} pairs", flush=True)
        if not parts:
            raise ValueError("the history is too short to replay: no period has both questions and candidates")
        return tuple(np.concatenate(p) for p in zip(*parts))

    def fit(self, X: Dataset, y=None) -> LearnedRanker:
        features, labels, weights, folds, _ = self.training_set(X)
        if labels.min() == labels.max():
            raise ValueError("the replayed history has only one class of pairs")
        weights = weights / weights.mean()
        self.linear_ = LogLinear(C=self.C).fit(features, labels, sample_weight=weights)
        self.net_ = self._fit_net(features, labels, weights)
        trees_input = self._tree_input(features, labels, weights) if self.trees > 0 else None
        del features  # the trees learn from their own copy of the columns: the whole matrix goes first
        self.trees_ = None if trees_input is None else self._fit_trees(*trees_input)
        self.featurizer_ = self._featurizer().fit(X)
        self.investors_ = self.featurizer_.investors_
        self.feature_names_ = np.array(FEATURE_NAMES)
        self.training_info_ = {"pairs": int(len(labels)), "positives": int(labels.sum()),
                               "folds": sorted(int(f) for f in np.unique(folds)), **X.summary()}
        return self

    def _tree_input(self, features, labels, weights) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The trees' rows (``_tree_sample``) of the log-linear model's columns, their labels and weights."""
        rows, tree_weights = self._tree_sample(features, labels, weights)
        return features[np.ix_(rows, self.linear_.columns_)], labels[rows], tree_weights

    def _fit_trees(self, x, labels, weights) -> TreeEnsemble:
        estimator = HistGradientBoostingClassifier(
            max_iter=self.trees, learning_rate=self.learning_rate, max_leaf_nodes=self.max_leaf_nodes,
            min_samples_leaf=self.min_samples_leaf, l2_regularization=self.l2_regularization,
            max_bins=self.max_bins, early_stopping=False, random_state=0)
        with threadpool_limits(self.n_threads, user_api="openmp"):
            estimator.fit(x, labels, sample_weight=weights)
        return TreeEnsemble.from_estimator(estimator, self.linear_.columns_)

    def _fit_net(self, features, labels, weights) -> NeuralNet | None:
        if not self.net_hidden or self.net_weight == 0:
            return None
        # batches of 1,024 pairs, or one batch of them all on a small marketplace (as scikit-learn
        # would clip it, without its warning)
        net = MLPClassifier(hidden_layer_sizes=tuple(self.net_hidden), alpha=self.net_alpha,
                            batch_size=min(1024, len(labels)), max_iter=self.net_epochs,
                            random_state=self.random_state)
        with warnings.catch_warnings():  # a fixed number of passes, by design
            warnings.simplefilter("ignore", ConvergenceWarning)
            with threadpool_limits(self.n_threads, user_api="blas"):
                net.fit(self.linear_._standard(features), labels, sample_weight=weights)
        return NeuralNet.from_estimator(net)

    def _tree_sample(self, features, labels, weights):
        """Rows for the trees: all positives and hard negatives, random negatives thinned to fit
        ``tree_rows`` (their weights raised by as much)."""
        if len(labels) <= self.tree_rows:
            return np.arange(len(labels)), weights
        random_negative = (labels == 0) & ~(features[:, FEATURE_NAMES.index("earlier_rounds")] > 0)
        others = np.flatnonzero(~random_negative)
        pool = np.flatnonzero(random_negative)
        room = max(self.tree_rows - len(others), 1)
        if room >= len(pool):
            return np.arange(len(labels)), weights
        rng = np.random.default_rng(None if self.random_state is None else self.random_state + 1)
        picked = np.sort(rng.choice(pool, room, replace=False))
        rows = np.sort(np.concatenate([others, picked]))
        w = weights[rows].copy()
        w[random_negative[rows]] *= len(pool) / room
        return rows, w / w.mean()

    # ---------------------------------------------------------------- scoring
    def models_for(self, direction: str = "investors") -> tuple[LogLinear, TreeEnsemble | None]:
        """The (log-linear, trees) pair that ranks ``direction``: "investors" for a round's
        investors, "rounds" for an investor's rounds. Both directions share one pair today."""
        if direction not in ("investors", "rounds"):
            raise ValueError(f"direction must be 'investors' or 'rounds', not {direction!r}")
        return self.linear_, self.trees_

    @property
    def reranks(self) -> bool:
        """Whether the trees or the net re-score a shortlist (else the log-linear score is final)."""
        return ((self.trees_ is not None and self.tree_weight > 0) or
                (self.net_ is not None and self.net_weight > 0))

    def decision(self, features: np.ndarray, linear: np.ndarray | None = None,
                 direction: str = "investors", n_threads: int | None = None) -> np.ndarray:
        """The blended log-odds of feature rows: the net's share ``net_weight``, the rest split
        between the log-linear model and the trees (``tree_weight``); ``linear`` is the log-linear
        part when already computed; ``n_threads`` the trees' (default: ``self.n_threads``)."""
        model, trees = self.models_for(direction)
        linear = model.decision_function(features) if linear is None else linear
        out = linear
        if trees is not None and self.tree_weight > 0:
            tree_threads = self.n_threads if n_threads is None else n_threads
            out = (1 - self.tree_weight) * linear + self.tree_weight * trees.decision_function(features, tree_threads)
        if self.net_ is not None and self.net_weight > 0:
            out = (1 - self.net_weight) * out + self.net_weight * self.net_.decision_function(model._standard(features))
        return out

    def pair_scores(self, rounds: RoundTable, round_index, investor_index) -> np.ndarray:
        """Blended scores of explicit pairs (no shortlist)."""
        return self.decision(self.featurizer_.transform(rounds, round_index, investor_index))

    def _score(self, rounds: RoundTable, investors: np.ndarray, shortlist: str = "both") -> np.ndarray:
        """The trees re-score each round's (``shortlist`` "rows"), each investor's ("columns") or both
        shortlists; the other pairs keep the log-linear score, below every shortlisted pair."""
        if shortlist not in ("both", "rows", "columns"):
            raise ValueError(f"shortlist must be 'both', 'rows' or 'columns', not {shortlist!r}")
        idx = self.featurizer_.investor_index(investors)
        R, C = len(rounds), len(idx)
        linear = np.empty((R, C))
        step = max(1, 250_000 // C)

        def score_linear(start: int) -> None:
            r = np.arange(start, min(start + step, R))
            x = self.featurizer_.transform(rounds, np.repeat(r, C), np.tile(idx, len(r)))
            linear[r] = self.linear_.decision_function(x).reshape(len(r), C)

        self._in_parallel(score_linear, range(0, R, step))
        if not self.reranks:
            return linear
        keep = np.zeros((R, C), dtype=bool)
        if shortlist in ("both", "rows"):
            keep |= on_shortlist(linear, self.shortlist, axis=1)
        if shortlist in ("both", "columns"):
            keep |= on_shortlist(linear, self.shortlist, axis=0)
        rr, cc = np.nonzero(keep)
        out = linear - OFF_SHORTLIST
        step = 250_000

        def rescore(start: int) -> None:
            a, b = rr[start:start + step], cc[start:start + step]
            x = self.featurizer_.transform(rounds, a, idx[b])
            out[a, b] = self.decision(x, linear[a, b], n_threads=1 if self.n_threads > 1 else None)

        self._in_parallel(rescore, range(0, len(rr), step))
        return out

    def _in_parallel(self, work, starts) -> None:
        """``work(start)`` for each block start, on ``n_threads`` threads: the blocks write apart and
        numpy releases the GIL, so they run side by side (each on one BLAS thread)."""
        starts = list(starts)
        if self.n_threads <= 1 or len(starts) < 2:
            for start in starts:
                work(start)
            return
        with threadpool_limits(1, user_api="blas"), ThreadPoolExecutor(self.n_threads) as pool:
            for done in [pool.submit(work, start) for start in starts]:
                done.result()


def _earlier_candidates(feat: PairFeaturizer, companies: np.ndarray, cand_idx: np.ndarray) -> list[np.ndarray]:
    """For each company, the fitted rows of its earlier investors that are candidates."""
    N = len(feat.investors_) + 1
    comp = lookup(feat.companies_, companies)
    starts = np.searchsorted(feat.earlier_keys_, comp * N)
    ends = np.searchsorted(feat.earlier_keys_, (comp + 1) * N)
    is_cand = np.zeros(N, dtype=bool)
    is_cand[cand_idx] = True
    out = []
    for c, s, e in zip(comp, starts, ends):
        inv = feat.earlier_keys_[s:e] % N if c < len(feat.companies_) else np.zeros(0, np.int64)
        out.append(inv[is_cand[inv]])
    return out
