"""Where the learned ranker's remaining misses on the Crunchbase benchmark come from: two runs
outside the protocol, beside the protocol's own.

    .venv/bin/python benchmarks/recommender_bounds.py ../shared/data/crunchbase-2013 \
        [--train-until 2012-01-01 2011-01-01] [--oracle-weight 0.3]

For each split the ranker is fitted once, on the history before the split, and its weights are
kept for every row:

* "protocol": every test round described by the history before the split (the benchmark);
* "features refreshed each quarter": each test round described by the history before its
  quarter's first day, as the marketplace serves (it refits the features whenever the history
  changes). The protocol forbids this: the rows dated after the split are information it withholds;
* "+ the test year's cell rates": the protocol's scores plus ``--oracle-weight`` x the log of each
  candidate's join rate over the test year's other rounds of the same region (leave one out):
  what knowing the investors' current preferences over content would add to the ranking;
* "the test year's cell rates alone": those rates as the whole ranking.

Below the table, for each split: how much of the refreshed features' R@10 gain comes from the test
rounds whose company raised a funded round between the split and the round's quarter.

docs/recommender-log.md ("Tenth round") reads the figures.
"""
from __future__ import annotations

import argparse
import copy
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from recommender.base import top_k  # noqa: E402
from recommender.datasets import load_crunchbase  # noqa: E402
from recommender.evaluate import Split, evaluate_scores, make_split, ranking_metrics  # noqa: E402
from recommender.model import LearnedRanker  # noqa: E402
from recommender.records import Dataset, from_day, to_day  # noqa: E402

COLUMNS = ("R@10", "NDCG@10", "new R@10", "investor R@10", "investor NDCG@10")


def recall_at_10(split: Split, scores: np.ndarray) -> np.ndarray:
    return ranking_metrics(top_k(scores, 10), split.relevant)["recall@10"]


def figures(split: Split, scores: np.ndarray) -> list[float]:
    f, *_ = evaluate_scores(split, scores)
    rounds, investors = f["round_to_investors"], f["investor_to_rounds"]
    return [rounds["recall@10"], rounds["ndcg@10"], rounds["new_companies"]["recall@10"],
            investors["recall@10"], investors["ndcg@10"]]


def quarter_starts(split: Split) -> np.ndarray:
    """The first day of each test round's quarter (quarters counted from the split)."""
    start = from_day(split.train_until)
    edges = np.array([to_day(f"{start.year + (start.month - 1 + m) // 12}-{(start.month - 1 + m) % 12 + 1:02d}-01")
                      for m in range(0, 15, 3)])
    return edges[np.searchsorted(edges, split.rounds.day, side="right") - 1]


def raised_since_split(data: Dataset, split: Split) -> np.ndarray:
    """Per test round: did its company raise a funded round between the split and the round's quarter?"""
    funded = data.round[data.positive()]
    day, company = data.rounds.day[funded], np.asarray(data.rounds.company[funded], dtype=str)
    first = {}
    for c, d in zip(company[day >= split.train_until], day[day >= split.train_until]):
        first[c] = min(d, first.get(c, d))
    return np.array([first.get(c, np.inf) < q for c, q in zip(np.asarray(split.rounds.company, dtype=str),
                                                               quarter_starts(split))])


def quarterly_scores(ranker: LearnedRanker, data: Dataset, split: Split) -> np.ndarray:
    """Each test round scored on the history before its quarter's first day (the same weights)."""
    scores = np.zeros(split.relevant.shape)
    day = split.rounds.day
    edges = sorted(set(quarter_starts(split).tolist())) + [split.test_until]
    for a, b in zip(edges[:-1], edges[1:]):
        rows = np.flatnonzero((day >= a) & (day < b))
        if len(rows):
            refreshed = copy.deepcopy(ranker).refit_features(data.before(a))
            scores[rows] = refreshed.score(split.rounds.take(rows), split.candidates)
    return scores


def cell_rates(split: Split) -> np.ndarray:
    """Each candidate's join rate over the test year's other rounds of the round's region (smoothed
    towards its rate over all test rounds)."""
    relevant = split.relevant.astype(np.float64)
    overall = relevant.sum(axis=0) / len(relevant)
    rates = np.zeros_like(relevant)
    regions = np.asarray(split.rounds.region, dtype=str)
    for region in np.unique(regions):
        rows = np.flatnonzero(regions == region)
        others = relevant[rows].sum(axis=0) - relevant[rows]
        rates[rows] = (others + 5 * overall) / (len(rows) - 1 + 5)
    return rates


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("directory")
    parser.add_argument("--train-until", nargs="+", default=["2012-01-01", "2011-01-01"])
    parser.add_argument("--oracle-weight", type=float, default=0.3)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args(argv)

    started = time.perf_counter()
    data = load_crunchbase(args.directory)
    notes = []
    print("| split | run | " + " | ".join(COLUMNS) + " |")
    print("| --- | --- |" + " --- |" * len(COLUMNS))
    for until in args.train_until:
        split = make_split(data, until)
        ranker = LearnedRanker(n_threads=args.threads).fit(split.history)
        protocol = ranker.score(split.rounds, split.candidates)
        rates = cell_rates(split)
        runs = {
            "protocol": protocol,
            "features refreshed each quarter": quarterly_scores(ranker, data, split),
            "+ the test year's cell rates": protocol + args.oracle_weight * np.log(rates + 1e-4),
            "the test year's cell rates alone": rates,
        }
        for name, scores in runs.items():
            print(f"| {until} | {name} | " + " | ".join(f"{v:.3f}" for v in figures(split, scores)) + " |", flush=True)
        raised = raised_since_split(data, split)
        before, after = recall_at_10(split, protocol), recall_at_10(split, runs["features refreshed each quarter"])
        notes.append(f"{until}: refreshed R@10 gain {np.mean(after - before):+.4f}, of which "
                     f"{np.sum((after - before)[raised]) / len(raised):+.4f} from the {raised.sum()} of {len(raised)} "
                     f"rounds whose company raised since the split (their R@10 {before[raised].mean():.3f} -> "
                     f"{after[raised].mean():.3f}; the others' {before[~raised].mean():.3f} -> "
                     f"{after[~raised].mean():.3f})")
    print("\n".join(notes))
    print(f"{time.perf_counter() - started:.0f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
